"""What one export of the old website builder holds, and the rules that
find it.

Both export formats are first flattened into blocks (one line of a text
export, one paragraph or heading of an HTML page, in reading order); the
same rules then find title, case number, teaser, sections, photo credit
and date, so a text export and a saved page of the same case come out
the same.
"""

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime

from cases.model import TIP_HEADING_PATTERN

from .markdown import escape_line_start

# A tip heading as the tips plugin finds it.
TIP_HEADING = re.compile(TIP_HEADING_PATTERN)
WHAT_HAPPENED = re.compile(r"^Was ist passiert\s*\?*$", re.I)
# "Der 33. Fall", also as a byline with more after it ("Der 33. Fall · 7. Mai 2024").
# Digits are 0-9 only: "²" or "３" pass isdigit() but are no case number.
NUMBER_LINE = re.compile(r"^(?:Der\s+([0-9]+)\.\s*Fall|Fall\s*(?:Nr\.?\s*)?([0-9]+))\b", re.I)
NUMBER_ANYWHERE = re.compile(r"\bDer\s+([0-9]+)\.\s*Fall\b")
# The same line with something else where the number belongs: "Der ². Fall".
ODD_NUMBER_LINE = re.compile(r"^(?:Der\s+(\S+?)\.\s*Fall|Fall\s*(?:Nr\.?\s*)?(\S+))\b", re.I)
CREDIT_LINE = re.compile(r"^(?:Foto|Fotos|Bild|Bildquelle|Titelbild)\s*(?:©\s*)?:\s*(.+)$", re.I)
DATE_LINE = re.compile(r"^(?:Datum|Date|Veröffentlicht(?:\s+am)?|Erschienen(?:\s+am)?)\s*:?\s+(.+)$", re.I)
TAGS_LINE = re.compile(r"^(?:Tags|Themen|Thema|Schlagwörter|Schlagworte|Kategorien?)\s*:\s*(.+)$", re.I)
# What website builders put on every page: badges and "made with" lines.
# Strict on purpose: "Erstellt mit viel Mühe" in a story is not a badge,
# so only short lines that start like one, or name a builder, count.
BUILDER_LINE = re.compile(
    r"(website[\s-]*(maker|builder|baukasten)|homepage[\s-]*baukasten|"
    r"^(erstellt|gemacht|made|built|created)\s+(mit|with)\b|^powered\s+by\b|^(©|\(c\)\s|copyright\b))",
    re.I,
)
LAYOUT_ORNAMENT = re.compile(r"\s*[•·|◆■▪►]+\s*$")
MONTHS = ["januar", "februar", "märz", "april", "mai", "juni", "juli", "august",
          "september", "oktober", "november", "dezember"]
SHORT = 80  # longer lines are prose, never a label, heading or badge


@dataclass
class Block:
    text: str
    heading: bool = False  # marked as a heading by the source (HTML h1–h6)
    level: int = 0  # 1 for h1
    markdown: str | None = None  # the text with its emphasis and links; None: plain text
    list_kind: str | None = None  # "ul" or "ol" for a list item
    list_id: int | None = None  # items of one list share it
    caption: bool = False  # a photo's caption (<figcaption>)
    after_break: bool = False  # starts after a <br> in the same paragraph (an address's next line)


class Paragraph(str):
    """A paragraph as plain text (what the rules and the tests read), with
    its Markdown (emphasis and links of an HTML page) and, for a list item,
    the list it belongs to."""

    def __new__(cls, text, markdown=None, list_kind=None, list_id=None):
        paragraph = super().__new__(cls, text)
        paragraph.markdown = markdown
        paragraph.list_kind = list_kind
        paragraph.list_id = list_id
        return paragraph


@dataclass
class ParsedCase:
    title: str = ""
    number: int | None = None
    summary: str = ""
    # (heading, paragraphs); the story before the first heading has None.
    sections: list = field(default_factory=list)
    image_credit: str = ""
    tags: list = field(default_factory=list)
    date: datetime | None = None
    has_time: bool = False
    date_source: str = ""
    image: tuple | None = None  # (src, alt) of a photo the page showed
    links: list = field(default_factory=list)  # targets of links to other pages of the export
    skip_reason: str = ""  # why a page of the export is no case (home, Impressum, …)
    # A page of the old site that becomes a page of the new one (Impressum,
    # Datenschutz, Kontakt): its slug, title and text, and whether it had a form.
    page_slug: str = ""
    page_title: str = ""
    page_blocks: list = field(default_factory=list)
    had_form: bool = False
    page_images: list = field(default_factory=list)  # addresses of the images on such a page
    addresses: list = field(default_factory=list)  # e-mail addresses the page links to (mailto:)
    problems: list = field(default_factory=list)  # what is missing, and how to fix it
    notes: list = field(default_factory=list)  # what the import did on its own

    @property
    def story(self):
        return [p for heading, paragraphs in self.sections if heading is None for p in paragraphs]

    @property
    def tips(self):
        return [heading for heading, _ in self.sections if heading and TIP_HEADING.match(heading)]

    def set_date(self, value, source):
        """Keep the first date found: the more reliable sources come first."""
        if self.date is None and value is not None:
            self.date, self.has_time = value
            self.date_source = source


