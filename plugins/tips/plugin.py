from dataclasses import replace

from pelican import signals
from pelican.contents import Article

from cases.checklist import Stage, register_check
from cases.record import TipRecord, heading_line, pack_text

from .boxing import TipBoxes
from .finding import DEFAULT_HEADING_PATTERN, box_tips
from .generator import TIPS_TEMPLATE, TipsGenerator, check_tips

DEFAULT_SETTINGS = {
    "TIPS_HEADING_PATTERN": DEFAULT_HEADING_PATTERN,
    "TIPS_URL": "tipps/",
    "TIPS_SAVE_AS": "tipps/index.html",
    "TIPS_OLDEST_FIRST_URL": "tipps/aelteste-zuerst/",
    "TIPS_OLDEST_FIRST_SAVE_AS": "tipps/aelteste-zuerst/index.html",
    "TIPS_JSON_SAVE_AS": "tipps/index.json",
    # Tips on one page of /tipps/ (and of the oldest-first list); the
    # pages follow PAGINATION_PATTERNS like the home page's. All 1,333 tips
    # of a thousand cases on one page were 1.7 MB of HTML.
    "TIPS_PER_PAGE": 50,
    # How many matching tips the tips page shows before "show more"; each
    # costs the download of its search record (a few hundred bytes).
    "TIPS_SHOWN_AT_ONCE": 20,
    "TIPS_FEED_ATOM": "feeds/tipps.atom.xml",
}


def add_default_settings(pelican):
    for key, value in DEFAULT_SETTINGS.items():
        pelican.settings.setdefault(key, value)
    # Pelican's writer pages the templates listed here.
    paginated = pelican.settings.get("PAGINATED_TEMPLATES") or {}
    pelican.settings["PAGINATED_TEMPLATES"] = {**paginated, TIPS_TEMPLATE: pelican.settings["TIPS_PER_PAGE"]}


def box_tips_while_reading(pelican):
    """Tips are found as Markdown converts a source (boxing.py), on every
    core the reading uses. Not after Pelican's TYPOGRIFY, which changes the
    HTML once the reader is done: then ``box_case_tips`` finds them."""
    settings = pelican.settings
    if settings.get("TYPOGRIFY"):
        return
    extensions = settings.setdefault("MARKDOWN", {}).setdefault("extensions", [])
    if not any(isinstance(e, TipBoxes) for e in extensions):
        extensions.append(TipBoxes(heading_pattern=settings["TIPS_HEADING_PATTERN"]))


def box_case_tips(content):
    """Give a case its tip sections as read (its record), before anything
    renders it; pages keep their HTML as it is. Only where the tips were
    not found while converting (Pelican's TYPOGRIFY changes the HTML after
    the reader, see box_tips_while_reading) are they boxed here, and the
    record made anew with them."""
    if not isinstance(content, Article):
        return
    record = content.record
    if not record.tips_found:
        pattern = content.settings.get("TIPS_HEADING_PATTERN", DEFAULT_HEADING_PATTERN)
        boxed = box_tips(content._content, pattern)
        tips = tuple(
            TipRecord.of(tip.anchor, tip.heading, tip.heading_html, tip.body_html, tip.text,
                         heading_line(record.headings, tip.heading))
            for tip in boxed.tips
        )
        record = content.record = replace(record, html=boxed.html, tips=tips, packed_search_text=pack_text(boxed.text),
                                              tips_found=True)
        content._content = record.html
    content.tip_sections = list(record.tips)


def get_generators(pelican):
    return TipsGenerator


def register():
    signals.initialized.connect(add_default_settings)
    signals.initialized.connect(box_tips_while_reading)
    signals.content_object_init.connect(box_case_tips)
    signals.get_generators.connect(get_generators)
    register_check(Stage.CASE_TEXTS, check_tips)
