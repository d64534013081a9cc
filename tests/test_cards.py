"""Share cards: every published case page names its own card (Open Graph
and Twitter), drawn in the theme's type, cached between builds."""

import hashlib
import io
import re
from dataclasses import astuple
from urllib.parse import urlsplit

import pytest
from PIL import Image, ImageChops, ImageColor, ImageDraw, ImageFont

from cards import drawing, theme
from sitebuild import ROOT, build, copy_project, demo_cases, one_line, published_cases, soup

SITEURL = "https://www.der-eingebaute-kunde.de"
FONTS = drawing.Fonts(
    regular=str(ROOT / "theme/fonts/Vollkorn-Regular.ttf"), bold=str(ROOT / "theme/fonts/Vollkorn-Bold.ttf")
)
PALETTE, _ = theme.palette_of((ROOT / "theme/static/css/site.css").read_text(encoding="utf-8"), "site.css")
COLOURS = drawing.Colours.from_palette(PALETTE)
SITE_NAME = "Der »eingebaute« Kunde"
LONG_TITLE = (
    "Der »eingebaute« Kunde und die Verwaltung, die auf drei Mahnungen "
    "zur Heizung mit einer Nebenkostenabrechnung antwortete"
)
SHORT_TITLE = "Die Warteschleife"


def card_of(site, number):
    page = soup(site / "fall" / str(number) / "index.html")
    meta = {m.get("property") or m.get("name"): m.get("content") for m in page.find_all("meta")}
    return meta, site / urlsplit(meta["og:image"]).path.lstrip("/")


def test_every_case_page_names_a_card_of_its_own(published_site):
    digests = {}
    for case in published_cases():
        meta, path = card_of(published_site, case.number)
        assert meta["og:image"].startswith(f"{SITEURL}/") and path.is_file(), meta["og:image"]
        assert path.stat().st_size <= 150 * 1024
        with Image.open(path) as card:
            assert card.format in ("PNG", "JPEG")
            assert card.size == (1200, 630)
            digests[case.number] = hashlib.sha256(card.convert("RGB").tobytes()).hexdigest()
        assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
        assert meta["og:image:alt"].startswith(f"Der {case.number}. Fall: ")
        assert meta["twitter:card"] == "summary_large_image"
    assert len(set(digests.values())) == len(digests), "two cases share a card"


def test_no_card_of_a_draft_is_published(published_site):
    drafts = [c.number for c in demo_cases() if c.is_draft]
    assert drafts
    cards = [p.name for p in (published_site / "karten").iterdir()]
    assert len(cards) == len(published_cases())
    assert not any(name.startswith(f"fall-{number}-") for name in cards for number in drafts)


def inside(box, area):
    left, top, right, bottom = box
    return left >= area[0] and top >= area[1] and right <= area[2] and bottom <= area[3]


@pytest.mark.parametrize("title", [SHORT_TITLE, LONG_TITLE], ids=["two-words", "120-characters"])
def test_a_title_fits_the_card(title):
    assert len(title.split()) == 2 or len(title) == 120
    layout = drawing.layout(title, FONTS)
    assert all(inside(line.box, layout.box) for line in layout.lines)
    tops = [line.box[1] for line in layout.lines]
    bottoms = [line.box[3] for line in layout.lines]
    assert all(bottom <= top for bottom, top in zip(bottoms, tops[1:])), "lines overlap"
    # Nothing left out, no word broken: the whole title on the card.
    assert " ".join(line.text for line in layout.lines) == title
    # What is drawn keeps to the margins: no ink right of the title area.
    card = Image.open(io.BytesIO(drawing.draw(12, title, SITE_NAME, FONTS, COLOURS))).convert("RGB")
    margin = card.crop((layout.box[2], 0, drawing.WIDTH, drawing.HEIGHT))
    blank = Image.new("RGB", margin.size, COLOURS.background)
    assert ImageChops.difference(margin, blank).getbbox() is None


def test_a_word_too_long_for_a_line_is_hyphenated():
    title = "Der Kundenzufriedenheitsbefragungsergebnisauswertungsbesprechungstermin"
    layout = drawing.layout(title, FONTS)
    assert all(inside(line.box, layout.box) for line in layout.lines)
    broken = [line.text for line in layout.lines if line.text.endswith("-")]
    assert broken
    assert "".join(line.text.removesuffix("-") for line in layout.lines).replace(" ", "") == title.replace(" ", "")


def test_a_title_too_long_for_any_size_ends_with_an_ellipsis():
    layout = drawing.layout(" ".join([LONG_TITLE] * 3), FONTS)
    assert all(inside(line.box, layout.box) for line in layout.lines)
    assert layout.lines[-1].text.endswith("…")


