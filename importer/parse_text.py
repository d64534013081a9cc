"""Plain-text exports: one line is one paragraph, the first is the title."""

import re

from .case import Block, ParsedCase, assemble

LINE_BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029")


def parse_text(text):
    case = ParsedCase()
    lines = LINE_BREAK.split(text.lstrip("\ufeff"))
    return assemble([Block(line) for line in lines], case)
