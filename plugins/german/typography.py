"""Typography for German text: typogrify as Pelican runs it, then German
quotation marks.

Pelican's own TYPOGRIFY runs in the build's process, one source after
another. This runs where each source is converted (plugins/reading), on
every core. Leave TYPOGRIFY off while GERMAN_TYPOGRAPHY is on, or the
text would be typeset twice.
"""

import smartypants
from typogrify.filters import typogrify

from .quotes import germanize_quotes

_DASHES = {"oldschool": smartypants.Attr.set2, "oldschool_inverted": smartypants.Attr.set3}


def typeset(text, settings):
    # The smartypants attributes Pelican's reader sets for TYPOGRIFY: dashes
    # as configured, and &quot; educated like a straight quote.
    smartypants.Attr.default = _DASHES.get(settings["TYPOGRIFY_DASHES"], smartypants.Attr.set1) | smartypants.Attr.w
    text = typogrify(
        text, settings["TYPOGRIFY_IGNORE_TAGS"], **dict.fromkeys(settings["TYPOGRIFY_OMIT_FILTERS"], False)
    )
    return germanize_quotes(text)


def typeset_source(reader, source):
    """Receiver of reading's source_converted: body, title and summary."""
    settings = source.settings
    if not settings.get("GERMAN_TYPOGRAPHY"):
        return
    if source.content:
        source.content = typeset(source.content, settings)
    for name in ("title", "summary"):
        if name in source.metadata:
            source.metadata[name] = typeset(source.metadata[name], settings)
