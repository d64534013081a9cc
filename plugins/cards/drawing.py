"""Draw one share card: "Der N. Fall", the case's title, the site's name.

Pure Pillow, no Pelican: ``layout`` says where every line of the title
goes (the tests check the boxes), ``draw`` paints the card.
"""

import io
import re
from dataclasses import astuple, dataclass
from functools import lru_cache

import pyphen
from PIL import Image, ImageColor, ImageDraw, ImageFont, features

WIDTH, HEIGHT = 1200, 630
MARGIN = 80
# The left edge carries the tip box's rule, as on the site.
RULE = 18
KICKER_SIZE = 46
SITE_SIZE = 36
# The title area between the kicker and the site's name.
TITLE_TOP = MARGIN + KICKER_SIZE + 44
TITLE_BOTTOM = HEIGHT - MARGIN - SITE_SIZE - 48
TITLE_SIZES = range(86, 39, -4)  # largest first
LINE_HEIGHT = 1.16
ELLIPSIS = "…"
# Vollkorn's figures are old-style by default: its 1 looks like a small I,
# so a case number alone reads better in lining figures (an OpenType
# feature, laid out by libraqm, which Pillow's wheels bring along).
NUMBER_STYLE = {"features": ["lnum"]} if features.check("raqm") else {}


@dataclass(frozen=True)
class Fonts:
    regular: str  # paths of TrueType files
    bold: str


@dataclass(frozen=True)
class Colours:
    background: str
    rule: str
    kicker: str
    title: str
    site: str
    line: str


@dataclass(frozen=True)
class Line:
    text: str
    x: int
    y: int
    box: tuple  # (left, top, right, bottom) of the inked text on the card


@dataclass(frozen=True)
class Layout:
    size: int  # the title's font size in pixels
    lines: tuple  # of Line

    @property
    def box(self):
        """Where the title may go: inside the margins, between kicker and site name."""
        return (MARGIN + RULE, TITLE_TOP, WIDTH - MARGIN, TITLE_BOTTOM)


@lru_cache(maxsize=64)
def _font(path, size):
    return ImageFont.truetype(path, size)


@lru_cache(maxsize=1)
def _german():
    return pyphen.Pyphen(lang="de_DE")


def _width(font, text):
    return font.getlength(text)


def _split_too_long(word, font, width):
    """A word wider than a line, broken where German hyphenation allows
    (after a hyphen it already has, too); as a last resort anywhere."""
    pieces = []
    rest = word
    while _width(font, rest) > width:
        best = None
        for head, tail in _german().iterate(rest):
            # iterate() goes from the longest head to the shortest.
            if _width(font, head + "-") <= width:
                best = (head + "-", tail)
                break
        if best is None:
            hyphen = rest.find("-")
            if 0 < hyphen < len(rest) - 1 and _width(font, rest[:hyphen + 1]) <= width:
                best = (rest[:hyphen + 1], rest[hyphen + 1:])
        if best is None:
            cut = max(1, max(i for i in range(1, len(rest) + 1) if _width(font, rest[:i]) <= width or i == 1))
            best = (rest[:cut], rest[cut:])
        pieces.append(best[0])
        rest = best[1]
    pieces.append(rest)
    return pieces