def test_cards_are_drawn_once_and_again_only_when_the_title_changes(tmp_path):
    project = copy_project(tmp_path / "project")
    cache = tmp_path / "cache"
    quick = {"CACHE_PATH": str(cache), "SEARCH_INDEX": False}

    def build_and_list(output):
        result = build(output, project=project, overrides=quick)
        assert result.returncode == 0, result.stdout + result.stderr
        return {p.name: p.stat().st_mtime_ns for p in (cache / "cards").glob("*.png")}

    first = build_and_list(tmp_path / "one")
    assert len(first) == len(list((project / "content/faelle").glob("*.md")))
    assert build_and_list(tmp_path / "two") == first

    source = next(p for p in (project / "content/faelle").glob("*.md") if "Fall: 5\n" in p.read_text(encoding="utf-8"))
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("Title: ", "Title: Neu: ", 1), encoding="utf-8")
    third = build_and_list(tmp_path / "three")
    new = set(third) - set(first)
    assert len(new) == 1
    assert {name: third[name] for name in first} == first
    meta, path = card_of(tmp_path / "three", 5)
    assert path.read_bytes() == (cache / "cards" / new.pop()).read_bytes()


def rgb_card(number, title):
    """The card as Pillow paints it on an RGB image, every colour blended
    exactly: what a card looked like before it was a palette image."""
    card = Image.new("RGB", (drawing.WIDTH, drawing.HEIGHT), COLOURS.background)
    pen = ImageDraw.Draw(card)
    pen.rectangle((0, 0, drawing.RULE - 1, drawing.HEIGHT), fill=COLOURS.rule)
    left = drawing.MARGIN + drawing.RULE
    pen.text((left, drawing.MARGIN), f"Der {number}. Fall", font=ImageFont.truetype(FONTS.bold, drawing.KICKER_SIZE),
             fill=COLOURS.kicker, anchor="lt", **drawing.NUMBER_STYLE)
    layout = drawing.layout(title, FONTS)
    title_font = ImageFont.truetype(FONTS.bold, layout.size)
    for line in layout.lines:
        pen.text((line.x, line.y), line.text, font=title_font, fill=COLOURS.title)
    rule_y = drawing.HEIGHT - drawing.MARGIN - drawing.SITE_SIZE - 24
    pen.line((left, rule_y, drawing.WIDTH - drawing.MARGIN - 1, rule_y), fill=COLOURS.line, width=2)
    pen.text((left, drawing.HEIGHT - drawing.MARGIN), SITE_NAME, font=ImageFont.truetype(FONTS.regular, drawing.SITE_SIZE),
             fill=COLOURS.site, anchor="ls")
    return card


@pytest.mark.parametrize("title", [SHORT_TITLE, LONG_TITLE], ids=["two-words", "120-characters"])
def test_a_card_looks_as_pillow_paints_it_in_full_colour(title):
    card = Image.open(io.BytesIO(drawing.draw(1017, title, SITE_NAME, FONTS, COLOURS)))
    assert card.format == "PNG" and card.mode == "P"
    # Each pixel close to the exact blend of its colour with the background
    # (the anti-aliased edges), every colour of the theme exact.
    difference = ImageChops.difference(card.convert("RGB"), rgb_card(1017, title))
    assert max(high for low, high in difference.getextrema()) <= 5
    colours = {rgb for count, rgb in card.convert("RGB").getcolors()}
    assert {ImageColor.getrgb(colour) for colour in astuple(COLOURS)} <= colours


def test_a_card_is_the_same_whatever_was_drawn_before_it():
    """Every card starts from one drawing of what all cards show; drawing
    one must leave nothing on it for the next."""
    shared = drawing.Painter(SITE_NAME, FONTS, COLOURS)
    for number, title in ((1, LONG_TITLE), (20, " ".join([LONG_TITLE] * 3)), (333, SHORT_TITLE)):
        shared.draw(number, title)
    assert shared.draw(4444, SHORT_TITLE) == drawing.Painter(SITE_NAME, FONTS, COLOURS).draw(4444, SHORT_TITLE)


def cards_built(folder, overrides, options=()):
    """A build of the fixture site with its own cache; its cards by name."""
    result = build(folder / "output", overrides={"CACHE_PATH": str(folder / "cache"), "SEARCH_INDEX": False, **overrides},
                   options=options)
    assert result.returncode == 0, result.stdout + result.stderr
    return result, {p.name: p.read_bytes() for p in (folder / "output" / "karten").iterdir()}


@pytest.fixture(scope="module")
def cards_drawn_in_the_build(tmp_path_factory):
    """The cards of a build that draws them all in its own process, once for both start methods."""
    return cards_built(tmp_path_factory.mktemp("alone"), {"BACKGROUND_PROCESSES": False})[1]


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_cards_drawn_in_worker_processes_are_the_cards_drawn_in_the_build(tmp_path, start_method,
                                                                          cards_drawn_in_the_build):
    in_the_build = cards_drawn_in_the_build
    result, in_workers = cards_built(
        tmp_path / "workers", {"BACKGROUND_START_METHOD": start_method, "CARD_PROCESSES": 2, "CARD_MIN_PARALLEL": 0},
        ["--debug"],
    )
    drawn = re.search(r"Vorschaukarten: (\d+) zu zeichnen, von 2 Prozessen", one_line(result.stdout + result.stderr))
    assert drawn and int(drawn[1]) == len(in_the_build) > 1
    assert in_workers == in_the_build
