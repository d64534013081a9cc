"""The theme's colours, as cards and booklet take them from its stylesheet:
any colour CSS allows, read once; a colour that cannot be drawn is one
German line naming the file, the property, the value and what to write."""

import re
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from cards import drawing, theme
from sitebuild import ROOT, build, copy_project, one_line, published_cases

STYLESHEET = Path("theme", "static", "css", "site.css")
SHOWN = "theme/static/css/site.css"
# The theme's own colours, the hex values of the stylesheet: a card drawn in
# them is the card drawn before the stylesheet was read with a CSS parser.
DEMO_PALETTE = {
    "bg": "#fbf9f5", "text": "#1f1d1a", "muted": "#5b5650", "accent": "#9a3d0c", "line": "#ddd5c8",
    "tip-line": "#c25a12",
}


def stylesheet(**changes):
    """The theme's stylesheet with the light scheme's custom properties
    ``changes`` (underscores for dashes) written as given."""
    css = (ROOT / STYLESHEET).read_text(encoding="utf-8")
    root_end = css.index("}", css.index(":root"))
    light = css[:root_end]
    for name, value in changes.items():
        name = name.replace("_", "-")
        declaration = re.compile(rf"(\n\s*--{re.escape(name)}\s*:)[^;]*;")
        if value is None:
            light, count = declaration.subn("", light)
        elif declaration.search(light):
            light, count = declaration.subn(lambda found, value=value: f"{found[1]} {value};", light)
        else:
            light, count = light + f"  --{name}: {value};\n", 1
        assert count == 1, name
    return light + css[root_end:]


def palette(**changes):
    found, errors = theme.palette_of(stylesheet(**changes), SHOWN)
    assert not errors, errors
    return found


def test_the_demo_theme_gives_the_colours_written_in_its_stylesheet():
    assert palette() == DEMO_PALETTE


@pytest.mark.parametrize(("written", "expected"), [
    ("rgb(194 90 18)", "#c25a12"),
    ("rgb(194, 90, 18)", "#c25a12"),
    ("rgba(194 90 18 / 1)", "#c25a12"),
    ("#c25a12", "#c25a12"),
    ("#C25A12", "#c25a12"),
    ("#f80", "#ff8800"),
    ("#c25a12ff", "#c25a12"),
    ("hsl(210 100% 25%)", "#004080"),
    ("hsl(210deg, 100%, 25%)", "#004080"),
    ("hwb(210 0% 50%)", "#004080"),
    ("darkorange", "#ff8c00"),
    ("RebeccaPurple", "#663399"),
    ("color(srgb 0.7608 0.3529 0.0706)", "#c25a12"),
    ("oklch(62.8% 0.2577 29.23)", "#ff0000"),  # CSS Color 4's red, in OKLCh
    ("lab(54.29 80.8 69.89)", "#ff0000"),  # the same in CIE Lab
    ("color(xyz-d65 0.4124 0.2126 0.0193)", "#ff0000"),
    ("color(display-p3 1 0 0)", "#ff0000"),  # outside sRGB: clipped as on an sRGB screen
    ("light-dark(#c25a12, #e08a45)", "#c25a12"),  # cards and booklet are light
    ("color-mix(in srgb, #c25a12 40%, white)", "#e7bda0"),
    ("color-mix(in srgb, var(--accent) 0%, rgb(194 90 18))", "#c25a12"),
    ("var(--accent)", DEMO_PALETTE["accent"]),
    ("var(--nirgends, rgb(194 90 18))", "#c25a12"),
    ("/* Ton */ #c25a12", "#c25a12"),
])
def test_any_css_colour_gives_the_card_its_colour(written, expected):
    assert palette(tip_line=written)["tip-line"] == expected


def test_a_transparent_colour_is_painted_on_the_page_background():
    # Half of #000000 on #ffffff: what the browser shows of the rule on the page.
    assert palette(bg="#ffffff", tip_line="rgb(0 0 0 / 50%)")["tip-line"] == "#808080"
    assert palette(bg="transparent")["bg"] == "#ffffff"


def test_the_dark_scheme_and_other_rules_do_not_count():
    css = stylesheet(tip_line="#c25a12") + "\n.tipp { --tip-line: #000000; }\n"
    found, errors = theme.palette_of(css, SHOWN)
    assert not errors and found["tip-line"] == "#c25a12"
    # The dark scheme's :root (inside @media) is in the stylesheet and was left alone.
    assert "--tip-line: #e08a45" in css


