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
    # Case numbers per bundle (shard): 1–250, 251–500, … An edited case is
    # indexed again with the records of its shard only; every bundle costs
    # the first search some 17 KB more (its index and metadata; figures:
    # docs/suche.md). The tips' shards are larger: the tips page loads
    # only them and stays within its budget (≤ 160 KB) up to 1,000 cases.
    "SEARCH_SHARD_CASES": 250,
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
