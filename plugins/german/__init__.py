"""German typography and dates for Pelican.

typogrify's smartypants produces English quotes (“…”); this plugin turns
them into German ones („…“, ‚…‘) after typogrify has run, and formats
dates with Babel so that "14. Mai 2024" does not depend on an installed
OS locale.
"""

from .plugin import register

__all__ = ["register"]