def test_a_later_root_rule_wins_as_in_the_browser():
    css = stylesheet() + "\n:root { --accent: rgb(0 64 128); }\n"
    assert theme.palette_of(css, SHOWN)[0]["accent"] == "#004080"


@pytest.mark.parametrize(("written", "why"), [
    ("rgb(194 90)", "ist keine CSS-Farbe, die sich lesen lässt."),
    ("#c25a1", "ist keine CSS-Farbe, die sich lesen lässt."),
    ("orangeish", "ist keine CSS-Farbe, die sich lesen lässt."),
    ("currentcolor", "hängt mit currentcolor vom Element ab"),
    ("color-mix(in srgb, #c25a12)", "ist keine CSS-Farbe, die sich lesen lässt."),
    ("color-mix(in srgb, currentcolor, white)", "hängt mit currentcolor vom Element ab"),
    ("var(--nirgends)", "verweist auf --nirgends, das in :root nicht steht."),
    ("var(--tip-line)", "verweist über var() auf sich selbst."),
    ("color(--eigenes-profil 0.1 0.2 0.3)", "steht im Farbraum --eigenes-profil"),
])
def test_a_colour_that_cannot_be_drawn_is_one_german_line(written, why):
    css = stylesheet(tip_line=written)
    line = next(number for number, text in enumerate(css.splitlines(), start=1) if "--tip-line:" in text)
    found, errors = theme.palette_of(css, SHOWN)
    assert "tip-line" not in found
    assert errors == [
        f"{SHOWN}, Zeile {line}: --tip-line: {written} {why}"
        + errors[0].split(why, 1)[1]
    ]
    assert errors[0].endswith(
        "Schreiben Sie eine Farbe wie #c25a12, rgb(194 90 18), hsl(25 83% 42%) oder einen Farbnamen wie "
        "darkorange; bis dahin entstehen keine Vorschaukarten und kein Tipp-Heft."
    )
    assert "\n" not in errors[0]


def test_a_missing_colour_is_one_german_line():
    found, errors = theme.palette_of(stylesheet(tip_line=None), SHOWN)
    assert errors == [
        f"{SHOWN}: in der Regel :root fehlt die Eigenschaft --tip-line, aus der Vorschaukarten und Tipp-Heft "
        "eine Farbe nehmen. Tragen Sie sie ein, z. B. --tip-line: #c25a12; bis dahin entstehen keine "
        "Vorschaukarten und kein Tipp-Heft."
    ]


def test_every_colour_of_card_and_booklet_is_in_the_palette():
    from booklet import layout

    assert set(drawing.CARD_PALETTE.values()) <= set(theme.PALETTE)
    assert set(layout.BOOKLET_PALETTE.values()) <= set(theme.PALETTE)
    assert drawing.Colours.from_palette(DEMO_PALETTE) == drawing.Colours(
        background="#fbf9f5", rule="#c25a12", kicker="#9a3d0c", title="#1f1d1a", site="#5b5650", line="#ddd5c8",
    )


# A theme whose colours are written in five ways; what cards and booklet show.
THEMED = {
    "tip_line": "rgb(194 90 18)",
    "accent": "hsl(210 100% 25%)",
    "text": "darkslategray",
    "muted": "var(--leise)",
    "leise": "slateblue",
    "line": "#ccc",
    "bg": "#fffdf8",
}
SHOWS = {"tip-line": (194, 90, 18), "accent": (0, 64, 128), "text": (47, 79, 79), "muted": (106, 90, 205),
         "line": (204, 204, 204), "bg": (255, 253, 248)}


@pytest.fixture(scope="module")
def themed_site(tmp_path_factory):
    """The fixture site published strictly with THEMED's stylesheet, booklet included."""
    folder = tmp_path_factory.mktemp("themed")
    project = copy_project(folder / "project")
    (project / STYLESHEET).write_text(stylesheet(**THEMED), encoding="utf-8")
    result = build(folder / "output", project=project, settings="publishconf.py", strict=True,
                   overrides={"SEARCH_INDEX": False, "CACHE_PATH": str(folder / "cache")})
    assert result.returncode == 0, result.stdout + result.stderr
    return folder / "output"


