"""The theme's design for what the build draws itself (share cards, the
tips booklet): the typeface (THEME_FONTS) and the palette, the colours of
the stylesheet's top-level ``:root`` rule.

The stylesheet stays the one place the colours are written: it is read
with a CSS parser (tinycss2) and every value with its CSS Color 4/5
parser (color-mix() and the conversions into sRGB are computed here), so
any colour a browser takes works here too. Read once per build
(``theme_design``), shared by cards and booklet; each mistake is one
German line, reported once.
"""

import colorsys
import logging
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import tinycss2
from tinycss2 import color5
from tinycss2.ast import FunctionBlock

from .drawing import Fonts

logger = logging.getLogger(__name__)

STYLESHEET = Path("static", "css", "site.css")  # in the theme folder
# The custom properties the build draws with; cards and booklet each
# pick their roles from these (drawing.CARD_PALETTE, layout.BOOKLET_PALETTE).
PALETTE = ("bg", "text", "muted", "accent", "line", "tip-line")
# What a colour with transparency is painted on, as the browser does:
# the page's background, which in turn lies on white.
PAGE_BACKGROUND = "bg"
MADE = "bis dahin entstehen keine Vorschaukarten und kein Tipp-Heft"
EXAMPLES = "#c25a12, rgb(194 90 18), hsl(25 83% 42%) oder einen Farbnamen wie darkorange"
# The light scheme: cards and booklet are light, so light-dark() takes its first colour.
SCHEMES = ("light",)


class ThemeError(ValueError):
    """A colour of the palette that cannot be drawn; its message is the German line."""


@dataclass
class Design:
    """The typeface and palette of one build; ``None`` where a mistake was reported."""

    fonts: Fonts | None
    palette: dict | None  # name of the custom property -> "#rrggbb"
    problems: list = field(default_factory=list)

    @property
    def usable(self):
        return self.fonts is not None and self.palette is not None


_CONTEXT_KEY = "theme_design"


def theme_design(generator):
    """The build's design, read at the first call of a build and kept in
    its context (not in the process: the preview's next build reads an
    edited stylesheet anew); mistakes reported once, at that first call."""
    found = generator.context.get(_CONTEXT_KEY)
    if found is None:
        found = read(generator.theme, generator.settings["THEME_FONTS"], _shown(generator))
        for problem in found.problems:
            logger.error("%s", problem)
        generator.context[_CONTEXT_KEY] = found
    return found


def _shown(generator):
    """The stylesheet as its messages name it: relative to the project
    (the content folder's parent) where it lies inside it."""
    path = Path(generator.theme, STYLESHEET)
    project = Path(generator.settings["PATH"]).resolve().parent
    try:
        return path, str(path.resolve().relative_to(project))
    except ValueError:
        return path, str(path)


def read(theme, theme_fonts, stylesheet):
    """The design of the theme in folder ``theme``; ``stylesheet`` is
    (path, name shown in messages)."""
    problems = []
    fonts = Fonts(**{weight: os.path.join(theme, path) for weight, path in theme_fonts.items()})
    missing = [path for path in (fonts.regular, fonts.bold) if not os.path.isfile(path)]
    if missing:
        problems.append(
            f"Die Schrift für Vorschaukarten und Tipp-Heft fehlt: {', '.join(missing)}. Legen Sie die Datei "
            f"wieder an oder ändern Sie THEME_FONTS in pelicanconf.py; {MADE}."
        )
        fonts = None
    path, shown = stylesheet
    try:
        css = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        problems.append(
            f"{shown}: das Stylesheet des Themes lässt sich nicht lesen ({error.__class__.__name__}); aus seiner "
            f"Regel :root kommen die Farben von Vorschaukarten und Tipp-Heft. Legen Sie es wieder an; {MADE}."
        )
        return Design(fonts, None, problems)
    palette, errors = palette_of(css, shown)
    problems += errors
    return Design(fonts, None if errors else palette, problems)


def palette_of(css, shown, names=PALETTE):
    """({name: "#rrggbb"}, [German lines]) for the custom properties ``names``
    of the stylesheet ``css`` (shown as ``shown`` in the lines)."""
    properties = custom_properties(css)
    palette, errors = {}, []
    for name in names:
        try:
            palette[name] = _hex(_opaque(name, properties, shown))
        except ThemeError as error:
            if str(error) not in errors:  # a broken --bg under a transparent colour: said once
                errors.append(str(error))
    return palette, errors


