"""Typeset the tips as an A4 booklet with ReportLab's Platypus.

A title page, a table of contents (also as PDF bookmarks), then one tip
after another, each kept on one page where it fits, with its case's
number, title and address. German hyphenation comes from Pyphen, which
ReportLab uses for ``hyphenationLang``.
"""

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from bs4 import BeautifulSoup, NavigableString, Tag
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import BaseDocTemplate, Frame, KeepTogether, PageBreak, PageTemplate, Paragraph, Spacer
from reportlab.platypus.tableofcontents import TableOfContents

REGULAR, BOLD = "Booklet", "Booklet-Bold"


@dataclass(frozen=True)
class Entry:
    """One tip as the booklet prints it; text only, except ``html``
    (the tip's body, which Markdown made)."""

    case_number: int
    case_title: str
    case_address: str
    heading: str
    html: str
    date: str  # of the case, e.g. "14. Mai 2024"
    position: int = 1  # of the tip in its case
    tips_in_case: int = 1

    def contents(self):
        """(level, text) of the lines this tip adds to the contents: its
        case, if it is the case's first tip; its heading, if the case has
        more than one."""
        lines = []
        if self.position == 1:
            lines.append((0, f"Fall {self.case_number}: {self.case_title}"))
        if self.tips_in_case > 1:
            lines.append((1, self.heading))
        return lines


@dataclass(frozen=True)
class Colours:
    text: str
    muted: str
    accent: str

    @classmethod
    def from_palette(cls, palette):
        """The booklet's colours from the theme's palette (cards/theme.py)."""
        return cls(**{role: palette[name] for role, name in BOOKLET_PALETTE.items()})


# Which of the theme's custom properties each kind of text is printed in.
BOOKLET_PALETTE = {"text": "text", "muted": "muted", "accent": "accent"}


def _register(fonts):
    # Registered under names of our own: TTF metrics are global in ReportLab.
    pdfmetrics.registerFont(TTFont(REGULAR, fonts.regular))
    pdfmetrics.registerFont(TTFont(BOLD, fonts.bold))
    # Two weights ship with the theme: emphasis in a tip stays upright.
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)


def _styles(colours):
    body = ParagraphStyle(
        "body", fontName=REGULAR, fontSize=11.5, leading=16, textColor=colors.HexColor(colours.text),
        # Ragged right, as on the site: justified lines open wide gaps in
        # a narrow column of long German words.
        alignment=0, hyphenationLang="de_DE", embeddedHyphenation=1, uriWasteReduce=0.3,
        spaceAfter=6,
    )
    return {
        "body": body,
        "item": ParagraphStyle("item", parent=body, leftIndent=14, bulletIndent=2, spaceAfter=3),
        "subheading": ParagraphStyle("subheading", parent=body, fontName=BOLD, alignment=0, spaceBefore=4, spaceAfter=3),
        "kicker": ParagraphStyle(
            "kicker", fontName=BOLD, fontSize=10, leading=13, textColor=colors.HexColor(colours.accent), spaceAfter=2,
        ),
        "case": ParagraphStyle(
            "case", fontName=BOLD, fontSize=16, leading=20, textColor=colors.HexColor(colours.text),
            spaceAfter=4,
        ),
        "heading": ParagraphStyle(
            "heading", fontName=BOLD, fontSize=11.5, leading=15, textColor=colors.HexColor(colours.accent),
            spaceAfter=4,
        ),
        "address": ParagraphStyle(
            "address", fontName=REGULAR, fontSize=9.5, leading=12, textColor=colors.HexColor(colours.muted),
            spaceBefore=2,
        ),
        "title": ParagraphStyle(
            "title", fontName=BOLD, fontSize=30, leading=36, textColor=colors.HexColor(colours.text),
            spaceAfter=14,
        ),
        "subtitle": ParagraphStyle(
            "subtitle", fontName=REGULAR, fontSize=14, leading=20, textColor=colors.HexColor(colours.muted),
            spaceAfter=8,
        ),
        "toc-title": ParagraphStyle(
            "toc-title", fontName=BOLD, fontSize=18, leading=24, textColor=colors.HexColor(colours.text),
            spaceAfter=10,
        ),
        "toc": ParagraphStyle(
            "toc", fontName=REGULAR, fontSize=10.5, leading=14, textColor=colors.HexColor(colours.text),
            leftIndent=14, firstLineIndent=-14,
        ),
        "toc-tip": ParagraphStyle(
            "toc-tip", fontName=REGULAR, fontSize=10, leading=13, textColor=colors.HexColor(colours.muted),
            leftIndent=28, firstLineIndent=-14,
        ),
    }


