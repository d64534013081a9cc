"""output/ as a symbolic link (to a web server's folder) or a mount point."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from sitebuild import copy_project, dry_run_deploy, invoke, published_cases


def one_line(result):
    return " ".join((result.stdout + result.stderr).split())


@pytest.fixture
def other_file_system():
    """A folder on a file system other than the project's (tmpfs), if there is one."""
    folder = Path(tempfile.mkdtemp(prefix="webroot-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("where", ["same file system", "other file system"])
def test_publish_follows_output_as_a_link(tmp_path, other_file_system, where):
    project = copy_project(tmp_path / "site")
    web_root = (tmp_path / "www" if where == "same file system" else other_file_system) / "html"
    web_root.mkdir(parents=True)
    (web_root / "alt.html").write_text("<p>die alte Website</p>", encoding="utf-8")
    (project / "output").symlink_to(web_root)

    result = invoke(project, "publish")
    assert result.returncode == 0, one_line(result)
    assert (project / "output").is_symlink() and os.readlink(project / "output") == str(web_root)
    assert (web_root / "index.html").is_file() and not (web_root / "alt.html").exists()
    for case in published_cases(project / "content"):
        assert (web_root / "fall" / str(case.number) / "index.html").is_file()
    assert str(web_root) in result.stdout
    assert invoke(project, *dry_run_deploy(project)).returncode == 0

    # A second publish replaces the folder behind the link again, not the link.
    case = published_cases(project / "content")[0]
    case.path.write_text(case.path.read_text(encoding="utf-8").replace("\n\n", "\n\nZwischenabsatzprobe\n\n", 1),
                         encoding="utf-8")
    assert invoke(project, "publish").returncode == 0
    assert (project / "output").is_symlink()
    assert "Zwischenabsatzprobe" in (web_root / "fall" / str(case.number) / "index.html").read_text(encoding="utf-8")
    assert not list(web_root.parent.glob(".html-neu*"))  # nothing left beside it
    assert invoke(project, *dry_run_deploy(project)).returncode == 0

    assert invoke(project, "clean").returncode == 0
    assert (project / "output").is_symlink() and web_root.is_dir() and not any(web_root.iterdir())


def bind_mount(source, target):
    return subprocess.run(["mount", "--bind", str(source), str(target)], capture_output=True).returncode == 0


def test_publish_on_a_mount_point_says_so_before_building(tmp_path):
    project = copy_project(tmp_path / "site")
    disk = tmp_path / "disk"
    disk.mkdir()
    (disk / "alt.html").write_text("<p>die alte Website</p>", encoding="utf-8")
    output = project / "output"
    output.mkdir()
    if not bind_mount(disk, output):
        # No mounting here (not root): the check itself, with output/ among the mounts.
        from sitetasks.output import output_problem

        message = output_problem(output, mounts={os.path.realpath(output)})
        assert "output/ ist ein Einhängepunkt" in message and "ln -s" in message
        assert output_problem(output) is None
        return
    try:
        result = invoke(project, "publish")
    finally:
        subprocess.run(["umount", str(output)], check=True)
    messages = one_line(result)
    assert result.returncode != 0
    assert "output/ ist ein Einhängepunkt (mount point)" in messages, messages
    assert "Traceback" not in messages and "Device or resource busy" not in messages
    assert "Done: Processed" not in messages and "Gebaut:" not in messages  # nothing was built
    assert (disk / "alt.html").is_file() and not (disk / "index.html").exists()
