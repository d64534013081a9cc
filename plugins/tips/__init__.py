"""Every tip box of every case, in one searchable index.

- finding.py: finds the tip sections in a case's HTML and boxes them
- records.py: one record per tip
- generator.py: writes /tipps/, /tipps/index.json, the tips feed

Needs the ``cases`` plugin (case numbers), listed before it in PLUGINS.
"""

from .plugin import register

__all__ = ["register"]
