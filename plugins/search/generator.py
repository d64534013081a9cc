"""Write /suche/ and the search index of the cases and their tips."""

import os

from pelican.generators import Generator

from german.spelling import umlaut_spellings_json

from .bundles import SearchIndex, in_shards, shard_folder
from .compounds import CompoundSplitter
from .index import BUNDLE_FILTER, EXTRA_WORDS_MARKER, TOPIC_FILTER, RecordMaker
from .kept import KeptRecords


class SearchGenerator(Generator):
    """The search page; the index is started by ``start_index`` once all
    content is read, and waited for when the pages are written."""

    search_index = None

    def generate_context(self):
        self.context["search_bundles"], self.context["tips_search_bundles"] = [], []
        # What the pages' scripts must know of the records (data attributes).
        self.context["search_extra_words_marker"] = EXTRA_WORDS_MARKER
        self.context["search_topic_filter"] = TOPIC_FILTER
        self.context["search_bundle_filter"] = BUNDLE_FILTER
        self.context["search_umlaut_spellings"] = umlaut_spellings_json()

    def start_index(self):
        """Name the bundles, one per shard of case numbers (the pages link
        them), and start writing them: the records are made and indexed
        beside the rendering of the pages, Pagefind on the other core."""
        if not self.settings["SEARCH_INDEX"]:
            return
        cases = sorted(self.context.get("articles", []), key=lambda case: case.fall)
        self._kinds = [
            ("search_bundles", self.settings["SEARCH_BUNDLE_DIR"],
             in_shards(cases, lambda case: case.fall, self.settings["SEARCH_SHARD_CASES"])),
        ]
        # No tips bundle on a site without the tips plugin (none in the context).
        if "tips" in self.context:
            self._kinds.append(("tips_search_bundles", self.settings["TIPS_SEARCH_BUNDLE_DIR"],
                                in_shards(self.context["tips"], lambda tip: tip.case_number,
                                          self.settings["TIPS_SEARCH_SHARD_CASES"])))
        for name, base, shards in self._kinds:
            self.context[name] = [shard_folder(base, shard) for shard in shards]
        cache = self.settings.get("BUILD_CACHE_FOLDER")
        self.search_index = SearchIndex(
            self._search_bundles, self.settings["SEARCH_LANGUAGE"], self.settings, output=self.output_path,
            bases=(self.settings["SEARCH_BUNDLE_DIR"], self.settings["TIPS_SEARCH_BUNDLE_DIR"]),
            kept=cache and os.path.join(cache, "pagefind"), reuse=bool(self.settings["LOAD_CONTENT_CACHE"]),
        )
        self.search_index.start()

    def generate_output(self, writer):
        if self.settings["SEARCH_SAVE_AS"]:
            writer.write_file(
                self.settings["SEARCH_SAVE_AS"], self.get_template("suche"), self.context,
                url=self.settings["SEARCH_URL"], relative_urls=self.settings["RELATIVE_URLS"],
            )
        if self.search_index:
            self.search_index.finish()

    def _search_bundles(self):
        """(folder, records, first of its page) of each bundle, made one
        at a time, to keep memory low. The records of unchanged cases come
        from the cache (kept.py); only the new ones are made."""
        splitter = CompoundSplitter(os.path.join(self.settings["CACHE_PATH"], "compounds.json"), self.settings)
        make = RecordMaker(splitter, self.settings["SEARCH_IGNORED_PHRASES"])
        kept = KeptRecords(self.settings.get("BUILD_CACHE_FOLDER"), self.settings["LOAD_CONTENT_CACHE"])
        cases, tips = self.context.get("articles", []), self.context.get("tips", [])
        make.learn_words([c for c in cases if not kept.is_kept(c)], [t for t in tips if not kept.is_kept(t.case)])
        records = {
            "search_bundles": lambda case: kept.case(case, make.case),
            "tips_search_bundles": lambda tip: kept.tip(tip, make.tip),
        }
        for name, base, shards in self._kinds:
            record = records[name]
            for number, (shard, items) in enumerate(shards.items()):
                folder = shard_folder(base, shard)
                yield os.path.join(self.output_path, folder), [in_bundle(record(item), folder) for item in items], number == 0
        splitter.save()
        kept.save()


def in_bundle(record, folder):
    """The record with the name of its bundle (kept records are kept
    without: a case may move to another bundle)."""
    return {**record, "filters": {**record["filters"], BUNDLE_FILTER: [folder]}}


def start_index(generators):
    for generator in generators:
        if isinstance(generator, SearchGenerator):
            generator.start_index()
