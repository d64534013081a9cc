"""Markdown converted in worker processes (plugins/reading): what goes
wrong there reaches the build as if it had happened in the build itself."""

from sitebuild import build, copy_project

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
