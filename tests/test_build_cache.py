"""The build cache (plugins/buildcache): after a change to a case, a
setting, the theme, a plugin or an installed package, a build that uses
the cache is the same, byte for byte, as one that uses none, and shows the
change; ``invoke rebuild`` uses nothing cached."""

import json
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest

from buildcache.plugin import seal
from sitebuild import build, copy_project, one_line, soup, text_of

# Pelican's debug log names every source it reads (a cached one is not read).
READ = re.compile(r"Read file (\S+\.md) -> Article")
CASE = "faelle/fall-05-ruecksendung.md"


def built(project, output, overrides=None, env=None):
    """Build ``project`` with its own cache folder; return the cases read."""
    result = build(
        output, project=project, env=env, options=["--debug"],
        overrides={"CACHE_PATH": str(project / "cache"), **(overrides or {})},
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return sorted(set(READ.findall(one_line(result.stdout + result.stderr))))


# What differs between any two builds of the same site: the sitemap's
# times (of the build, for pages without a date), and the names and order
# in Pagefind's filter and index files (hash-map order). Its fragments,
# one a record (address, text, title, filters), come out the same.
SITEMAP_TIME = re.compile(rb"<lastmod>[^<]*</lastmod>")
PAGEFIND_HASH = re.compile(r"(?<=de_)[0-9a-f]+(?=\.pf_)")


def files(output):
    """Every file of a build by its path, with its bytes (or None where
    only its name can be compared, see above)."""
    found = {}
    for path in sorted(Path(output).rglob("*")):
        name = str(path.relative_to(output))
        if not path.is_file():
            continue
        if name.startswith("pagefind") and "/fragment/" not in name:
            name = PAGEFIND_HASH.sub("#", name)
            found[f"{name} #{sum(other.startswith(name) for other in found)}"] = None
        elif name == "sitemap.xml":
            found[name] = SITEMAP_TIME.sub(b"", path.read_bytes())
        else:
            found[name] = path.read_bytes()
    return found


def assert_same_site(warm, clean):
    warm, clean = files(warm), files(clean)
    assert sorted(warm) == sorted(clean)
    assert [path for path in warm if warm[path] != clean[path]] == []


def all_cases(project):
    return sorted(str(p.relative_to(project / "content")) for p in (project / "content" / "faelle").glob("*.md"))


def page_text(output, path):
    return text_of(soup(Path(output) / path).find("main"))


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def change_setting(project):
    # Every cached case carries the settings it was read with (its
    # address among them): a cache kept past this change would keep them.
    edit(project / "pelicanconf.py", 'ARTICLE_URL = "fall/{fall}/"\nARTICLE_SAVE_AS = "fall/{fall}/index.html"',
         'ARTICLE_URL = "akte/{fall}/"\nARTICLE_SAVE_AS = "akte/{fall}/index.html"')


def change_template(project):
    edit(project / "theme" / "templates" / "base.html", "</footer>", "<p>Neu in der Vorlage</p></footer>")


def change_static_file(project):
    with open(project / "theme" / "static" / "css" / "site.css", "a", encoding="utf-8") as handle:
        handle.write("\n.neu-im-stil { color: inherit; }\n")


def change_plugin_code(project):
    # Run as each case is read: only cases read again show it.
    with open(project / "plugins" / "cases" / "plugin.py", "a", encoding="utf-8") as handle:
        handle.write(
            "\n\ndef _added_paragraph(content):\n"
            "    content._content += '<p>Neu aus dem Plugin</p>'\n\n\n"
            "_register = register\n\n\n"
            "def register():\n"
            "    _register()\n"
            "    signals.content_object_init.connect(_added_paragraph)\n"
        )


def edit_case(project):
    edit(project / "content" / CASE, "Kein Drama, dachte ich", "Kein Drama, dachte ich beim Auspacken")


def delete_case(project):
    (project / "content" / CASE).unlink()


def add_case(project):
    text = (project / "content" / CASE).read_text(encoding="utf-8")
    text = text.replace("Fall: 5\n", "Fall: 99\n")
    text = text.replace("Title: Der »eingebaute« Kunde und", "Title: Der »eingebaute« Kunde und der neue Fall,")
    (project / "content" / "faelle" / "fall-99-neu.md").write_text(text, encoding="utf-8")


# (change, cases the next build reads: "all" or those named, what the site shows then)
CHANGES = {
    "nothing": (lambda project: None, [], lambda out: (out / "fall/5/index.html").is_file()),
    "setting": (change_setting, "all", lambda out: (out / "akte/5/index.html").is_file() and not (out / "fall/5").exists()),
    "template": (change_template, "all", lambda out: "Neu in der Vorlage" in (out / "fall/5/index.html").read_text(encoding="utf-8")),
    "static file": (change_static_file, "all", lambda out: ".neu-im-stil" in (out / "theme/css/site.css").read_text(encoding="utf-8")),
    "plugin code": (change_plugin_code, "all", lambda out: "Neu aus dem Plugin" in page_text(out, "fall/1/index.html")),
    "case edited": (edit_case, [CASE], lambda out: "dachte ich beim Auspacken" in page_text(out, "fall/5/index.html")),
    "case deleted": (delete_case, [], lambda out: not (out / "fall/5").exists()),
    "case added": (add_case, ["faelle/fall-99-neu.md"], lambda out: "der neue Fall" in page_text(out, "fall/99/index.html")),
}


@pytest.mark.parametrize("name", list(CHANGES))
def test_a_build_after_a_change_is_the_same_as_one_from_scratch(tmp_path, name):
    change, read_again, shows = CHANGES[name]
    project = copy_project(tmp_path / "project")
    assert built(project, tmp_path / "before") == all_cases(project)
    change(project)
    read = built(project, tmp_path / "warm")
    assert read == (all_cases(project) if read_again == "all" else read_again)
    assert shows(tmp_path / "warm")
    assert built(project, tmp_path / "clean", overrides={"LOAD_CONTENT_CACHE": False}) == all_cases(project)
    assert_same_site(tmp_path / "warm", tmp_path / "clean")


def fake_distribution(site_packages, version):
    """An installed package of ``version``, as importlib.metadata sees it."""
    info = site_packages / "eingebaut_testpaket-0.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: eingebaut-testpaket\nVersion: {version}\n", encoding="utf-8")