def custom_properties(css):
    """{name without "--": Declaration} of the top-level ``:root`` rules
    (the light scheme; ``@media`` rules are the dark one), in cascade
    order: a later declaration wins, unless an earlier one is !important."""
    found = {}
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule":
            continue
        selectors = [part.strip() for part in tinycss2.serialize(rule.prelude).split(",")]
        if ":root" not in selectors:
            continue
        for declaration in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True):
            if declaration.type != "declaration" or not declaration.name.startswith("--"):
                continue
            earlier = found.get(declaration.name[2:])
            if earlier is not None and earlier.important and not declaration.important:
                continue
            found[declaration.name[2:]] = declaration
    return found


def _opaque(name, properties, shown):
    """The sRGB colour (0-1 floats) of custom property ``name``, painted
    on the page's background if it is transparent."""
    rgb, alpha = _colour(name, properties, shown)
    if alpha < 1:
        below = (1.0, 1.0, 1.0) if name == PAGE_BACKGROUND else _opaque(PAGE_BACKGROUND, properties, shown)
        rgb = tuple(c * alpha + b * (1 - alpha) for c, b in zip(rgb, below))
    return rgb


def _colour(name, properties, shown):
    declaration = properties.get(name)
    if declaration is None:
        raise ThemeError(
            f"{shown}: in der Regel :root fehlt die Eigenschaft --{name}, aus der Vorschaukarten und Tipp-Heft "
            f"eine Farbe nehmen. Tragen Sie sie ein, z. B. --{name}: #c25a12; {MADE}."
        )
    written = tinycss2.serialize(declaration.value).strip()

    def refuse(why):
        return ThemeError(
            f"{shown}, Zeile {declaration.source_line}: --{name}: {written} {why} Schreiben Sie eine Farbe wie "
            f"{EXAMPLES}; {MADE}."
        )

    try:
        tokens = _substituted(declaration.value, properties, (name,))
    except _Unresolved as unresolved:
        raise refuse(f"verweist auf {unresolved}, das in :root nicht steht.") from None
    except _Cycle:
        raise refuse("verweist über var() auf sich selbst.") from None
    values = [token for token in tokens if token.type not in ("whitespace", "comment")]
    try:
        parsed = _parse(values[0]) if len(values) == 1 else None
        if parsed == "currentcolor":
            raise refuse("hängt mit currentcolor vom Element ab; Karte und Heft brauchen eine feste Farbe.")
        if parsed is None:
            raise refuse("ist keine CSS-Farbe, die sich lesen lässt.")
        return _srgb(parsed), parsed.alpha
    except _Unconvertible as space:
        raise refuse(f"steht im Farbraum {space}, den Vorschaukarten und Tipp-Heft nicht umrechnen.") from None


class _Unconvertible(ValueError):
    """A colour space CSS allows that the build cannot convert (``color(--profile …)``)."""


def _parse(token):
    """The colour (tinycss2's Color) of one component value; None if it is none."""
    if token.type == "function" and token.lower_name == "color-mix":
        return _mix(token)
    return color5.parse_color(token, SCHEMES)


# color-mix()'s spaces: those it interpolates in with a hue (its index).
_HUE_AT = {"hsl": 0, "hwb": 0, "lch": 2, "oklch": 2}
_MIX_SPACES = {"srgb", "srgb-linear", "xyz", "xyz-d65", "xyz-d50", "lab", "oklab", "display-p3", "a98-rgb", "rec2020",
               "prophoto-rgb", *_HUE_AT}


