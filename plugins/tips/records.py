"""A tip as the rest of the site sees it: one record per tip box.

The same record feeds the tips page, index.json, the tips feed (through
Pelican's own feed writer, hence the Content-like attributes) and the
search index.
"""

import re
from functools import cached_property

from markupsafe import Markup

# A sentence ends at . ! ? or … followed by a capital letter or a quote;
# "z. B." or "20. Januar" do not end one.
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÄÖÜ„»])")


def tip_title(case_number, case_title, heading=None):
    """"Tipp aus Fall 33: <the case's title>", then " – <the tip's heading>"
    if one is given; Markup if the case's title is (the pages, the feed),
    text otherwise (the search)."""
    parts = ["Tipp aus Fall ", str(case_number), ": ", case_title]
    if heading is not None:
        parts += [" – ", heading]
    return (Markup("") if isinstance(case_title, Markup) else "").join(parts)


class Tip:
    def __init__(self, case, section, position, count):
        self.case = case
        self.section = section
        self.position = position  # 1 for the first tip of a case
        self.count = count  # how many tips the case has
        self.date = case.date
        self.tags = list(getattr(case, "tags", []))
        self.author = getattr(case, "author", None)

    @property
    def case_number(self):
        return self.case.fall

    @property
    def case_title(self):
        """Plain text, for other tools and the search (as the case was read)."""
        return self.case.record.title_text

    @property
    def anchor(self):
        return self.section.anchor

    # Pelican works a content's URL out anew at every use; a tip is
    # linked from several pages, the JSON and the feed.
    @cached_property
    def case_url(self):
        return self.case.url

    @cached_property
    def url(self):
        """Site-relative like Pelican's own URLs: fall/33/#tipp."""
        return f"{self.case_url}#{self.anchor}"

    @property
    def heading(self):
        return self.section.heading

    @property
    def text(self):
        return self.section.text

    @property
    def first_sentence(self):
        return _SENTENCE_END.split(self.text, maxsplit=1)[0]

    @property
    def heading_html(self):
        return Markup(self.section.heading_html)

    @property
    def html(self):
        """Part of the case's HTML, which Markdown made from the author's text."""
        return Markup(self.section.html)

    @property
    def title(self):
        """HTML, like a case's title (Pelican's feed writer strips the tags)."""
        return tip_title(self.case_number, Markup(self.case.title), self.heading_html if self.count > 1 else None)

    # What Pelican's feed writer asks of an item.
    @property
    def summary(self):
        return None

    def get_content(self, siteurl):
        return Markup("<h2>{}</h2>\n{}").format(self.heading_html, self.html)

    def as_json(self, siteurl):
        return {
            "case_number": self.case_number,
            "case_title": self.case_title,
            "case_url": f"{siteurl}/{self.case_url}",
            "tip_url": f"{siteurl}/{self.url}",
            "position": self.position,
            "heading": self.heading,
            "text": self.text,
            "html": self.html,
            "tags": [str(tag) for tag in self.tags],
            "date": self.date.isoformat(),
        }
