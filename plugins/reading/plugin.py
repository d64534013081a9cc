import os

from pelican import signals
from pelican.readers import MarkdownReader

from .parallel import ParallelReading, parallel_reader_class

DEFAULT_SETTINGS = {
    "READING_PROCESSES": os.cpu_count() or 1,
    # Starting the workers costs more than a few sources take.
    "READING_MIN_SOURCES": 50,
}


def add_default_settings(pelican):
    for key, value in DEFAULT_SETTINGS.items():
        pelican.settings.setdefault(key, value)


def use_parallel_readers(readers):
    """Stand in for the Markdown reader registered so far (list this plugin
    after plugins that register their own)."""
    for extension in MarkdownReader.file_extensions:
        reader_class = readers.reader_classes.get(extension)
        if reader_class and not issubclass(reader_class, ParallelReading):
            readers.reader_classes[extension] = parallel_reader_class(reader_class)


def _prefetch(generator, paths_setting, exclude_setting):
    paths = generator.get_files(generator.settings[paths_setting], exclude=generator.settings[exclude_setting])
    # Signals are global: a Pelican of this process that did not load this
    # plugin (one test after another) has not got its defaults.
    if len(paths) < generator.settings.get("READING_MIN_SOURCES", DEFAULT_SETTINGS["READING_MIN_SOURCES"]):
        # Too few to be worth the workers, and asking the content cache
        # about each would open each file once more (its stamp is a hash).
        return
    by_reader = {}
    for path in paths:
        reader = generator.readers.readers.get(os.path.splitext(path)[1][1:])
        # Sources the content cache still holds are not read at all.
        if isinstance(reader, ParallelReading) and generator.get_cached_data(path, None) is None:
            by_reader.setdefault(reader, []).append(os.path.abspath(os.path.join(generator.path, path)))
    for reader, paths in by_reader.items():
        reader.prefetch(paths)


def prefetch_articles(generator):
    _prefetch(generator, "ARTICLE_PATHS", "ARTICLE_EXCLUDES")


def prefetch_pages(generator):
    _prefetch(generator, "PAGE_PATHS", "PAGE_EXCLUDES")


def close_pools(generators):
    for generator in generators:
        for reader in getattr(getattr(generator, "readers", None), "readers", {}).values():
            if isinstance(reader, ParallelReading):
                reader.close()


def register():
    signals.initialized.connect(add_default_settings)
    signals.readers_init.connect(use_parallel_readers)
    signals.article_generator_init.connect(prefetch_articles)
    signals.page_generator_init.connect(prefetch_pages)
    signals.all_generators_finalized.connect(close_pools)
