"""Typography for German text: typogrify as Pelican runs it (done by
typogrify_once.py, same output, less work), then German quotation marks,
as part of how Markdown is read.

A Markdown extension, so it runs wherever a source is converted (in the
build's process or a worker of plugins/reading) and needs nothing but the
settings it was made with. Pelican's own TYPOGRIFY runs after reading, one
source after another; leave it off while GERMAN_TYPOGRAPHY is on, or the
text would be typeset twice.
"""

import smartypants
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

from needs.markdown_order import PRIORITIES

from .headings import DEFAULT_GLUE_MAX, unglue_long
from .quotes import germanize_quotes
from .typogrify_once import typogrify

_DASHES = {"oldschool": smartypants.Attr.set2, "oldschool_inverted": smartypants.Attr.set3}
# The typogrify settings of Pelican's the extension needs.
SETTINGS = ("TYPOGRIFY_DASHES", "TYPOGRIFY_IGNORE_TAGS", "TYPOGRIFY_OMIT_FILTERS", "GERMAN_HEADING_GLUE_MAX")


def typeset(text, settings):
    # The smartypants attributes Pelican's reader sets for TYPOGRIFY: dashes
    # as configured, and &quot; educated like a straight quote.
    attr = _DASHES.get(settings["TYPOGRIFY_DASHES"], smartypants.Attr.set1) | smartypants.Attr.w
    text = typogrify(
        text, settings["TYPOGRIFY_IGNORE_TAGS"], attr, **dict.fromkeys(settings["TYPOGRIFY_OMIT_FILTERS"], False)
    )
    return unglue_long(germanize_quotes(text), settings.get("GERMAN_HEADING_GLUE_MAX", DEFAULT_GLUE_MAX))


class GermanTypography(Extension):
    """Typesets what Markdown makes of a source: the body, the summary
    (Pelican converts it with the same Markdown) and the title of the
    metadata header."""

    def __init__(self, **kwargs):
        self.config = {"settings": [{}, "Pelican's TYPOGRIFY_DASHES, _IGNORE_TAGS and _OMIT_FILTERS"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        settings = self.getConfig("settings")
        # The body and the summary last of all, on the finished HTML.
        md.postprocessors.register(_Typeset(md, settings), "german_typography", PRIORITIES["german_typography"])
        # The title once the header is read and the title escaped (cases);
        # see needs/markdown_order.py. Not when the summary is converted:
        # Pelican has Markdown forget the header first.
        md.preprocessors.register(_TypesetTitle(md, settings), "german_typography_title", PRIORITIES["german_typography_title"])


class _Typeset(Postprocessor):
    def __init__(self, md, settings):
        super().__init__(md)
        self.settings = settings

    def run(self, text):
        return typeset(text, self.settings)


class _TypesetTitle(Preprocessor):
    def __init__(self, md, settings):
        super().__init__(md)
        self.settings = settings

    def run(self, lines):
        meta = getattr(self.md, "Meta", None) or {}
        if "title" in meta:
            meta["title"] = [typeset(title, self.settings) for title in meta["title"]]
        return lines
