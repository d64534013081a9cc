"""Markdown converted in worker processes (plugins/reading): what goes
wrong there reaches the build as if it had happened in the build itself."""

from pelican.settings import read_settings

from sitebuild import ROOT, build, copy_project, one_line

IN_PARALLEL = {"READING_PROCESSES": 2, "READING_MIN_SOURCES": 0}


def test_a_warning_in_a_worker_is_logged_once_and_fails_a_strict_build(tmp_path):
    project = copy_project(tmp_path / "site")
    case = next((project / "content" / "faelle").glob("*.md"))
    text = case.read_text(encoding="utf-8")
    date_line = next(line for line in text.splitlines() if line.startswith("Date:"))
    case.write_text(text.replace(date_line, f"{date_line}\n{date_line}", 1), encoding="utf-8")

    result = build(tmp_path / "out", project=project, strict=True, overrides=IN_PARALLEL, options=["--debug"])
    log = result.stdout + result.stderr
    assert "in 2 Prozessen" in log
    assert result.returncode != 0
    assert log.count("Duplicate definition of `date`") == 1, log

    lenient = build(tmp_path / "lenient", project=project, overrides=IN_PARALLEL, options=["--debug"])
    log = lenient.stdout + lenient.stderr
    assert lenient.returncode == 0, log
    assert log.count("Duplicate definition of `date`") == 1, log


def test_german_typography_needs_no_other_plugin_in_any_order(tmp_path):
    plugins = read_settings(str(ROOT / "pelicanconf.py"))["PLUGINS"]
    setups = {
        "without-reading": [name for name in plugins if name != "reading"],
        "german-last": [name for name in plugins if name != "german"] + ["german"],
    }
    assert build(tmp_path / "as-set", overrides=IN_PARALLEL).returncode == 0
    pages = sorted((tmp_path / "as-set" / "fall").glob("*/index.html"))
    assert pages and all("„" in page.read_text(encoding="utf-8") for page in pages[:1])
    for name, order in setups.items():
        result = build(tmp_path / name, overrides={"PLUGINS": order, **IN_PARALLEL})
        assert result.returncode == 0, result.stderr
        for page in pages:
            assert (tmp_path / name / page.relative_to(tmp_path / "as-set")).read_bytes() == page.read_bytes(), (name, page)


def test_german_typography_and_typogrify_together_are_reported(tmp_path):
    result = build(tmp_path / "twice", overrides={"TYPOGRIFY": True})
    assert "TYPOGRIFY und GERMAN_TYPOGRAPHY sind beide an" in one_line(result.stdout + result.stderr)


def test_an_error_that_cannot_be_pickled_comes_back_as_words():
    from reading.parallel import _sendable

    class Unsendable(Exception):  # a local class cannot be pickled
        pass

    sent = _sendable(Unsendable("Quelle kaputt"))
    assert isinstance(sent, RuntimeError) and str(sent) == "Unsendable: Quelle kaputt"
    kept = ValueError("bleibt")
    assert _sendable(kept) is kept


def _inherited(name):
    import sys

    return name in sys.modules


def test_the_sites_background_processes_are_not_copies_of_the_build():
    """A worker forked from the build after reading keeps the build's
    memory pages while the build changes them (at 10,000 cases some
    400 MB at the peak): the site's settings start workers from a small
    server process, which has none of what the build holds."""
    import background
    import reading.plugin  # noqa: F401 (what the build holds)

    assert _inherited("reading.plugin")
    settings = read_settings(str(ROOT / "pelicanconf.py"))
    pool = background.pool(settings, 2)
    try:
        assert pool.submit(_inherited, "reading.plugin").result() is False
        assert pool.submit(_inherited, __name__).result() is True  # what the task names is imported
    finally:
        pool.shutdown()
    assert background.run_apart(settings, _inherited, "reading.plugin") is False
