from pelican import signals

from .generator import SearchGenerator, start_index

DEFAULT_SETTINGS = {
    "SEARCH_URL": "suche/",
    "SEARCH_SAVE_AS": "suche/index.html",
    "SEARCH_INDEX": True,
    "SEARCH_LANGUAGE": "de",
    # Pagefind bundles, relative to the output folder: the cases', and the
    # tips' (searched alone on the tips page, with the cases on /suche/).
    "SEARCH_BUNDLE_DIR": "pagefind",
    "TIPS_SEARCH_BUNDLE_DIR": "pagefind-tipps",
    # Case numbers per bundle (shard): 1–1000, 1001–2000, … An edited case
    # is indexed again with the records of its shard only; every bundle
    # costs the reader's first search more (its index and metadata, and
    # with 250 per shard /suche/ took twice as long at 1,000 cases: figures
    # in docs/suche.md), so the reader's search decides the size, not the
    # edit, whose indexing runs beside the page rendering. The tips page
    # loads only the tips' shards and stays within its budget (≤ 160 KB)
    # up to 1,000 cases.
    "SEARCH_SHARD_CASES": 1000,
    "TIPS_SEARCH_SHARD_CASES": 1000,
    # Repeated in every case, so useless to search for (see index.py).
    "SEARCH_IGNORED_PHRASES": ["Der »eingebaute« Kunde und", "Der Tipp des »eingebauten« Kunden"],
}


def add_default_settings(pelican):
    for key, value in DEFAULT_SETTINGS.items():
        pelican.settings.setdefault(key, value)


def get_generators(pelican):
    return SearchGenerator


def register():
    signals.initialized.connect(add_default_settings)
    signals.get_generators.connect(get_generators)
    # Once every generator has read its content: the cases and the tips
    # are known, whichever order the plugins were listed in.
    signals.all_generators_finalized.connect(start_index)