def clean(text):
    """One line of text: stray and non-breaking spaces become single spaces."""
    text = text.replace("\u200b", "").replace("\ufeff", "").replace("\u200c", "")
    return " ".join(text.split())


def parse_datetime(text):
    """(datetime, has_time) from an ISO, German numeric or German written date."""
    text = clean(text)
    text = text if text.isascii() else "".join(c if c.isascii() else " " for c in text)
    if match := re.search(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2}))?", text):
        year, month, day = map(int, match.group(1, 2, 3))
        time = match.group(4, 5)
    elif match := re.search(r"(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})", text):
        day, month, year = map(int, match.groups())
        time = _time_after(text, match.end())
    elif match := re.search(r"(\d{1,2})\.\s*([A-Za-zäÄ]+)\s+(\d{4})", text):
        name = match.group(2).lower()
        if name not in MONTHS:
            return None
        day, month, year = int(match.group(1)), MONTHS.index(name) + 1, int(match.group(3))
        time = _time_after(text, match.end())
    else:
        return None
    hour, minute = (int(time[0]), int(time[1])) if time[0] else (9, 0)
    if year < 1000:
        return None  # "0001-01-01" is a typing slip, no date of the column
    try:
        return datetime(year, month, day, hour, minute), bool(time[0])
    except ValueError:
        return None


def _time_after(text, position):
    match = re.match(r"\s*(?:,|um)?\s*(\d{1,2})[:.](\d{2})\b", text[position:])
    return match.groups() if match else (None, None)


def is_heading(text):
    """A line the old site showed as a heading: "Was ist passiert?" or a
    short tip title without a final period ("Tipp für die Geschäftsleitung")."""
    if WHAT_HAPPENED.match(text):
        return True
    return bool(TIP_HEADING.match(text)) and len(text) <= 70 and not text.endswith((".", "!", ";", ","))


def strip_builder_tail(blocks, case):
    """Drop what the builder appended after the case (badge, "Erstellt mit …").

    Credit, date and topic lines may sit among those badges; they stay.
    """
    kept = []
    while blocks:
        text = blocks[-1].text
        if len(text) <= SHORT and BUILDER_LINE.search(text):
            case.notes.append(f"„{text}“ weggelassen (Zusatz des Website-Baukastens)")
            blocks.pop()
        elif CREDIT_LINE.match(text) or DATE_LINE.match(text) or TAGS_LINE.match(text):
            kept.insert(0, blocks.pop())
        else:
            break
    return blocks + kept


def odd_number(text):
    """The "number" of a line like "Der ². Fall" that is not made of 0-9, or None."""
    if NUMBER_LINE.match(text) or not (match := ODD_NUMBER_LINE.match(text)):
        return None
    raw = match.group(1) or match.group(2)
    if any(unicodedata.category(c) in ("Nd", "No") for c in raw):
        return raw
    return None


def is_section_heading(block):
    """A heading of the case: marked as one by the page (unless it reads
    like a sentence, as a teaser set in a subtitle does) or a line the old
    site showed as a heading."""
    text = block.text
    if block.list_kind or block.caption:
        return False
    if block.heading and len(text) <= SHORT and not text.endswith((".", "!", ";", ",")):
        return True
    return is_heading(text)


