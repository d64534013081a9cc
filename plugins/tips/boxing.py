"""Tips boxed while Markdown converts a case, in the process that reads it.

A Markdown postprocessor boxes the tips (``finding.box_tips``) in the
finished HTML, after German typography (plugins/german), so the boxes,
the tips' texts and the case's search text are what the page shows. The
HTML itself is left as Markdown made it: pages are read with the same
Markdown and must not be boxed; what was found travels as metadata of
the source (``FOUND_TIPS``) into its record (cases.record), which holds
a case's boxed HTML and tips, without parsing the HTML again.
"""

from typing import NamedTuple

from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor

from cases.record import FOUND_TIPS
from needs.markdown_order import PRIORITIES

from .finding import Boxed, box_tips

# After German typography, which typesets the finished HTML (needs/markdown_order.py).
BOXING_PRIORITY = PRIORITIES["tip_boxes"]
TREE_DONE_PRIORITY = PRIORITIES["tip_boxes_tree_done"]  # after every other treeprocessor


class FoundTips(NamedTuple):
    boxed: Boxed


class _TreeDone(Treeprocessor):
    """Marks the tree finished: extensions such as toc run the
    postprocessors over bits of it (a heading's text) before that."""

    def run(self, root):
        self.md.tips_tree_done = True


class _BoxTips(Postprocessor):
    def __init__(self, md, heading_pattern):
        super().__init__(md)
        self.heading_pattern = heading_pattern

    def run(self, text):
        meta = getattr(self.md, "Meta", None)
        # Only the body: Pelican converts the summary later, with the same
        # Markdown, the header forgotten.
        if meta is None or self.md.tips_found or not self.md.tips_tree_done:
            return text
        self.md.tips_found = True
        html = text.strip()  # as Markdown returns it
        boxed = box_tips(html, self.heading_pattern)
        # What extensions put in Meta, Pelican's reader returns as metadata;
        # the case's record takes it from there (cases.record.FOUND_TIPS),
        # the lines of the headings included.
        meta[FOUND_TIPS] = [FoundTips(boxed)]
        return text


class TipBoxes(Extension):
    def __init__(self, **kwargs):
        self.config = {"heading_pattern": ["", "TIPS_HEADING_PATTERN"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        md.tips_found = md.tips_tree_done = False
        md.treeprocessors.register(_TreeDone(md), "tip_boxes_tree_done", TREE_DONE_PRIORITY)
        md.postprocessors.register(_BoxTips(md, self.getConfig("heading_pattern")), "tip_boxes", BOXING_PRIORITY)
