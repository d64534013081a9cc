import logging
import os
from dataclasses import dataclass

from pelican import signals
from pelican.contents import Article

from .checklist import Stage, connect_stages, register_check
from .checks import PAGE_SLUG, duplicate_numbers, image_file_problems
from .limits import MAX_VALUE_LENGTH
from .markdown_text import add_text_versions, mark_html, register_reader, use_plain_text_markdown
from .model import Problem, display_path
from .schedule import hold_back_scheduled
from .sources import entries_to_skip, files_linked_as_they_are, links_out_of_content


class Reading:
    """What the checks found while a generator read its sources: state of
    one build, kept on the generator (made anew for every build), never in
    the settings a reused Pelican carries into the next build."""

    def __init__(self, problems):
        self.problems = problems  # of what must not be walked (sources.py)
        self.records = {}  # source path -> CaseRecord of each source read


def _sources(generator, kind):
    """The problems of what Pelican must not walk below the ``kind``
    ("ARTICLE" or "PAGE") paths (sources.entries_to_skip): linked folders
    out of content/ or in circles, names not in UTF-8. Pelican's walk only
    leaves out folders and names it finds in its settings, so these go into
    a copy of the settings this generator owns for this build, never into
    the shared ones: ``pelican --autoreload`` and the warm preview builder
    build again with the same settings, and a fixed folder must come back.
    (A source the checks refuse is passed over by the reader, record.py.)"""
    settings = generator.settings
    folders, names, problems = entries_to_skip(
        generator.path, settings[f"{kind}_PATHS"], settings[f"{kind}_EXCLUDES"], settings["IGNORE_FILES"],
        generator.readers.extensions,
    )
    if folders or names:
        generator.settings = {
            **settings,
            f"{kind}_EXCLUDES": [*settings[f"{kind}_EXCLUDES"], *folders],
            "IGNORE_FILES": [*settings["IGNORE_FILES"], *names],
        }
    generator.reading = Reading(problems)


def check_sources(generator):
    """Check (Stage.CASE_FILES): pass over what must not be walked
    (_sources). Each case is checked as it is read (record.py); its
    problems come when all are read (case_file_problems)."""
    _sources(generator, "ARTICLE")


def check_page_sources(generator):
    """Pages are read under the same rules as cases (see sources.py)."""
    _sources(generator, "PAGE")


def keep_record(generator, metadata):
    """Note the record of each source read, also of one the reader passed
    over (Pelican keeps nothing of that)."""
    record = metadata.get("record")
    if record is not None:
        generator.reading.records[record.path] = record


def _records(generator, contents):
    """The records of this build's sources in file order: those read now,
    and those of contents Pelican took from its cache."""
    records = dict(generator.reading.records)
    for content in contents:
        records.setdefault(content.source_path, content.record)
    return [records[path] for path in sorted(records)]


def case_file_problems(generator):
    """Check (Stage.CASES_READ, first): the problems of all case files
    found while reading, what must not be walked, the photo's file looked
    for now (it may have gone since the case was read), numbers given twice
    across files."""
    records = _records(generator, generator.articles + generator.drafts + generator.hidden_articles)
    problems = list(generator.reading.problems)
    for record in records:
        files = image_file_problems(record.path, record.photo, record.line("image"), generator.path) if record.photo else []
        at = record.photo_problems_at
        problems += [*record.problems[:at], *files, *record.problems[at:]]
    problems += duplicate_numbers([(r.number, r.path, r.line("fall")) for r in records if r.number is not None])
    return problems


def page_file_problems(generator):
    """Check (Stage.PAGES, first): the problems of all page files found
    while reading, and of what must not be walked."""
    records = _records(generator, generator.pages + generator.hidden_pages + generator.draft_pages)
    return [*generator.reading.problems, *(p for record in records for p in record.problems)]


def read_case_number(content):
    """Give every article its case number, as read (its record). A file
    without a valid one is never read (record.py)."""
    if not isinstance(content, Article):
        return
    content.fall = content.metadata["fall"] = content.record.number
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


