"""Every tip box of every case, in one searchable index.

- finding.py: finds the tip sections in a case's HTML and boxes them
- records.py: one record per tip
- generator.py: writes /tipps/, /tipps/index.json, the tips feed

Needs the ``cases`` plugin (NEEDS, checked at start-up: plugins/needs).
"""

import needs

from .plugin import register as register_signals

NEEDS = ("cases",)  # the case numbers


def register():
    needs.check_at_start()
    register_signals()