def _wrap(words, font, width, hyphenate):
    lines = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if _width(font, candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        if _width(font, word) <= width:
            current = word
        elif hyphenate:
            *whole, current = _split_too_long(word, font, width)
            lines += whole
        else:
            return None
    if current:
        lines.append(current)
    return lines


def _shorten(line, font, width):
    """The last line that fits, with an ellipsis when the title goes on."""
    words = line.split(" ")
    while len(words) > 1 and _width(font, " ".join(words) + ELLIPSIS) > width:
        words.pop()
    text = " ".join(words).rstrip(",;:–-") + ELLIPSIS
    while _width(font, text) > width and len(text) > 1:
        text = text[:-2] + ELLIPSIS
    return text


def layout(title, fonts):
    """The title's lines at the largest size that fits the title area.

    Words are never broken while a smaller size still fits them whole;
    below that, a word too long for a line is hyphenated; a title too long
    even at the smallest size ends with an ellipsis.
    """
    left, top, right, bottom = Layout(0, ()).box
    width, height = right - left, bottom - top
    words = title.split()
    chosen = None
    for hyphenate in (False, True):
        for size in TITLE_SIZES:
            font = _font(fonts.bold, size)
            lines = _wrap(words, font, width, hyphenate)
            if lines is not None and _text_height(font, size, len(lines)) <= height:
                chosen = size, lines
                break
        if chosen:
            break
    if chosen is None:
        size = TITLE_SIZES[-1]
        font = _font(fonts.bold, size)
        lines = _wrap(words, font, width, True)
        fitting = max(1, int((height - _ink_height(font)) // round(size * LINE_HEIGHT)) + 1)
        lines = lines[:fitting - 1] + [_shorten(" ".join(lines[fitting - 1:]), font, width)]
        chosen = size, lines
    size, lines = chosen
    font = _font(fonts.bold, size)
    step = round(size * LINE_HEIGHT)
    placed = []
    # Centred vertically in the title area: a short title does not float
    # at the top of an empty card.
    y = top + (height - _text_height(font, size, len(lines))) // 2 - font.getbbox("Ä")[1]
    for text in lines:
        placed.append(Line(text, left, y, _box(font, text, left, y)))
        y += step
    return Layout(size, tuple(placed))


def _ink_height(font):
    """From the top of a capital with umlaut to the bottom of a descender."""
    return font.getbbox("Äg")[3] - font.getbbox("Äg")[1]


def _text_height(font, size, count):
    return _ink_height(font) + (count - 1) * round(size * LINE_HEIGHT)


def _box(font, text, x, y):
    left, top, right, bottom = font.getbbox(text)
    return (x + left, y + top, x + right, y + bottom)


def draw(number, title, site_name, fonts, colours):
    """The card as PNG bytes."""
    card = Image.new("RGB", (WIDTH, HEIGHT), colours.background)
    pen = ImageDraw.Draw(card)
    pen.rectangle((0, 0, RULE - 1, HEIGHT), fill=colours.rule)
    left = MARGIN + RULE
    pen.text(
        (left, MARGIN), f"Der {number}. Fall", font=_font(fonts.bold, KICKER_SIZE), fill=colours.kicker, anchor="lt",
        **NUMBER_STYLE,
    )
    title_layout = layout(title, fonts)
    title_font = _font(fonts.bold, title_layout.size)
    for line in title_layout.lines:
        pen.text((line.x, line.y), line.text, font=title_font, fill=colours.title)
    rule_y = HEIGHT - MARGIN - SITE_SIZE - 24
    pen.line((left, rule_y, WIDTH - MARGIN - 1, rule_y), fill=colours.line, width=2)
    pen.text((left, HEIGHT - MARGIN), site_name, font=_font(fonts.regular, SITE_SIZE), fill=colours.site, anchor="ls")
    # Few colours, so a palette keeps the file small (some 20 KB) and the
    # edges smooth; the fast methods keep a card at about 20 ms, which a
    # first build of a thousand cases feels.
    palette = card.quantize(colors=64, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    palette.putpalette(_snapped(palette.getpalette(), colours))
    data = io.BytesIO()
    palette.save(data, "PNG", compress_level=6)
    return data.getvalue()


def _snapped(palette, colours):
    """The palette with the theme's colours exact again: the fast
    quantizer drops their lowest bits."""
    exact = [ImageColor.getrgb(colour) for colour in astuple(colours)]
    snapped = []
    for index in range(0, len(palette), 3):
        entry = tuple(palette[index:index + 3])
        nearest = min(exact, key=lambda rgb: sum(abs(a - b) for a, b in zip(rgb, entry)))
        close = sum(abs(a - b) for a, b in zip(nearest, entry)) <= 12
        snapped += nearest if close else entry
    return snapped


_CUSTOM_PROPERTY = re.compile(r"--([\w-]+)\s*:\s*(#[0-9a-fA-F]{3,8})\s*;")


def theme_colours(css):
    """The light scheme's colours from the first ``:root`` rule of the
    theme's stylesheet: the card matches the site without repeating it."""
    start = css.index(":root")
    rule = css[start:css.index("}", start)]
    found = dict(_CUSTOM_PROPERTY.findall(rule))
    return Colours(
        background=found["bg"], rule=found["tip-line"], kicker=found["accent"],
        title=found["text"], site=found["muted"], line=found["line"],
    )
