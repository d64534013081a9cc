"""What one export of the old website builder holds, and the rules that
find it.

Both export formats are first flattened into blocks (one line of a text
export, one paragraph or heading of an HTML page, in reading order); the
same rules then find title, case number, teaser, sections, photo credit
and date, so a text export and a saved page of the same case come out
the same.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

# A tip heading as the tips plugin finds it (TIPS_HEADING_PATTERN).
TIP_HEADING = re.compile(r"^(Der\s+)?Tipp\b")
WHAT_HAPPENED = re.compile(r"^Was ist passiert\s*\?*$", re.I)
# "Der 33. Fall", also as a byline with more after it ("Der 33. Fall · 7. Mai 2024").
NUMBER_LINE = re.compile(r"^(?:Der\s+(\d+)\.\s*Fall|Fall\s*(?:Nr\.?\s*)?(\d+))\b", re.I)
NUMBER_ANYWHERE = re.compile(r"\bDer\s+(\d+)\.\s*Fall\b")
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
    text = text.replace("\u200b", "").replace("\ufeff", "")
    return " ".join(text.split())


def parse_datetime(text):
    """(datetime, has_time) from an ISO, German numeric or German written date."""
    text = clean(text)
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


def assemble(blocks, case, title=None, number_fallback=""):
    """Fill ``case`` from the blocks of one export; note what is missing."""
    blocks = [Block(clean(b.text), b.heading, b.level) for b in blocks]
    blocks = strip_builder_tail([b for b in blocks if b.text], case)
    if title is None and blocks and not NUMBER_LINE.match(blocks[0].text):
        title = blocks.pop(0).text
    case.title = LAYOUT_ORNAMENT.sub("", clean(title or ""))
    sections = [(None, [])]
    for block in blocks:
        text = block.text
        short = len(text) <= SHORT
        if short and (match := NUMBER_LINE.match(text)):
            case.number = case.number or int(match.group(1) or match.group(2))
            case.set_date(parse_datetime(text[match.end():]), "aus der Zeile mit der Fallnummer")
        elif short and (match := CREDIT_LINE.match(text)):
            case.image_credit = case.image_credit or match.group(1).strip()
        elif short and (match := DATE_LINE.match(text)) and parse_datetime(match.group(1)):
            case.set_date(parse_datetime(match.group(1)), f"aus der Zeile „{text}“")
        elif short and (match := TAGS_LINE.match(text)):
            for tag in re.split(r"[,;·|]", match.group(1)):
                if tag.strip() and tag.strip() not in case.tags:
                    case.tags.append(tag.strip())
        elif block.heading or is_heading(text):
            sections.append((re.sub(r"\s*:$", "", text), []))
        else:
            sections[-1][1].append(text)
    story = sections[0][1]
    if story:
        case.summary = story.pop(0)
    case.sections = [s for s in sections if s[0] is not None or s[1]]
    if case.number is None and (match := NUMBER_ANYWHERE.search(number_fallback)):
        case.number = int(match.group(1))
    find_problems(case)
    return case


def find_problems(case):
    if not case.title:
        case.problems.append(
            "Kein Titel gefunden – die erste Zeile der Textdatei bzw. die Hauptüberschrift "
            "(<h1>) der Seite muss der Titel sein, z. B. „Der »eingebaute« Kunde und …“. "
            "Ergänzen Sie ihn in der Exportdatei und importieren Sie sie erneut."
        )
    if case.number is None:
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
