import logging
import os
import re
import shutil

from pelican import signals
from pelican.generators import ArticlesGenerator, PagesGenerator

from .key import build_key
from .stored import file_digest, note

logger = logging.getLogger(__name__)

DEFAULT_SETTINGS = {
    # Keys whose caches are kept, the one in use among them: the local
    # build's (and the preview's), the published site's, one more. At
    # 1,000 cases a key's cache takes some 40 MB.
    "BUILD_CACHE_KEEP": 3,
    # False (``invoke rebuild``): nothing in the cache is read, not even
    # its key; what the build makes is kept for the next one.
    "BUILD_CACHE_REUSE": True,
}

# In CACHE_PATH: a folder for each key, with what builds under that key
# keep (Pelican's content cache while another key's is in use, search
# bundles); "key" names the key of the content cache in Pelican's place.
STORE = "build-cache"
CURRENT = "key"
ASIDE = "content"


def pelican_cache_files():
    """The names Pelican gives its content cache files in CACHE_PATH.

    Private to Pelican: it names them after the generator classes
    (pelican/cache.py, generators.py) and tells no one where it keeps
    them. Pinned by tests/test_private_interfaces.py."""
    names = [cls.__name__ for cls in (ArticlesGenerator, PagesGenerator)]
    return names + [f"{name}-Readers" for name in names]


def add_default_settings(pelican):
    for key, value in DEFAULT_SETTINGS.items():
        pelican.settings.setdefault(key, value)


def use_the_cache_of_this_key(pelican):
    """Give Pelican the content cache made under this build's key, if any.

    Pelican stamps each source file, but not what reading it depends on;
    a cache made with other settings, templates, plugins or dependencies
    is put aside (and in use again when they are back, as when building
    and publishing take turns). ``BUILD_CACHE_FOLDER`` is where plugins
    keep what they derive under this key (None when nothing is cached);
    they reuse it only with ``LOAD_CONTENT_CACHE``.
    """
    settings = pelican.settings
    settings["BUILD_CACHE_FOLDER"] = None
    if not settings.get("CACHE_CONTENT"):
        return
    key = build_key(settings)
    cache_path = settings["CACHE_PATH"]
    if settings.get("BUILD_CACHE_REUSE", True):
        swap_in(cache_path, key)
    else:
        start_afresh(cache_path, key)
    folder = os.path.join(cache_path, STORE, key)
    os.makedirs(folder, exist_ok=True)
    os.utime(folder)  # the newest in use, kept the longest
    forget_old(os.path.join(cache_path, STORE), folder, settings.get("BUILD_CACHE_KEEP", DEFAULT_SETTINGS["BUILD_CACHE_KEEP"]))
    settings["BUILD_CACHE_FOLDER"] = folder


def swap_in(cache_path, key):
    """Put Pelican's content cache of ``key`` in its place, and the one
    there aside under its own key."""
    store = os.path.join(cache_path, STORE)
    marker = os.path.join(store, CURRENT)
    forget_unsealed(cache_path)
    try:
        with open(marker, "rb") as handle:
            current = handle.read(200).decode("ascii").strip()
    except FileNotFoundError:
        current = None
    except (OSError, UnicodeDecodeError):
        current = ""  # damaged: what is in Pelican's place counts as of no key
    if current is not None and not re.fullmatch("[0-9a-f]{64}", current):
        note(f"Der Schlüssel des Caches ({marker}) ist beschädigt; die Fälle werden neu gelesen.")
        current = ""
    if current == key:
        return
    logger.info("Andere Einstellungen, Vorlagen, Plugins oder Pakete als beim letzten Bau: die Fälle werden neu gelesen")
    os.makedirs(store, exist_ok=True)
    # Without the marker, files in Pelican's place count as of no key:
    # a build stopped halfway through leaves nothing to be mistaken.
    if current is not None:
        os.unlink(marker)
    in_place = [name for name in pelican_cache_files() if os.path.exists(os.path.join(cache_path, name))]
    if current and re.fullmatch("[0-9a-f]{64}", current):
        aside = os.path.join(store, current, ASIDE)
        os.makedirs(aside, exist_ok=True)
        for name in in_place:
            os.replace(os.path.join(cache_path, name), os.path.join(aside, name))
            if os.path.exists(_seal_file(cache_path, name)):
                os.replace(_seal_file(cache_path, name), os.path.join(aside, f"{name}.sealed"))
    else:
        for name in in_place:
            os.unlink(os.path.join(cache_path, name))
    waiting = os.path.join(store, key, ASIDE)
    if os.path.isdir(waiting):
        for name in os.listdir(waiting):
            sealed = name.endswith(".sealed")
            target = _seal_file(cache_path, name.removesuffix(".sealed")) if sealed else os.path.join(cache_path, name)
            os.replace(os.path.join(waiting, name), target)
        os.rmdir(waiting)
        forget_unsealed(cache_path)  # as they were when put aside, or read again
    write_key(marker, key)


