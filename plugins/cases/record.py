"""One reading of a source (a case or a page) into one record.

A source is opened once per build (``read_record``). What the build
needs of it is made from those bytes by one pure function
(``make_record``): the checks of its text and header, the Markdown
conversion (passed in: the reader's Markdown with every plugin's
extensions), the title as HTML and as text, the summary, the text for
the search, the tip sections and the problems found. The record is
frozen and picklable: it comes back from the reading processes
(plugins/reading) and lies in Pelican's content cache with its content
object (``content.record``). Downstream (tips, search, cards, booklet,
feeds, descriptions) reads it; nobody opens the file, parses the header
or turns the title into text again.
"""

import hashlib
import zlib
from dataclasses import dataclass, field
from typing import NamedTuple

from markupsafe import Markup
from pelican.utils import strip_toc_elements_from_html, truncate_html_paragraphs, truncate_html_words

from .checks import case_problems, header_of, markdown_lines, page_problems
from .model import SOURCE_POSITION, CaseError, Problem, display_path
from .sources import decode_source, refuse_path

# The metadata key under which a Markdown extension hands over the tip
# sections it found while converting (plugins/tips: boxing.py): a value
# with ``boxed`` = (HTML with the tips boxed, [sections], plain text).
# Each section answers anchor, heading, heading_html, body_html and text.
FOUND_TIPS = "found_tips"
# Typography turns the quotes of a heading as written into German ones.
_QUOTES = str.maketrans("", "", "\"'„“”‚‘’»«›‹")


@dataclass(frozen=True)
class HeaderField:
    key: str  # lower case
    line: int = field(metadata=SOURCE_POSITION)  # 1-based, in the file as written
    value: str  # stripped


def pack_text(text):
    """``text`` as the record keeps a long text it is not read from for
    every page: compressed UTF-8. The build holds every case's record at
    once; as str, German text with „quotes“ takes two bytes a letter, and
    once Pelican's content cache has pickled it, a UTF-8 copy besides."""
    return zlib.compress(text.encode("utf-8"))


def unpack_text(packed):
    return zlib.decompress(packed).decode("utf-8") if packed else ""


@dataclass(frozen=True)
class TipRecord:
    """One tip section of a case: its box's anchor, its heading (as text
    and as HTML), its body (as HTML without the case's ids, and as text;
    both kept packed, see pack_text). Made with ``TipRecord.of``."""

    anchor: str
    heading: str
    heading_html: str
    packed_html: bytes
    packed_text: bytes
    line: int | None = field(default=None, metadata=SOURCE_POSITION)  # of the heading in the source, where found

    @classmethod
    def of(cls, anchor, heading, heading_html, html, text, line=None):
        return cls(anchor, heading, heading_html, pack_text(html), pack_text(text), line)

    @property
    def html(self):
        return unpack_text(self.packed_html)

    @property
    def text(self):
        return unpack_text(self.packed_text)

    @property
    def is_empty(self):
        return not self.text.strip()


@dataclass(frozen=True)
class CaseRecord:
    """Everything the build knows of one source after reading it once."""

    path: str  # as Pelican names it (absolute)
    digest: str  # SHA-256 of the source's bytes ("" if they could not be read)
    is_case: bool
    header: tuple = ()  # HeaderField, the first of each key, in file order
    number: int | None = None  # a case's valid number
    left_out: bool = False  # the checks keep it off the site (see problems)
    problems: tuple = ()  # Problem: the checks of the text and its header
    markup_problems: tuple = ()  # Problem: what the allow list dropped (markdown_text.py)
    html: str = ""  # a case's with its tips boxed
    title_html: str = ""
    title_text: str = ""
    summary_html: str = ""  # as written, or the first paragraph(s) (Pelican's summary rules)
    summary_text: str = ""
    # The page's text, plain (search_text), packed (pack_text): only the
    # search index reads it, once, for a case it indexes anew.
    packed_search_text: bytes = b""
    tips: tuple = ()  # TipRecord, in order
    tips_found: bool = False  # whether tips were looked for while converting
    photo: str | None = None  # a case's Image line as written
    headings: tuple = ()  # (line number, line) of the source's Markdown headings
    photo_problems_at: int = 0  # where among the problems those of the photo's file belong

    @property
    def search_text(self):
        return unpack_text(self.packed_search_text)

    def value(self, key):
        return next((field.value for field in self.header if field.key == key), None)

    def line(self, key):
        return next((field.line for field in self.header if field.key == key), None)

    @property
    def header_lines(self):
        """key -> line number of each header field."""
        return {field.key: field.line for field in self.header}


class Conversion(NamedTuple):
    """What the Markdown conversion of a source gives back."""

    html: str
    metadata: dict  # Pelican's reader metadata (title and summary as HTML)
    refused_markup: list  # (text as written, message, hint), see markdown_text.py