def test_another_version_of_an_installed_package_reads_every_case_again(tmp_path):
    import os

    project = copy_project(tmp_path / "project")
    site_packages = tmp_path / "site-packages"
    env = {"PYTHONPATH": os.pathsep.join(filter(None, [str(site_packages), os.environ.get("PYTHONPATH")]))}
    fake_distribution(site_packages, "1.0")
    assert built(project, tmp_path / "before", env=env) == all_cases(project)
    assert built(project, tmp_path / "again", env=env) == []
    fake_distribution(site_packages, "1.1")
    assert built(project, tmp_path / "warm", env=env) == all_cases(project)
    built(project, tmp_path / "clean", env=env, overrides={"LOAD_CONTENT_CACHE": False})
    assert_same_site(tmp_path / "warm", tmp_path / "clean")


def test_building_and_publishing_in_turn_each_keep_their_cache(tmp_path):
    project = copy_project(tmp_path / "project")
    local, published = {}, {"SITEURL": "https://example.org", "FEED_DOMAIN": "https://example.org"}
    assert built(project, tmp_path / "one", local) == all_cases(project)
    assert built(project, tmp_path / "two", published) == all_cases(project)
    edit_case(project)
    assert built(project, tmp_path / "three", local) == [CASE]
    assert built(project, tmp_path / "four", published) == [CASE]


def invoke(project, *args):
    result = subprocess.run([sys.executable, "-m", "invoke", *args], cwd=project, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_invoke_rebuild_uses_nothing_cached(tmp_path):
    project = copy_project(tmp_path / "project")
    invoke(project, "build")
    # A cache that says something the case does not: what reads it shows it.
    cache_file = project / "cache" / "ArticlesGenerator"
    cache = pickle.loads(cache_file.read_bytes())
    stamp, case = cache[CASE]
    case._content = case._content.replace("Kein Drama", "Aus dem Cache")
    cache_file.write_bytes(pickle.dumps(cache))
    seal(project / "cache")  # as if Pelican had written it
    invoke(project, "build")
    assert "Aus dem Cache" in page_text(project / "output", "fall/5/index.html")
    invoke(project, "rebuild")
    assert "Aus dem Cache" not in page_text(project / "output", "fall/5/index.html")
    assert "Kein Drama" in page_text(project / "output", "fall/5/index.html")


def test_a_cached_case_links_to_where_the_case_it_names_is_now(tmp_path):
    project = copy_project(tmp_path / "project")
    link = "([wie im ersten Fall]({filename}fall-01-maler-urlaub.md))"
    edit(project / "content" / CASE, "Kein Drama, dachte ich", f"Kein Drama, dachte ich {link}")
    built(project, tmp_path / "before")
    edit(project / "content" / "faelle" / "fall-01-maler-urlaub.md", "Fall: 1\n", "Fall: 77\n")
    assert built(project, tmp_path / "warm") == ["faelle/fall-01-maler-urlaub.md"]
    link = soup(tmp_path / "warm" / "fall/5/index.html").find("a", string="wie im ersten Fall")
    assert link["href"].endswith("/fall/77/")
    built(project, tmp_path / "clean", overrides={"LOAD_CONTENT_CACHE": False})
    assert_same_site(tmp_path / "warm", tmp_path / "clean")


def test_a_cache_file_left_half_written_is_not_used(tmp_path):
    # As a build stopped while Pelican writes its cache leaves it (the
    # preview stops its background builds at the next edit).
    project = copy_project(tmp_path / "project")
    built(project, tmp_path / "before")
    cache_file = project / "cache" / "ArticlesGenerator"
    cache_file.write_bytes(b"")  # opened for writing, then stopped
    assert built(project, tmp_path / "warm") == all_cases(project)
    assert built(project, tmp_path / "again") == []


def test_a_search_bundle_kept_incomplete_is_made_again(tmp_path):
    # As Pagefind has left one, rarely: an empty entry file; the search
    # would fail in the browser ("Failed to load Pagefind metadata").
    project = copy_project(tmp_path / "project")
    built(project, tmp_path / "before")
    entries = list((project / "cache" / "build-cache").glob("*/pagefind/*/pagefind-entry.json"))
    assert entries
    for entry in entries:
        entry.unlink()  # the cache's file is linked to the output's: not truncated in place
        entry.write_bytes(b"")
    built(project, tmp_path / "warm")
    for entry in (tmp_path / "warm").glob("pagefind*/pagefind-entry.json"):
        languages = json.loads(entry.read_text(encoding="utf-8"))["languages"]
        assert languages["de"]["page_count"] > 0
    built(project, tmp_path / "clean", overrides={"LOAD_CONTENT_CACHE": False})
    assert_same_site(tmp_path / "warm", tmp_path / "clean")