def _mix(token):
    """CSS Color 5's color-mix(in <space> [<hue> hue], <colour> [<p>], <colour> [<p>]),
    premultiplied by alpha, as the browser mixes; None where it is no colour."""
    parts, part = [], []
    for argument in token.arguments:
        if argument == ",":
            parts.append(part)
            part = []
        elif argument.type not in ("whitespace", "comment"):
            part.append(argument)
    parts.append(part)
    if len(parts) != 3 or len(parts[0]) not in (2, 4) or parts[0][0].type != "ident" or parts[0][0].lower_value != "in":
        return None
    space = parts[0][1].lower_value if parts[0][1].type == "ident" else None
    hue = "shorter"
    if len(parts[0]) == 4:
        if space not in _HUE_AT or parts[0][3].type != "ident" or parts[0][3].lower_value != "hue":
            return None
        hue = parts[0][2].lower_value if parts[0][2].type == "ident" else None
        if hue not in ("shorter", "longer", "increasing", "decreasing"):
            return None
    if space not in _MIX_SPACES:
        return None
    space = "xyz-d65" if space == "xyz" else space
    colours, shares = [], []
    for part in parts[1:]:
        percentages = [item for item in part if item.type == "percentage"]
        others = [item for item in part if item.type != "percentage"]
        if len(others) != 1 or len(percentages) > 1 or (percentages and not 0 <= percentages[0].value <= 100):
            return None
        colour = _parse(others[0])
        if colour is None or colour == "currentcolor":
            return colour
        colours.append(colour)
        shares.append(percentages[0].value / 100 if percentages else None)
    if shares == [None, None]:
        shares = [0.5, 0.5]
    elif None in shares:
        given = next(share for share in shares if share is not None)
        shares = [1 - given if share is None else share for share in shares]
    total = sum(shares)
    if total == 0:
        return None
    first, second = (_in_space(colour, space) for colour in colours)
    alphas = [colour.alpha for colour in colours]
    at = _HUE_AT.get(space)
    if at is not None:
        first, second = _hues_for(first, second, at, hue, space)
    weight = shares[1] / total
    alpha = alphas[0] * (1 - weight) + alphas[1] * weight
    mixed = []
    for index, (a, b) in enumerate(zip(first, second)):
        if index == at:
            mixed.append((a * (1 - weight) + b * weight) % 360)
            continue
        value = a * alphas[0] * (1 - weight) + b * alphas[1] * weight
        mixed.append(value / alpha if alpha else value)
    # Shares that add up to less than 100 % make the mix that much transparent.
    return color5.Color(space, mixed, alpha * min(1, total))


def _hues_for(first, second, at, method, space):
    """The two colours with the hues color-mix() goes between: a powerless
    hue (a grey) takes the other's, then the way round the circle."""
    first, second = list(first), list(second)
    chroma_at = 1
    for this, other in ((first, second), (second, first)):
        grey = this[chroma_at] < 1e-6 if space in ("lch", "oklch") else (
            this[1] < 1e-6 or this[2] in (0, 100) if space == "hsl" else this[1] + this[2] >= 100)
        if grey:
            this[at] = other[at]
    a, b = first[at] % 360, second[at] % 360
    if method == "shorter":
        if b - a > 180:
            a += 360
        elif b - a < -180:
            b += 360
    elif method == "longer":
        if 0 < b - a < 180:
            a += 360
        elif -180 < b - a <= 0:
            b += 360
    elif method == "increasing" and b < a:
        b += 360
    elif method == "decreasing" and a < b:
        a += 360
    first[at], second[at] = a, b
    return first, second


def _in_space(color, space):
    """The coordinates of a colour in one of color-mix()'s spaces."""
    srgb = _srgb(color, clip=False)
    if space == "srgb":
        return srgb
    if space in ("hsl", "hwb"):
        clipped = [min(1.0, max(0.0, value)) for value in srgb]
        if space == "hsl":
            hue, lightness, saturation = colorsys.rgb_to_hls(*clipped)
            return (hue * 360, saturation * 100, lightness * 100)
        hue, saturation, value = colorsys.rgb_to_hsv(*clipped)
        return (hue * 360, (1 - saturation) * value * 100, (1 - value) * 100)
    linear = [_srgb_to_linear(value) for value in srgb]
    if space == "srgb-linear":
        return tuple(linear)
    xyz = _times(_LINEAR_SRGB_TO_XYZ_D65, linear)
    if space == "xyz-d65":
        return xyz
    if space in ("display-p3", "a98-rgb", "rec2020"):
        to_linear, matrix = _RGB_SPACES[space]
        return tuple(_inverse_of(to_linear)(value) for value in _times(_inverted(matrix), xyz))
    if space == "prophoto-rgb":
        linear = _times(_inverted(_LINEAR_PROPHOTO_TO_XYZ_D50), _times(_XYZ_D65_TO_D50, xyz))
        return tuple(_inverse_of(_prophoto_to_linear)(value) for value in linear)
    if space in ("xyz-d50", "lab", "lch"):
        d50 = _times(_XYZ_D65_TO_D50, xyz)
        if space == "xyz-d50":
            return d50
        lab = color5.Color("xyz-d50", d50, 1).to("lab").coordinates
        return lab if space == "lab" else _polar(lab)
    lms = [math.copysign(abs(value) ** (1 / 3), value) for value in _times(_XYZ_D65_TO_LMS, xyz)]
    oklab = _times(_LMS_TO_OKLAB, lms)
    return oklab if space == "oklab" else _polar(oklab)


