"""Convert Markdown sources in a pool of processes.

Pelican reads one source after another, and Markdown plus typography is
the largest part of a build. A generator's reader is told which sources
will be asked for (``prefetch``) and has them converted on every core
while Pelican is still setting up; ``read`` then only collects a result.
The conversion is the same function in a worker as in the build's own
process, so the output does not depend on where it ran.
"""

import logging
import pickle

import background

logger = logging.getLogger(__name__)


class DeferredMetadata:
    """Leaves metadata as text. Pelican's metadata objects (tags, dates)
    carry the settings with them, too heavy to send between processes;
    the reader in the build's process makes them from the text."""

    def process_metadata(self, name, value):
        return value


class _WarningsKept(logging.Handler):
    """Keeps what a worker logs, for the build's process to log again:
    a strict build fails on warnings only where it can see them."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.kept = []

    def emit(self, record):
        self.kept.append((record.name, record.levelno, record.getMessage()))


def convert(reader, path):
    """Read the source into its record (cases.record: the file opened once,
    checked, Markdown converted with every extension in the settings,
    typography included); returns content and text metadata (the summary
    already HTML, the record under "record")."""
    return reader.read(path)


def raw_reader(reader_class, settings):
    """A ``reader_class`` that leaves the metadata as text."""
    return type(reader_class.__name__, (DeferredMetadata, reader_class), {})(settings)


# Each worker's reader, made once when the worker starts rather than sent
# with every task: its class (by name) and the settings are all it needs.
_worker_reader = None


def _start_worker(reader_class, settings):
    global _worker_reader
    _worker_reader = raw_reader(reader_class, settings)


def _convert_in_worker(path):
    """(content, metadata) or the error, and the warnings logged meanwhile."""
    kept = _WarningsKept()
    root = logging.getLogger()
    handlers, root.handlers = root.handlers, [kept]  # logged once, by the build
    try:
        return convert(_worker_reader, path), kept.kept
    except Exception as error:  # with --fatal, after a warning too
        return _sendable(error), kept.kept
    finally:
        root.handlers = handlers


def _sendable(error):
    """``error``, or its words if it cannot be pickled: the batch's result
    goes back as one message, and must not be lost with the other sources."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


class ParallelReading:
    """Mixed into a Markdown reader class (see ``parallel_reader_class``)."""

    reader_class = None  # the class it stands in for

    def __init__(self, settings):
        super().__init__(settings)
        self._raw_reader = None
        self._pending = {}
        self._pool = None

    @property
    def raw_reader(self):
        if self._raw_reader is None:
            self._raw_reader = raw_reader(self.reader_class, self.settings)
        return self._raw_reader

    def prefetch(self, paths):
        """Start converting ``paths`` (absolute, as Pelican passes them to
        ``read``) in worker processes, unless too few to be worth it."""
        processes = min(self.settings["READING_PROCESSES"], len(paths))
        if len(paths) < self.settings["READING_MIN_SOURCES"]:
            return
        self._pool = background.pool(self.settings, processes, _start_worker, (self.reader_class, self.settings))
        if self._pool is None:
            return
        logger.debug("Markdown: %d Quellen in %d Prozessen", len(paths), processes)
        chunk = max(1, len(paths) // (processes * 8))
        for start in range(0, len(paths), chunk):
            batch = paths[start : start + chunk]
            future = self._pool.submit(_convert_batch, batch)
            for index, path in enumerate(batch):
                self._pending[path] = (future, index)

    def read(self, source_path):
        pending = self._pending.pop(source_path, None)
        if pending is None:
            content, metadata = convert(self.raw_reader, source_path)
        else:
            future, index = pending
            outcome, warnings = future.result()[index]
            for name, level, message in warnings:
                logging.getLogger(name).log(level, "%s", message)
            if not self._pending:
                self.close()
            if isinstance(outcome, Exception):
                raise outcome
            content, metadata = outcome
        return content, {name: self.process_metadata(name, value) for name, value in metadata.items()}

    def close(self):
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        self._pending.clear()


def _convert_batch(paths):
    """Several sources per task: fewer round trips between processes. A
    source that fails does not take the others of its batch with it."""
    return [_convert_in_worker(path) for path in paths]


def parallel_reader_class(reader_class):
    """``reader_class`` with its sources converted in parallel. The name
    stays, as Pelican records it in every content's metadata."""
    return type(reader_class.__name__, (ParallelReading, reader_class), {"reader_class": reader_class})