def assemble(blocks, case, title=None, number_fallback=""):
    """Fill ``case`` from the blocks of one export; note what is missing."""
    blocks = [replace(b, text=clean(b.text)) for b in blocks]
    blocks = strip_builder_tail([b for b in blocks if b.text], case)
    if title is None and blocks and not NUMBER_LINE.match(blocks[0].text):
        title = blocks.pop(0).text
    case.title = LAYOUT_ORNAMENT.sub("", clean(title or ""))
    sections = [(None, [])]
    for block in blocks:
        text = block.text
        short = len(text) <= SHORT
        if short and not block.list_kind and (match := NUMBER_LINE.match(text)):
            case.number = case.number or int(match.group(1) or match.group(2))
            case.set_date(parse_datetime(text[match.end():]), "aus der Zeile mit der Fallnummer")
        elif short and (odd := odd_number(text)) is not None:
            case.problems.append(
                f"Die Fallnummer „{odd}“ in der Zeile „{text}“ ist keine Zahl aus den Ziffern 0 bis 9 "
                "(vielleicht mit AltGr getippt) – schreiben Sie sie in der Exportdatei mit normalen "
                "Ziffern, z. B. „Der 33. Fall“, und importieren Sie sie erneut."
            )
        elif short and (match := CREDIT_LINE.match(text)):
            case.image_credit = case.image_credit or match.group(1).strip()
        elif block.caption:
            if text.startswith("©"):
                case.image_credit = case.image_credit or text.lstrip("© ").strip()
            else:
                case.notes.append(f"Bildunterschrift „{text}“ weggelassen (die Website zeigt unter "
                                  "dem Foto nur „Foto: …“)")
        elif short and (match := DATE_LINE.match(text)) and parse_datetime(match.group(1)):
            case.set_date(parse_datetime(match.group(1)), f"aus der Zeile „{text}“")
        elif short and (match := TAGS_LINE.match(text)):
            for tag in re.split(r"[,;·|]", match.group(1)):
                if tag.strip() and tag.strip() not in case.tags:
                    case.tags.append(tag.strip())
        elif is_section_heading(block):
            sections.append((re.sub(r"\s*:$", "", text), []))
        else:
            sections[-1][1].append(Paragraph(text, block.markdown, block.list_kind, block.list_id))
    story = sections[0][1]
    if story and not story[0].list_kind:
        case.summary = _without_layout_emphasis(story.pop(0))
    case.sections = [s for s in sections if s[0] is not None or s[1]]
    if case.number is None and (match := NUMBER_ANYWHERE.search(number_fallback)):
        case.number = int(match.group(1))
    find_problems(case)
    return case


def _without_layout_emphasis(paragraph):
    """A teaser the old site set in bold as a whole is bold by layout, not
    by the author's stress: the new site styles the teaser itself."""
    markdown = paragraph.markdown
    for mark in ("***", "**", "*"):
        if markdown and markdown.startswith(mark) and markdown.endswith(mark) and len(markdown) > 2 * len(mark) \
                and mark not in markdown[len(mark):-len(mark)]:
            inner = escape_line_start(markdown[len(mark):-len(mark)])
            return Paragraph(str(paragraph), inner, paragraph.list_kind, paragraph.list_id)
    return paragraph


def find_problems(case):
    if not case.title:
        case.problems.append(
            "Kein Titel gefunden – die erste Zeile der Textdatei bzw. die Titelzeile der Seite "
            "(die Überschrift, die mit „•“ endet, sonst die Hauptüberschrift) muss der Titel "
            "sein, z. B. „Der »eingebaute« Kunde und … •“. "
            "Ergänzen Sie ihn in der Exportdatei und importieren Sie sie erneut."
        )
    if case.number == 0:
        case.problems.append(
            "Die Fallnummer 0 gibt es nicht – Fälle zählen ab 1. Korrigieren Sie die Zeile "
            "„Der 0. Fall“ in der Exportdatei und importieren Sie sie erneut."
        )
    if case.number is None and not any("Fallnummer" in p for p in case.problems):
        case.problems.append(
            "Keine Fallnummer gefunden – ergänzen Sie in der Exportdatei unter dem Titel "
            "eine Zeile wie „Der 33. Fall“ und importieren Sie sie erneut."
        )
    if not case.tips:
        case.problems.append(
            "Kein Tipp gefunden – vor dem Tipp muss eine eigene Zeile „Der Tipp des "
            "»eingebauten« Kunden“ stehen (oder eine andere kurze Zeile, die mit „Tipp“ "
            "beginnt). Ergänzen Sie sie in der Exportdatei und importieren Sie sie erneut."
        )
    for heading, paragraphs in case.sections:
        if heading in case.tips and not paragraphs:
            case.problems.append(
                f"Der Tipp „{heading}“ hat keinen Text – ergänzen Sie den Tipp unter dieser "
                "Zeile in der Exportdatei und importieren Sie sie erneut."
            )
