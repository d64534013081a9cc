"""A damaged file in the cache is a note and made again, never a stop and
never copied into the site: share cards, photo versions, the booklet,
Pelican's content cache, the cache's key."""

import gzip
import os
import random
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from sitebuild import copy_project, dry_run_deploy, invoke, published_cases


def one_line(result):
    return " ".join((result.stdout + result.stderr).split())


def damage(path, how):
    """Damage ``path`` in place; its size and time kept where that is possible."""
    data = path.read_bytes()
    stat = path.stat()
    if how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    else:
        path.write_bytes(random.Random(str(path)).randbytes(len(data)))
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # looks as it was written


def images(output):
    return sorted(p for folder in ("karten", "images") for p in (output / folder).rglob("*") if p.is_file())


@pytest.fixture
def published(tmp_path):
    project = copy_project(tmp_path / "site")
    result = invoke(project, "publish")
    assert result.returncode == 0, one_line(result)
    return project


@pytest.mark.parametrize("how", ["truncated", "random bytes"])
def test_damaged_cached_files_are_made_again(published, how):
    output, cache = published / "output", published / "cache"
    good = {p.relative_to(output): p.read_bytes() for p in images(output)}
    good[Path("tipps/alle-tipps.pdf")] = (output / "tipps/alle-tipps.pdf").read_bytes()
    assert any(p.parts[0] == "karten" for p in good) and any(p.parts[0] == "images" for p in good)
    damaged = [*(cache / "cards").glob("*.png"), *(cache / "photos").glob("*.*[gp]"), *(cache / "booklet").glob("*.pdf"),
               cache / "ArticlesGenerator"]
    assert len(damaged) > 3 and all(p.is_file() for p in damaged)
    for path in damaged:
        damage(path, how)
    # The search bundles kept: their files are linked into output/, so a
    # damaged one is a new file in the cache (as a disk error or a copy
    # tool would leave it), not a change to the published site.
    fragments = list((cache / "build-cache").glob("*/pagefind/*/fragment/*.pf_fragment"))
    assert fragments
    for path in fragments:
        data = path.read_bytes()
        path.unlink()
        path.write_bytes(data)
        damage(path, how)

    result = invoke(published, "publish")
    assert result.returncode == 0, one_line(result)
    messages = one_line(result)
    assert "Traceback" not in messages
    assert "im Cache ist beschädigt oder unvollständig; sie wird neu erzeugt" in messages
    for relative, data in good.items():
        assert (output / relative).read_bytes() == data, relative
    for path in images(output):
        with Image.open(path) as image:
            image.load()  # every pixel there
    assert len(PdfReader(output / "tipps/alle-tipps.pdf").pages) > 1
    for fragment in output.glob("pagefind*/fragment/*.pf_fragment"):
        gzip.decompress(fragment.read_bytes())  # Pagefind's fragments are gzipped
    for case in published_cases(published / "content"):
        assert (output / "fall" / str(case.number) / "index.html").is_file()
    assert invoke(published, *dry_run_deploy(published)).returncode == 0


@pytest.mark.parametrize("task", ["build", "publish", "rebuild"])
def test_a_key_that_is_not_text_is_no_stop(published, task):
    key = published / "cache" / "build-cache" / "key"
    assert key.is_file()
    key.write_bytes(b"\xff\xfe\x00Schl\xfcssel\x80")

    result = invoke(published, task)
    messages = one_line(result)
    assert result.returncode == 0, messages
    assert "Traceback" not in messages and "UnicodeDecodeError" not in messages
    if task == "rebuild":  # reads nothing from the cache, not even its key
        assert "Schlüssel des Caches" not in messages
    else:
        assert "Der Schlüssel des Caches" in messages and "ist beschädigt" in messages
    assert len(key.read_text(encoding="ascii")) == 64
    assert (published / "output" / "index.html").is_file()