def reserved_folders(settings):
    """The top folders of what the site writes besides pages (cases,
    tags, feeds, tips, search bundles, cards, theme, pagination …): from
    every *_SAVE_AS, *_URL and *_DIR setting, and the pagination pattern."""
    names = {"index", "404", "seite", "theme", "pagefind"}
    for key, value in settings.items():
        if isinstance(value, str) and key.endswith(("_SAVE_AS", "_URL", "_DIR", "_ATOM", "_RSS")):
            names.add(value.strip("/").split("/")[0].split("{")[0].split(".")[0])
    for pattern in settings.get("PAGINATION_PATTERNS", ()):
        names |= {part.split("{")[0] for part in str(pattern[1]).split("/") if part and "{" not in part}
    return {name for name in names if name}


def pages_at_taken_addresses(pages, settings):
    """[(page, Problem)] of pages whose folder (PAGE_SAVE_AS from the slug)
    the site writes anyway, or an earlier page (in file order) has taken:
    Pelican would stop with a traceback, or one page replace another."""
    reserved = reserved_folders(settings)
    taken = {}
    found = []
    for page in sorted(pages, key=lambda p: p.source_path):
        slug = str(getattr(page, "slug", "") or "")
        first = taken.setdefault(slug, page)
        if slug in reserved or any(slug.startswith(f"{name}-") for name in ("pagefind",)):
            message = (f"Die Adresse /{slug}/ dieser Seite gehört schon der Website selbst; "
                       "die Seite wird nicht veröffentlicht.")
        elif not PAGE_SLUG.fullmatch(slug) or len(slug) > MAX_VALUE_LENGTH["slug"]:
            message = (f"Aus dem Titel wird keine brauchbare Adresse („{slug[:40]}“); "
                       "die Seite wird nicht veröffentlicht.")
        elif first is not page:
            message = (f"Die Adresse /{slug}/ hat schon {display_path(first.source_path)}; "
                       "diese Seite wird nicht veröffentlicht.")
        else:
            continue
        found.append((page, Problem(
            display_path(page.source_path), message,
            "Geben Sie der Seite eine eigene Adresse, z. B. „Slug: ueber-uns“ (Kleinbuchstaben, "
            "Ziffern, Bindestriche).", (page.metadata.get("header_lines") or {}).get("slug"),
        )))
    return found


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


def leave_out(generator, cases):
    """Take ``cases`` out of the site; called before Pelican files the
    cases under tags and dates (article_generator_pretaxonomy)."""
    left_out = set(map(id, cases))
    for name in ("articles", "drafts", "hidden_articles"):
        setattr(generator, name, [a for a in getattr(generator, name) if id(a) not in left_out])


def refuse_links_out_of_content(generator, contents):
    """(problems, refused): of ``contents``, those that link to a file
    outside content/ (see sources.links_out_of_content) or to one Pelican
    would copy as it is (sources.files_linked_as_they_are), to be left
    out; the links are dropped from the files Pelican copies."""
    problems, refused = [], []
    for content in contents:
        outside = links_out_of_content(content, generator.path)
        outside += files_linked_as_they_are(content, generator.path, generator.settings["STATIC_PATHS"])
        generator.context["static_links"] -= {link for link, _ in outside}
        problems += [problem for _, problem in outside]
        if outside:
            refused.append(content)
    return problems, refused


def organise_cases(generator):
    """Check (Stage.CASES_READ): a case whose number an earlier file has
    (check_sources named it) or that links out of content/ is left out."""
    everything = generator.articles + generator.drafts + generator.hidden_articles
    kept = set(map(id, drop_duplicates(everything)))
    problems, refused = refuse_links_out_of_content(generator, everything)
    leave_out(generator, [a for a in everything if id(a) not in kept] + refused)
    return problems


def organise_pages(generator):
    """Check (Stage.PAGES): a page that links out of content/ or whose
    address is taken is left out."""
    pages = generator.pages + generator.hidden_pages + generator.draft_pages
    problems, refused = refuse_links_out_of_content(generator, pages)
    refused = set(map(id, refused))
    taken = pages_at_taken_addresses([page for page in pages if id(page) not in refused], generator.settings)
    refused |= {id(page) for page, _ in taken}
    for pages in (generator.pages, generator.hidden_pages, generator.draft_pages):
        pages[:] = [page for page in pages if id(page) not in refused]  # the context holds these lists
    return problems + [problem for _, problem in taken]


def link_cases(generator):
    link_neighbours(generator.articles)


def markup_problems(contents):
    """What the reader dropped from these texts (see markdown_text.py)."""
    return [problem for content in contents for problem in getattr(content, "markup_problems", [])]


