"""The priorities of the plugins' Markdown processors, in one table.

Markdown runs the processors of each kind from the highest priority to
the lowest, equal ones in the order they were registered. The plugins'
processors must run at given points between Markdown's own and between
each other, across three plugins (cases, german, tips); each takes its
priority from here, by its name.

Markdown's own (with extra, toc and meta, as pelicanconf.py has them),
for reference: preprocessors normalize_whitespace 30, meta 27,
fenced_code_block 25; treeprocessors footnote 50, inline 20,
footnote-duplicate 15, prettify 10, attr_list 8, abbr 7, toc 5,
unescape 0; postprocessors raw_html 30, footnote 25, amp_substitute 20.
tests/test_markdown_order.py checks that every processor runs where
this table says, and that Markdown's own are where it counts on them.
"""

PRIORITIES = {
    # Preprocessors: on the source's lines.
    # cases: the title of the header escaped as text, right after meta (27)
    # has read the header.
    "title_as_text": 26,
    # german: the title typeset once it is text (after title_as_text).
    "german_typography_title": 25,
    # Treeprocessors: on the element tree.
    # cases: Markdown's own attr_list (extra) replaced, at its priority,
    # by one that allows a class and an id only.
    "attr_list": 8,
    # cases: links and images with a scheme not allowed lose it; after the
    # treeprocessors that add or change links (footnote 50, attr_list 8,
    # toc 5; Markdown's unescape, also 0, is registered first).
    "allowed_urls": 0,
    # tips: marks the tree finished, after every other treeprocessor: toc
    # runs the postprocessors over bits of the tree (a heading's text) before.
    "tip_boxes_tree_done": -1000,
    # Postprocessors: on the finished HTML, as text.
    # german: typography on the finished HTML, after Markdown's own
    # postprocessors (raw_html 30, footnote 25, amp_substitute 20).
    "german_typography": -100,
    # tips: the tips boxed in the typeset HTML (after german_typography), so
    # the boxes and their texts are what the page shows.
    "tip_boxes": -110,
}
