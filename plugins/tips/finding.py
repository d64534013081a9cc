"""Find the tip sections in a case's rendered HTML and box them.

A tip section starts at a heading whose text matches the tip pattern
("Der Tipp …", "Tipp …") or that carries the class ``tipp``; it runs to
the next heading of the same or a higher level. Deeper headings stay
inside. Each section is wrapped as ``<aside class="tipp" id="tipp">``
(then ``tipp-2``, …) so the theme can style it and links can point to it.
"""

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from bs4 import BeautifulSoup, NavigableString, Tag

from cases.model import SOURCE_POSITION, TIP_HEADING_PATTERN
from cases.record import line_of_heading  # noqa: F401 (its home before the record had it)

from . import light_html

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
    line: int | None = field(default=None, metadata=SOURCE_POSITION)  # of the heading in the source, where known

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
    Markdown's own HTML is read by light_html, anything else by
    BeautifulSoup; both give the same.
    """
    pattern = re.compile(heading_pattern)
    root = light_html.parse(html or "") if "<aside" not in (html or "") else None
    if root is not None:
        return _box_tips_light(html, root, pattern)
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


def _section(box, without_ids=_without_ids):
    """The tip in ``box``, a BeautifulSoup tag or a light_html element
    (which answer the same calls; text nodes are strings in both)."""
    heading = box.find(HEADINGS)
    body = [child for child in box.children if child is not heading]
    return TipSection(
        anchor=box.get("id", ""),
        heading=_plain(heading.get_text()) if heading else "",
        heading_html=heading.decode_contents() if heading else "",
        body_html=without_ids(body),
        text=_plain(" ".join(child if isinstance(child, str) else child.get_text() for child in body)),
    )


# The same on light_html's tree, step by step as above.


def _box_tips_light(html, root, pattern):
    headings = [
        child for child in root.children
        if isinstance(child, light_html.Element) and child.name in HEADINGS and _is_tip_heading(child, pattern)
    ]
    boxes = [_box_light(heading) for heading in headings]
    anchors = {tip_anchor(index) for index in range(1, len(boxes) + 1)}
    for index, box in enumerate(boxes, start=1):
        box.attrs["id"] = tip_anchor(index)
        heading = box.find(HEADINGS)
        if not heading.get("id") or heading.attrs["id"] in anchors:
            heading.attrs["id"] = f"{box.attrs['id']}-titel"
        box.attrs["aria-labelledby"] = heading.attrs["id"]
    tips = [_section(box, _without_ids_light) for box in boxes]
    return Boxed(root.decode_contents() if boxes else html, tips, _plain(root.get_text()))


def _box_light(heading):
    parent = heading.parent
    siblings = parent.children
    start = next(index for index, child in enumerate(siblings) if child is heading)
    end = start + 1
    while end < len(siblings):
        sibling = siblings[end]
        if isinstance(sibling, light_html.Element) and sibling.name in HEADINGS and _level(sibling) <= _level(heading):
            break
        end += 1
    while end > start + 1 and isinstance(siblings[end - 1], str) and not siblings[end - 1].strip():
        end -= 1
    box = light_html.Element("aside", {"class": [TIP_CLASS]}, parent)
    box.children = siblings[start:end]
    siblings[start:end] = [box]
    for member in box.children:
        if isinstance(member, light_html.Element):
            member.parent = box
    classes = [c for c in heading.get("class") or [] if c != TIP_CLASS]
    if classes:
        heading.attrs["class"] = classes
    elif "class" in heading.attrs:
        del heading.attrs["class"]
    return box


def _without_ids_light(nodes):
    kept = [(element, element.attrs) for node in nodes for element in _elements(node) if "id" in element.attrs]
    for element, attrs in kept:
        element.attrs = {name: value for name, value in attrs.items() if name != "id"}
    html = "".join(node if isinstance(node, str) else node.decode() for node in nodes).strip()
    for element, attrs in kept:
        element.attrs = attrs
    return html


def _elements(node):
    if isinstance(node, light_html.Element):
        yield node
        for child in node.children:
            yield from _elements(child)
