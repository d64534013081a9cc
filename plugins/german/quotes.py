"""Turn English typographic quotes into German ones.

smartypants (inside typogrify) educates straight quotes the English way:
“double” and ‘single’, the closing single being the same character as the
apostrophe. German uses „double“ and ‚single‘ and keeps ’ as apostrophe,
so a closing single quote is only recognised as such when a single quote
is open and no letter follows (geht’s stays an apostrophe).
"""

import re

_SKIPPED_ELEMENTS = ("pre", "code", "kbd", "samp", "script", "style")

_TAG = re.compile(r"(<[^>]*>)")
_SKIPPED_START = re.compile(r"<(%s)[\s>]" % "|".join(_SKIPPED_ELEMENTS), re.I)
_SKIPPED_END = re.compile(r"</(%s)\s*>" % "|".join(_SKIPPED_ELEMENTS), re.I)
# Paragraph-like elements end any quote still open, so one unmatched
# quote cannot turn every following quote on the page around.
_BLOCK = re.compile(r"</?(p|h[1-6]|li|dt|dd|blockquote|td|th|figcaption|div|aside|section)[\s>/]", re.I)

_QUOTE = re.compile(r"&#8220;|&#8221;|&#8216;|&#8217;|&ldquo;|&rdquo;|&lsquo;|&rsquo;|[“”‘’„‚]")

# smartypants writes entities and has already decided which quote opens
# and which closes; literal characters typed by an author have not been
# decided, so a literal “ or ‘ opens or closes depending on what is open.
_OPENING_DOUBLE = "open-double"
_OPENING_SINGLE = "open-single"
_ENTITIES = {
    "&#8220;": _OPENING_DOUBLE,
    "&ldquo;": _OPENING_DOUBLE,
    "&#8221;": "”",
    "&rdquo;": "”",
    "&#8216;": _OPENING_SINGLE,
    "&lsquo;": _OPENING_SINGLE,
    "&#8217;": "’",
    "&rsquo;": "’",
}


class _QuoteState:
    def __init__(self):
        self.double_open = False
        self.single_open = False

    def reset(self):
        self.double_open = False
        self.single_open = False


def _germanize_text(text, state):
    out = []
    pos = 0
    for match in _QUOTE.finditer(text):
        out.append(text[pos : match.start()])
        pos = match.end()
        quote = _ENTITIES.get(match.group(0), match.group(0))
        next_char = text[pos : pos + 1]
        if quote in (_OPENING_DOUBLE, "„") or (quote == "“" and not state.double_open):
            out.append("„")
            state.double_open = True
        elif quote in ("“", "”"):
            out.append("“")
            state.double_open = False
        elif quote in (_OPENING_SINGLE, "‚") or (
            quote == "‘" and not state.single_open
        ):
            out.append("‚")
            state.single_open = True
        elif quote == "‘":
            out.append("‘")
            state.single_open = False
        elif state.single_open and not next_char.isalnum():
            out.append("‘")
            state.single_open = False
        else:
            out.append("’")
    out.append(text[pos:])
    return "".join(out)


def germanize_quotes(html):
    """Return ``html`` with German quotation marks in its text.

    Text inside code, pre, kbd, samp, script and style is left as it is;
    tags and their attributes are never changed.
    """
    if not html:
        return html
    state = _QuoteState()
    skipped_depth = 0
    parts = _TAG.split(html)
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            if _SKIPPED_START.match(part):
                skipped_depth += 1
            elif _SKIPPED_END.match(part):
                skipped_depth = max(0, skipped_depth - 1)
            elif _BLOCK.match(part):
                state.reset()
        elif not skipped_depth and part:
            parts[index] = _germanize_text(part, state)
    return "".join(parts)
