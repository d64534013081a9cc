"""The column's case model for Pelican.

Every article is a case with a unique number (``Fall: 33``). The plugin
checks the number, makes it the case's identity (URL, order, prev/next)
and drops a case whose number is already taken, so that one mistake
cannot break the rest of the site.
"""

from .plugin import register

__all__ = ["register"]
