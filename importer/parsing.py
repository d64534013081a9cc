"""Read one export of the old website builder into a ParsedCase.

Plain-text exports and saved HTML pages both become a flat list of
blocks (headings and paragraphs in reading order); one set of rules then
finds title, case number, teaser, sections, photo credit and date in it,
so both formats are read the same way.
"""

import re
from dataclasses import dataclass, field
from datetime import date as Date

from bs4 import BeautifulSoup

KNOWN_HEADINGS = re.compile(r"^(Was ist passiert\??|(Der\s+)?Tipp\b.{0,80})$")
TIP_HEADING = re.compile(r"^(Der\s+)?Tipp\b")
NUMBER_LINE = re.compile(r"^Der\s+(\d+)\.\s*Fall\s*$")
CREDIT_LINE = re.compile(r"^Foto:\s*(.+)$")
# What website builders add to a page: badges, "made with" lines.
BUILDER_NOISE = re.compile(
    r"(website[\s-]*(maker|builder|baukasten)|erstellt mit|powered by|made with|"
    r"jimdo|wix\.com|squarespace|webnode|ionos|strato)",
    re.I,
)
MONTHS = ["januar", "februar", "märz", "april", "mai", "juni", "juli", "august",
          "september", "oktober", "november", "dezember"]
DATE_LINE = re.compile(r"^(Datum|Veröffentlicht( am)?|Erschienen( am)?)\s*:?\s*(?P<date>.+)$", re.I)


@dataclass
class Block:
    text: str
    heading: bool = False


@dataclass
class ParsedCase:
    title: str = ""
    number: int | None = None
    summary: str = ""
    story: list = field(default_factory=list)
    sections: list = field(default_factory=list)  # [(heading, [paragraphs])]
    image_credit: str = ""
    date: Date | None = None
    notes: list = field(default_factory=list)

    @property
    def tips(self):
        return [heading for heading, _ in self.sections if TIP_HEADING.match(heading)]

    @property
    def missing(self):
        """What a case needs and this export did not give, worded for the author."""
        missing = []
        if not self.title:
            missing.append("kein Titel (die erste Zeile bzw. die Hauptüberschrift)")
        if self.number is None:
            missing.append("keine Fallnummer (eine Zeile wie „Der 33. Fall“)")
        if not self.tips:
            missing.append("kein Tipp (eine Zeile „Der Tipp des »eingebauten« Kunden“)")
        return missing


def clean(text):
    return " ".join(text.replace("\xa0", " ").split())


def parse_date(text):
    text = clean(text)
    if match := re.search(r"(\d{4})-(\d{2})-(\d{2})", text):
        year, month, day = map(int, match.groups())
    elif match := re.search(r"(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})", text):
        day, month, year = map(int, match.groups())
    elif match := re.search(r"(\d{1,2})\.\s*([A-Za-zäÄ]+)\s+(\d{4})", text):
        name = match.group(2).lower()
        if name not in MONTHS:
            return None
        day, month, year = int(match.group(1)), MONTHS.index(name) + 1, int(match.group(3))
    else:
        return None
    try:
        return Date(year, month, day)
    except ValueError:
        return None


def assemble(blocks, title=None, found_date=None):
    """The rules shared by both formats."""
    case = ParsedCase(date=found_date)
    blocks = [Block(clean(b.text), b.heading) for b in blocks if clean(b.text)]
    if title is None and blocks:
        title = blocks.pop(0).text
    case.title = re.sub(r"\s*[•·|]\s*$", "", clean(title or ""))
    kept = []
    for block in blocks:
        if match := NUMBER_LINE.match(block.text):
            case.number = int(match.group(1))
        elif match := CREDIT_LINE.match(block.text):
            case.image_credit = match.group(1).strip()
        elif len(block.text) < 80 and BUILDER_NOISE.search(block.text):
            case.notes.append(f"„{block.text}“ weggelassen (Zusatz des Website-Baukastens)")
        elif (match := DATE_LINE.match(block.text)) and parse_date(match.group("date")):
            case.date = case.date or parse_date(match.group("date"))
        else:
            kept.append(Block(block.text, block.heading or bool(KNOWN_HEADINGS.match(block.text))
                              and not block.text.endswith(".")))
    heading = None
    for block in kept:
        if block.heading:
            heading = block.text
            case.sections.append((heading, []))
        elif heading is None and not case.summary:
            case.summary = block.text
        elif heading is None:
            case.story.append(block.text)
        else:
            case.sections[-1][1].append(block.text)
    return case


def decode(raw):
    """Text of an export; the old builder may have written Windows-1252."""
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return raw.decode("cp1252"), "nicht UTF-8, als Windows-1252 gelesen"


def parse_text(text):
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return assemble([Block(line) for line in text.split("\n")])


_DROPPED = ["script", "style", "noscript", "nav", "form", "aside", "button", "iframe", "svg", "template"]
_NOISE_CLASS = re.compile(r"cookie|consent|banner|badge|share|social|menu|navbar|breadcrumb|skip", re.I)
_BLOCKS = ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "figcaption", "dt", "dd"]


def parse_html(markup):
    soup = BeautifulSoup(markup, "html.parser")
    found_date = _html_date(soup)
    page_title = soup.title.get_text() if soup.title else ""
    root = soup.find("article") or soup.find("main") or soup.body or soup
    for tag in root.find_all(_DROPPED):
        tag.decompose()
    for tag in root.find_all("footer"):
        tag.decompose()
    for tag in root.find_all("header"):
        # A header with the title is the case's own; any other is chrome.
        if not tag.find("h1"):
            tag.decompose()
    for tag in root.find_all(True):
        if tag.decomposed:
            continue
        names = " ".join(tag.get("class") or []) + " " + (tag.get("id") or "") + " " + (tag.get("role") or "")
        if _NOISE_CLASS.search(names) or tag.get("role") in ("navigation", "banner", "contentinfo"):
            tag.decompose()
    elements = [e for e in root.find_all(_BLOCKS) if not e.find(_BLOCKS)]
    h1 = next((e for e in elements if e.name == "h1"), None)
    title = h1.get_text(" ") if h1 else re.split(r"\s+[|–-]\s+", page_title)[0]
    blocks = [Block(e.get_text(" "), heading=e.name[0] == "h") for e in elements if e is not h1]
    return assemble(blocks, title=title, found_date=found_date)


def _html_date(soup):
    candidates = [
        (soup.find("meta", attrs={"property": "article:published_time"}) or {}).get("content"),
        (soup.find("meta", attrs={"name": "date"}) or {}).get("content"),
        (soup.find("time", attrs={"datetime": True}) or {}).get("datetime"),
    ]
    for candidate in candidates:
        if candidate and (found := parse_date(candidate)):
            return found
    return None
