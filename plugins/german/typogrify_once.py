"""typogrify's filters as ``typogrify.filters.typogrify`` applies them,
with the same output at a fraction of the cost.

typogrify runs five filters one after another over the HTML; smartypants
and caps each split it into tags and text again, and smartypants makes
some twenty ``re.sub`` calls with uncompiled patterns on every piece of
text, most of which contains nothing they could change. Here every
pattern is compiled once, a replacement is only tried on text that holds
what it replaces, and smartypants and caps share one pass over the tags
and text (neither adds nor removes a ``<`` or ``>``, so caps would split
smartypants' output the same way; HTML comments, which smartypants may
change, take typogrify's own path). The patterns are typogrify's and
smartypants' own, copied verbatim; tests/test_typogrify_once.py checks
the output against typogrify's on many inputs.
"""

import re

import smartypants as sp
from typogrify import filters

_FILTERS = ("amp", "smartypants", "caps", "initial_quotes", "widont")

# typogrify.filters.amp: an ampersand with space on either side. Its
# other patterns only rebuild the text unchanged where this finds nothing.
_AMP = re.compile(r"(\s|&nbsp;)(&|&amp;|&\#38;)(\s|&nbsp;)")

# smartypants._tokenize
_TAG_SOUP = re.compile(r"([^<]*)(<!--.*?--\s*>|<[^>]*>)", re.S)
# smartypants.smartypants: elements whose text stays as it is (its
# tags_to_skip, in the pattern smartypants makes of them).
_SMARTYPANTS_SKIP = re.compile("<(/)?(%s)[^>]*>" % "|".join(sp.tags_to_skip), re.I)
# typogrify.filters.caps
_CAPS_SKIP = re.compile("<(/)?(?:kbd|script)[^>]*>", re.IGNORECASE)
_CAPS = re.compile(
    r"""(
    (\b[A-Z\d]*        # Group 2: Any amount of caps and digits
    [A-Z]\d*[A-Z]      # A cap string much at least include two caps (but they can have digits between them)
    [A-Z\d']*\b)       # Any amount of caps and digits or dumb apostsrophes
    | (\b[A-Z]+\.\s?   # OR: Group 3: Some caps, followed by a '.' and an optional space
    (?:[A-Z]+\.\s?)+)  # Followed by the same thing at least once more
    (?:\s|\b|$))
    """,
    re.VERBOSE,
)
# typogrify.filters.initial_quotes
_INITIAL_QUOTE = re.compile(
    r"""((<(p|h[1-6]|li|dt|dd)[^>]*>|^)              # start with an opening p, h1-6, li, dd, dt or the start of the string
    \s*                                          # optional white space!
    (<(a|em|span|strong|i|b)[^>]*>\s*)*)         # optional opening inline tags, with more optional white space for each.
    (("|&ldquo;|&\#8220;)|('|&lsquo;|&\#8216;))  # Find me a quote! (only need to find the left quotes and the primes)
                                                 # double quotes are in group 7, singles in group 8
    """,
    re.VERBOSE,
)
# typogrify.filters.widont
_WIDONT = re.compile(
    r"""((?:</?(?:a|em|span|strong|i|b)[^>]*>)|[^<>\s]) # preceded by an approved inline opening or closing tag or a nontag/nonspace
    \s+                                             # the space to replace
    ([^<>\s]+                                       # must be flollowed by non-tag non-space characters
    \s*                                             # optional white space!
    (</(a|em|span|strong|i|b)>\s*)*                 # optional closing inline tags with optional white space after each
    ((</(p|h[1-6]|li|dt|dd)>)|$))                   # end with a closing p, h1-6, li or the end of the string
    """,
    re.VERBOSE,
)

# smartypants.convert_quotes
_PUNCT_CLASS = r"""[!"#\$\%'()*+,-.\/:;<=>?\@\[\\\]\^_`{|}~]"""
_CLOSE_CLASS = r"[^\ \t\r\n\[\{\(\-]"
_DEC_DASHES = "&#8211;|&#8212;"
_OPENING = r"""
            (
                \s          |   # a whitespace char, or
                &nbsp;      |   # a non-breaking space entity, or
                --          |   # dashes, or
                &[mn]dash;  |   # named dash entities
                %s          |   # or decimal entities
                &\#x201[34];    # or hex
            )
            %s                # the quote
            (?=\w)            # followed by a word character
            """
