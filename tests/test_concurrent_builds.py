"""Builds never get in each other's way: one at a time (the build lock),
each made next to output/ and put in its place in one step."""

import fcntl
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from sitebuild import PROJECT_FILES, copy_project, one_line, published_cases

WAITING = "Ein anderer Bau dieser Website läuft gerade; dieser wartet, bis er fertig ist."


def start(project, *args):
    return subprocess.Popen(
        [sys.executable, "-m", "invoke", *args], cwd=project,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def files(folder):
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def search_bundles_complete(output):
    """Every Pagefind bundle's entry file names an index that is there;
    returns the pages each bundle holds."""
    counts = {}
    for entry in sorted(output.glob("pagefind*/pagefind-entry.json")):
        languages = json.loads(entry.read_text(encoding="utf-8"))["languages"]
        for language in languages.values():
            assert (entry.parent / f"pagefind.{language['hash']}.pf_meta").is_file()
            counts[entry.parent.name] = language["page_count"]
    return counts


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path / "site")


def test_two_builds_at_once_both_end_well_and_output_is_complete(project, tmp_path):
    first, second = start(project, "build"), start(project, "build")
    results = [process.communicate(timeout=300) for process in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, results
    messages = "".join(out + err for out, err in results)
    assert "Traceback" not in messages

    output = project / "output"
    together = files(output)
    bundles = search_bundles_complete(output)
    for case in published_cases(project / "content"):
        assert f"fall/{case.number}/index.html" in together

    # The same as one build alone makes (Pagefind's file names carry hashes).
    alone = copy_project(tmp_path / "alone")
    assert subprocess.run([sys.executable, "-m", "invoke", "build"], cwd=alone, capture_output=True).returncode == 0
    def named(paths):
        return {p for p in paths if not p.startswith("pagefind")}
    assert named(together) == named(files(alone / "output"))
    assert bundles == search_bundles_complete(alone / "output")
    # Nothing else written (Python's own bytecode cache aside: Pelican
    # imports pelicanconf.py from its path).
    assert {p.name for p in project.iterdir()} - {"__pycache__"} == {*PROJECT_FILES, "output", "cache"}
    assert not [p for p in (project / "cache").rglob("*") if p.name.endswith((".part", ".neu"))]


def test_a_build_waits_for_the_one_that_runs_and_says_so(project):
    lock = project / "cache" / "build.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as a running build holds it
        waiting = start(project, "build")
        assert waiting.stderr.readline().strip() == WAITING
        assert not (project / "output").exists()
    out, err = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, out + err
    assert (project / "output" / "index.html").is_file()


def test_a_killed_publish_leaves_nothing_in_the_way_of_the_next(project):
    staging = project / ".publish-new"
    killed = start(project, "publish")
    deadline = time.monotonic() + 120
    while not staging.exists() and killed.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    # Killed mid-build, or the test proves nothing: a publish that ended on
    # its own leaves no staging folder behind anyway.
    assert staging.exists() and killed.poll() is None, "the publish was not caught while it built"
    killed.send_signal(signal.SIGKILL)  # only the task: its build goes on
    killed.communicate()
    assert killed.returncode == -signal.SIGKILL

    result = subprocess.run([sys.executable, "-m", "invoke", "publish"], cwd=project, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert not staging.exists()
    for case in published_cases(project / "content"):
        assert (project / "output" / "fall" / str(case.number) / "index.html").is_file()


def test_a_leftover_publish_folder_is_cleared(project):
    leftover = project / ".publish-new" / "fall" / "1"
    leftover.mkdir(parents=True)
    (leftover / "index.html").write_text("Überbleibsel", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "invoke", "publish"], cwd=project, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (project / ".publish-new").exists()
    assert "Überbleibsel" not in (project / "output" / "fall" / "1" / "index.html").read_text(encoding="utf-8")


def test_replacing_output_swaps_whole_folders(tmp_path):
    from sitetasks.output import replace_output

    output, new = tmp_path / "output", tmp_path / "new"
    output.mkdir()
    (output / "alt.html").write_text("alt", encoding="utf-8")
    new.mkdir()
    (new / "index.html").write_text("neu", encoding="utf-8")
    inode = os.stat(new).st_ino
    replace_output(new, output)
    assert sorted(p.name for p in output.iterdir()) == ["index.html"]
    assert os.stat(output).st_ino == inode  # the new folder itself, moved in one step
    assert not new.exists()


def _wait_for_removers():
    from sitetasks import output

    for process in output._removers:
        process.wait(timeout=60)


def test_the_replaced_site_is_moved_aside_at_once_and_removed_by_a_process_of_its_own(tmp_path):
    from sitetasks.output import replace_output

    output, new, aside = tmp_path / "output", tmp_path / "new", tmp_path / "cache" / "alt"
    (output / "fall" / "1").mkdir(parents=True)
    (output / "fall" / "1" / "index.html").write_text("alt", encoding="utf-8")
    new.mkdir()
    (new / "index.html").write_text("neu", encoding="utf-8")
    replace_output(new, output, aside=aside)
    # Right after the swap: the new site in place, nothing of the old one
    # left where the build made the new one.
    assert files(output) == {"index.html"}
    assert not new.exists()
    _wait_for_removers()
    assert list(aside.iterdir()) == []


def test_what_a_killed_remover_left_is_removed_by_the_next_build(project):
    leftover = project / "cache" / "alte-websites" / "build-new-1-2" / "fall" / "1"
    leftover.mkdir(parents=True)
    (leftover / "index.html").write_text("Überbleibsel", encoding="utf-8")
    for _ in range(2):  # the first build replaces no site, the second does
        result = subprocess.run([sys.executable, "-m", "invoke", "build"], cwd=project, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
    old_sites = project / "cache" / "alte-websites"
    for _ in range(600):  # the removers are the build's children no longer: wait for the folder to empty
        if not any(old_sites.iterdir()):
            break
        time.sleep(0.1)
    assert list(old_sites.iterdir()) == []
    assert not (project / ".build-new").exists()


@pytest.mark.parametrize("port", ["99999", "acht"])
def test_a_bad_port_is_refused_with_a_message(project, port):
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "build", "--port", port], cwd=project, capture_output=True, text=True,
    )
    assert result.returncode != 0
    assert f"„{port}“ ist kein Port. Erlaubt ist eine ganze Zahl von 1 bis 65535" in one_line(result.stderr)
    assert "Traceback" not in result.stderr
    assert not (project / "output").exists()
