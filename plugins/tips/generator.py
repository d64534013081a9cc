"""Write what the tips are for: the tips pages, index.json, the feed and
the search page and index."""

import json
import logging
import os

from pelican.generators import Generator

from cases.checks import report
from cases.model import Problem, display_path

from .compounds import CompoundSplitter
from .records import Tip
from .search import RecordMaker, SearchIndexProcess, bundle_folders, in_bundles

logger = logging.getLogger(__name__)

# The template of the tips pages, paged by Pelican's writer (see plugin.py).
TIPS_TEMPLATE = "tipps"
# Pagefind filter of a tip's topics: the tips page's topic choice searches
# every tip, not only those on its first page.
TOPIC_FILTER = "thema"


class TipsGenerator(Generator):
    def generate_context(self):
        tips = []
        problems = []
        for case in self.context.get("articles", []):
            case.tip_records = _tips_of(case)
            problems += _tip_problems(case)
            tips.extend(case.tip_records)
        if problems:
            self.context.setdefault("build_problems", []).extend(problems)
            logger.warning("%s", report(problems, "den Tipps"))
        for draft in self.context.get("drafts", []):
            draft.tip_records = _tips_of(draft)
        # Newest case first; a case's tips in the order they appear.
        tips.sort(key=lambda tip: (-tip.case_number, tip.position))
        self.tips = tips
        self.context["tips"] = tips
        self.context["tip_tags"] = sorted({str(t) for tip in tips for t in tip.tags})
        self.search_index = None
        self.context["search_bundles"] = self.context["tips_search_bundles"] = []
        if self.settings["SEARCH_INDEX"]:
            size = self.settings["SEARCH_BUNDLE_SIZE"]
            self.context["search_bundles"] = bundle_folders(
                self.settings["SEARCH_BUNDLE_DIR"], len(self.context.get("articles", [])), size
            )
            self.context["tips_search_bundles"] = bundle_folders(self.settings["TIPS_SEARCH_BUNDLE_DIR"], len(tips), size)
            # Started now, the index is written on the other core while
            # Pelican renders and writes the pages.
            self.search_index = SearchIndexProcess(self._search_bundles, self.settings["SEARCH_LANGUAGE"])
            self.search_index.start()

    def generate_output(self, writer):
        settings = self.settings
        pages = [
            (settings["TIPS_SAVE_AS"], settings["TIPS_URL"], self.tips, "neueste"),
            (settings["TIPS_OLDEST_FIRST_SAVE_AS"], settings["TIPS_OLDEST_FIRST_URL"], self.tips[::-1], "aelteste"),
        ]
        template = self.get_template(TIPS_TEMPLATE)
        for save_as, url, tips, order in pages:
            if save_as:
                # In pages (tips_page, tips_paginator, … in the template);
                # "tips" stays the whole list, for the counts.
                writer.write_file(
                    save_as, template, self.context, tips=tips, tips_order=order,
                    url=url, relative_urls=settings["RELATIVE_URLS"],
                    paginated={"tips": tips}, template_name=TIPS_TEMPLATE,
                )
        if settings["SEARCH_SAVE_AS"]:
            writer.write_file(
                settings["SEARCH_SAVE_AS"], self.get_template("suche"), self.context,
                url=settings["SEARCH_URL"], relative_urls=settings["RELATIVE_URLS"],
            )
        if settings["TIPS_JSON_SAVE_AS"]:
            self._write_json(settings["TIPS_JSON_SAVE_AS"])
        if settings["TIPS_FEED_ATOM"]:
            writer.write_feed(
                self.tips, self.context, settings["TIPS_FEED_ATOM"],
                feed_type="atom", feed_title="Tipps",
            )
        if self.search_index:
            self.search_index.finish()

    def _write_json(self, save_as):
        siteurl = self.settings["SITEURL"]
        # Stable for other tools: by case number, then position in the case.
        ordered = sorted(self.tips, key=lambda tip: (tip.case_number, tip.position))
        path = os.path.join(self.output_path, save_as)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(
                {"tips": [tip.as_json(siteurl) for tip in ordered]},
                handle, ensure_ascii=False, indent=2,
            )
            handle.write("\n")

    def _search_bundles(self):
        """(folder, records) of each Pagefind bundle, one after another: the
        cases', and the tips' (searched alone on the tips page, merged with
        the cases on the search page)."""
        splitter = CompoundSplitter(os.path.join(self.settings["CACHE_PATH"], "compounds.json"))
        make = RecordMaker(splitter, self.settings["SEARCH_IGNORED_PHRASES"])
        make.learn_words(self.context.get("articles", []), self.tips)
        size = self.settings["SEARCH_BUNDLE_SIZE"]

        def tip_record(tip):
            record = make.tip(tip)
            record["filters"][TOPIC_FILTER] = [str(tag) for tag in tip.tags]
            return record

        kinds = [
            (self.context["search_bundles"], self.context.get("articles", []), make.case),
            (self.context["tips_search_bundles"], self.tips, tip_record),
        ]
        for folders, items, record in kinds:
            for folder, part in zip(folders, in_bundles(items, size)):
                yield os.path.join(self.output_path, folder), [record(item) for item in part]
        splitter.save()


def _tips_of(case):
    sections = getattr(case, "tip_sections", [])
    return [Tip(case, section, index, len(sections)) for index, section in enumerate(sections, start=1)]


def _tip_problems(case):
    path = display_path(case.source_path)
    problems = []
    if not case.tip_records:
        problems.append(
            Problem(
                path,
                "Dieser Fall hat keinen Tipp.",
                "Schreiben Sie den Tipp unter eine Überschrift "
                "„## Der Tipp des »eingebauten« Kunden“ am Ende des Falls.",
            )
        )
    for tip in case.tip_records:
        if tip.section.is_empty:
            problems.append(
                Problem(
                    path,
                    f"Unter der Überschrift „{tip.heading}“ steht kein Text.",
                    "Schreiben Sie den Tipp darunter oder entfernen Sie die Überschrift.",
                    _line_of_heading(case.source_path, tip.heading),
                )
            )
    return problems


def _line_of_heading(path, heading):
    words = heading.split()
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, start=1):
                if line.lstrip().startswith("#") and line.split()[1:len(words) + 1] == words:
                    return number
    except OSError:
        pass
    return None