def write_key(marker, key):
    part = f"{marker}.{os.getpid()}.part"
    with open(part, "w", encoding="utf-8") as handle:
        handle.write(key)
    os.replace(part, marker)


def start_afresh(cache_path, key):
    """For a build that reads nothing cached: Pelican's content cache and
    the key it was made under are removed unread; this build's takes their place."""
    store = os.path.join(cache_path, STORE)
    os.makedirs(store, exist_ok=True)
    for path in [os.path.join(store, CURRENT), *(os.path.join(cache_path, name) for name in pelican_cache_files())]:
        if os.path.lexists(path):
            os.unlink(path)
    write_key(os.path.join(store, CURRENT), key)


# Pelican writes its cache files in place: one a build stopped while
# writing it (the preview stops its background builds) would stop every
# later build. A file counts only if its size and time are those noted
# once Pelican had written it.
def _seal_file(cache_path, name):
    return os.path.join(cache_path, STORE, f"{name}.sealed")


def _stamp(path):
    stat = os.stat(path)
    return f"{stat.st_size} {stat.st_mtime_ns} {file_digest(path)}"


def seal(cache_path):
    """Note the size and time of each content cache file Pelican has written."""
    os.makedirs(os.path.join(cache_path, STORE), exist_ok=True)
    for name in pelican_cache_files():
        path = os.path.join(cache_path, name)
        if os.path.exists(path):
            with open(_seal_file(cache_path, name), "w", encoding="utf-8") as handle:
                handle.write(_stamp(path))


def forget_unsealed(cache_path):
    for name in pelican_cache_files():
        path = os.path.join(cache_path, name)
        try:
            with open(_seal_file(cache_path, name), "rb") as handle:
                sealed = handle.read(200).decode("ascii")
        except (OSError, UnicodeDecodeError):
            sealed = None
        if os.path.exists(path) and _stamp(path) != sealed:
            note(f"Die Datei {path} im Cache ist beschädigt oder unvollständig; die Fälle werden neu gelesen.")
            os.unlink(path)


def sealed_when_written(generator):
    """After Pelican has saved its cache (it does so as a generator finishes)."""
    if generator.settings.get("BUILD_CACHE_FOLDER"):
        seal(generator.settings["CACHE_PATH"])


def forget_old(store, in_use, keep):
    """Remove the folders of all keys but the ``keep`` used last."""
    folders = [entry.path for entry in os.scandir(store) if entry.is_dir() and entry.path != in_use]
    folders.sort(key=os.path.getmtime, reverse=True)
    for folder in folders[max(0, keep - 1):]:
        shutil.rmtree(folder, ignore_errors=True)


def this_builds_context(generator, contents):
    """A cached case or page still points to the context of the build
    that read it, where Pelican looks up the addresses of the files its
    text links to: point it to this build's. Private to Pelican (a
    content keeps the context it was made with as ``_context``, and
    Pelican does not renew it for what comes from its cache); pinned by
    tests/test_private_interfaces.py."""
    for content in contents:
        content._context = generator.context


def cases_in_this_build(generator):
    this_builds_context(generator, generator.articles + generator.drafts + generator.hidden_articles)


def pages_in_this_build(generator):
    this_builds_context(generator, generator.pages + generator.hidden_pages + generator.draft_pages)


def register():
    signals.initialized.connect(add_default_settings)
    signals.initialized.connect(use_the_cache_of_this_key)
    signals.article_generator_pretaxonomy.connect(cases_in_this_build)
    signals.page_generator_finalized.connect(pages_in_this_build)
    signals.article_generator_finalized.connect(sealed_when_written)
    signals.page_generator_finalized.connect(sealed_when_written)
