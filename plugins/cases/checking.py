"""``invoke check``: every problem a build would report in content/,
without building.

Each source is read once, by Pelican's readers with the plugins' Markdown
extensions (the header and its lines, the allow list, German typography,
the tips found while converting), and put through the same checks, in
the same order, as in a build: what one check leaves out of the site,
the later ones do not see. No generator runs, nothing is written, no
search index, card or booklet is made.
"""

import logging
import os
from contextlib import contextmanager

from pelican import Pelican
from pelican.contents import Article, Page
from pelican.readers import Readers
from pelican.settings import read_settings

from photos.plugin import photo_problem
from photos.variants import PhotoError, check_photo
from tips.generator import tip_problems

from .checks import check_case_files, check_page_file
from .model import CaseError, Problem, display_path
from .plugin import drop_duplicates, pages_at_taken_addresses
from .sources import NotInContent, content_file, entries_to_skip, files_linked_as_they_are, links_out_of_content, source_files


def check_site(settings_file, overrides=None):
    """The problems of the content a build with ``settings_file`` reads, in
    the order a build reports them."""
    settings = read_settings(
        str(settings_file),
        override={**(overrides or {}), "CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False},
    )
    # The plugins complete the settings as for a build: its Markdown
    # extensions, its readers.
    settings = Pelican(settings).settings
    readers = Readers(settings)
    case_paths, problems = _sources(settings, "ARTICLE", readers.extensions)
    case_problems, unreadable = check_case_files(case_paths, settings["PATH"])
    problems += case_problems
    page_paths, page_problems = _sources(settings, "PAGE", readers.extensions)
    for path in page_paths:
        found, refused = check_page_file(path, settings["PATH"])
        page_problems += found
        if refused:
            unreadable.append(path)
    problems += page_problems
    unreadable = set(unreadable)
    readable = [path for path in case_paths + page_paths if path not in unreadable]
    explained = {problem.path for problem in problems}
    contents, reading_problems = _read(readers, settings, readable, set(case_paths), explained)
    return problems + reading_problems + _content_problems(contents, settings)


def _sources(settings, kind, extensions):
    """The sources of ``kind`` ("ARTICLE" or "PAGE") and the problems of
    what a build must not walk (as the cases plugin's check_sources)."""
    content_path = settings["PATH"]
    folders, names, problems = entries_to_skip(
        content_path, settings[f"{kind}_PATHS"], settings[f"{kind}_EXCLUDES"], settings["IGNORE_FILES"], extensions,
    )
    paths = source_files(
        content_path, settings[f"{kind}_PATHS"], [*settings[f"{kind}_EXCLUDES"], *folders],
        [*settings["IGNORE_FILES"], *names], extensions,
    )
    return paths, problems


def _read(readers, settings, paths, case_paths, explained):
    """Content objects of ``paths``, read as a build reads them (the
    Markdown converted on every core if there are many). A source Pelican
    cannot read (an unreadable date, say) is passed over as by a build;
    if none of the problems found so far is about it (``explained``: the
    files named), the author is told."""
    content_path = settings["PATH"]
    by_reader = {}
    for path in paths:
        reader = readers.readers.get(os.path.splitext(path)[1][1:])
        if hasattr(reader, "prefetch"):
            by_reader.setdefault(reader, []).append(path)
    for reader, prefetched in by_reader.items():
        reader.prefetch(prefetched)
    context = {**settings, "static_links": set(), "generated_content": {}, "static_content": {},
               "localsiteurl": settings["SITEURL"]}
    contents, problems = [], []
    try:
        for path in paths:
            try:
                content = readers.read_file(
                    base_path=content_path, path=os.path.relpath(path, content_path),
                    content_class=Article if path in case_paths else Page, context=context,
                )
            except Exception as error:  # noqa: BLE001 - the author gets a message, never a traceback
                if display_path(path) not in explained:
                    problems.append(error.problem if isinstance(error, CaseError) else Problem(
                        display_path(path), f"Die Datei ließ sich nicht lesen ({type(error).__name__}: {error}).",
                        "Bitte melden Sie den Fehler mit dieser Meldung.",
                    ))
                continue
            # Pelican passes over a source without title or date, and says
            # so in English; the header's problems have said it already.
            with _silenced("pelican.contents", display_path(path) in explained):
                if content.is_valid():
                    contents.append(content)
    finally:
        for reader in by_reader:
            reader.close()
    return contents, problems


def _content_problems(contents, settings):
    """What a build finds in what it has read, in its order (see the
    cases, photos and tips plugins)."""
    content_path, static_paths = settings["PATH"], settings["STATIC_PATHS"]
    cases = [c for c in contents if isinstance(c, Article)]
    pages = [c for c in contents if not isinstance(c, Article)]
    problems = []
    # organise_cases: duplicates and links out of content/ left out
    kept = set(map(id, drop_duplicates(cases)))
    for case in cases:
        outside = links_out_of_content(case, content_path) + files_linked_as_they_are(case, content_path, static_paths)
        problems += [problem for _, problem in outside]
        if outside:
            kept.discard(id(case))
    cases = [case for case in cases if id(case) in kept]
    # plan_photos: a case whose photo cannot be shown left out
    photo_problems, failed = _photo_problems(cases, content_path)
    problems += photo_problems
    cases = [case for case in cases if id(case) not in failed]
    # check_pages, then organise_pages
    page_problems = [p for page in pages for p in getattr(page, "markup_problems", [])]
    linking_out = {id(page) for page in pages if links_out_of_content(page, content_path)
                   or files_linked_as_they_are(page, content_path, static_paths)}
    page_problems += [problem for page in pages for _, problem in links_out_of_content(page, content_path)
                      + files_linked_as_they_are(page, content_path, static_paths)]
    page_problems += [problem for _, problem in pages_at_taken_addresses(
        [page for page in pages if id(page) not in linking_out], settings)]
    # link_cases: the markup of published cases and drafts
    problems += [p for case in cases if case.status != "hidden" for p in getattr(case, "markup_problems", [])]
    problems += page_problems
    # the tips generator: published cases only
    problems += [p for case in cases if case.status == "published" for p in tip_problems(case)]
    return problems


def _photo_problems(cases, content_path):
    """(problems, ids of the cases left out) as plan_photos finds them;
    each photo file is read once, however many cases show it."""
    problems, failed, errors = [], set(), {}
    for case in cases:
        image = getattr(case, "image", None)
        if not image:
            continue
        try:
            path = os.path.join(content_path, content_file(image, content_path))
        except (NotInContent, FileNotFoundError):
            failed.add(id(case))  # reported with the header
            continue
        if path not in errors:
            try:
                check_photo(path)
                errors[path] = None
            except PhotoError as error:
                errors[path] = error
        if errors[path]:
            failed.add(id(case))
            problems.append(photo_problem(case, errors[path]))
    return problems, failed


@contextmanager
def _silenced(name, silenced=True):
    logger = logging.getLogger(name)
    disabled, logger.disabled = logger.disabled, logger.disabled or silenced
    try:
        yield
    finally:
        logger.disabled = disabled
