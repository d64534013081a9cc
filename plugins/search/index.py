"""Feed the site's cases and tips to Pagefind, in German.

Every case and every tip becomes a record of its own, so a tip can be found
as itself (its meta.url points to the tip's box) and a filter tells tips
from cases. Cases and tips go into bundles of their own: the tips page
searches the tips alone, the search page merges both. A tip's topics are
a filter, so the tips page's topic choice reaches every tip, also those on
its later pages.

Words a reader may type but the text does not spell out (parts of
compounds, umlauts written as ae/oe/ue/ss) are appended after a marker;
the search scripts cut the marker and what follows from every excerpt.
"""

import asyncio
import collections
import errno
import hashlib
import html
import itertools
import json
import logging
import math
import os
import re
import shutil
import tempfile
import traceback

import background
from buildcache.stored import SUFFIX as STORED_SUFFIX, folder_reusable, note_folder
from cases.markdown_text import html_to_text
from tips.records import tip_title

from .compounds import WORD, extra_search_words

logger = logging.getLogger(__name__)

# The pages pass both to their scripts (data-extra-words-marker,
# data-topic-filter: plugins/search/generator.py puts them in the context).
EXTRA_WORDS_MARKER = "⁂"
KIND_CASE = "Fall"
KIND_TIP = "Tipp"
# The tips page's topic choice searches every tip, not only those on its page.
TOPIC_FILTER = "thema"


class RecordMaker:
    """Turns cases and tips into Pagefind records.

    Pagefind searches the metadata too, so the phrases every case repeats
    (the column's name in each title, the standard tip heading) are left
    out of titles and text alike: otherwise every record would match
    "Kunde", and that query would tell the reader nothing.
    """

    def __init__(self, splitter, ignored_phrases=()):
        self.splitter = splitter
        self.ignored = [re.compile(r"\s*".join(map(re.escape, p.split())), re.I) for p in ignored_phrases]

    def _strip(self, text):
        text = " ".join(text.split())
        for phrase in self.ignored:
            text = phrase.sub(" ", text)
        text = " ".join(text.split())
        return text[:1].upper() + text[1:]

    def _case_text(self, case):
        return self._strip(" ".join((html_to_text(case.title), html_to_text(case.summary), case.search_text)))

    def _tip_text(self, tip):
        return self._strip(" ".join((tip.heading, tip.text)))

    def _content(self, text):
        extra = extra_search_words(text, self.splitter)
        return f"{text} {EXTRA_WORDS_MARKER} {' '.join(extra)}" if extra else text

    def learn_words(self, cases, tips):
        """Have the splitter split the new compounds of every text at once,
        before the records are made (see CompoundSplitter.learn)."""
        texts = itertools.chain(map(self._case_text, cases), map(self._tip_text, tips))
        self.splitter.learn(word for text in texts for word in WORD.findall(text))

    def case(self, case):
        title = html_to_text(case.title)
        return {
            "url": "/" + case.url,
            "content": self._content(self._case_text(case)),
            "meta": {"title": f"Der {case.fall}. Fall: {self._strip(title)}"},
            "filters": {"typ": [KIND_CASE]},
        }

    def tip(self, tip):
        heading = self._strip(tip.heading)
        title = tip_title(tip.case_number, self._strip(html_to_text(tip.case.title)), heading if tip.count > 1 and heading else None)
        url = "/" + tip.url
        return {
            "url": url,
            "content": self._content(self._tip_text(tip)),
            "meta": {"title": title},
            "filters": {"typ": [KIND_TIP], TOPIC_FILTER: [str(tag) for tag in tip.tags]},
        }


def record_page(record):
    """One record as a small HTML page for Pagefind to index.

    Pagefind's Python API answers one custom record per 0.1 s, which made
    a thousand cases take minutes; a folder of pages is indexed in one
    call (see write_record_pages). The record's own address, a tip's
    with its anchor, travels as the "url" meta field.
    """
    escape = html.escape
    heads = [f'<meta data-pagefind-meta="title[content]" content="{escape(record["meta"]["title"])}">']
    heads.append(f'<meta data-pagefind-meta="url[content]" content="{escape(record["url"])}">')
    for name, values in record["filters"].items():
        heads += [f'<meta data-pagefind-filter="{escape(name)}[content]" content="{escape(v)}">' for v in values]
    return (
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title></title>'
        + "".join(heads)
        + f'</head><body><main data-pagefind-body><p>{escape(record["content"])}</p></main></body></html>'
    )


