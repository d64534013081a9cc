"""What a case is, independent of Pelican: its number and its problems."""

import os
import re
from dataclasses import dataclass

from german.spelling import fold_umlauts


@dataclass
class Problem:
    """One mistake in a case file, worded for the author."""

    path: str
    message: str
    hint: str
    line: int | None = None

    def __str__(self):
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message} – {self.hint}"


# A tip section starts at a heading that reads "Der Tipp …" or "Tipp …"
# (the tips plugin's TIPS_HEADING_PATTERN, the importer's tip lines).
TIP_HEADING_PATTERN = r"^\s*(?:Der\s+)?Tipp\b"


class CaseError(ValueError):
    def __init__(self, problem):
        super().__init__(str(problem))
        self.problem = problem

    def __reduce__(self):
        # Raised in a worker process (plugins/reading), it must arrive whole.
        return type(self), (self.problem,)


# Not str.isdigit(): it accepts "²", which int() does not.
_ASCII_NUMBER = re.compile(r"[0-9]+")
# A case number is part of addresses and file names (and Python refuses
# to read integers of more than 4,300 digits): a million cases is plenty.
MAX_CASE_NUMBER_DIGITS = 6


def display_path(path, base=None):
    """``path`` as the author knows it: relative to the project if inside."""
    base = base or os.getcwd()
    try:
        relative = os.path.relpath(path, base)
    except ValueError:
        relative = ".."
    return printable(path if relative.startswith("..") else relative)


def printable(path):
    """A file name that is not UTF-8 shows its odd bytes as �."""
    return os.fsencode(path).decode("utf-8", errors="replace")


def parse_case_number(raw, path, line=None):
    """The case number from the ``Fall`` metadata (written in ``line`` of
    the header, if known), as a positive int.

    Raises CaseError with a message the author can act on.
    """
    shown = display_path(path)
    if raw is None or not str(raw).strip():
        raise CaseError(
            Problem(
                shown,
                "Die Fallnummer fehlt.",
                "Ergänzen Sie im Kopf der Datei eine Zeile wie „Fall: 34“.",
            )
        )
    text = str(raw).strip()
    if any(c.isdigit() for c in text) and not text.isascii():
        raise CaseError(
            Problem(
                shown,
                f"Die Fallnummer „{text}“ enthält Zeichen, die wie Ziffern aussehen, aber keine "
                "gewöhnlichen Ziffern sind (etwa hochgestellte ² oder ³).",
                "Schreiben Sie die Zahl nur mit den Ziffern 0 bis 9, z. B. „Fall: 34“.",
                line,
            )
        )
    if _ASCII_NUMBER.fullmatch(text) and len(text.lstrip("0")) > MAX_CASE_NUMBER_DIGITS:
        raise CaseError(
            Problem(
                shown,
                f"Die Fallnummer „{text[:12]}…“ ist mit {len(text)} Ziffern zu lang (höchstens "
                f"{MAX_CASE_NUMBER_DIGITS}). Dieser Fall wird nicht veröffentlicht.",
                "Schreiben Sie die Nummer des Falls, z. B. „Fall: 34“.",
                line,
            )
        )
    if not _ASCII_NUMBER.fullmatch(text) or int(text) < 1:
        raise CaseError(
            Problem(
                shown,
                f"Die Fallnummer „{text}“ ist keine positive ganze Zahl.",
                "Schreiben Sie nur die Zahl, z. B. „Fall: 34“.",
                line,
            )
        )
    return int(text)


# Every title of the column starts the same way; file names leave it out.
SERIES_PREFIX = re.compile(r"^\s*Der\s+»?eingebaute«?\s+Kunde\s+(und\s+)?", re.I)


def case_filename(number, title, max_words=5):
    """fall-34-die-vergessene-rueckmeldung.md"""
    words = re.findall(r"[a-z0-9]+", fold_umlauts(SERIES_PREFIX.sub("", title)).lower())
    slug = "-".join(words[:max_words]) or "ohne-titel"
    return f"fall-{number:02d}-{slug}.md"


# The metadata of a dataclass field that holds a place in the source (a
# line number): messages to the author show it, no page of the site does.
# What a page shows (plugins/pagekeys) leaves such a field out, so that a
# paragraph inserted above a tip does not re-render every page listing it.
SOURCE_POSITION = {"shown": False}
