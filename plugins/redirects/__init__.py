"""Old addresses of the site lead to their new ones.

The list lives in content (``REDIRECTS_FILE``, by default
content/weiterleitungen.csv: a line ``alt,neu`` per address, written by
``invoke import-case`` and readable and editable by the author). Each
build turns it into what a reader's browser and the host need: a static
page at each old address (meta refresh and canonical link, no script),
an ``.htaccess`` with ``Redirect 301`` lines for Apache and a snippet
for nginx (``REDIRECTS_NGINX``) to include in the site's server block.
"""

import needs

from .plugin import register as register_signals


def register():
    needs.check_at_start()
    register_signals()