def bundle_folders(base, count, size):
    """Folders of the bundles that hold ``count`` records, ``size`` each:
    base, base-2, base-3, … Pagefind holds a bundle's records in memory
    while it writes (some 150 KB for a case), so thousands of cases are
    indexed a bundle at a time and merged again in the browser."""
    bundles = max(1, math.ceil(count / size))
    return [base] + [f"{base}-{number}" for number in range(2, bundles + 1)]


def in_bundles(items, size):
    return [items[start : start + size] for start in range(0, len(items), size)] or [[]]


def write_record_pages(records, folder):
    """Write each record's page where Pagefind, which takes a result's
    address from the page's path, gives it the address of the page the
    record stands for: fall/33/index.html is found as /fall/33/.

    Those addresses carry no fragment, so a tip is found at its case's
    page (the address of its box is the "url" meta field); the second tip
    of a case goes into a second folder, and so on. Returns the folders,
    each to be indexed as a site of its own."""
    folders = []
    seen = collections.Counter()
    for record in records:
        page = record["url"].partition("#")[0].strip("/")
        folder_number = seen[page]
        seen[page] += 1
        if folder_number == len(folders):
            folders.append(os.path.join(folder, str(folder_number)))
        path = os.path.join(folders[folder_number], page, "index.html")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(record_page(record))
    if not folders:  # an empty bundle all the same
        folders.append(os.path.join(folder, "0"))
        os.makedirs(folders[0])
    return folders


def write_search_index(bundle, folders, language):
    """Run Pagefind on folders of record pages; an earlier build's bundle
    is replaced, not mixed with, and only by a whole one."""
    from pagefind.index import PagefindIndex

    # Written next to the bundle under a name of this build's own, then
    # swapped in: a second build writing the same folder cannot mix in.
    fresh = f"{bundle}.{os.getpid()}.neu"

    async def write():
        config = {"force_language": language, "output_path": fresh}
        async with PagefindIndex(config=config) as index:
            for pages in folders:
                await index.add_directory(pages)

    # Pagefind has been seen, rarely and under load, to leave an empty
    # pagefind-entry.json behind (the search then fails in the browser
    # with "Failed to load Pagefind metadata"): such a bundle is made
    # again, and never put in place.
    for _attempt in range(2):
        shutil.rmtree(fresh, ignore_errors=True)
        asyncio.run(write())
        if is_whole_bundle(fresh):
            break
        logger.info("Search index: %s came out incomplete, written again", bundle)
    else:
        shutil.rmtree(fresh, ignore_errors=True)
        raise RuntimeError(
            f"Pagefind hat den Suchindex {bundle} zweimal unvollständig geschrieben "
            "(pagefind-entry.json leer oder unlesbar); die Website bleibt, wie sie war. "
            "Bitte den Bau wiederholen."
        )
    put_in_place(fresh, bundle)
    logger.info("Search index: %s", bundle)


