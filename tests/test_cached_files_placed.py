"""Share cards, photo versions and the tips booklet go into output/ as hard
links to their files in cache/ (no bytes copied on a first build, none on
the next), byte for byte what a build that made them from scratch wrote;
putting one in place never writes into a file that is there, which may be
a link to a cached file itself."""

import os
import shutil

import pytest

from buildcache import stored
from sitebuild import copy_project, digests, invoke, one_line


def placed_from_the_cache(output):
    return {
        path.relative_to(output).as_posix(): path
        for folder in ("karten", "images", "tipps")
        for path in (output / folder).rglob("*")
        if path.is_file() and path.suffix in (".png", ".jpg", ".webp", ".pdf")
    }


@pytest.fixture(scope="module")
def published_twice(tmp_path_factory):
    """A project published with an empty cache, then again with the cache
    that build left: the files made from scratch, and the project."""
    project = copy_project(tmp_path_factory.mktemp("placed") / "site")
    shutil.rmtree(project / "cache", ignore_errors=True)
    first = invoke(project, "publish")
    assert first.returncode == 0, one_line(first.stdout + first.stderr)
    from_scratch = {path: digest for path, digest in digests(project / "output").items()
                    if path in placed_from_the_cache(project / "output")}
    again = invoke(project, "publish")
    assert again.returncode == 0, one_line(again.stdout + again.stderr)
    return project, from_scratch


def test_cards_photo_versions_and_booklet_are_the_files_in_the_cache(published_twice):
    project, from_scratch = published_twice
    output = project / "output"
    placed = placed_from_the_cache(output)
    assert {path.split("/")[0] for path in placed} == {"karten", "images", "tipps"}
    assert "tipps/alle-tipps.pdf" in placed
    assert any(path.startswith("images/") and path.endswith("-480.webp") for path in placed)
    cached = {path.stat().st_ino: path for path in (project / "cache").rglob("*") if path.is_file()}
    for path, file in placed.items():
        assert file.stat().st_ino in cached, f"{path} is a copy, not the cache's file"
        assert file.read_bytes() == cached[file.stat().st_ino].read_bytes()
    # Taken from the cache, the same bytes as made from scratch.
    assert {path: digest for path, digest in digests(output).items() if path in placed} == from_scratch


def test_putting_a_file_in_place_replaces_a_linked_file_without_writing_into_it(tmp_path):
    old, new = tmp_path / "cache" / "old.png", tmp_path / "cache" / "new.png"
    old.parent.mkdir()
    old.write_bytes(b"the old card")
    new.write_bytes(b"the new card")
    target = tmp_path / "output" / "karten" / "fall-1.png"
    target.parent.mkdir(parents=True)
    os.link(old, target)  # as the last build left it

    stored.place(new, target)

    assert old.read_bytes() == b"the old card"
    assert target.read_bytes() == b"the new card"
    assert target.stat().st_ino == new.stat().st_ino
    assert sorted(p.name for p in target.parent.iterdir()) == ["fall-1.png"]


def test_putting_a_file_where_it_is_already_leaves_nothing_else(tmp_path):
    cached = tmp_path / "cache" / "card.png"
    cached.parent.mkdir()
    cached.write_bytes(b"the card")
    target = tmp_path / "output" / "karten" / "fall-1.png"

    stored.place(cached, target)
    stored.place(cached, target)  # a build into the same folder again

    assert target.read_bytes() == b"the card" and target.stat().st_ino == cached.stat().st_ino
    assert sorted(p.name for p in target.parent.iterdir()) == ["fall-1.png"]
