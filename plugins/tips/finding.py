"""Find the tip sections in a case's rendered HTML and box them.

A tip section starts at a heading whose text matches the tip pattern
("Der Tipp …", "Tipp …") or that carries the class ``tipp``; it runs to
the next heading of the same or a higher level. Deeper headings stay
inside. Each section is wrapped as ``<aside class="tipp" id="tipp">``
(then ``tipp-2``, …) so the theme can style it and links can point to it.
"""

import re
from dataclasses import dataclass
from typing import NamedTuple

from bs4 import BeautifulSoup, NavigableString, Tag

from cases.model import TIP_HEADING_PATTERN

DEFAULT_HEADING_PATTERN = TIP_HEADING_PATTERN
TIP_CLASS = "tipp"
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


@dataclass
class TipSection:
    """One tip as found in a case: its anchor, heading and body."""

    anchor: str
    heading: str
    heading_html: str
    body_html: str
    text: str
    line: int | None = None  # of the heading in the source, where known

    @property
    def is_empty(self):
        return not self.text.strip()


def _without_ids(nodes):
    """The body as HTML to show elsewhere, where the case's ids would clash."""
    tags = [tag for node in nodes if isinstance(node, Tag) for tag in (node, *node.find_all(id=True))]
    kept = [(tag, tag.attrs) for tag in tags if tag.has_attr("id")]
    for tag, attrs in kept:
        tag.attrs = {name: value for name, value in attrs.items() if name != "id"}
    html = "".join(str(node) for node in nodes).strip()
    for tag, attrs in kept:  # the case itself keeps them, in their order
        tag.attrs = attrs
    return html


# Typography turns the quotes of a heading as written into German ones.
_QUOTES = str.maketrans("", "", "\"'„“”‚‘’»«›‹")


def _words(text):
    return text.translate(_QUOTES).split()


def line_of_heading(lines, heading):
    """The number of the Markdown heading line among ``lines`` whose words
    begin with those of the typeset ``heading`` (quotes aside), or None."""
    words = _words(heading)
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith("#") and _words(line)[1:len(words) + 1] == words:
            return number
    return None


def tip_anchor(index):
    return TIP_CLASS if index == 1 else f"{TIP_CLASS}-{index}"


def _level(tag):
    return int(tag.name[1])


def _is_tip_heading(tag, pattern):
    return TIP_CLASS in (tag.get("class") or []) or bool(pattern.search(tag.get_text()))


def _plain(text):
    return " ".join(text.replace("\xa0", " ").split())


class Boxed(NamedTuple):
    html: str  # the case's HTML with its tips boxed
    tips: list  # TipSection, in order
    text: str  # the case's plain text, for the search index (parsed once here)


def box_tips(html, heading_pattern=DEFAULT_HEADING_PATTERN):
    """Box the tips of a case's HTML; see Boxed for what comes back.

    HTML that was boxed before (e.g. from Pelican's cache) is read as it is.
    """
    pattern = re.compile(heading_pattern)
    soup = BeautifulSoup(html or "", "html.parser")
    boxes = soup.find_all("aside", class_=TIP_CLASS)
    if not boxes:
        boxes = [_box(soup, heading) for heading in _tip_headings(soup, pattern)]
        anchors = {tip_anchor(index) for index in range(1, len(boxes) + 1)}
        for index, box in enumerate(boxes, start=1):
            box["id"] = tip_anchor(index)
            heading = box.find(HEADINGS)
            if not heading.get("id") or heading["id"] in anchors:
                heading["id"] = f"{box['id']}-titel"
            # Several boxes on a page need names of their own (landmarks).
            box["aria-labelledby"] = heading["id"]
    tips = [_section(box) for box in boxes]
    return Boxed(str(soup) if boxes else html, tips, _plain(soup.get_text()))


def _tip_headings(soup, pattern):
    # Only headings at the top of the content: a heading inside a list or
    # a quote cannot start a section of the case.
    return [
        tag
        for tag in soup.find_all(HEADINGS, recursive=False)
        if _is_tip_heading(tag, pattern)
    ]


def _box(soup, heading):
    members = [heading]
    for sibling in heading.next_siblings:
        if isinstance(sibling, Tag) and sibling.name in HEADINGS and _level(sibling) <= _level(heading):
            break
        members.append(sibling)
    while members and isinstance(members[-1], NavigableString) and not members[-1].strip():
        members.pop()
    box = soup.new_tag("aside", attrs={"class": TIP_CLASS})
    heading.insert_before(box)
    for member in members:
        box.append(member.extract())
    classes = [c for c in heading.get("class") or [] if c != TIP_CLASS]
    if classes:
        heading["class"] = classes
    elif heading.has_attr("class"):
        del heading["class"]
    return box


def _section(box):
    heading = box.find(HEADINGS)
    body = [child for child in box.children if child is not heading]
    return TipSection(
        anchor=box.get("id", ""),
        heading=_plain(heading.get_text()) if heading else "",
        heading_html=heading.decode_contents() if heading else "",
        body_html=_without_ids(body),
        text=_plain(" ".join(child.get_text() if isinstance(child, Tag) else str(child) for child in body)),
    )
