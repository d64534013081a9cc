"""The column's case model for Pelican.

Every article is a case with a unique number (``Fall: 33``). The plugin
checks the number, makes it the case's identity (URL, order, prev/next)
and drops a case whose number is already taken, so that one mistake
cannot break the rest of the site.
"""

import needs

from .plugin import register as register_signals


def register():
    needs.check_at_start()
    register_signals()
