"""Feed the site's cases and tips to Pagefind, in German.

Every case and every tip becomes a record of its own, so a tip can be found
as itself (its meta.url points to the tip's box) and a filter tells tips
from cases. Cases and tips go into bundles of their own: the tips page
searches the tips alone, the search page merges both. A tip's topics are
a filter, so the tips page's topic choice reaches every tip, also those on
its later pages.

A record's content is the text the reader sees, then a marker and the
words for matching alone (see RecordMaker); the search scripts never show
what follows the marker (theme/static/js/search-core.js, docs/suche.md).
"""

import bisect
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
import traceback

import background
from buildcache.stored import SUFFIX as STORED_SUFFIX, folder_reusable, note_folder
from cases.markdown_text import html_to_text
from cases.plugin import lead_is_first_paragraph
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
# Names the bundle a record is in: the scripts search each bundle on its
# own (Pagefind's fallback to a shorter word is decided per bundle).
BUNDLE_FILTER = "buendel"


class RecordMaker:
    """Turns cases and tips into Pagefind records.

    A record's content is the text the reader sees at its place, word for
    word (the search shows excerpts of it), then the marker and the words
    kept for matching alone: the title (a case's) or heading (a tip's),
    which the result shows as its title, not run into the text; parts of
    compounds and umlauts spelt out. A case's record leaves out its tips,
    which are records of their own: one place, one result.

    The phrases every case repeats (the column's name in each title, the
    standard tip heading) are left out of the words for matching:
    otherwise every record would match "Kunde", and that query would tell
    the reader nothing.
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

    def _case_texts(self, case):
        """(visible text, title) of a case's record: the lead, then the
        text under it as the page shows it (a first paragraph that is the
        lead only once), without the tips."""
        lead = html_to_text(case.summary)
        # The tips plugin reads the text while boxing the tips; without it, from the HTML.
        text = getattr(case, "search_text", None) or html_to_text(case.content)
        body = without_tips(text, getattr(case, "tip_records", ()))
        if lead_is_first_paragraph(case):
            body = without_lead(body, lead)
        return " ".join(f"{lead} {body}".split()), self._strip(html_to_text(case.title))

    def _tip_texts(self, tip):
        return " ".join(tip.text.split()), self._strip(tip.heading)

    def _content(self, visible, title):
        extra = extra_search_words(f"{visible} {title}", self.splitter)
        hidden = " ".join(filter(None, (title, " ".join(extra))))
        return f"{visible} {EXTRA_WORDS_MARKER} {hidden}" if hidden else visible

    def learn_words(self, cases, tips):
        """Have the splitter split the new compounds of every text at once,
        before the records are made (see CompoundSplitter.learn)."""
        texts = itertools.chain(map(self._case_texts, cases), map(self._tip_texts, tips))
        self.splitter.learn(word for pair in texts for text in pair for word in WORD.findall(text))

    def case(self, case):
        visible, title = self._case_texts(case)
        return {
            "url": "/" + case.url,
            "content": self._content(visible, title),
            "meta": {"title": f"Der {case.fall}. Fall: {title}"},
            "filters": {"typ": [KIND_CASE]},
        }

    def tip(self, tip):
        visible, heading = self._tip_texts(tip)
        title = tip_title(tip.case_number, self._strip(html_to_text(tip.case.title)), heading if tip.count > 1 and heading else None)
        url = "/" + tip.url
        return {
            "url": url,
            "content": self._content(visible, heading),
            "meta": {"title": title},
            "filters": {"typ": [KIND_TIP], TOPIC_FILTER: [str(tag) for tag in tip.tags]},
        }


def without_lead(text, lead):
    """``text`` without ``lead`` where it begins with it word for word: the
    page shows a first paragraph that is the lead once, as the lead
    (cases.plugin.body_after_lead)."""
    words, lead_words = text.split(), lead.split()
    if lead_words and words[: len(lead_words)] == lead_words:
        return " ".join(words[len(lead_words) :])
    return text


def without_tips(text, tips):
    """A case's plain text without its tips' boxes (heading and text), which
    come in the order of the tips; a box not found word for word stays."""
    words = text.split()
    starts = collections.defaultdict(list)  # word -> where it stands, in order
    for index, word in enumerate(words):
        starts[word].append(index)
    kept, at = [], 0
    for tip in tips:
        box = f"{tip.heading} {tip.text}".split()
        found = _find(words, starts, box, at)
        if found is None:
            continue
        kept += words[at:found]
        at = found + len(box)
    return " ".join(kept + words[at:])


def _find(words, starts, run, start):
    """Where ``run`` stands in ``words`` from ``start`` on, or None."""
    if not run:
        return None
    candidates = starts.get(run[0], [])
    for index in candidates[bisect.bisect_left(candidates, start):]:
        if words[index : index + len(run)] == run:
            return index
    return None


def record_page(record):
    """One record as a small HTML page for Pagefind to index.

    Pagefind reads its filters and metadata from the page; the record's
    own address, a tip's with its anchor, travels as the "url" meta field.
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


def index_requests(records, language):
    """The service requests that make a bundle of ``records`` (its output
    folder is given with the last one, see write_search_index)."""
    yield {"type": "NewIndex", "config": {"force_language": language}}
    for record in records:
        yield {"type": "AddFile", "index_id": 0, "file_path": None, "url": record["url"],
               "file_contents": record_page(record)}


def write_search_index(bundle, records, language):
    """Index ``records`` with Pagefind, all in one exchange with its service
    (see service.py); an earlier build's bundle is replaced, not mixed
    with, and only by a whole one."""
    from .service import PagefindService

    # Written next to the bundle under a name of this build's own, then
    # swapped in: a second build writing the same folder cannot mix in.
    fresh = f"{bundle}.{os.getpid()}.neu"

    def write():
        service = PagefindService()
        try:
            requests = list(index_requests(records, language))
            requests.append({"type": "WriteFiles", "index_id": 0, "output_path": os.path.abspath(fresh)})
            service.exchange(requests)
        finally:
            service.close()
        return service.said()

    # Pagefind has been seen, rarely and under load, to leave an empty
    # pagefind-entry.json behind (the search then fails in the browser
    # with "Failed to load Pagefind metadata"): such a bundle is made
    # again, and never put in place.
    said = ""
    for _attempt in range(3):
        shutil.rmtree(fresh, ignore_errors=True)
        said = write()
        if is_whole_bundle(fresh):
            break
        logger.info("Search index: %s came out incomplete, written again", bundle)
    else:
        shutil.rmtree(fresh, ignore_errors=True)
        raise RuntimeError(
            f"Pagefind hat den Suchindex {bundle} dreimal unvollständig geschrieben "
            "(pagefind-entry.json leer oder unlesbar); die Website bleibt, wie sie war. "
            "Bitte den Bau wiederholen." + (f" Pagefind meldete: {said[-800:]}" if said else "")
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
    used = set()
    for bundle, records in bundles:
        digest = records_digest(records, language) if kept else None
        used.add(digest)
        if digest and reuse and is_whole_bundle(os.path.join(kept, digest)) and folder_reusable(os.path.join(kept, digest)):
            copy_folder(os.path.join(kept, digest), bundle)
            logger.info("Search index: %s, unchanged", bundle)
            continue
        write_search_index(bundle, records, language)
        del records
        if digest:
            copy_folder(bundle, os.path.join(kept, digest))
            note_folder(os.path.join(kept, digest))
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
