from pelican import signals
from pelican.contents import Article

from .finding import DEFAULT_HEADING_PATTERN, box_tips
from .generator import TIPS_TEMPLATE, TipsGenerator

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


def box_case_tips(content):
    """Box the tips as soon as a case is read, before anything renders it."""
    if isinstance(content, Article):
        pattern = content.settings.get("TIPS_HEADING_PATTERN", DEFAULT_HEADING_PATTERN)
        content._content, content.tip_sections, content.search_text = box_tips(content._content, pattern)


def get_generators(pelican):
    return TipsGenerator


def register():
    signals.initialized.connect(add_default_settings)
    signals.content_object_init.connect(box_case_tips)
    signals.get_generators.connect(get_generators)
