"""German typography and dates for Pelican.

typogrify's smartypants produces English quotes (“…”); this plugin turns
them into German ones („…“, ‚…‘) after typogrify has run, and formats
dates with Babel so that "14. Mai 2024" does not depend on an installed
OS locale.
"""

import needs

from .plugin import register as register_signals


def register():
    needs.check_at_start()
    register_signals()
