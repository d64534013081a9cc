"""Where the build does work in other processes: the Markdown workers
(plugins/reading), the search index and the compound splitter
(plugins/search). Not a plugin: the plugins that start processes share it.

Pools start their processes as ``BACKGROUND_START_METHOD`` says (a
setting; unset: the platform's default, ``spawn`` on macOS and Windows,
``fork`` on Linux up to Python 3.13); a process apart (``start_apart``)
always starts afresh (``spawn``). So what a process is given must be
importable and picklable: module-level functions, plain data, the
settings. With
``BACKGROUND_PROCESSES = False`` nothing starts and the work is done in the
build's own process, one piece after another; the output is the same.
"""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor


def allowed(settings):
    return bool(settings.get("BACKGROUND_PROCESSES", True))


def start_context(settings):
    return multiprocessing.get_context(settings.get("BACKGROUND_START_METHOD") or None)


def inherits_memory(settings):
    """Whether a new process starts with a copy of this one (fork), so it
    need not be sent what this process already holds."""
    return start_context(settings).get_start_method() == "fork"


def pool(settings, workers, initializer=None, initargs=()):
    """A pool of ``workers`` processes; None if fewer than two are worth it
    or none are allowed: then the caller does the work itself."""
    if workers < 2 or not allowed(settings):
        return None
    return ProcessPoolExecutor(workers, mp_context=start_context(settings), initializer=initializer, initargs=initargs)


class _WhenAsked:
    """``function(*args)`` done in this process when its result is asked for."""

    def __init__(self, function, args):
        self._function, self._args = function, args

    def result(self):
        return self._function(*self._args)


def start_apart(settings, function, *args):
    """Begin ``function(*args)`` in a process of its own, which gives its
    memory back when it ends; returns what to ask for its ``result()``.
    Without background processes it is done in this process when asked.

    The process is spawned, not forked: it starts with nothing of the
    build's memory (a fork of a build holding every case was seen to
    take several times as long as the work, its pages copied as they
    were touched), and it is started from the build's threads, which a
    fork must not copy."""
    if not allowed(settings):
        return _WhenAsked(function, args)
    apart = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    future = apart.submit(function, *args)
    apart.shutdown(wait=False)  # the process ends when its one piece of work is done
    return future


def run_apart(settings, function, *args):
    """``function(*args)`` in a process of its own (``start_apart``), waited for."""
    return start_apart(settings, function, *args).result()
