"""What drawing the share cards leaves in the build's memory (plugins/cards)."""

from pathlib import Path

from buildcache import stored
from cards import drawing, theme
from cards.plugin import _draw_and_keep
from sitebuild import ROOT

FONTS = drawing.Fonts(
    regular=str(ROOT / "theme/fonts/Vollkorn-Regular.ttf"), bold=str(ROOT / "theme/fonts/Vollkorn-Bold.ttf")
)
COLOURS = drawing.Colours.from_palette(
    theme.palette_of((ROOT / "theme/static/css/site.css").read_text(encoding="utf-8"), "site.css")[0]
)
SITE_NAME = "Der »eingebaute« Kunde"


def test_a_card_worker_keeps_its_cards_in_the_cache_and_sends_none_back(tmp_path):
    """At 10,000 cases the cards' bytes (some 270 MB) waited in the build's
    memory for the pages to be written: a worker keeps them itself."""
    cases = [(7, "Die Warteschleife"), (8, "Der »eingebaute« Kunde und der Rückruf")]
    paths = [str(tmp_path / "karten" / f"{number}.png") for number, _ in cases]
    assert _draw_and_keep(paths, cases, SITE_NAME, FONTS, COLOURS) is None
    assert [Path(path).read_bytes() for path in paths] == drawing.draw_many(cases, SITE_NAME, FONTS, COLOURS)
    assert all(stored.reusable(path, True) for path in paths)
