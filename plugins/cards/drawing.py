"""Draw one share card: "Der N. Fall", the case's title, the site's name.

Pure Pillow, no Pelican: ``layout`` says where every line of the title
goes (the tests check the boxes), ``Painter`` paints cards of one design:
what every card shows (background, rule, line, site name) once, per card
only the number and the title. ``draw`` is one card from its painter.
"""

import io
import zlib
from dataclasses import dataclass
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

    @classmethod
    def from_palette(cls, palette):
        """The card's colours from the theme's palette (theme.py): the
        card matches the site without repeating it."""
        return cls(**{role: palette[name] for role, name in CARD_PALETTE.items()})


# Which of the theme's custom properties each part of the card is drawn in.
CARD_PALETTE = {
    "background": "bg", "rule": "tip-line", "kicker": "accent", "title": "text", "site": "muted", "line": "line",
}


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
    y = top + (height - _text_height(font, size, len(lines))) // 2 - _cap_top(font)
    for text in lines:
        placed.append(Line(text, left, y, _box(font, text, left, y)))
        y += step
    return Layout(size, tuple(placed))


@lru_cache(maxsize=64)
def _ink_height(font):
    """From the top of a capital with umlaut to the bottom of a descender."""
    return font.getbbox("Äg")[3] - font.getbbox("Äg")[1]


@lru_cache(maxsize=64)
def _cap_top(font):
    """How far below where a line is placed a capital with umlaut begins."""
    return font.getbbox("Ä")[1]


def _text_height(font, size, count):
    return _ink_height(font) + (count - 1) * round(size * LINE_HEIGHT)


def _box(font, text, x, y):
    left, top, right, bottom = font.getbbox(text)
    return (x + left, y + top, x + right, y + bottom)


# The card is a palette image from the start: the background, the two
# rules, and for each text colour a ramp of LEVELS steps from the
# background to the colour, which a glyph's anti-aliasing (its coverage,
# 0-255) picks from. Quantizing a drawn RGB card cost more than drawing
# it; 24 steps are as close to the RGB drawing on average as the
# quantizer's 64 colours were, each pixel within 5 of it (the quantizer's:
# within 23), and the theme's colours are exact.
LEVELS = 24
BACKGROUND, RULE_COLOUR, LINE_COLOUR = 0, 1, 2
# zlib's run-length strategy: a card is mostly runs of one colour, and it
# compresses them in less than half the time of the default strategy for
# some 20 % more bytes (about 27 KB a card instead of 22 KB).
PNG_OPTIONS = {"compress_level": 6, "compress_type": zlib.Z_RLE}


class Painter:
    """Draws the cards of one design (typeface, colours, site name)."""

    def __init__(self, site_name, fonts, colours):
        self.fonts = fonts
        background = _rgb(colours.background)
        palette = [background, _rgb(colours.rule), _rgb(colours.line)]
        self._ramps = {}
        for name in ("kicker", "title", "site"):
            self._ramps[name] = _ramp(len(palette))
            ink = _rgb(getattr(colours, name))
            palette += [_blend(background, ink, level / (LEVELS - 1)) for level in range(1, LEVELS)]
        fixed = Image.new("P", (WIDTH, HEIGHT), BACKGROUND)
        fixed.putpalette([channel for colour in palette for channel in colour])
        pen = ImageDraw.Draw(fixed)
        pen.rectangle((0, 0, RULE - 1, HEIGHT), fill=RULE_COLOUR)
        left = MARGIN + RULE
        rule_y = HEIGHT - MARGIN - SITE_SIZE - 24
        pen.line((left, rule_y, WIDTH - MARGIN - 1, rule_y), fill=LINE_COLOUR, width=2)
        _ink(fixed, (left, HEIGHT - MARGIN), site_name, _font(fonts.regular, SITE_SIZE), self._ramps["site"],
             anchor="ls")
        self._fixed = fixed

    def draw(self, number, title):
        """The card as PNG bytes."""
        card = self._fixed.copy()
        _ink(card, (MARGIN + RULE, MARGIN), f"Der {number}. Fall", _font(self.fonts.bold, KICKER_SIZE),
             self._ramps["kicker"], anchor="lt", **NUMBER_STYLE)
        title_layout = layout(title, self.fonts)
        title_font = _font(self.fonts.bold, title_layout.size)
        for line in title_layout.lines:
            _ink(card, (line.x, line.y), line.text, title_font, self._ramps["title"], box=line.box)
        data = io.BytesIO()
        card.save(data, "PNG", **PNG_OPTIONS)
        return data.getvalue()


@lru_cache(maxsize=4)
def painter(site_name, fonts, colours):
    """The painter of a design, made once per process."""
    return Painter(site_name, fonts, colours)


def draw(number, title, site_name, fonts, colours):
    """The card as PNG bytes."""
    return painter(site_name, fonts, colours).draw(number, title)


def draw_many(cases, site_name, fonts, colours):
    """PNG bytes of the cards of ``cases`` ((number, title) pairs), in
    their order; a worker process's task, its painter made at its first."""
    return [draw(number, title, site_name, fonts, colours) for number, title in cases]


def _rgb(colour):
    return ImageColor.getrgb(colour)[:3]


def _blend(background, ink, share):
    return tuple(round(b + (i - b) * share) for b, i in zip(background, ink))


def _level(coverage):
    return round(coverage * (LEVELS - 1) / 255)


def _ramp(first):
    """Coverage (0-255) to palette index, for the ramp whose first step is
    at ``first``; no coverage is the background."""
    return [first + _level(coverage) - 1 if _level(coverage) else BACKGROUND for coverage in range(256)]


# Where a glyph leaves ink at all: those pixels take the ramp's index.
_INKED = [255 if _level(coverage) else 0 for coverage in range(256)]


def _ink(card, xy, text, font, ramp, box=None, **options):
    """``text`` onto the palette card in one colour: drawn as coverage on
    a patch the size of its ``box`` (as Pillow draws it onto an RGB card),
    then each pixel's coverage turned into a step of the colour's ramp."""
    left, top, right, bottom = box or ImageDraw.Draw(card).textbbox(xy, text, font=font, **options)
    coverage = Image.new("L", (right - left, bottom - top), 0)
    ImageDraw.Draw(coverage).text((xy[0] - left, xy[1] - top), text, fill=255, font=font, **options)
    card.paste(coverage.point(ramp), (left, top), coverage.point(_INKED))