def html_to_text(markup):
    """Tags dropped, entities decoded, whitespace (typogrify's non-breaking
    spaces included) made single spaces."""
    return " ".join(Markup(markup or "").striptags().split())


def line_of_heading(lines, heading):
    """The number of the Markdown heading line among ``lines`` whose words
    begin with those of the typeset ``heading`` (quotes aside), or None."""
    return heading_line(source_headings(lines), heading)


def source_headings(lines):
    """(line number, line) of the lines that are Markdown headings."""
    return tuple((number, line) for number, line in enumerate(lines, start=1) if line.lstrip().startswith("#"))


def heading_line(headings, heading):
    """line_of_heading among ``headings`` (source_headings)."""
    words = heading.translate(_QUOTES).split()
    for number, line in headings:
        if line.translate(_QUOTES).split()[1:len(words) + 1] == words:
            return number
    return None


def read_record(path, content_path, *, is_case, convert, settings):
    """The record of the source at ``path``: the file opened once (nothing
    opened if its name or place is refused)."""
    try:
        refuse_path(path, content_path)
    except CaseError as error:
        return CaseRecord(path, "", is_case, left_out=True, problems=(error.problem,))
    with open(path, "rb") as handle:
        raw = handle.read()
    return make_record(path, raw, is_case=is_case, convert=convert, settings=settings)


def make_record(path, raw, *, is_case, convert, settings):
    """The record of a source's bytes ``raw``. ``convert(text)`` is the
    Markdown conversion (a Conversion), asked only for a source the checks
    let through; ``settings`` are Pelican's (the summary's rules)."""
    digest = hashlib.sha256(raw).hexdigest()
    try:
        text = decode_source(raw, path)
    except CaseError as error:
        return CaseRecord(path, digest, is_case, left_out=True, problems=(error.problem,))
    header = header_of(path, text)
    if is_case:
        # Not the photo's file: whether it is there is no fact of this
        # source, and the record outlives it in Pelican's content cache
        # (cases.plugin looks for it at every build).
        problems, photo_problems_at, number, left_out = case_problems(header)
    else:
        (problems, left_out), photo_problems_at, number = page_problems(header), 0, None
    fields = tuple(HeaderField(key, line, value) for key, (line, value) in header.fields.items())
    record = CaseRecord(path, digest, is_case, fields, number, left_out, tuple(problems),
                        photo=header.value("image") if is_case else None, photo_problems_at=photo_problems_at)
    if left_out:
        return record
    lines = markdown_lines(text)
    headings = source_headings(lines)
    converted = convert("\n".join(lines))  # as Pelican's pelican_open reads it
    metadata = converted.metadata
    markup_problems = tuple(
        Problem(display_path(path), message, hint, _line_of(written, lines))
        for written, message, hint in converted.refused_markup
    )
    found = metadata.get(FOUND_TIPS)
    page_html = converted.html
    tips = ()
    if found is not None:
        if is_case:
            page_html = found.boxed.html
            tips = tuple(
                TipRecord.of(tip.anchor, tip.heading, tip.heading_html, tip.body_html, tip.text,
                             heading_line(headings, tip.heading))
                for tip in found.boxed.tips
            )
        search_text = found.boxed.text
    else:
        search_text = html_to_text(page_html)
    title = str(metadata.get("title", ""))
    summary = _summary(metadata, page_html, is_case, settings)
    return CaseRecord(
        path, digest, is_case, fields, number, False, tuple(problems), markup_problems,
        html=page_html, title_html=title, title_text=html_to_text(title),
        summary_html=summary, summary_text=html_to_text(summary), packed_search_text=pack_text(search_text),
        tips=tips, tips_found=found is not None, photo=record.photo, headings=headings,
        photo_problems_at=photo_problems_at,
    )


def _summary(metadata, page_html, is_case, settings):
    """The summary as Pelican makes it (Content.get_summary): the one
    written, else the first SUMMARY_MAX_PARAGRAPHS of the HTML. A case's
    empty Summary line counts as none (cases.plugin.read_case_number)."""
    written = metadata.get("summary")
    if written is not None and (not is_case or str(written).strip()):
        return str(written)
    summary = page_html
    if settings.get("SUMMARY_MAX_PARAGRAPHS") is not None:
        summary = truncate_html_paragraphs(summary, settings["SUMMARY_MAX_PARAGRAPHS"])
    if settings.get("SUMMARY_MAX_LENGTH") is not None:
        summary = truncate_html_words(summary, settings["SUMMARY_MAX_LENGTH"], settings.get("SUMMARY_END_SUFFIX", "…"))
    return strip_toc_elements_from_html(summary)


def _line_of(written, lines):
    for number, line in enumerate(lines or [], start=1):
        if written in line:
            return number
    return None

