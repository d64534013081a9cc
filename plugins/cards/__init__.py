"""Share cards: one image per case for Open Graph and Twitter, drawn with
Pillow in the theme's colours and typeface ("Der N. Fall", the title, the
site's name). Cached by what they show, so a warm build draws nothing.

- theme.py: the theme's colours and typeface, read once per build from
  its CSS (also for the booklet)
- drawing.py: lays out and draws one card
- plugin.py: a card for every case, cached, copied into the output

Needs the ``cases`` plugin (NEEDS, checked at start-up: plugins/needs).
"""

import needs

from .plugin import register as register_signals

NEEDS = ("cases",)  # the case numbers


def register():
    needs.check_at_start()
    register_signals()
