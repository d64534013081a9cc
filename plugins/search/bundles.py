"""The search's Pagefind bundles: one per shard of case numbers, written
into the output without churn.

A shard holds the records of a fixed range of case numbers (1–250,
251–500, … with ``SEARCH_SHARD_CASES`` = 250), cases and tips in bundles of
their own: an edited case changes one shard, and only that shard is
indexed again. The pages merge the shards at search time (Pagefind's
``mergeIndex``, theme/static/js/search-core.js).

Pagefind's service (service.py) hands a bundle back as files in memory
(its GetFiles request); they are compared with what the output folder
holds: a name that is new or whose bytes changed is written, a name no
longer there is deleted, the rest is left alone (its inode and mtime
too). Fragment, index, filter and metadata files are named by a digest of
their bytes, so after an edit only the files of the edited records are
new. Nothing goes through a temporary folder of record pages or a fresh
staging folder.

Each shard's files are also kept in the build cache under a digest of its
records: an unchanged shard is not indexed again, and a fresh output
folder gets its files as hard links from there.

The only process started is Pagefind's, and it is sent only the records;
a thread of the build talks to it while Pelican writes the pages.
"""

import hashlib
import json
import logging
import os
import re
import shutil
import threading
import traceback

import background
from buildcache.stored import SUFFIX as STORED_SUFFIX, folder_reusable, note_folder

from .index import index_requests

logger = logging.getLogger(__name__)

ENTRY = "pagefind-entry.json"
# Pagefind's own search interfaces: the site has its own scripts
# (theme/static/js/search*.js) and never loads these.
UNUSED = frozenset({
    "pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
    "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js",
})
# What only the first bundle of a page is loaded for (search-core.js imports
# its pagefind.js; merged bundles use the first one's worker and WebAssembly).
RUNTIME = re.compile(r"pagefind\.js|pagefind-worker\.js|wasm\.[\w-]+\.pagefind")
# Files named by a digest of their bytes: the same name, the same bytes.
BY_DIGEST = re.compile(r"(fragment|index|filter)/[^/]+\.pf_\w+|pagefind\.[^/]+\.pf_meta")


class PagefindBundleError(RuntimeError):
    pass