def is_whole_bundle(bundle):
    """Whether Pagefind's entry file can be read and the metadata file of
    each index it names is there and not empty. (Its page count may be
    below the records given: Pagefind leaves out records without text.)"""
    try:
        with open(os.path.join(bundle, "pagefind-entry.json"), encoding="utf-8") as handle:
            languages = json.load(handle)["languages"]
        return all(
            os.path.getsize(os.path.join(bundle, f"pagefind.{index['hash']}.pf_meta")) > 0
            for index in languages.values()
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


def put_in_place(fresh, bundle):
    """Move the folder ``fresh`` to ``bundle``, replacing what is there."""
    old = f"{bundle}.{os.getpid()}.alt"
    while True:
        try:
            os.replace(fresh, bundle)  # only while no (non-empty) bundle is there
            break
        except OSError as error:
            if error.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
        try:
            os.replace(bundle, old)
        except FileNotFoundError:
            continue  # another build moved it aside first
        shutil.rmtree(old, ignore_errors=True)


class SearchIndexProcess:
    """Writes the search index in a process of its own while the build
    writes its pages (see plugins/background).

    Forked, the process starts with the build's cases and tips in memory
    and makes the records itself, on the other core instead of waiting
    for the interpreter lock behind the page rendering; started otherwise,
    it is sent the records, made here. Without background processes the
    index is written when it is waited for.
    """

    def __init__(self, make_bundles, language, settings=None, kept=None, reuse=False):
        # () -> (bundle folder, records) of each bundle; made one at a time,
        # and indexed one at a time, to keep memory low.
        self._make_bundles = make_bundles
        self._language = language
        self._kept, self._reuse = kept, reuse  # see write_bundles
        self._settings = settings or {}
        self._process = None
        self._report = None

    def start(self):
        if not background.allowed(self._settings):
            return
        if background.inherits_memory(self._settings):
            bundles = self._make_bundles
        else:
            bundles = list(self._make_bundles())
        context = background.start_context(self._settings)
        self._report, child_end = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_index_process, args=(bundles, self._language, child_end, self._kept, self._reuse), name="search-index"
        )
        self._process.start()
        child_end.close()

    def finish(self):
        """Wait for the index; a failure fails the build."""
        if self._process is None:
            try:
                write_bundles(self._make_bundles(), self._language, self._kept, self._reuse)
            except Exception as error:
                raise RuntimeError(f"Der Suchindex konnte nicht geschrieben werden:\n{traceback.format_exc()}") from error
            return
        try:
            failure = self._report.recv()
        except EOFError:
            failure = "the process ended without a word"
        self._process.join()
        if failure:
            raise RuntimeError(f"Der Suchindex konnte nicht geschrieben werden (exit code {self._process.exitcode}):\n{failure}")


def write_bundles(bundles, language, kept=None, reuse=False):
    """Index each (bundle folder, records) with Pagefind, one after another.

    With ``kept`` (a folder of the build cache, see plugins/buildcache)
    each bundle is also kept there under a digest of its records; with
    ``reuse``, a bundle whose records were indexed before is copied from
    there instead (the same records in, the same bundle out: the code and
    Pagefind's version are in the build cache's key).
    """
    pages = tempfile.mkdtemp(prefix="pagefind-records-")
    used = set()
    try:
        for number, (bundle, records) in enumerate(bundles):
            digest = records_digest(records, language) if kept else None
            used.add(digest)
            if digest and reuse and is_whole_bundle(os.path.join(kept, digest)) and folder_reusable(os.path.join(kept, digest)):
                copy_folder(os.path.join(kept, digest), bundle)
                logger.info("Search index: %s, unchanged", bundle)
                continue
            folder = os.path.join(pages, str(number))
            folders = write_record_pages(records, folder)
            del records
            write_search_index(bundle, folders, language)
            shutil.rmtree(folder)
            if digest:
                copy_folder(bundle, os.path.join(kept, digest))
                note_folder(os.path.join(kept, digest))
    finally:
        shutil.rmtree(pages, ignore_errors=True)
    if kept and os.path.isdir(kept):
        for entry in os.scandir(kept):  # bundles of records no longer there
            if entry.name.removesuffix(STORED_SUFFIX) in used:
                continue
            if entry.is_dir():
                shutil.rmtree(entry.path, ignore_errors=True)
            else:  # the note of a bundle's digests (buildcache.stored)
                os.unlink(entry.path)


def records_digest(records, language):
    digest = hashlib.sha256(language.encode())
    digest.update(json.dumps(records, ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()


def copy_folder(source, target):
    """A copy of the folder ``source`` at ``target``, put there in one step.

    The files are linked, not copied, where both are on one file system:
    a bundle's files are only ever replaced, never changed in place.
    """
    os.makedirs(os.path.dirname(target), exist_ok=True)
    fresh = f"{target}.{os.getpid()}.neu"
    shutil.rmtree(fresh, ignore_errors=True)
    try:
        shutil.copytree(source, fresh, copy_function=os.link)
    except OSError:
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.copytree(source, fresh)
    put_in_place(fresh, target)


def _index_process(bundles, language, report, kept, reuse):
    """The search index process: ``bundles`` is the list, or (forked) the
    function that makes them."""
    try:
        write_bundles(bundles() if callable(bundles) else bundles, language, kept, reuse)
        report.send(None)
    except BaseException:
        report.send(traceback.format_exc())
    finally:
        report.close()