_QUOTE_STEPS = [
    ("'", re.compile(r"""^'(?=%s\\B)""" % (_PUNCT_CLASS,)), "&#8217;"),
    ('"', re.compile(r"""^"(?=%s\\B)""" % (_PUNCT_CLASS,)), "&#8221;"),
    ("'", re.compile(r""""'(?=\w)"""), "&#8220;&#8216;"),
    ("'", re.compile(r"""'"(?=\w)"""), "&#8216;&#8220;"),
    ("'", re.compile(r"""\b'(?=\d{2}s)"""), "&#8217;"),
    ("'", re.compile(_OPENING % (_DEC_DASHES, "'"), re.VERBOSE), r"\1&#8216;"),
    ("'", re.compile(r"""
            (%s)
            '
            (?!\s | s\b | \d)
            """ % (_CLOSE_CLASS,), re.VERBOSE), r"\1&#8217;"),
    ("'", re.compile(r"""
            (%s)
            '
            (\s | s\b)
            """ % (_CLOSE_CLASS,), re.VERBOSE), r"\1&#8217;\2"),
    ("'", re.compile("'"), "&#8216;"),
    ('"', re.compile(_OPENING % (_DEC_DASHES, '"'), re.VERBOSE), r"\1&#8220;"),
    ('"', re.compile(r"""
            #(%s)?   # character that indicates the quote should be closing
            "
            (?=\s)
            """ % (_CLOSE_CLASS,), re.VERBOSE), "&#8221;"),
    ('"', re.compile(r"""
            ^
            "
            (?=%s)
            """ % (_PUNCT_CLASS,), re.VERBOSE), "&#8221;"),
    ('"', re.compile(r"""
            (%s)   # character that indicates the quote should be closing
            "
            """ % (_CLOSE_CLASS,), re.VERBOSE), r"\1&#8221;"),
    ('"', re.compile('"'), "&#8220;"),
]
_NOT_SPACE = re.compile(r"\S")
_ESCAPES = (("\\\\", "&#92;"), ('\\"', "&#34;"), ("\\'", "&#39;"), ("\\.", "&#46;"), ("\\-", "&#45;"), ("\\`", "&#96;"))
_DASHES = {
    sp.Attr.d: (("--", "&#8212;"),),
    sp.Attr.D: (("---", "&#8212;"), ("--", "&#8211;")),
    sp.Attr.i: (("---", "&#8211;"), ("--", "&#8212;")),
}
_BACKTICKS = {sp.Attr.b: (("``", "&#8220;"), ("''", "&#8221;")), sp.Attr.B: (("`", "&#8216;"), ("'", "&#8217;"))}
_ENTITY_MODES = {sp.Attr.u: 0, sp.Attr.h: 1, sp.Attr.s: 2}


def typogrify(text, ignore_tags=None, attr=sp.Attr.set1, **kwargs):
    """``typogrify.filters.typogrify(text, ignore_tags, **kwargs)`` with
    ``smartypants.Attr.default`` set to ``attr``."""
    unknown = set(kwargs) - set(_FILTERS)
    if unknown:
        raise TypeError("Unexpected keyword argument(s): %s" % sorted(unknown))
    use = {name: kwargs.get(name, True) for name in _FILTERS}
    rendered = []
    for section, should_process in filters.process_ignores(text, ignore_tags):
        rendered.append(_apply_filters(section, attr, use) if should_process else section)
    return "".join(rendered)


def _apply_filters(text, attr, use):
    if use["amp"] and _AMP.search(text):
        text = filters.amp(text)
    if "<!--" in text:  # smartypants may turn a comment into text
        if use["smartypants"]:
            text = sp.smartypants(text, attr)
        if use["caps"]:
            text = filters.caps(text)
    elif use["smartypants"] or use["caps"]:
        text = _smartypants_and_caps(text, attr if use["smartypants"] else None, use["caps"])
    if use["initial_quotes"]:
        text = _INITIAL_QUOTE.sub(_quote_wrapper, text)
    if use["widont"]:
        text = _widont(text)
    return text


# widont's matches end at one of these (or at the end of the text).
_BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|dt|dd)>")
_WIDONT_INLINE_ENDS = ("</a>", "</em>", "</span>", "</strong>", "</i>", "</b>")
_TAG_IN_TAG = re.compile(r"<[^>]*<")  # or a "<" that starts no tag


def _widont(text):
    """``_WIDONT.sub`` without trying the pattern at every character.

    Where no tag holds a ``<`` (Markdown escapes it), every match ends at a
    closing p, h1-6, li, dt or dd (or the end) with no other such tag in
    it, and has one possible start: the character or inline tag before the
    space before the last word. That start is found from the end and the
    pattern tried there; anything unforeseen falls back to the full scan.
    """
    if _TAG_IN_TAG.search(text):
        return _WIDONT.sub(r"\1&nbsp;\2", text)
    out = []
    done = start = 0
    for end_tag in (*_BLOCK_END.finditer(text), None):
        end, after = (end_tag.start(), end_tag.end()) if end_tag else (len(text), len(text))
        begin = _widont_start(text, start, end)
        if begin is not None:
            match = _WIDONT.match(text, begin)
            if match is None:
                pass
            elif match.end() != after:
                return _WIDONT.sub(r"\1&nbsp;\2", text)
            else:
                out.append(text[done:begin])
                out.append(f"{match.group(1)}&nbsp;{match.group(2)}")
                done = after
        start = after
    out.append(text[done:])
    return "".join(out)