def _inverted(matrix):
    """The inverse of a 3×3 matrix (the way back of a conversion above)."""
    (a, b, c), (d, e, f), (g, h, i) = matrix
    determinant = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
    return (
        ((e * i - f * h) / determinant, (c * h - b * i) / determinant, (b * f - c * e) / determinant),
        ((f * g - d * i) / determinant, (a * i - c * g) / determinant, (c * d - a * f) / determinant),
        ((d * h - e * g) / determinant, (b * g - a * h) / determinant, (a * e - b * d) / determinant),
    )


def _inverse_of(to_linear):
    """The transfer function back from linear light: bisection on the
    rising function ``to_linear`` (a colour's few values, exact enough)."""
    def encode(value):
        low, high = -2.0, 2.0
        for _ in range(60):
            middle = (low + high) / 2
            low, high = (middle, high) if to_linear(middle) < value else (low, middle)
        return (low + high) / 2
    return encode


def _polar(lab):
    lightness, a, b = lab
    return (lightness, math.hypot(a, b), math.degrees(math.atan2(b, a)) % 360)


class _Unresolved(LookupError):
    pass


class _Cycle(LookupError):
    pass


def _substituted(tokens, properties, seen):
    """``tokens`` with every var() replaced by the value it names (or its
    fallback), as the browser computes a custom property."""
    result = []
    for token in tokens:
        if token.type != "function":
            result.append(token)
            continue
        if token.lower_name != "var":
            arguments = _substituted(token.arguments, properties, seen)
            result.append(FunctionBlock(token.source_line, token.source_column, token.name, arguments))
            continue
        reference, fallback = _split_var(token.arguments)
        if reference in seen:
            raise _Cycle(reference)
        if reference in properties:
            result += _substituted(properties[reference].value, properties, (*seen, reference))
        elif fallback is not None:
            result += _substituted(fallback, properties, seen)
        else:
            raise _Unresolved(f"--{reference}")
    return result


def _split_var(arguments):
    """(name without "--", fallback tokens or None) of var()'s arguments."""
    meaningful = [index for index, token in enumerate(arguments) if token.type not in ("whitespace", "comment")]
    if not meaningful or arguments[meaningful[0]].type != "ident":
        raise _Unresolved("var() ohne Namen")
    name = arguments[meaningful[0]].value
    rest = arguments[meaningful[0] + 1:]
    comma = next((index for index, token in enumerate(rest) if token == ","), None)
    return name.removeprefix("--"), (rest[comma + 1:] if comma is not None else None)


# Conversion into sRGB, with the matrices CSS Color 4 gives (section 18,
# "Sample code for color conversions"); tinycss2 parses, but converts only
# between some of the spaces.
_XYZ_D65_TO_LINEAR_SRGB = (
    (12831 / 3959, -329 / 214, -1974 / 3959),
    (-851781 / 878810, 1648619 / 878810, 36519 / 878810),
    (705 / 12673, -2585 / 12673, 705 / 667),
)
_LINEAR_SRGB_TO_XYZ_D65 = (
    (506752 / 1228815, 87881 / 245763, 12673 / 70218),
    (87098 / 409605, 175762 / 245763, 12673 / 175545),
    (7918 / 409605, 87881 / 737289, 1001167 / 1053270),
)
_XYZ_D65_TO_D50 = (  # Bradford
    (1.0479297925449969, 0.022946870601609652, -0.05019226628920524),
    (0.02962780877005599, 0.9904344267538799, -0.017073799063418826),
    (-0.009243040646204504, 0.015055191490298152, 0.7518742814281371),
)
_XYZ_D65_TO_LMS = (
    (0.819022437996703, 0.3619062600528904, -0.1288737815209879),
    (0.0329836539323885, 0.9292868615863434, 0.0361446663506424),
    (0.0481771893596242, 0.2642395317527308, 0.6335478284694309),
)
_LMS_TO_OKLAB = (
    (0.210454268309314, 0.7936177747023054, -0.0040720430116193),
    (1.9779985324311684, -2.42859224204858, 0.450593709617411),
    (0.0259040424655478, 0.7827717124575296, -0.8086757549230774),
)
_XYZ_D50_TO_D65 = (  # Bradford
    (0.955473421488075, -0.02309845494876471, 0.06325924320057072),
    (-0.0283697093338637, 1.0099953980813041, 0.021041441191917323),
    (0.012314014864481998, -0.020507649298898964, 1.330365926242124),
)
_LINEAR_P3_TO_XYZ_D65 = (
    (608311 / 1250200, 189793 / 714400, 198249 / 1000160),
    (35783 / 156275, 247089 / 357200, 198249 / 2500400),
    (0, 32229 / 714400, 5220557 / 5000800),
)
_LINEAR_A98_TO_XYZ_D65 = (
    (573536 / 994567, 263643 / 1420810, 187206 / 994567),
    (591459 / 1989134, 6239551 / 9945670, 374412 / 4972835),
    (53769 / 1989134, 351524 / 4972835, 4929758 / 4972835),
)
_LINEAR_REC2020_TO_XYZ_D65 = (
    (63426534 / 99577255, 20160776 / 139408157, 47086771 / 278816314),
    (26158966 / 99577255, 472592308 / 697040785, 8267143 / 139408157),
    (0, 19567812 / 697040785, 295819943 / 278816314),
)
_LINEAR_PROPHOTO_TO_XYZ_D50 = (
    (0.7977666449006423, 0.13518129740053308, 0.0313477341283922),
    (0.2880748288194013, 0.711835234241873, 0.00008993693872564),
    (0, 0, 0.8251046025104602),
)


