"""Optimisations that claim to leave the site as it was, checked on the
demo site: Markdown and typography on every core (plugins/reading and
GERMAN_TYPOGRAPHY) against Pelican's own way, one source after another
with TYPOGRIFY, as the site was built before; and work in other processes
started the way macOS and Windows start them (spawn) against all of it
done in the build's own process (plugins/background)."""

import gzip
import json
import re

from pelican.settings import read_settings

from sitebuild import ROOT, build

PELICANS_WAY = {
    "PLUGINS": [name for name in read_settings(str(ROOT / "pelicanconf.py"))["PLUGINS"] if name != "reading"],
    "TYPOGRIFY": True,
    "GERMAN_TYPOGRAPHY": False,
}
# Sources are converted in two worker processes even for a few files.
IN_PARALLEL = {"READING_PROCESSES": 2, "READING_MIN_SOURCES": 0}
# Nothing from the build cache (how many processes read is not in its key).
EVERY_SOURCE_READ = {"LOAD_CONTENT_CACHE": False}
# Pagefind's bundles differ from one run to the next anyway (file names
# are hashes of unordered data); what they index is the pages compared here.
NOT_COMPARED = re.compile(r"^pagefind(-tipps)?/")
LASTMOD = re.compile(rb"<lastmod>[^<]*</lastmod>")  # the build's own time for some pages


def files(output):
    return {
        path.relative_to(output).as_posix(): path
        for path in output.rglob("*")
        if path.is_file() and not NOT_COMPARED.match(path.relative_to(output).as_posix())
    }


def differing(before, after):
    old, new = files(before), files(after)
    assert old.keys() == new.keys()
    assert any(name.startswith("fall/") for name in old)
    return [
        name for name in sorted(old)
        if LASTMOD.sub(b"", old[name].read_bytes()) != LASTMOD.sub(b"", new[name].read_bytes())
    ]


def search_records(output):
    """What each Pagefind bundle holds, as a search gives it back (a
    fragment is gzip'd JSON after a 12-byte signature); the bundles' file
    names differ from build to build, their records must not."""
    return {
        bundle.name: sorted(
            json.dumps(json.loads(gzip.decompress(path.read_bytes())[12:]), sort_keys=True)
            for path in (bundle / "fragment").glob("*.pf_fragment")
        )
        for bundle in output.glob("pagefind*")
    }


IN_THIS_PROCESS = {"BACKGROUND_PROCESSES": False}
SPAWNED = {"BACKGROUND_START_METHOD": "spawn", **IN_PARALLEL}


def built_both_ways(tmp_path, before_overrides, after_overrides):
    """The published site built with ``before_overrides`` and, its sources
    read in two worker processes, with ``after_overrides``."""
    before, after = tmp_path / "before", tmp_path / "after"
    result = build(before, settings="publishconf.py", strict=True, overrides={**before_overrides, **EVERY_SOURCE_READ})
    assert result.returncode == 0, result.stderr
    result = build(after, settings="publishconf.py", strict=True, overrides={**after_overrides, **IN_PARALLEL, **EVERY_SOURCE_READ},
                   options=["--debug"])
    assert result.returncode == 0, result.stderr
    assert re.search(r"in 2 Prozessen", result.stdout + result.stderr), "the sources were not read in parallel"
    return before, after


def test_work_in_spawned_processes_changes_no_byte(tmp_path):
    before, after = built_both_ways(tmp_path, {"BACKGROUND_PROCESSES": False}, {"BACKGROUND_START_METHOD": "spawn"})
    assert differing(before, after) == []
    records = search_records(before)
    assert len(records) == 2 and all(records.values())
    assert search_records(after) == records


def test_parallel_reading_and_german_typography_change_no_byte(tmp_path):
    assert differing(*built_both_ways(tmp_path, PELICANS_WAY, {})) == []