def shard_of(number, cases_per_shard):
    """The shard (0, 1, …) of case number ``number``: 1–250 are shard 0."""
    return max(0, (int(number) - 1) // cases_per_shard)


def shard_folder(base, shard):
    """The output folder of a shard: base, base-2, base-3, …"""
    return base if shard == 0 else f"{base}-{shard + 1}"


def in_shards(items, number_of, cases_per_shard):
    """{shard: items} by the case number ``number_of(item)``, in the
    items' order; no items: one empty shard 0 (the pages always have a
    bundle to load)."""
    shards = {}
    for item in items:
        shards.setdefault(shard_of(number_of(item), cases_per_shard), []).append(item)
    return dict(sorted(shards.items())) or {0: []}


def records_digest(records, language):
    digest = hashlib.sha256(language.encode())
    digest.update(json.dumps(records, ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()


def wanted(path, first):
    """Whether the output bundle holds Pagefind's file ``path``."""
    return path not in UNUSED and (first or not RUNTIME.fullmatch(path))


def is_whole(files):
    """Whether Pagefind's entry file can be read and the metadata file of
    each index it names is there and not empty (``files``: path -> bytes).
    Its page count may be below the records given: Pagefind leaves out
    records without text."""
    try:
        languages = json.loads(files[ENTRY])["languages"]
        return all(files.get(f"pagefind.{index['hash']}.pf_meta") for index in languages.values())
    except (KeyError, ValueError, TypeError, AttributeError):
        return False


def is_whole_bundle(folder):
    """is_whole for a bundle folder."""
    try:
        with open(os.path.join(folder, ENTRY), "rb") as handle:
            entry = handle.read()
        languages = json.loads(entry)["languages"]
        return all(
            os.path.getsize(os.path.join(folder, f"pagefind.{index['hash']}.pf_meta")) > 0 for index in languages.values()
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


def index_files(records, language):
    """Pagefind's bundle of ``records``: {path: bytes}, in one exchange with
    its service. Pagefind has been seen, rarely and under load, to leave an
    empty pagefind-entry.json (the search then fails in the browser with
    "Failed to load Pagefind metadata"): such a bundle is made again, and
    never put in place."""
    from .service import PagefindService

    said = ""
    for _attempt in range(3):
        service = PagefindService()
        try:
            requests = list(index_requests(records, language))
            requests.append({"type": "GetFiles", "index_id": 0})
            files = service.exchange(requests)[-1].get("files") or []
        finally:
            service.close()
        said = service.said()
        files = {file["path"]: service.decode(file["content"]) for file in files}
        if is_whole(files):
            return files
        logger.info("Search index: a bundle came out incomplete, made again")
    raise PagefindBundleError(
        "Pagefind hat einen Suchindex dreimal unvollständig geliefert (pagefind-entry.json leer oder "
        "unlesbar); die Website bleibt, wie sie war. Bitte den Bau wiederholen."
        + (f" Pagefind meldete: {said[-800:]}" if said else "")
    )


def _entries(folder, prefix=""):
    """{relative path: os.DirEntry} of every file below ``folder`` (a
    missing folder has none); the inode comes with the listing."""
    found = {}
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return found
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            found.update(_entries(entry.path, f"{prefix}{entry.name}/"))
        else:
            found[prefix + entry.name] = entry
    return found


def _present(folder):
    """{relative path: os.stat_result} of every file below ``folder``."""
    return {path: entry.stat(follow_symlinks=False) for path, entry in _entries(folder).items()}


def _order(paths):
    """Files named by digest first, the entry file (which names the
    metadata file, which names the rest) last: a reader of the folder
    during the build sees the old bundle or the new, not one naming a
    file that is not there yet."""
    return sorted(paths, key=lambda path: (path == ENTRY, not BY_DIGEST.fullmatch(path), path))


class _Folders:
    """Makes the folders files go in, each once."""

    def __init__(self):
        self.made = set()

    def make_for(self, target):
        folder = os.path.dirname(target)
        if folder not in self.made:
            os.makedirs(folder, exist_ok=True)
            self.made.add(folder)


def _write(target, data, whole):
    """Write ``data`` to ``target``; with ``whole``, under a name of its own
    first, so a reader never sees the file half written. (A new file named
    by its digest is written in place: no entry file names it yet.)"""
    part = f"{target}.{os.getpid()}.neu" if whole else target
    with open(part, "wb") as handle:
        handle.write(data)
    if whole:
        os.replace(part, target)


def _same_bytes(path, data, stat):
    if stat.st_size != len(data):
        return False
    with open(path, "rb") as handle:
        return handle.read() == data


def put_files(folder, files):
    """Make ``folder`` hold exactly ``files`` (path -> bytes): write what is
    new or changed, delete what is no longer there. A file named by its
    digest with the right size is taken as the same. Returns the number
    of files written."""
    present = _present(folder) if os.path.isdir(folder) else {}
    folders = _Folders()
    written = 0
    for path in _order(files):
        target = os.path.join(folder, path)
        stat = present.get(path)
        by_digest = BY_DIGEST.fullmatch(path)
        if stat is not None and (stat.st_size == len(files[path]) if by_digest else _same_bytes(target, files[path], stat)):
            continue
        folders.make_for(target)
        _write(target, files[path], whole=stat is not None or not by_digest)
        written += 1
    _remove_others(folder, present, files)
    return written


def link_files(folder, source, paths):
    """Make ``folder`` hold exactly the files ``paths`` of the folder
    ``source``, as hard links (copies across file systems); a file that
    is already the same one (its inode) is left alone. Returns the number
    of files put there."""
    present, kept = _entries(folder), _entries(source)
    one_disk = bool(present) and os.stat(folder).st_dev == os.stat(source).st_dev
    folders = _Folders()
    put = 0
    for path in _order(paths):
        origin, target = os.path.join(source, path), os.path.join(folder, path)
        if one_disk and path in present and present[path].inode() == kept[path].inode():
            continue
        folders.make_for(target)
        # A file that is there is replaced in one step; a new one is linked
        # (or copied) in place.
        part = f"{target}.{os.getpid()}.neu" if path in present else target
        try:
            os.link(origin, part)
        except OSError:
            shutil.copyfile(origin, part)
        if part != target:
            os.replace(part, target)
        put += 1
    _remove_others(folder, present, paths)
    return put


def _remove_others(folder, present, keep):
    for path in present.keys() - set(keep):
        os.unlink(os.path.join(folder, path))
    for root, dirs, _names in os.walk(folder, topdown=False):
        for name in dirs:
            try:
                os.rmdir(os.path.join(root, name))  # only if empty
            except OSError:
                pass


def same_files(folder, source, paths):
    """Whether ``folder`` holds exactly ``paths``, each the very file (inode)
    in ``source``: then nothing is to be done. Two listings, no file read."""
    try:
        if os.stat(folder).st_dev != os.stat(source).st_dev:
            return False
    except OSError:
        return False
    present, kept = _entries(folder), _entries(source)
    if present.keys() != set(paths):
        return False
    return all(path in kept and entry.inode() == kept[path].inode() for path, entry in present.items())


def write_bundle(folder, records, language, first, kept=None, reuse=False):
    """The bundle of ``records`` in ``folder`` (``first``: the first of its
    page, with Pagefind's scripts). With ``kept`` (a folder of the build
    cache) the bundle's files are kept there under the records' digest
    (returned); with ``reuse`` a bundle kept from an earlier build is
    taken from there instead of being indexed again (the same records in,
    the same bundle out: the code and Pagefind's version are in the build
    cache's key)."""
    digest = records_digest(records, language) if kept else None
    stored = digest and os.path.join(kept, digest)
    if stored and reuse and os.path.isdir(stored):
        paths = [path for path in _entries(stored) if wanted(path, first)]
        if same_files(folder, stored, paths):
            logger.debug("Search index: %s, unchanged", folder)
            return digest
        if is_whole_bundle(stored) and folder_reusable(stored):
            link_files(folder, stored, paths)
            logger.info("Search index: %s, from the cache", folder)
            return digest
    files = {path: data for path, data in index_files(records, language).items() if path not in UNUSED}
    written = put_files(folder, {path: data for path, data in files.items() if wanted(path, first)})
    logger.info("Search index: %s, %d of %d files written", folder, written, len(files))
    if stored:
        keep_bundle(stored, folder, files)
    return digest


def keep_bundle(stored, folder, files):
    """Keep the bundle ``files`` in the cache at ``stored``: linked to the
    output's files where it has them (no second copy on disk), the rest
    written; put in place in one step."""
    part = f"{stored}.{os.getpid()}.neu"
    shutil.rmtree(part, ignore_errors=True)
    folders = _Folders()
    for path, data in files.items():
        target, origin = os.path.join(part, path), os.path.join(folder, path)
        folders.make_for(target)
        try:
            if os.path.getsize(origin) != len(data):
                raise OSError
            os.link(origin, target)
        except OSError:
            with open(target, "wb") as handle:
                handle.write(data)
    note_folder(part)
    shutil.rmtree(stored, ignore_errors=True)
    os.replace(part, stored)
    os.replace(part + STORED_SUFFIX, stored + STORED_SUFFIX)


def write_bundles(bundles, language, output=None, bases=(), kept=None, reuse=False):
    """Write each (folder, records, first) one after another; then delete
    the bundles of ``bases`` in ``output`` no longer made (their shard
    has no records now) and, in ``kept``, the bundles of records no
    longer there."""
    used, folders = set(), set()
    for folder, records, first in bundles:
        used.add(write_bundle(folder, records, language, first, kept, reuse))
        folders.add(os.path.abspath(folder))
    for base in bases:
        name = re.compile(rf"{re.escape(base)}(-\d+)?")
        for entry in os.scandir(output) if output and os.path.isdir(output) else ():
            if entry.is_dir() and name.fullmatch(entry.name) and os.path.abspath(entry.path) not in folders:
                shutil.rmtree(entry.path)
    if kept and os.path.isdir(kept):
        for entry in os.scandir(kept):
            if entry.name.removesuffix(STORED_SUFFIX) in used:
                continue
            if entry.is_dir():
                shutil.rmtree(entry.path, ignore_errors=True)
            else:  # the note of a bundle's digests (buildcache.stored)
                os.unlink(entry.path)


class SearchIndex:
    """Writes the bundles while the build writes its pages: a thread of the
    build makes the records (the compounds are split in a process of their
    own, see compounds.py) and feeds them to Pagefind's service, a process
    started with nothing but the records it is sent. Without background
    work (``BACKGROUND_PROCESSES = False``) the bundles are written when
    they are waited for."""

    def __init__(self, make_bundles, language, settings=None, **where):
        # () -> (folder, records, first) of each bundle, one at a time
        self._make_bundles = make_bundles
        self._language = language
        self._where = where  # output, bases, kept, reuse: see write_bundles
        self._settings = settings or {}
        self._thread = None
        self._failure = None

    def _run(self):
        try:
            write_bundles(self._make_bundles(), self._language, **self._where)
        except BaseException:
            self._failure = traceback.format_exc()

    def start(self):
        if not background.allowed(self._settings):
            return
        self._thread = threading.Thread(target=self._run, name="search-index", daemon=True)
        self._thread.start()

    def finish(self):
        """Wait for the bundles; a failure fails the build."""
        if self._thread is None:
            self._run()
        else:
            self._thread.join()
        if self._failure:
            raise RuntimeError(f"Der Suchindex konnte nicht geschrieben werden:\n{self._failure}")
