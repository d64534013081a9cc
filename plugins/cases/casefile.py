"""A case file as the parts an editor changes one at a time, and the
splice that writes a change back without touching anything else.

Pure: text in, text out; no Pelican, no files. ``parse`` keeps every
part with its place in the text (the header lines with their line
numbers, the story, "Was ist passiert?", the tip sections, any other
section), so ``splice`` replaces exactly the characters of the parts that
changed: a file opened and saved without a change keeps every byte, an
unknown header line stays where it was, a CRLF file stays CRLF.

The header ends at the first blank line; ``header_lines`` reads it, for
the build (cases.record) and its checks as well. Headings are ATX headings (``## …``)
outside fenced code blocks, as the importer and new-case write them. A
tip section starts at a heading the build takes for a tip (the case
model's TIP_HEADING_PATTERN or ``{.tipp}``) and, for the editor, runs to
the next tip heading of the same or a higher level, or to the end.
"""

import re
from dataclasses import dataclass, field

from .model import TIP_HEADING_PATTERN

# The order of the header lines the editor writes; a line it adds goes
# after the nearest one before it that is there.
HEADER_ORDER = ("title", "fall", "date", "tags", "summary", "image", "image_alt", "image_credit", "status")
HEADER_NAMES = {
    "title": "Title", "fall": "Fall", "date": "Date", "tags": "Tags", "summary": "Summary", "image": "Image",
    "image_alt": "Image_alt", "image_credit": "Image_credit", "status": "Status",
}
# The heading of a tip the editor adds, and the class that makes any other
# heading a tip.
DEFAULT_TIP_HEADING = "Der Tipp des »eingebauten« Kunden"
TIP_CLASS = "{.tipp}"

# A header line as Markdown's "meta" extension reads one (a key indented
# by up to three spaces too): the one parser of the header, for the build
# (cases.record), the checks and the editor.
_KEY_LINE = re.compile(r"^ {0,3}([A-Za-z0-9_][\w-]*)\s*:\s?(.*)$")
_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_TIP = re.compile(TIP_HEADING_PATTERN)
_TIP_CLASS = re.compile(r"\{[^}]*\.tipp\b[^}]*\}\s*$")
_WHAT = re.compile(r"^\s*Was ist passiert\b", re.I)
_LINE_BREAKS = re.compile(r" *[\x00-\x1f\x7f-\x9f\u2028\u2029]+ *")


def one_line(text):
    """``text`` as one header line: a line break would start header lines
    of its own (e.g. another "Fall:"), so breaks and control characters
    become spaces."""
    return _LINE_BREAKS.sub(" ", text).strip()


def header_lines(lines):
    """(line number, name as written, value stripped) of each header line
    at the top of ``lines`` (without their line breaks); the header ends at
    the first blank line."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            return
        match = _KEY_LINE.match(line)
        if match:
            yield number, match.group(1), match.group(2).strip()


def is_tip_heading(text):
    return bool(_TIP.match(text) or _TIP_CLASS.search(text))


@dataclass(frozen=True)
class HeaderLine:
    number: int  # 1-based line number in the file
    key: str  # lower case, as the build's checks know it
    name: str  # as written ("Image_alt", "image_alt", …)
    value: str  # stripped, as the build's checks read it
    start: int  # character offsets of the whole line, its line break included
    end: int


@dataclass(frozen=True)
class Span:
    """A stretch of the text without the blank lines around it."""

    start: int
    end: int


@dataclass(frozen=True)
class Section:
    kind: str  # "story" (before the first heading), "what", "tip" or "other"
    heading: str | None  # the heading's text after the #s, as written
    level: int  # number of #s; 0 for the story
    start: int  # the heading line's start (the story: the body's start)
    end: int  # where the next section starts
    heading_span: Span | None  # the heading's text
    body: Span  # what follows the heading, blank lines around it left out


@dataclass
class CaseText:
    text: str
    newline: str
    header: list = field(default_factory=list)  # HeaderLine, in file order
    header_start: int = 0  # after a byte order mark
    header_end: int = 0  # after the header's last line
    body_start: int = 0  # after the blank lines below the header
    sections: list = field(default_factory=list)  # Section, in file order

    def line(self, key):
        return next((line for line in self.header if line.key == key), None)

    def value(self, key, default=""):
        line = self.line(key)
        return default if line is None else line.value

    @property
    def story(self):
        return next((s for s in self.sections if s.kind == "story"), None)

    @property
    def what(self):
        return next((s for s in self.sections if s.kind == "what"), None)

    @property
    def tips(self):
        """The tip sections for the editor: each to the next tip of the
        same or a higher level, or to the end of the file."""
        tips = []
        for section in self.sections:
            if section.kind != "tip" or (tips and section.level > tips[-1].level):
                continue
            tips.append(section)
        result = []
        for index, tip in enumerate(tips):
            end = tips[index + 1].start if index + 1 < len(tips) else len(self.text)
            result.append(Section("tip", tip.heading, tip.level, tip.start, end, tip.heading_span,
                                  _trimmed(self.text, tip.body.start, end)))
        return result

    @property
    def text_span(self):
        """The editor's "Text": from the body's start to the first tip."""
        tips = self.tips
        end = tips[0].start if tips else len(self.text)
        return _trimmed(self.text, self.body_start, end)

    def part(self, span):
        """A part's text with plain line breaks, as a form shows it."""
        return self.text[span.start:span.end].replace("\r\n", "\n")

    @property
    def story_text(self):
        return self.part(self.text_span)

    @property
    def tip_pairs(self):
        """[(heading, text)] of the tips, as the form shows them."""
        return [(self.part(t.heading_span), self.part(t.body)) for t in self.tips]


