"""Publishing never puts a half-built site online (deploying: test_deploy.py)."""

import os
import re
import signal
import subprocess
import sys

import pytest

from sitebuild import copy_project, digests, dry_run_deploy, free_port, invoke, published_cases


@pytest.fixture
def published(tmp_path):
    project = copy_project(tmp_path / "site")
    result = invoke(project, "publish")
    assert result.returncode == 0, result.stdout + result.stderr
    return project


def test_publish_builds_the_real_site(published):
    output = published / "output"
    robots = (output / "robots.txt").read_text(encoding="utf-8")
    assert "https://www.der-eingebaute-kunde.de/sitemap.xml" in robots
    for case in published_cases(published / "content"):
        assert (output / "fall" / str(case.number) / "index.html").is_file()
    assert not (output / "entwurf").exists()
    assert (output / "tipps" / "alle-tipps.pdf").read_bytes().startswith(b"%PDF")  # the tips booklet
    assert not (published / ".publish-new").exists() and not (published / ".publish-old").exists()


def test_a_failed_publish_leaves_the_last_good_site_untouched(published):
    output = published / "output"
    before = digests(output)
    case = published_cases(published / "content")[0]
    case.path.write_text(re.sub(r"^Fall: .*\n", "", case.path.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")

    result = invoke(published, "publish")
    assert result.returncode != 0
    messages = " ".join((result.stdout + result.stderr).split())
    assert "Die Fallnummer fehlt." in messages
    assert "Veröffentlichung abgebrochen" in messages and "output/ ist unverändert" in messages
    assert digests(output) == before
    assert not (published / ".publish-new").exists()


def test_a_good_publish_replaces_the_old_site_completely(published):
    stale = published / "output" / "alt.html"
    stale.write_text("alt", encoding="utf-8")
    assert invoke(published, "publish").returncode == 0
    assert not stale.exists()
    assert (published / "output" / "index.html").is_file()


# Makes the preview's background build of the whole site wait while the
# file named by HOLD_WHOLE_PREVIEW_BUILD exists: the moment after an edited
# case is shown and before the whole site follows is then as long as the
# test needs, not a race it might lose. Started through the environment
# (sitecustomize runs in every Python process the preview starts); it
# changes no code of the project.
HOLD = """
import os
import time

if b"sitetasks.preview" in open("/proc/self/cmdline", "rb").read().split(b"\\0"):
    while os.path.exists(os.environ.get("HOLD_WHOLE_PREVIEW_BUILD", "")):
        time.sleep(0.05)
"""


def test_an_edit_in_the_running_preview_never_reaches_what_deploy_ships(tmp_path):
    from test_livereload import wait_for

    project = copy_project(tmp_path / "site")
    hold, hook = tmp_path / "halten", tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(HOLD, encoding="utf-8")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(tmp_path / "livereload.log", "w")
    preview = subprocess.Popen(
        [sys.executable, "-m", "invoke", "livereload", "--port", str(port)], cwd=project, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(hook), os.environ.get("PYTHONPATH")])),
             "HOLD_WHOLE_PREVIEW_BUILD": str(hold)},
    )
    try:
        wait_for(base + "/", lambda status, _: status == 200)
        result = invoke(project, "publish")
        assert result.returncode == 0, result.stdout + result.stderr
        published_tree = digests(project / "output")
        shipped = invoke(project, *dry_run_deploy(project))
        assert shipped.returncode == 0, shipped.stderr  # what publish built is shipped

        hold.touch()
        case = published_cases(project / "content")[0]
        case.path.write_text(case.path.read_text(encoding="utf-8") + "\nEin Satz aus der Nachtschicht.\n",
                             encoding="utf-8")
        wait_for(f"{base}/fall/{case.number}/", lambda status, body: status == 200 and "Nachtschicht" in body)
        assert_deploy_ships_the_published_tree(project, published_tree)
        hold.unlink()  # and after the whole site has followed
        # The feeds carry whole cases; only the build of the whole site writes them.
        wait_for(f"{base}/feeds/alle.atom.xml", lambda status, body: status == 200 and "Nachtschicht" in body)
        assert_deploy_ships_the_published_tree(project, published_tree)
    finally:
        hold.unlink(missing_ok=True)
        os.killpg(preview.pid, signal.SIGTERM)
        preview.wait(timeout=30)
        log.close()
        print((tmp_path / "livereload.log").read_text())


def assert_deploy_ships_the_published_tree(project, published_tree):
    """deploy refuses, or what it would ship is what publish built."""
    result = invoke(project, *dry_run_deploy(project))
    if result.returncode != 0:
        assert "invoke publish" in result.stderr and "Traceback" not in result.stderr, result.stderr
        return
    output = project / "output"
    assert digests(output) == published_tree
    assert not [p for p in output.rglob("*") if p.is_file() and b"Nachtschicht" in p.read_bytes()]


def test_a_publish_after_an_edit_keeps_unchanged_pages_and_is_the_site_from_scratch(published, tmp_path):
    from test_build_cache import assert_same_site

    output = published / "output"
    before = {path: path.stat() for path in output.rglob("*") if path.is_file()}
    case = published_cases(published / "content")[0]
    header, _, story = case.path.read_text(encoding="utf-8").partition("\n\n")
    case.path.write_text(f"{header}\n\nEin Satz aus der Spätschicht. {story}", encoding="utf-8")

    result = invoke(published, "publish")
    assert result.returncode == 0, result.stdout + result.stderr
    page = output / "fall" / str(case.number) / "index.html"
    assert "Ein Satz aus der Spätschicht." in page.read_text(encoding="utf-8")
    assert page.stat().st_ino != before[page].st_ino
    # A page the edit does not touch is the file it was: same inode, same mtime.
    unchanged = output / "impressum" / "index.html"
    assert (unchanged.stat().st_ino, unchanged.stat().st_mtime_ns) == (before[unchanged].st_ino, before[unchanged].st_mtime_ns)

    # What the reader gets is what a publish without a last site builds.
    fresh = copy_project(tmp_path / "fresh")
    (fresh / case.path.relative_to(published)).write_text(case.path.read_text(encoding="utf-8"), encoding="utf-8")
    result = invoke(fresh, "publish")
    assert result.returncode == 0, result.stdout + result.stderr
    assert_same_site(output, fresh / "output")


# Notes every Python process started below the test (sitecustomize runs in
# each one Python starts, not in forked ones) with its command line.
NOTE_PYTHON_STARTS = """
import os

with open(os.environ["PYTHON_STARTS"], "a", encoding="utf-8") as log:
    log.write(open("/proc/self/cmdline", "rb").read().replace(b"\\0", b" ").decode() + "\\n")
"""


def test_build_and_publish_start_python_once(tmp_path):
    project = copy_project(tmp_path / "site")
    hook, starts = tmp_path / "hook", tmp_path / "starts.txt"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(NOTE_PYTHON_STARTS, encoding="utf-8")
    env = {**os.environ, "PYTHON_STARTS": str(starts),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(hook), os.environ.get("PYTHONPATH")]))}
    for task in ("build", "publish"):
        starts.unlink(missing_ok=True)
        result = subprocess.run([sys.executable, "-m", "invoke", task], cwd=project, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        started = starts.read_text(encoding="utf-8").splitlines()
        assert [line for line in started if " invoke " in f" {line} "] == [f"{sys.executable} -m invoke {task} "]
        assert not [line for line in started if "pelican" in line], started
