"""All published tips as one PDF booklet, /tipps/alle-tipps.pdf.

- layout.py: typesets the booklet (ReportLab, German hyphenation)
- plugin.py: writes it with every build, from the cache when the tips
  did not change

Needs the ``tips`` plugin (NEEDS, checked at start-up: plugins/needs).
"""

import needs

from .plugin import register as register_signals

NEEDS = ("tips",)  # the tips it typesets


def register():
    needs.check_at_start()
    register_signals()