def _widont_start(text, start, end):
    """Where a widont match ending at ``end`` would start (no earlier than
    ``start``), or None."""
    k = end
    while True:  # (white space, closing inline tag)* before the end
        while k > start and text[k - 1].isspace():
            k -= 1
        closing = next((tag for tag in _WIDONT_INLINE_ENDS if text.endswith(tag, start, k)), None)
        if closing is None:
            break
        k -= len(closing)
    word_end = k
    while k > start and text[k - 1] not in "<>" and not text[k - 1].isspace():
        k -= 1
    if k == word_end:
        return None
    space_end = k
    while k > start and text[k - 1].isspace():
        k -= 1
    if k == space_end or k == start:
        return None
    if text[k - 1] != ">":
        return k - 1
    tag_start = text.rfind("<", start, k - 1)
    return tag_start if tag_start >= 0 else None


def _tokens(text):
    """smartypants._tokenize without comments: (is_tag, token)."""
    end = 0
    for match in _TAG_SOUP.finditer(text):
        if match.start() != end:  # _tokenize stops at the first text it cannot split
            break
        if match.group(1):
            yield False, match.group(1)
        yield True, match.group(2)
        end = match.end()
    if end < len(text):
        yield False, text[end:]


def _smartypants_and_caps(text, attr, caps):
    """smartypants.smartypants(text, attr) (unless attr is None), then
    typogrify.filters.caps, in one pass."""
    result = []
    skipped_tag_stack = []
    in_pre = False
    in_caps_skipped = False
    prev_token_last_char = ""
    for is_tag, token in _tokens(text):
        if is_tag:
            result.append(token)
            if attr is not None:
                skip_match = _SMARTYPANTS_SKIP.match(token)
                if skip_match:
                    if not skip_match.group(1):
                        skipped_tag_stack.append(skip_match.group(2).lower())
                        in_pre = True
                    else:
                        if skipped_tag_stack and skip_match.group(2).lower() == skipped_tag_stack[-1]:
                            skipped_tag_stack.pop()
                        if not skipped_tag_stack:
                            in_pre = False
            close_match = _CAPS_SKIP.match(token)
            in_caps_skipped = bool(close_match and close_match.group(1) is None)
            continue
        last_char = token[-1:]
        if attr is not None and not in_pre:
            token = _educate(token, attr, prev_token_last_char)
        prev_token_last_char = last_char
        if caps and not in_caps_skipped:
            token = _CAPS.sub(_cap_wrapper, token)
        result.append(token)
    return "".join(result)


def _replace(text, pairs):
    for old, new in pairs:
        if old in text:
            text = text.replace(old, new)
    return text


def _educate(t, attr, prev_token_last_char):
    """What smartypants.smartypants does to one piece of text."""
    if "\\" in t:
        t = _replace(t, _ESCAPES)
    if attr & sp.Attr.w and "&quot;" in t:
        t = t.replace("&quot;", '"')
    t = _replace(t, _DASHES.get(attr & sp.Attr.mask_d, ()))
    if attr & sp.Attr.e and "." in t:
        t = _replace(t, (("...", "&#8230;"), (". . .", "&#8230;")))
    t = _replace(t, _BACKTICKS.get(attr & sp.Attr.mask_b, ()))
    if attr & sp.Attr.q:
        if t == "'":
            t = "&#8217;" if _NOT_SPACE.match(prev_token_last_char) else "&#8216;"
        elif t == '"':
            t = "&#8221;" if _NOT_SPACE.match(prev_token_last_char) else "&#8220;"
        elif "'" in t or '"' in t:
            for quote, pattern, replacement in _QUOTE_STEPS:
                if quote in t:
                    t = pattern.sub(replacement, t)
    entities = attr & sp.Attr.mask_o
    if entities and "&#8" in t:
        t = sp.convert_entities(t, _ENTITY_MODES.get(entities, 3))
    return t


def _cap_wrapper(matchobj):
    """typogrify.filters.caps' own."""
    if matchobj.group(2):
        return """<span class="caps">%s</span>""" % matchobj.group(2)
    if matchobj.group(3)[-1] == " ":
        caps, tail = matchobj.group(3)[:-1], " "
    else:
        caps, tail = matchobj.group(3), ""
    return """<span class="caps">{}</span>{}""".format(caps, tail)


def _quote_wrapper(matchobj):
    """typogrify.filters.initial_quotes' own."""
    if matchobj.group(7):
        classname, quote = "dquo", matchobj.group(7)
    else:
        classname, quote = "quo", matchobj.group(8)
    return """{}<span class="{}">{}</span>""".format(matchobj.group(1), classname, quote)