def check_case_markup(generator):
    """Check (Stage.CASE_TEXTS): the published cases and the drafts."""
    return markup_problems(generator.articles + generator.drafts)


def check_page_markup(generator):
    """Check (Stage.PAGES)."""
    return markup_problems(generator.pages + generator.hidden_pages + generator.draft_pages)


def unread_sources(generator):
    """Check (Stage.PAGES, last): a case or page Pelican could not read
    although no problem so far is about it. The cases' header checks name
    a missing title or date; a page's title is only missed here."""
    explained = {problem.path for problem in generator.context.get("build_problems", [])}
    problems = []
    for relative, content in generator.context["generated_content"].items():
        shown = display_path(os.path.join(generator.path, relative))
        if content is None and shown not in explained:
            problems.append(Problem(
                shown, "Die Datei ließ sich nicht lesen (fehlt oben die Zeile „Title: …“?); "
                "sie wird nicht veröffentlicht.",
                "Ergänzen Sie den Titel, z. B. „Title: Impressum“; hat sie einen, melden Sie den Fehler "
                "mit dieser Meldung.",
            ))
    return problems


class _StrictStopExplained(logging.Filter):
    """Pelican's --fatal stops at the first warning by raising an error and
    logs it with a traceback. The author has just read the problem; the
    traceback would only hide it. Pelican raises a plain RuntimeError, so
    the stop is known by its text alone (pinned by tests/test_private_interfaces.py)."""

    def filter(self, record):
        error = record.exc_info[1] if record.exc_info else None
        if record.levelno == logging.CRITICAL and isinstance(error, RuntimeError) and str(error) == "Warning or error encountered":
            record.msg, record.args, record.exc_info = (
                "Abgebrochen: der strenge Bau (veröffentlichen, CI) baut nicht weiter, sobald es ein Problem "
                "gibt; was zu tun ist, steht direkt darüber. Beheben Sie es und bauen Sie neu.", (), None)
        return True


def explain_strict_stop(pelican):
    pelican_logger = logging.getLogger("pelican")
    if not any(isinstance(f, _StrictStopExplained) for f in pelican_logger.filters):
        pelican_logger.addFilter(_StrictStopExplained())


def lead_is_first_paragraph(case):
    """Whether a case's lead is its text's first paragraph (no Summary
    written): its page then shows that paragraph once, as the lead
    (body_after_lead), and its search record the same way (plugins/search)."""
    return "summary" not in case.metadata


def body_after_lead(case):
    """A case's text as its page shows it under the lead. Without a
    Summary the lead is the first paragraph (SUMMARY_MAX_PARAGRAPHS), so
    the body starts after it: a reader gets it once, not twice."""
    content = case.content
    if not lead_is_first_paragraph(case):
        return content
    lead = case.summary
    start = content.lstrip()
    return start[len(lead):].lstrip() if lead and start.startswith(lead) else content


def add_jinja_filters(generator):
    generator.env.filters.setdefault("body_after_lead", body_after_lead)


def register():
    signals.generator_init.connect(add_jinja_filters)
    signals.initialized.connect(explain_strict_stop)
    signals.initialized.connect(use_plain_text_markdown)
    signals.readers_init.connect(register_reader)
    signals.article_generator_context.connect(keep_record)
    signals.page_generator_context.connect(keep_record)
    signals.content_object_init.connect(read_case_number)
    signals.content_object_init.connect(mark_html)
    signals.all_generators_finalized.connect(add_text_versions)
    signals.article_generator_finalized.connect(link_cases)
    # Between the checks of all cases read and those of the cases the site
    # shows: a duplicate number counts whatever the date.
    connect_stages(before_schedule=hold_back_scheduled)
    # The cases plugin's checks in the one list (checklist.py), in order.
    register_check(Stage.CASE_FILES, check_sources)
    register_check(Stage.PAGE_FILES, check_page_sources)
    register_check(Stage.CASES_READ, case_file_problems)
    register_check(Stage.CASES_READ, organise_cases)
    register_check(Stage.CASE_TEXTS, check_case_markup)
    register_check(Stage.PAGES, page_file_problems)
    register_check(Stage.PAGES, check_page_markup)
    register_check(Stage.PAGES, organise_pages)
    register_check(Stage.PAGES, unread_sources)
