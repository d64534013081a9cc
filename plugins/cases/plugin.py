import logging
import os
from dataclasses import dataclass

from pelican import signals
from pelican.contents import Article

from .markdown_text import add_text_versions, mark_html, register_reader, use_plain_text_markdown
from .checks import check_case_files, report
from .model import parse_case_number

logger = logging.getLogger(__name__)


def check_sources(generator):
    """Check every case file before Pelican reads any of them."""
    paths = [
        os.path.join(generator.path, path)
        for path in generator.get_files(
            generator.settings["ARTICLE_PATHS"], exclude=generator.settings["ARTICLE_EXCLUDES"]
        )
    ]
    problems = check_case_files(paths, generator.path)
    generator.context.setdefault("build_problems", []).extend(problems)
    if problems:
        logger.error("%s", report(problems))


def read_case_number(content):
    """Give every article its case number, or reject it.

    A case without a valid number cannot have a URL, so Pelican must skip
    it: the exception makes the generator drop just this file. The reason
    was already reported by check_sources.
    """
    if not isinstance(content, Article):
        return
    number = parse_case_number(content.metadata.get("fall"), content.source_path)
    content.fall = number
    content.metadata["fall"] = number
    if "summary" in content.metadata and not content.metadata["summary"].strip():
        # An empty "Summary:" (as new-case writes it) means: no teaser
        # written yet, so the first paragraph stands in, as without one.
        del content.metadata["summary"]
        content.__dict__.pop("_summary", None)


def drop_duplicates(cases):
    """Keep the first case for each number (in file order); check_sources
    has reported the others."""
    by_number = {}
    kept = []
    for case in sorted(cases, key=lambda c: c.source_path):
        if by_number.setdefault(case.fall, case) is case:
            kept.append(case)
    return kept


@dataclass(frozen=True)
class Neighbour:
    """What a case page shows of the case before or after it.

    Not the Article itself: pages and cases are pickled for Pelican's
    content cache, and a chain of a thousand linked cases is too deep.
    """

    fall: int
    title: str
    url: str


def link_neighbours(cases):
    """Prev/next follow the case number, not the date."""
    ordered = [Neighbour(c.fall, c.title, c.url) for c in sorted(cases, key=lambda c: c.fall)]
    for index, case in enumerate(sorted(cases, key=lambda c: c.fall)):
        case.prev_case = ordered[index - 1] if index > 0 else None
        case.next_case = ordered[index + 1] if index + 1 < len(ordered) else None


def organise_cases(generator):
    everything = generator.articles + generator.drafts + generator.hidden_articles
    kept = set(map(id, drop_duplicates(everything)))
    generator.articles = [a for a in generator.articles if id(a) in kept]
    generator.drafts = [a for a in generator.drafts if id(a) in kept]
    generator.hidden_articles = [a for a in generator.hidden_articles if id(a) in kept]


def link_cases(generator):
    link_neighbours(generator.articles)
    report_markup_problems(generator, generator.articles + generator.drafts)


def report_markup_problems(generator, contents):
    """What the reader dropped from a page (see markdown_text.py)."""
    problems = [problem for content in contents for problem in getattr(content, "markup_problems", [])]
    if problems:
        generator.context.setdefault("build_problems", []).extend(problems)
        logger.warning("%s", report(problems, "den Texten"))


def check_pages(generator):
    report_markup_problems(generator, generator.pages + generator.hidden_pages + generator.draft_pages)


def register():
    signals.initialized.connect(use_plain_text_markdown)
    signals.readers_init.connect(register_reader)
    signals.article_generator_init.connect(check_sources)
    signals.content_object_init.connect(read_case_number)
    signals.content_object_init.connect(mark_html)
    signals.page_generator_finalized.connect(check_pages)
    signals.all_generators_finalized.connect(add_text_versions)
    signals.article_generator_pretaxonomy.connect(organise_cases)
    signals.article_generator_finalized.connect(link_cases)
