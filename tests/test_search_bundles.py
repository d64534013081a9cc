"""The search bundles come in shards of case numbers and are written without
churn: a build writes only the files of the shards whose records changed,
and only the files that are new in them (plugins/search/bundles.py)."""

import gzip
import json
import re

import pytest
from bs4 import BeautifulSoup

from sitebuild import build, copy_project, one_line

# Two case numbers per shard: the fixture's cases 1–7 and 11 in five shards.
SHARDS = {"SEARCH_SHARD_CASES": 2, "TIPS_SEARCH_SHARD_CASES": 2}
# Pagefind writes its filter and metadata files in hash-map order: the
# same records give the same data in another order (and so another name,
# a digest of the bytes). Every other file comes out the same.
UNORDERED = re.compile(r"(filter/de_[0-9a-f]+\.pf_filter|pagefind\.de_[0-9a-f]+\.pf_meta)")


def bundle_files(output):
    """{path: (inode, mtime)} of every file of every search bundle."""
    return {
        path.relative_to(output).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in sorted(output.glob("pagefind*/**/*")) if path.is_file()
    }


def comparable(output):
    """Every bundle's files as they must match a clean build's: by path and
    bytes; the unordered ones by their folder and number."""
    found, unordered = {}, {}
    for path in sorted(output.glob("pagefind*/**/*")):
        if not path.is_file():
            continue
        name = path.relative_to(output).as_posix()
        folder, _, inside = name.partition("/")
        if UNORDERED.fullmatch(inside):
            kind = inside.split("/")[0] if "/" in inside else "meta"
            unordered[(folder, kind)] = unordered.get((folder, kind), 0) + 1
        elif inside == "pagefind-entry.json":
            entry = json.loads(path.read_bytes())
            found[name] = {lang: {**index, "hash": None} for lang, index in entry["languages"].items()}
        else:
            found[name] = path.read_bytes()
    return found, unordered


def built(project, output, *options):
    result = build(output, project=project, overrides={"CACHE_PATH": str(project / "cache"), **SHARDS},
                   options=options)
    assert result.returncode == 0, one_line(result.stdout + result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    return output


def records(bundle):
    return [json.loads(gzip.decompress(p.read_bytes())[12:]) for p in (bundle / "fragment").glob("*.pf_fragment")]


def listed_bundles(output):
    form = BeautifulSoup((output / "suche" / "index.html").read_text(encoding="utf-8"), "html.parser").find(id="suche")
    return [url.rstrip("/").rsplit("/", 1)[-1] for url in form["data-search-bundles"].split()]


@pytest.fixture(scope="module")
def edited(tmp_path_factory):
    """A site built, then built again after case 3 (shard 2) was edited,
    in the same output folder with its cache; file states before and after."""
    root = tmp_path_factory.mktemp("shards")
    project = copy_project(root / "site")
    output = built(project, root / "output")
    before = bundle_files(output)
    case = project / "content" / "faelle" / "fall-03-rechnung-preiserhoehung.md"
    text = case.read_text(encoding="utf-8")
    assert "Ich war ein Fan." in text
    case.write_text(text.replace("Ich war ein Fan.", "Ich war ein Fan. Die Zwischenablage vergaß alles."), encoding="utf-8")
    built(project, output)
    return project, output, before, bundle_files(output)


def test_the_cases_are_in_shards_of_case_numbers(edited):
    _, output, _, _ = edited
    shards = {bundle: sorted(r["meta"]["url"] for r in records(output / bundle)) for bundle in listed_bundles(output)}
    # Cases 1–2, 3–4, 5–6, 7 (a draft: no shard 4), 11; each case's tips
    # in the tips' shard of the same numbers.
    assert [b for b in shards if not b.startswith("pagefind-tipps")] == ["pagefind", "pagefind-2", "pagefind-3", "pagefind-6"]
    assert shards["pagefind"] == ["/fall/1/", "/fall/2/"]
    assert shards["pagefind-2"] == ["/fall/3/", "/fall/4/"]
    assert shards["pagefind-6"] == ["/fall/11/"]
    for bundle, urls in shards.items():
        if bundle.startswith("pagefind-tipps"):
            shard = bundle.removeprefix("pagefind-tipps").lstrip("-") or "1"
            assert urls and all((int(u.split("/")[2]) - 1) // 2 + 1 == int(shard) for u in urls), (bundle, urls)
    # Pagefind's scripts only in the first bundle of each page: the others
    # are merged into it and use its worker and WebAssembly.
    assert (output / "pagefind" / "pagefind.js").is_file() and (output / "pagefind-tipps" / "pagefind.js").is_file()
    assert not list(output.glob("pagefind-*[0-9]/pagefind.js")) and not list(output.glob("pagefind*/pagefind-ui.js"))


def test_an_edit_writes_only_the_new_files_of_its_shard(edited):
    _, output, before, after = edited
    unchanged = {path for path in before.keys() & after.keys() if before[path] == after[path]}
    # Every file of the other shards is the very same file, untouched.
    for path in before.keys() | after.keys():
        if not path.startswith(("pagefind-2/", "pagefind-tipps-2/")):
            assert path in unchanged, path
    # In the edited case's shard, the other case's fragment stays as it
    # was; the edited case's record is a new fragment with the new text.
    shard = {p for p in before if p.startswith("pagefind-2/fragment/")}
    assert len(shard & unchanged) == 1
    new = [p for p in after if p.startswith("pagefind-2/fragment/") and p not in before]
    assert len(new) == 1
    fresh = json.loads(gzip.decompress((output / new[0]).read_bytes())[12:])
    assert fresh["url"] == "/fall/3/" and "Zwischenablage" in fresh["content"]
    # Pagefind's scripts and everything else that is the same is not written again.
    assert "pagefind-2/pagefind-entry.json" in after
    assert not [p for p in output.rglob("*") if p.name.endswith((".neu", ".part"))]


def test_an_edited_site_has_the_bundles_of_a_clean_build(edited, tmp_path):
    project, output, _, _ = edited
    clean = copy_project(tmp_path / "clean")
    case = "faelle/fall-03-rechnung-preiserhoehung.md"
    (clean / "content" / case).write_bytes((project / "content" / case).read_bytes())
    assert comparable(output) == comparable(built(clean, tmp_path / "output", "--ignore-cache"))


def test_a_shard_without_cases_is_gone_and_nothing_else_is_written(edited, tmp_path):
    project, output, _, _ = edited
    (project / "content" / "faelle" / "fall-11-weiterleitung-kreisverkehr.md").unlink()
    before = bundle_files(output)
    built(project, output)
    after = bundle_files(output)
    assert not (output / "pagefind-6").exists() and not (output / "pagefind-tipps-6").exists()
    assert "pagefind-6" not in listed_bundles(output)
    assert {p: s for p, s in before.items() if "-6/" not in p} == after
