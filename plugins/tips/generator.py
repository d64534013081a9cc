"""Write what the tips are for: the tips pages, index.json and the feed.
The tips themselves are in the context as ``tips`` (the search plugin
indexes them)."""

import json
import os
import textwrap

from pelican.generators import Generator

from cases.model import Problem, display_path
from cases.schedule import is_scheduled_copy

from .records import Tip

# The template of the tips pages, paged by Pelican's writer (see plugin.py).
TIPS_TEMPLATE = "tipps"


class TipsGenerator(Generator):
    def generate_context(self):
        tips = []
        for case in self.context.get("articles", []):
            case.tip_records = _tips_of(case)
            tips.extend(case.tip_records)
        for draft in self.context.get("drafts", []):
            draft.tip_records = _tips_of(draft)
        # Newest case first; a case's tips in the order they appear.
        tips.sort(key=lambda tip: (-tip.case_number, tip.position))
        self.tips = tips
        self.context["tips"] = tips
        self.context["tip_tags"] = sorted({str(t) for tip in tips for t in tip.tags})

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
        if settings["TIPS_JSON_SAVE_AS"]:
            self._write_json(settings["TIPS_JSON_SAVE_AS"])
        if settings["TIPS_FEED_ATOM"]:
            writer.write_feed(
                self.tips, self.context, settings["TIPS_FEED_ATOM"],
                feed_type="atom", feed_title="Tipps",
            )

    def _write_json(self, save_as):
        siteurl = self.settings["SITEURL"]
        # Stable for other tools: by case number, then position in the case.
        ordered = sorted(self.tips, key=lambda tip: (tip.case_number, tip.position))
        path = os.path.join(self.output_path, save_as)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            write_tips_json(handle, (tip.as_json(siteurl) for tip in ordered))


def _tips_of(case):
    sections = getattr(case, "tip_sections", [])
    return [Tip(case, section, index, len(sections)) for index, section in enumerate(sections, start=1)]


def check_tips(generator):
    """Check (Stage.CASE_TEXTS): the tips of the cases the site publishes,
    and of those it will publish on their date where the preview shows them
    (drafts may lack one)."""
    cases = generator.articles + [draft for draft in generator.drafts if is_scheduled_copy(draft)]
    return [problem for case in cases for problem in tip_problems(case)]


def tip_problems(case):
    """What is wrong with a published case's tips (``tip_sections``, as
    found while it was read)."""
    path = display_path(case.source_path)
    sections = getattr(case, "tip_sections", [])
    problems = []
    if not sections:
        problems.append(
            Problem(
                path,
                "Dieser Fall hat keinen Tipp.",
                "Schreiben Sie den Tipp unter eine Überschrift "
                "„## Der Tipp des »eingebauten« Kunden“ am Ende des Falls.",
            )
        )
    for section in sections:
        if section.is_empty:
            problems.append(
                Problem(
                    path,
                    f"Unter der Überschrift „{section.heading}“ steht kein Text.",
                    "Schreiben Sie den Tipp darunter oder entfernen Sie die Überschrift.",
                    section.line,
                )
            )
    return problems


def write_tips_json(handle, items):
    """``{"tips": [items]}`` as ``json.dump(..., ensure_ascii=False,
    indent=2)`` writes it, one item made at a time: at 10,000 cases the
    whole list (every tip's HTML and text) took some 50 MB at once."""
    handle.write('{\n  "tips": [')
    separator = "\n"
    for item in items:
        handle.write(separator)
        handle.write(textwrap.indent(json.dumps(item, ensure_ascii=False, indent=2), "    "))
        separator = ",\n"
    handle.write("]\n}\n" if separator == "\n" else "\n  ]\n}\n")
