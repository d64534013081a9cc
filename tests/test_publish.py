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
