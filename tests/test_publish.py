"""Publishing never puts a half-built site online (deploying: test_deploy.py)."""

import hashlib
import re
import subprocess
import sys

import pytest

from sitebuild import copy_project, published_cases


def invoke(project, *args):
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=project, capture_output=True, text=True)


def snapshot(folder):
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


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
    before = snapshot(output)
    case = published_cases(published / "content")[0]
    case.path.write_text(re.sub(r"^Fall: .*\n", "", case.path.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")

    result = invoke(published, "publish")
    assert result.returncode != 0
    messages = " ".join((result.stdout + result.stderr).split())
    assert "Die Fallnummer fehlt." in messages
    assert "Veröffentlichung abgebrochen" in messages and "output/ ist unverändert" in messages
    assert snapshot(output) == before
    assert not (published / ".publish-new").exists()


def test_a_good_publish_replaces_the_old_site_completely(published):
    stale = published / "output" / "alt.html"
    stale.write_text("alt", encoding="utf-8")
    assert invoke(published, "publish").returncode == 0
    assert not stale.exists()
    assert (published / "output" / "index.html").is_file()
