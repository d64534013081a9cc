"""All published tips as one PDF booklet, /tipps/alle-tipps.pdf.

- layout.py: typesets the booklet (ReportLab, German hyphenation)
- plugin.py: writes it with every build, from the cache when the tips
  did not change

Needs the ``tips`` plugin, listed before it in PLUGINS.
"""

from .plugin import register

__all__ = ["register"]