def _times(matrix, vector):
    return tuple(sum(m * v for m, v in zip(row, vector)) for row in matrix)


def _odd(function):
    """A transfer function extended to negative values by symmetry, as CSS Color 4 does."""
    return lambda value: math.copysign(function(abs(value)), value)


@_odd
def _srgb_to_linear(value):
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


@_odd
def _linear_to_srgb(value):
    return 12.92 * value if value <= 0.0031308 else 1.055 * value ** (1 / 2.4) - 0.055


@_odd
def _a98_to_linear(value):
    return value ** (563 / 256)


@_odd
def _prophoto_to_linear(value):
    return value / 16 if value <= 16 / 512 else value ** 1.8


_REC2020_ALPHA, _REC2020_BETA = 1.09929682680944, 0.018053968510807


@_odd
def _rec2020_to_linear(value):
    return value / 4.5 if value < _REC2020_BETA * 4.5 else ((value + _REC2020_ALPHA - 1) / _REC2020_ALPHA) ** (1 / 0.45)


# The RGB spaces with D65 white: (to linear light, linear light to XYZ).
_RGB_SPACES = {
    "display-p3": (_srgb_to_linear, _LINEAR_P3_TO_XYZ_D65),
    "a98-rgb": (_a98_to_linear, _LINEAR_A98_TO_XYZ_D65),
    "rec2020": (_rec2020_to_linear, _LINEAR_REC2020_TO_XYZ_D65),
}


def _xyz_d65(color):
    """CIE XYZ (D65) of a parsed colour; _Unconvertible for spaces CSS
    defines but the build cannot convert (a custom ``color(--profile …)``)."""
    space, values = color.space, tuple(value or 0 for value in color.coordinates)
    if space in ("lab", "lch"):
        return _times(_XYZ_D50_TO_D65, color.to("xyz-d50").coordinates)
    if space in ("oklab", "oklch"):
        return color.to("xyz-d65").coordinates
    if space == "xyz-d65":
        return values
    if space == "xyz-d50":
        return _times(_XYZ_D50_TO_D65, values)
    if space == "prophoto-rgb":
        return _times(_XYZ_D50_TO_D65, _times(_LINEAR_PROPHOTO_TO_XYZ_D50, [_prophoto_to_linear(v) for v in values]))
    raise _Unconvertible(space)


def _srgb(color, clip=True):
    """sRGB (0-1 floats, clipped to what sRGB can show unless ``clip`` is
    false) of a parsed colour."""
    if color.space in ("srgb", "hsl", "hwb"):
        rgb = color.to("srgb").coordinates
    elif color.space == "device-cmyk":  # CSS Color 5's naive conversion
        cyan, magenta, yellow, black = (value or 0 for value in color.coordinates)
        rgb = tuple(1 - min(1, value * (1 - black) + black) for value in (cyan, magenta, yellow))
    elif color.space == "srgb-linear":
        rgb = tuple(_linear_to_srgb(value or 0) for value in color.coordinates)
    elif color.space in _RGB_SPACES:
        transfer, matrix = _RGB_SPACES[color.space]
        xyz = _times(matrix, [transfer(value or 0) for value in color.coordinates])
        rgb = tuple(_linear_to_srgb(value) for value in _times(_XYZ_D65_TO_LINEAR_SRGB, xyz))
    else:
        xyz = _xyz_d65(color)
        rgb = tuple(_linear_to_srgb(value) for value in _times(_XYZ_D65_TO_LINEAR_SRGB, xyz))
    if not clip:
        return tuple(rgb)
    # Outside sRGB's gamut each channel is clipped, as browsers show it on an sRGB screen.
    return tuple(min(1.0, max(0.0, value)) for value in rgb)


def _hex(rgb):
    return "#" + "".join(f"{round(value * 255):02x}" for value in rgb)
