"""Check case files as the author wrote them, before Pelican reads them.

Every problem is found in one pass over all files, so the author sees
them all at once, each with file, line, what is wrong and how to fix it.
"""

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from pelican.utils import get_date

from .casefile import header_lines
from .limits import header_value_problems, markdown_problem, shortened
from .model import CaseError, Problem, display_path, parse_case_number
from .sources import NotInContent, content_file, control_character, read_source

# The header fields the case format documents (README, docs/autorenhandbuch.md,
# new-case, the importer), and those of a page: nothing else reaches
# Pelican (markdown_text.PlainTextMarkdownReader drops it), whose own
# fields (save_as, url, template, lang, translation …) would let a header
# line choose where and how a page is written. A case's address hangs on
# its number alone; a page's on its Slug, which PAGE_SLUG keeps to one
# folder name.
CASE_FIELDS = {"title", "fall", "date", "modified", "tags", "summary", "image", "image_alt", "image_credit", "status"}
PAGE_FIELDS = {"title", "slug", "date", "modified", "summary", "status"}
# Pelican's "hidden" and "skip" are not for authors; any other value is
# read as "draft": shown in the preview, never published.
STATUSES = ("published", "draft")
PAGE_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
KNOWN_KEYS = CASE_FIELDS
# A case whose text or photo cannot be used is left out of the site.
LEFT_OUT = "Dieser Fall wird nicht veröffentlicht."


@dataclass
class Header:
    path: str
    text: str
    fields: dict = field(default_factory=dict)  # key (lower case) -> (line, value)

    def value(self, key):
        return self.fields.get(key, (None, None))[1]

    def line(self, key):
        return self.fields.get(key, (None, None))[0]

    @property
    def is_draft(self):
        return publication_status(self.value("status")) == "draft"


def publication_status(written):
    """The status a Status line stands for (see STATUSES): none written is
    published, anything but "published" a draft."""
    status = (written or "").strip().lower()
    return "published" if status in ("", "published") else "draft"


def read_header(path, content_path=None):
    """The metadata header of a case file; raises CaseError if the file
    cannot be read (see sources.read_source)."""
    return header_of(path, read_source(path, content_path))


def header_of(path, text):
    """The Header of a source's ``text`` (as decoded, not yet normalised)."""
    return Header(path, text, header_fields(markdown_lines(text)))


def markdown_lines(text):
    """``text`` in lines as Pelican hands it to Markdown (a byte order mark
    dropped, any line break a line break), so line numbers agree."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def header_fields(lines):
    """key (lower case) -> (line number, value) of the header at the top of
    ``lines`` (casefile.header_lines), the first of a key kept."""
    fields = {}
    for number, name, value in header_lines(lines):
        fields.setdefault(name.lower(), (number, value))
    return fields


def header_problems(header):
    """Problems in one case's header as text: (those a build reports before
    the problems of the photo's file, those after)."""
    shown = display_path(header.path)
    problems = []

    def problem(message, hint, key=None):
        problems.append(Problem(shown, message, hint, header.line(key) if key else None))

    problems += filter(None, [control_character(header.text, header.path)])
    if not header.value("title"):
        problem("Der Titel fehlt.", "Ergänzen Sie oben eine Zeile „Title: Der »eingebaute« Kunde und …“.")
    try:
        parse_case_number(header.value("fall"), header.path, header.line("fall"))
    except CaseError as error:
        problems.append(error.problem)
    date = header.value("date")
    if not date:
        problem("Das Datum fehlt.", "Ergänzen Sie eine Zeile wie „Date: 2024-05-14 09:00“.")
    else:
        try:
            get_date(date)
        except (ValueError, OverflowError):  # dateutil overflows on long digit strings
            problem(
                f"Das Datum „{date}“ ist nicht lesbar.",
                "Schreiben Sie es als Jahr-Monat-Tag, z. B. „Date: 2024-05-14 09:00“.",
                "date",
            )
    problems += unreadable_dates(header, ["modified"])
    before, problems = problems, []
    if header.value("image") and not header.value("image_alt"):
        problem(
            "Zum Bild fehlt die Bildbeschreibung.",
            "Ergänzen Sie „Image_alt: …“: was auf dem Foto zu sehen ist, für Menschen, die es nicht sehen.",
            "image",
        )
    problems += field_problems(header, CASE_FIELDS)
    return before, problems


def image_file_problems(path, image, line, content_path):
    """Problems of a case's photo ``image`` (its Image line, in ``line``)
    as a file: outside content/ or not there."""
    try:
        content_file(image, content_path)
    except NotInContent as error:
        return [Problem(display_path(path), f"Das Bild {error.message} {LEFT_OUT}", error.hint, line)]
    except FileNotFoundError as error:
        return [Problem(
            display_path(path),
            f"Das Bild „{image}“ gibt es nicht. {LEFT_OUT}",
            f"Legen Sie die Datei unter content/{error.filename} ab oder korrigieren Sie den Pfad.",
            line,
        )]
    return []