def _trimmed(text, start, end):
    """The span from ``start`` to ``end`` without blank lines (or trailing
    spaces) at either end."""
    chunk = text[start:end]
    lead = len(chunk) - len(chunk.lstrip(" \t\r\n"))
    # Keep the indentation of the first line that has text.
    line_start = chunk.rfind("\n", 0, lead) + 1
    trail = len(chunk.rstrip(" \t\r\n"))
    if trail <= line_start:
        return Span(start + trail, start + trail) if trail else Span(start, start)
    return Span(start + line_start, start + trail)


def _lines(text, start=0):
    for match in _LINE.finditer(text, start):
        yield match.start(), match.end(), match.group().rstrip("\n").removesuffix("\r")


def parse(text):
    """The parts of the case file ``text`` (a str as read from the file)."""
    case = CaseText(text, "\r\n" if "\r\n" in text else "\n")
    case.header_start = case.header_end = 1 if text.startswith("\ufeff") else 0
    rows = []  # (start, end, line) of the header's lines
    body_start = len(text)
    for start, end, line in _lines(text, case.header_start):
        if not line.strip():
            body_start = start
            break
        case.header_end = end
        rows.append((start, end, line))
    for number, name, value in header_lines(line for _, _, line in rows):
        start, end, _ = rows[number - 1]
        case.header.append(HeaderLine(number, name.lower(), name, value, start, end))
    # The blank lines after the header belong to neither part.
    for start, _, line in _lines(text, body_start):
        if line.strip():
            body_start = start
            break
    else:
        body_start = len(text)
    case.body_start = body_start
    case.sections = _sections(text, body_start)
    return case


def _sections(text, body_start):
    headings = []
    fence = None
    for start, end, line in _lines(text, body_start):
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        match = _HEADING.match(line)
        if match:
            title_start = start + match.start(2)
            headings.append((start, end, len(match.group(1)), match.group(2), Span(title_start, title_start + len(match.group(2)))))
    sections = []
    first = headings[0][0] if headings else len(text)
    if first > body_start:
        sections.append(Section("story", None, 0, body_start, first, None, _trimmed(text, body_start, first)))
    for index, (start, end, level, heading, span) in enumerate(headings):
        following = headings[index + 1][0] if index + 1 < len(headings) else len(text)
        kind = "tip" if is_tip_heading(heading) else "what" if _WHAT.match(heading) else "other"
        sections.append(Section(kind, heading, level, start, following, span, _trimmed(text, end, following)))
    return sections


