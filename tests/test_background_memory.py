"""What a process forked from the build costs in memory (plugins/background)."""

import gc

import background

FORKED = {"BACKGROUND_START_METHOD": "fork"}


def test_a_forked_worker_leaves_what_it_inherited_to_the_copy_on_write():
    """A forked worker shares the build's pages until it writes to them;
    its garbage collector, walking every object it inherited, would write
    to all of them (at 10,000 cases some 200 MB per card worker). They are
    frozen in the worker: the collector never visits them there."""
    inherited = len(gc.get_objects())
    pool = background.pool(FORKED, 2)
    try:
        frozen = pool.submit(gc.get_freeze_count).result()
    finally:
        pool.shutdown()
    assert frozen >= inherited / 2
    assert background.run_apart(FORKED, gc.get_freeze_count) >= inherited / 2
    assert gc.get_freeze_count() == 0  # the build's own process collects as before


def test_a_pool_worker_still_runs_its_initializer():
    pool = background.pool(FORKED, 2, _remember, ("gestartet",))
    try:
        assert pool.submit(_remembered).result() == "gestartet"
    finally:
        pool.shutdown()


_state = {}


def _remember(word):
    _state["word"] = word


def _remembered():
    return _state.get("word")