def _inline(node):
    """ReportLab's paragraph markup for a piece of the tip's HTML: text
    escaped, bold and italic kept, everything else reduced to its text."""
    if isinstance(node, NavigableString):
        return escape(str(node))
    inner = "".join(_inline(child) for child in node.children)
    if node.name in ("strong", "b"):
        return f"<b>{inner}</b>"
    if node.name in ("em", "i"):
        return f"<i>{inner}</i>"
    if node.name == "br":
        return "<br/>"
    return inner


def _blocks(html, styles):
    """The tip's paragraphs, lists and sub-headings as flowables."""
    flowables = []
    for node in BeautifulSoup(html, "html.parser").children:
        if isinstance(node, NavigableString):
            if node.strip():
                flowables.append(Paragraph(escape(node.strip()), styles["body"]))
        elif node.name in ("ul", "ol"):
            for number, item in enumerate(node.find_all("li", recursive=False), start=1):
                bullet = f"{number}." if node.name == "ol" else "•"
                flowables.append(Paragraph(_inline(item).strip(), styles["item"], bulletText=bullet))
        elif isinstance(node, Tag) and node.name in ("h2", "h3", "h4", "h5", "h6"):
            flowables.append(Paragraph(_inline(node).strip(), styles["subheading"]))
        elif isinstance(node, Tag):
            text = _inline(node).strip()
            if text:
                flowables.append(Paragraph(text, styles["body"]))
    return flowables


class _Booklet(BaseDocTemplate):
    """Reports each tip's case to the table of contents and the PDF outline."""

    def afterFlowable(self, flowable):
        for level, text, key in getattr(flowable, "contents", ()):
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=level, closed=True)
            self.notify("TOCEntry", (level, escape(text), self.page, key))


def write(entries, site_name, site_address, fonts, colours, stand):
    """The booklet as PDF bytes; ``entries`` newest case first."""
    _register(fonts)
    styles = _styles(colours)
    data = io.BytesIO()
    margin = 22 * mm
    document = _Booklet(
        data, pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin, bottomMargin=margin + 6 * mm,
        title=f"Alle Tipps – {site_name}", author=site_name, lang="de-DE",
        # The same tips make the same bytes: no creation time, no random id.
        invariant=1,
    )
    frame = Frame(document.leftMargin, document.bottomMargin, document.width, document.height, id="text")

    def footer(canvas, doc):
        if doc.page == 1:
            return
        canvas.saveState()
        canvas.setFont(REGULAR, 9)
        canvas.setFillColor(colors.HexColor(colours.muted))
        canvas.drawString(margin, margin, f"Alle Tipps – {site_name}")
        canvas.drawRightString(A4[0] - margin, margin, str(doc.page))
        canvas.restoreState()

    document.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=footer)])

    cases = len({entry.case_number for entry in entries})
    story = [
        Spacer(1, 60 * mm),
        Paragraph("Alle Tipps des<br/>»eingebauten« Kunden", styles["title"]),
        Paragraph(escape(f"{len(entries)} Tipps aus {cases} Fällen, der neueste Fall zuerst"), styles["subtitle"]),
        Paragraph(escape(f"Stand: {stand}"), styles["subtitle"]),
        Spacer(1, 12 * mm),
        Paragraph(escape(f"{site_name} · {site_address}"), styles["subtitle"]),
    ]
    contents = TableOfContents(dotsMinLevel=0)
    contents.levelStyles = [styles["toc"], styles["toc-tip"]]
    if entries:  # an empty one would print ReportLab's placeholder text
        story += [PageBreak(), Paragraph("Inhalt", styles["toc-title"]), contents, PageBreak()]
    lines = []
    for index, entry in enumerate(entries):
        kicker = Paragraph(escape(f"Der {entry.case_number}. Fall · {entry.date}"), styles["kicker"])
        kicker.contents = [(level, text, f"tipp-{index}-{level}") for level, text in entry.contents()]
        lines += kicker.contents
        address = escape(entry.case_address)
        tip = [
            kicker,
            Paragraph(escape(entry.case_title), styles["case"]),
            Paragraph(escape(entry.heading), styles["heading"]),
            *_blocks(entry.html, styles),
            Paragraph(f'<a href="{address}">{address}</a>', styles["address"]),
            Spacer(1, 9 * mm),
        ]
        story.append(KeepTogether(tip))
    # The contents' lines are known before the pages are: with them in
    # place from the first pass, the tips start on their final pages and
    # a second pass only fills in the page numbers (not three passes).
    contents.addEntries([(level, escape(text), 0, key) for level, text, key in lines])
    document.multiBuild(story)
    return data.getvalue()
