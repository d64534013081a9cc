"""Headings on a narrow screen: words broken with a hyphen, never without.

typogrify's widont glues the last two words of a heading with a no-break
space, so no word stands alone on the last line. Two long words glued are
wider than a phone's line (390 px), and the browser then breaks inside a
word without a hyphen ("Rückmel|dung"). ``unglue_long`` undoes the glue
where the two words are longer than ``GERMAN_HEADING_GLUE_MAX``
characters. CSS ``hyphens: auto`` needs the browser's hyphenation
dictionary, which Debian's Chromium (and others offline) do not have;
``hyphenate`` puts soft hyphens into the long words of a title shown as
a heading (the templates' h1 and the lists' titles) as the page is
written (pyphen's German patterns), only in the page's HTML: titles in
feeds, search, meta tags and share cards stay without them. Section
headings in a case are set smaller and keep their words whole.
"""

import functools
import re

import pyphen
from markupsafe import Markup, escape

# The h1 of a case holds some 18 characters a line at 390 px (site.css:
# 1.3rem + 2vw of Vollkorn bold in a 350 px column); 14 leave room for wide letters.
DEFAULT_GLUE_MAX = 14
# Shorter words fit on a heading's line at 390 px and stay whole: Chromium
# copies soft hyphens along with the text, so only words that may need a
# break get them ("Kostenvoranschlag"), not "eingebaute" or "Rückmeldung".
SHORTEST_SPLIT = 12
SOFT_HYPHEN = "&shy;"

_ENTITY = re.compile(r"&#?\w+;")
# widont's glue before the last word of a heading (or of a title, which
# is typeset on its own: then the text ends there).
_GLUED_LAST = re.compile(
    r"(?P<before>[^\s<>]+)&nbsp;(?P<last>[^<>\s]+)(?P<end>(?:\s*</(?:a|em|span|strong|i|b)>)*\s*(?:</h[1-6]>|$))"
)
_TAG_OR_ENTITY = re.compile(r"(<[^>]*>|&#?\w+;)")
_WORD = re.compile(r"[^\W\d_]{%d,}" % SHORTEST_SPLIT)


def _length(text):
    return len(_ENTITY.sub("x", text))


def unglue_long(text, max_chars=DEFAULT_GLUE_MAX):
    """``text`` with widont's no-break space before a heading's last word
    made a space again where the two words are longer than ``max_chars``."""
    def keep_if_it_fits(match):
        if _length(match["before"]) + 1 + _length(match["last"]) <= max_chars:
            return match[0]
        return f"{match['before']} {match['last']}{match['end']}"

    return _GLUED_LAST.sub(keep_if_it_fits, text) if "&nbsp;" in text else text


@functools.cache
def _dictionary():
    return pyphen.Pyphen(lang="de_DE", left=3, right=3)


def _hyphenated_word(match):
    parts = []
    # German patterns split "Sachbearbeiter" as "Sach-be-a-r-bei-ter": a
    # single letter between two breaks is joined to the part before it.
    for part in _dictionary().inserted(match[0], hyphen="\u00ad").split("\u00ad"):
        if parts and len(part) < 2:
            parts[-1] += part
        else:
            parts.append(part)
    return SOFT_HYPHEN.join(parts)


def hyphenate(html):
    """Soft hyphens in the long words of ``html``'s text (not in tags or
    character references). Text not yet marked as HTML is escaped first."""
    parts = _TAG_OR_ENTITY.split(str(escape(html)))
    out = [part if index % 2 else _WORD.sub(_hyphenated_word, part) for index, part in enumerate(parts)]
    return Markup("".join(out))

