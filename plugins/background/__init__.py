"""Where the build does work in other processes: the Markdown workers
(plugins/reading), the search index and the compound splitter
(plugins/search). Not a plugin: the plugins that start processes share it.

Processes start as ``BACKGROUND_START_METHOD`` says (a setting; unset: the
platform's default, ``spawn`` on macOS and Windows, ``fork`` on Linux up
to Python 3.13), so what a process is given must be importable and
picklable: module-level functions, plain data, the settings. With
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


def run_apart(settings, function, *args):
    """``function(*args)`` in a process of its own, which gives its memory
    back when it ends; in this process when none is allowed."""
    if not allowed(settings):
        return function(*args)
    with ProcessPoolExecutor(1, mp_context=start_context(settings)) as apart:
        return apart.submit(function, *args).result()