def splice(case, header=None, text=None, tips=None):
    """The file ``case`` with these changes, everything else as it was.

    ``header``: key -> new value ("" or None drops the line; a key not in
    the file gets a line in HEADER_ORDER's place); ``text``: the new
    "Text" (story to the first tip); ``tips``: [(heading, text)], the
    whole list (tips beyond it are removed, new ones appended). A value
    equal to the file's leaves its characters alone."""
    nl = case.newline
    edits = []  # (start, end, replacement)

    def native(value):
        return value.replace("\r\n", "\n").replace("\n", nl)

    for key, value in (header or {}).items():
        value = one_line(value or "")
        line = case.line(key)
        if line is not None:
            if value == line.value:
                continue
            if not value:
                edits.append((line.start, line.end, ""))
                continue
            ending = case.text[line.start:line.end][len(case.text[line.start:line.end].rstrip("\r\n")):] or nl
            edits.append((line.start, line.end, f"{line.name}: {value}{ending}"))
        elif value:
            at = _insertion_point(case, key)
            # After a last header line without a line break (a file of only a header).
            before = nl if at > case.header_start and not case.text[:at].endswith("\n") else ""
            edits.append((at, at, f"{before}{HEADER_NAMES.get(key, key.capitalize())}: {value}{nl}"))
    current_tips = case.tips
    if text is not None and text.rstrip() != case.story_text.rstrip():
        span = case.text_span
        new = native(text.strip("\n").rstrip())
        if span.start == span.end:  # no text yet: it goes before the first tip
            at = current_tips[0].start if current_tips else len(case.text)
            prefix = _separator(case.text, at, nl)
            edits.append((at, at, f"{prefix}{new}{nl}{nl}" if current_tips else f"{prefix}{new}{nl}"))
        else:
            edits.append((span.start, span.end, new))
    if tips is not None:
        for index, (heading, body) in enumerate(tips):
            heading = _tip_heading(heading)
            body = native(body.strip("\n").rstrip())
            if index < len(current_tips):
                tip = current_tips[index]
                if heading != case.part(tip.heading_span):
                    edits.append((tip.heading_span.start, tip.heading_span.end, heading))
                if body != case.part(tip.body).rstrip():
                    if tip.body.start == tip.body.end:
                        edits.append((tip.heading_span.end, tip.heading_span.end, f"{nl}{nl}{body}" if body else ""))
                    else:
                        edits.append((tip.body.start, tip.body.end, body))
            else:
                level = current_tips[-1].level if current_tips else 2
                at = len(case.text)
                new = f"{'#' * level} {heading}{nl}" + (f"{nl}{body}{nl}" if body else "")
                edits.append((at, at, _separator(case.text, at, nl) + new))
        removed = current_tips[len(tips):]
        if removed:  # always the last ones: from the end of what stays to the end
            end_of_rest = len(case.text[:removed[0].start].rstrip(" \t\r\n"))
            edits.append((end_of_rest, len(case.text), nl if end_of_rest else ""))
    result = case.text
    # Applied from the end; insertions at one place keep the order given.
    ordered = sorted(((start, end, index, replacement) for index, (start, end, replacement) in enumerate(edits)),
                     reverse=True)
    for start, end, _, replacement in ordered:
        result = result[:start] + replacement + result[end:]
    return result


def _tip_heading(heading):
    heading = one_line(heading or "") or DEFAULT_TIP_HEADING
    # Still a tip when the author chose her own words.
    return heading if is_tip_heading(heading) else f"{heading} {TIP_CLASS}"


def _separator(text, at, nl):
    """What goes before new text inserted at ``at`` so a blank line
    separates it from what is before."""
    before = text[:at]
    if not before.strip():
        return ""
    if before.endswith(nl + nl) or before.endswith("\n\n"):
        return ""
    return nl if before.endswith("\n") else nl + nl


def _insertion_point(case, key):
    order = HEADER_ORDER.index(key) if key in HEADER_ORDER else len(HEADER_ORDER)
    after = None
    for line in case.header:
        if line.key in HEADER_ORDER and HEADER_ORDER.index(line.key) <= order:
            after = line
    return after.end if after else case.header_start


def compose(header, text="", tips=()):
    """A new case file: the header lines in HEADER_ORDER (empty ones left
    out), the text, then each tip as a section of its own."""
    lines = [f"{HEADER_NAMES.get(key, key.capitalize())}: {one_line(header[key])}"
             for key in HEADER_ORDER if one_line(header.get(key) or "")]
    parts = ["\n".join(lines)]
    if text.strip():
        parts.append(text.strip("\n").rstrip())
    for heading, body in tips:
        parts.append(f"## {_tip_heading(heading)}")
        if body.strip():
            parts.append(body.strip("\n").rstrip())
    return "\n\n".join(parts) + "\n"
