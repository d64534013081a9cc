"""The site's search, with Pagefind, in German.

- plugin.py: the SEARCH_* settings
- generator.py: /suche/ and the index of what the cases and the tips
  plugin provide (cases, and the tips' records when the tips plugin runs;
  without it, the cases alone)
- index.py: the records
- bundles.py: the Pagefind bundles, one per shard of case numbers,
  written while the pages are written; only changed files are written
- service.py: a client of Pagefind's service that sends a bundle's
  records at once (Pagefind's Python wrapper waits 0.1 s per record) and
  takes the bundle back as files in memory
- kept.py: the records of unchanged cases, kept from the build before
- compounds.py: parts of German compounds, so "Notiz" finds
  "Abwesenheitsnotiz"

What counts as a result, and what an excerpt may show: docs/suche.md
(the rule runs in the browser, theme/static/js/search-core.js).
"""

import needs

from .plugin import register as register_signals

NEEDS = ("cases",)  # the case numbers and leads; the tips are indexed when that plugin runs


def register():
    needs.check_at_start()
    register_signals()
