"""Plain-text exports: one line is one paragraph, the first is the title."""

import re

from .case import Block, ParsedCase, assemble

LINE_BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029")


def decode(raw):
    """(text, note): the old builder may have exported Windows text."""
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        # Bytes cp1252 leaves undefined; Latin-1 reads every byte.
        text = raw.decode("latin-1")
    return text, (
        "Die Datei ist nicht UTF-8; sie wurde als Windows-1252 gelesen – "
        "prüfen Sie Umlaute und Anführungszeichen im Ergebnis."
    )


def parse_text(text):
    case = ParsedCase()
    lines = LINE_BREAK.split(text.lstrip("\ufeff"))
    return assemble([Block(line) for line in lines], case)