def test_the_card_shows_the_stylesheets_colours(themed_site):
    cards = sorted((themed_site / "karten").glob("*.png"))
    assert len(cards) == len(published_cases())
    with Image.open(cards[0]) as card:
        card = card.convert("RGB")
    pixel = card.getpixel
    assert pixel((drawing.RULE // 2, drawing.HEIGHT // 2)) == SHOWS["tip-line"]  # the rule at the left edge
    assert pixel((drawing.WIDTH // 2, 10)) == SHOWS["bg"]
    rule_y = drawing.HEIGHT - drawing.MARGIN - drawing.SITE_SIZE - 24
    assert pixel((drawing.WIDTH // 2, rule_y)) == SHOWS["line"]

    def inked(top, bottom):
        """The colours of the fully inked pixels between ``top`` and ``bottom``."""
        area = card.crop((drawing.MARGIN + drawing.RULE, top, drawing.WIDTH - drawing.MARGIN, bottom))
        return {rgb for count, rgb in area.getcolors(maxcolors=100_000)}

    assert SHOWS["accent"] in inked(drawing.MARGIN, drawing.MARGIN + drawing.KICKER_SIZE)
    assert SHOWS["text"] in inked(drawing.TITLE_TOP, drawing.TITLE_BOTTOM)
    assert SHOWS["muted"] in inked(drawing.HEIGHT - drawing.MARGIN - drawing.SITE_SIZE, drawing.HEIGHT - drawing.MARGIN)


def test_the_booklet_prints_in_the_stylesheets_colours(themed_site):
    reader = PdfReader(themed_site / "tipps" / "alle-tipps.pdf")
    fills = set()
    for page in reader.pages:
        stream = page.get_contents().get_data().decode("latin-1")
        fills |= {tuple(round(float(value) * 255) for value in found)
                  for found in re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) rg", stream)}
    for name in ("text", "muted", "accent"):
        assert SHOWS[name] in fills, name
    # Nothing left of the theme's own colours.
    assert (0x9A, 0x3D, 0x0C) not in fills and (0x1F, 0x1D, 0x1A) not in fills


def test_a_colour_the_build_cannot_draw_stops_a_strict_build_with_one_line(tmp_path):
    project = copy_project(tmp_path / "project")
    (project / STYLESHEET).write_text(stylesheet(tip_line="rgb(194 90)"), encoding="utf-8")
    result = build(tmp_path / "output", project=project, settings="publishconf.py", strict=True,
                   overrides={"SEARCH_INDEX": False, "CACHE_PATH": str(tmp_path / "cache")})
    shown = one_line(result.stdout + result.stderr)
    assert result.returncode != 0
    assert shown.count("--tip-line: rgb(194 90) ist keine CSS-Farbe") == 1, shown
    assert f"{SHOWN}, Zeile" in shown
    assert "KeyError" not in shown and "Traceback" not in shown


def test_a_colour_the_build_cannot_draw_leaves_the_preview_running(tmp_path):
    """The preview builds the site without cards and names the mistake."""
    project = copy_project(tmp_path / "project")
    (project / STYLESHEET).write_text(stylesheet(accent=None), encoding="utf-8")
    result = build(tmp_path / "output", project=project,
                   overrides={"SEARCH_INDEX": False, "CACHE_PATH": str(tmp_path / "cache"), "BOOKLET": True})
    shown = one_line(result.stdout + result.stderr)
    assert result.returncode == 0, shown
    assert shown.count("fehlt die Eigenschaft --accent") == 1, shown
    assert "Traceback" not in shown
    assert (tmp_path / "output" / "index.html").is_file()
    assert not (tmp_path / "output" / "karten").exists()
    assert not (tmp_path / "output" / "tipps" / "alle-tipps.pdf").exists()


def test_cards_and_booklet_read_the_theme_once_and_report_a_mistake_once(tmp_path, caplog):
    """At the level of the generators (pelican.tests.support): both take
    the one reading kept in the build's context; a bad colour is one line
    for both, and neither writes anything."""
    from pelican.tests.support import get_context, get_settings

    from booklet.plugin import BookletGenerator
    from cards.plugin import CardGenerator
    from pelicanconf import THEME_FONTS

    theme_folder = tmp_path / "theme"
    (theme_folder / STYLESHEET.parent.relative_to("theme")).mkdir(parents=True)
    (theme_folder / "fonts").symlink_to(ROOT / "theme" / "fonts")
    (theme_folder / STYLESHEET.relative_to("theme")).write_text(stylesheet(tip_line="rgb(194 90)"), encoding="utf-8")
    (tmp_path / "content").mkdir()
    settings = get_settings(
        PATH=str(tmp_path / "content"), THEME=str(theme_folder), THEME_FONTS=THEME_FONTS, CACHE_PATH=str(tmp_path / "cache"),
        SITENAME="Der »eingebaute« Kunde", CARD_SAVE_AS="karten/fall-{fall}-{key}.png", CARD_PROCESSES=1,
        CARD_MIN_PARALLEL=50, BOOKLET=True, BOOKLET_SAVE_AS="tipps/alle-tipps.pdf",
    )
    context = get_context(settings)
    output = tmp_path / "output"
    made = [kind(context, settings, settings["PATH"], settings["THEME"], str(output))
            for kind in (CardGenerator, BookletGenerator)]
    with caplog.at_level("ERROR"):
        made[0].generate_context()
        made[0].generate_output(None)
        made[1].generate_output(None)
    lines = [record.getMessage() for record in caplog.records if record.levelname == "ERROR"]
    # Named as the author finds it: relative to the project (the content folder's parent).
    assert lines == theme.palette_of(stylesheet(tip_line="rgb(194 90)"), SHOWN)[1]
    assert lines[0].startswith(f"{SHOWN}, Zeile ")
    assert context["theme_design"] is theme.theme_design(made[1])
    assert not output.exists()


# Colours of every syntax and colour space CSS Color 4 has, inside what
# sRGB can show (outside it, browsers and the build may map differently).
AS_THE_BROWSER_PAINTS = [
    "rgb(194 90 18)", "hsl(210 100% 25%)", "hwb(25 10% 20%)", "darkorange", "oklch(0.6 0.15 50)", "oklch(62% 0.12 50)",
    "lab(50 30 40)", "lch(50 50 60)", "oklab(0.6 0.1 0.1)", "color(display-p3 0.6 0.4 0.2)",
    "color(srgb-linear 0.5 0.1 0.02)", "color(xyz 0.2 0.15 0.05)", "color(xyz-d50 0.2 0.15 0.05)",
    "color(a98-rgb 0.6 0.4 0.2)", "color(rec2020 0.5 0.35 0.2)", "color(prophoto-rgb 0.5 0.35 0.2)",
    "rgb(194 90 18 / 60%)",
    # CSS Color 5's mixes, in each space they can be made in
    "color-mix(in srgb, #c25a12 40%, white)", "color-mix(in srgb-linear, #c25a12, #1a5fb4)",
    "color-mix(in oklab, #c25a12, #1a5fb4)", "color-mix(in oklch, #c25a12 30%, #1a5fb4)",
    "color-mix(in oklch longer hue, #c25a12, #1a5fb4)", "color-mix(in lab, darkorange, navy 25%)",
    "color-mix(in lch, #c25a12, gray)", "color-mix(in hsl, #c25a12, #1a5fb4)",
    "color-mix(in hwb decreasing hue, #c25a12, #1a5fb4)", "color-mix(in xyz, #c25a12, #1a5fb4)",
    "color-mix(in xyz-d50, #c25a12 80%, #1a5fb4)", "color-mix(in srgb, #c25a12 30%, #1a5fb4 30%)",
    "color-mix(in oklab, color-mix(in srgb, #c25a12, #1a5fb4), white 30%)",
    "color-mix(in srgb, rgb(194 90 18 / 50%), #1a5fb4)", "color-mix(in display-p3, #c25a12, #1a5fb4)",
    "color-mix(in a98-rgb, #c25a12, #1a5fb4)", "color-mix(in rec2020, #c25a12, #1a5fb4)",
    "color-mix(in prophoto-rgb, #c25a12, #1a5fb4)",
]


@pytest.mark.browser
def test_every_colour_is_the_one_chromium_paints(page):
    painted = page.evaluate("""colours => colours.map(colour => {
        const canvas = new OffscreenCanvas(1, 1), pen = canvas.getContext("2d");
        pen.fillStyle = "white";  // the page background the build paints a transparent colour on
        pen.fillRect(0, 0, 1, 1);
        pen.fillStyle = colour;
        pen.fillRect(0, 0, 1, 1);
        return Array.from(pen.getImageData(0, 0, 1, 1).data.slice(0, 3));
    })""", AS_THE_BROWSER_PAINTS)
    for written, expected in zip(AS_THE_BROWSER_PAINTS, painted, strict=True):
        ours = palette(bg="white", tip_line=written)["tip-line"]
        channels = [int(ours[index:index + 2], 16) for index in (1, 3, 5)]
        assert max(abs(a - b) for a, b in zip(channels, expected)) <= 1, (written, ours, expected)


def test_a_broken_background_under_a_transparent_colour_is_said_once():
    found, errors = theme.palette_of(stylesheet(bg="rgb(1 2)", tip_line="rgb(0 0 0 / 50%)"), SHOWN)
    assert len(errors) == 1 and "--bg: rgb(1 2) ist keine CSS-Farbe" in errors[0]