def field_problems(header, fields):
    """Header lines beyond ``fields`` (see CASE_FIELDS) and Status values
    beyond STATUSES. A build ignores them; a strict build stops."""
    shown = display_path(header.path)
    problems = []
    for key, (line, value) in header.fields.items():
        name = shortened(key.capitalize())
        if key == "status" and key in fields and value.strip().lower() not in STATUSES:
            problems.append(Problem(
                shown,
                f"Den Status „{shortened(value.strip())}“ kennt die Website nicht; der Fall wird wie ein Entwurf behandelt."
                if fields is CASE_FIELDS else
                f"Den Status „{shortened(value.strip())}“ kennt die Website nicht; die Seite wird wie ein Entwurf behandelt.",
                "Schreiben Sie „Status: draft“ für einen Entwurf, oder löschen Sie die Zeile, "
                "damit veröffentlicht wird.",
                line,
            ))
        elif key == "slug" and key in fields and not (PAGE_SLUG.fullmatch(value.strip()) or not value.strip()):
            problems.append(Problem(
                shown,
                f"Die Adresse „Slug: {shortened(value.strip(), 60)}“ ist kein einfacher Name; sie wird nicht beachtet.",
                "Schreiben Sie nur Kleinbuchstaben a–z, Ziffern und Bindestriche, z. B. „Slug: impressum“; "
                "die Seite steht dann unter /impressum/.",
                line,
            ))
        elif key not in fields:
            problems.append(_unknown_field(shown, key, name, fields, line))
    return problems


def _unknown_field(shown, key, name, fields, line):
    allowed = ", ".join(f"„{known.capitalize()}“" for known in sorted(fields))
    guess = difflib.get_close_matches(key, fields, n=1, cutoff=0.75)
    if guess:
        spelled = guess[0].capitalize()
        hint = f"Meinten Sie „{spelled}“? Schreiben Sie „{spelled}: …“."
    elif key in ("save_as", "url", "slug", "template", "lang", "translation", "path", "category"):
        where = "ein Fall steht immer unter /fall/Nummer/" if fields is CASE_FIELDS else "eine Seite unter /Slug/"
        hint = f"Löschen Sie die Zeile: Adresse, Vorlage und Sprache bestimmt die Website selbst ({where}). Erlaubt sind {allowed}."
    else:
        hint = f"Löschen Sie die Zeile oder schreiben Sie eines der Felder {allowed}."
    return Problem(shown, f"Das Feld „{name}“ kennt die Website nicht. Sie beachtet die Zeile nicht.", hint, line)


def unreadable_dates(header, keys):
    """Problems of the dates in ``keys`` that Pelican cannot read (it
    leaves such a file out)."""
    problems = []
    for key in keys:
        written = header.value(key)
        if not written:
            continue
        try:
            get_date(written)
        except (ValueError, OverflowError):  # dateutil overflows on long digit strings
            what, example = {"date": ("Das Datum", "Date: 2024-05-14 09:00"),
                             "modified": ("Das Änderungsdatum", "Modified: 2024-05-20 10:00")}[key]
            problems.append(Problem(
                display_path(header.path),
                f"{what} „{shortened(written)}“ ist nicht lesbar. Diese Datei wird nicht veröffentlicht.",
                f"Schreiben Sie es als Jahr-Monat-Tag, z. B. „{example}“.",
                header.line(key),
            ))
    return problems


def refusals(header):
    """Problems that keep a source out of the site altogether: values
    beyond their limits, Markdown too large or too deeply nested to be
    read in reasonable time (see limits.py)."""
    return [*header_value_problems(header.fields, header.path), *filter(None, [markdown_problem(header.text, header.path)])]


def page_problems(header):
    """(problems, whether the page is left out) of one page's text."""
    problems = list(filter(None, [control_character(header.text, header.path)]))
    refused = refusals(header) + unreadable_dates(header, ["date", "modified"])
    return problems + field_problems(header, PAGE_FIELDS) + refused, bool(problems or refused)


def case_problems(header):
    """(problems, where the problems of the photo's file go among them,
    case number or None, whether the case is left out) of one case's text.
    The photo's file is not looked for: whether it is there is no fact of
    the text (image_file_problems). The number is None where the case
    cannot be numbered (values beyond their limits, no valid number). Left
    out is also what Pelican would drop with an English message of its own
    (a date it cannot read, no title, no date on a published case): these
    problems have told the author already."""
    before, after = header_problems(header)
    refused = refusals(header)
    number = None
    if not refused:
        try:
            number = parse_case_number(header.value("fall"), header.path, header.line("fall"))
        except CaseError:
            pass
    dropped = (
        control_character(header.text, header.path) is not None
        or header.line("title") is None
        or (header.line("date") is None and not header.is_draft)
        or bool(unreadable_dates(header, ["date", "modified"]))
        or (header.line("date") is not None and not header.value("date"))
    )
    return before + after + refused, len(before), number, number is None or dropped


def case_numbers(folder):
    """Case number -> file, for every case file in ``folder`` with a valid
    number (drafts included); new-case and the importer keep numbers unique
    with it."""
    numbers = {}
    for path in sorted(Path(folder).glob("*.md")):
        try:
            numbers.setdefault(parse_case_number(read_header(path).value("fall"), path), path)
        except CaseError:
            continue
    return numbers


def duplicate_numbers(numbered):
    """Problems of case numbers given twice: ``numbered`` is [(number,
    path, line of its Fall)] in file order; the first file keeps it."""
    problems = []
    first_with = {}
    for number, path, line in numbered:
        first = first_with.setdefault(number, path)
        if first != path:
            problems.append(
                Problem(
                    display_path(path),
                    f"Die Fallnummer {number} ist schon an {display_path(first)} "
                    "vergeben; dieser Fall wird nicht veröffentlicht.",
                    "Geben Sie einem der beiden Fälle eine freie Nummer.",
                    line,
                )
            )
    return problems


def report(problems, what="den Fällen"):
    """One message for all problems, so a strict build still shows them all."""
    count = len(problems)
    heading = f"{count} Problem in {what}:" if count == 1 else f"{count} Probleme in {what}:"
    return "\n".join([heading, *(f"  {p}" for p in problems)])
