"""The HTML Markdown makes, read into a small tree and written out again
the way BeautifulSoup (html.parser, the "minimal" formatter) writes it.

Finding the tips needs a tree, and a case's boxed HTML has always been
BeautifulSoup's serialisation; BeautifulSoup builds its tree in pure
Python through html.parser, the largest part of reading a case. Markdown's
HTML is regular: tags with quoted attributes, text with its special
characters escaped. ``parse`` reads that and nothing else; for anything
it does not expect (comments, scripts, entities it does not know,
unbalanced tags …) it returns None, and the caller uses BeautifulSoup.
tests/test_tip_finding.py holds the two to the same output.
"""

import re

from bs4.dammit import EntitySubstitution

# What BeautifulSoup writes as <x/> and never gives children.
VOID = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "menuitem", "meta", "param",
    "source", "track", "wbr", "basefont", "bgsound", "command", "frame", "image", "isindex", "nextid", "spacer",
})
# Elements whose text BeautifulSoup treats as other than text.
_NOT_PLAIN = frozenset({"textarea", "script", "style", "template", "rt", "rp", "math", "svg"})
# Where BeautifulSoup keeps white space as it is.
_PRESERVING = "pre"
# Attributes BeautifulSoup reads as a list of words (for any element).
_WORD_LISTS = {"class", "accesskey", "dropzone"}
_WORD_LISTS_OF = {"a": {"rel", "rev"}, "link": {"rel", "rev"}, "td": {"headers"}, "th": {"headers"},
                  "form": {"accept-charset"}, "object": {"archive"}, "area": {"rel"}, "icon": {"sizes"},
                  "iframe": {"sandbox"}, "output": {"for"}}

_TOKEN = re.compile(r"<(/?)([a-z][a-z0-9]*)((?:\s+[a-z_:][-a-z0-9_:.]*=\"[^\"<>]*\")*)\s*(/?)>|([^<]+)")
_ATTRIBUTE = re.compile(r"\s+([a-z_:][-a-z0-9_:.]*)=\"([^\"]*)\"")
_ENTITY = re.compile(r"&(?:([a-zA-Z][a-zA-Z0-9]*);|#([0-9]{1,7});|#[xX]([0-9a-fA-F]{1,6});)")
# html.parser unescapes attributes itself; these it reads as BeautifulSoup does text.
_NAMED_IN_ATTRIBUTES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "nbsp": "\xa0"}
_NAMED_IN_TEXT = EntitySubstitution.HTML_ENTITY_TO_CHARACTER
_ASCII_SPACES = frozenset("\x20\x0a\x09\x0c\x0d")
_WORDS = re.compile(r"\S+")
_ESCAPE = re.compile(r"[&<>]")
_ESCAPED = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


class Unexpected(Exception):
    """Something BeautifulSoup might read otherwise."""


class Element:
    __slots__ = ("name", "attrs", "children", "parent")

    def __init__(self, name, attrs=None, parent=None):
        self.name = name
        self.attrs = attrs if attrs is not None else {}
        self.children = []  # Element or str
        self.parent = parent

    def get(self, name, default=None):
        return self.attrs.get(name, default)

    def get_text(self):
        return "".join(_strings(self))

    def decode(self):
        out = []
        _write(self, out)
        return "".join(out)

    def decode_contents(self):
        out = []
        for child in self.children:
            _write(child, out)
        return "".join(out)

    def find(self, names):
        """The first element below this one named one of ``names``."""
        for child in self.children:
            if isinstance(child, Element):
                if child.name in names:
                    return child
                found = child.find(names)
                if found is not None:
                    return found
        return None


def parse(html):
    """The root of ``html``'s tree (an Element without a name), or None."""
    try:
        return _parse(html)
    except Unexpected:
        return None


def _parse(html):
    root = Element(None)
    current = root
    preserving = 0  # depth of <pre>
    pos = 0
    for match in _TOKEN.finditer(html):
        if match.start() != pos:
            raise Unexpected
        pos = match.end()
        closing, name, attributes, self_closing, text = match.groups()
        if text is not None:
            _append_text(current, _unescape(text, _NAMED_IN_TEXT), preserving)
        elif closing:
            if attributes or self_closing or name in VOID or current.name != name:
                raise Unexpected
            current = current.parent
            preserving -= name == _PRESERVING
        else:
            if name in _NOT_PLAIN or (self_closing and name not in VOID):
                raise Unexpected
            element = Element(name, _attributes(name, attributes), current)
            current.children.append(element)
            if name not in VOID:
                current = element
                preserving += name == _PRESERVING
    if pos != len(html) or current is not root:
        raise Unexpected
    return root


def _append_text(parent, text, preserving):
    # BeautifulSoup makes white space alone a single newline or space.
    if not preserving and all(char in _ASCII_SPACES for char in text):
        text = "\n" if "\n" in text else " "
    parent.children.append(text)


def _attributes(name, written):
    attrs = {}
    word_lists = _WORD_LISTS | _WORD_LISTS_OF.get(name, set())
    for key, value in _ATTRIBUTE.findall(written):
        if key in attrs:
            raise Unexpected
        value = _unescape(value, _NAMED_IN_ATTRIBUTES)
        attrs[key] = _WORDS.findall(value) if key in word_lists else value
    return attrs


def _unescape(text, named):
    if "&" not in text:
        return text
    if text.count("&") != len(_ENTITY.findall(text)):
        raise Unexpected
    return _ENTITY.sub(lambda match: _character(match, named), text)


def _character(match, named_characters):
    named, decimal, hexadecimal = match.groups()
    if named:
        if named not in named_characters:
            raise Unexpected
        return named_characters[named]
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if not is_plain_character(code):
        raise Unexpected  # html.parser and BeautifulSoup have their own rules there
    return chr(code)


def is_plain_character(code):
    """Whether the character reference ``&#code;`` is read here: not below
    U+00A0 (control characters, Windows-1252's replacements), and above it
    where html.unescape gives that character: no surrogate, nothing beyond
    Unicode, none of Unicode's noncharacters (U+FDD0…U+FDEF, U+FFFE and
    U+FFFF of every plane), which it drops."""
    return 160 <= code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF and not 0xFDD0 <= code <= 0xFDEF and code & 0xFFFE != 0xFFFE


def _strings(element):
    for child in element.children:
        if isinstance(child, str):
            yield child
        else:
            yield from _strings(child)


def escape(text):
    return _ESCAPE.sub(lambda match: _ESCAPED[match.group(0)], text) if ("&" in text or "<" in text or ">" in text) \
        else text


def _quoted(value):
    if '"' in value:
        if "'" in value:
            return '"' + value.replace('"', "&quot;") + '"'
        return "'" + value + "'"
    return '"' + value + '"'


def _write(node, out):
    if isinstance(node, str):
        out.append(escape(node))
        return
    out.append("<" + node.name)
    for key, value in sorted(node.attrs.items()):
        if isinstance(value, list):
            value = " ".join(value)
        out.append(f" {key}={_quoted(escape(value))}")
    if node.name in VOID:
        out.append("/>")
        return
    out.append(">")
    for child in node.children:
        _write(child, out)
    out.append(f"</{node.name}>")
