"""The author's preview: `invoke livereload` serves, rebuilds and reloads."""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from bs4 import BeautifulSoup

from sitebuild import LOOPBACK, build, copy_project, dry_run_deploy, free_port, listening_addresses, published_cases
from sitetasks.output import build_lock
from sitetasks.warm import WarmPelican


def fetch(url):
    """(status, body); the body of an error page too."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", errors="replace")
    except OSError:
        return None, ""


def wait_for(url, condition, timeout=90):
    deadline = time.monotonic() + timeout
    status, body = None, ""
    while time.monotonic() < deadline:
        status, body = fetch(url)
        if condition(status, body):
            return status, body
        time.sleep(0.3)
    raise AssertionError(f"{url}: condition not met in {timeout}s (last status {status})")


@pytest.fixture
def preview_server(tmp_path):
    project = copy_project(tmp_path / "site")
    port = free_port()
    log = open(tmp_path / "livereload.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "invoke", "livereload", "--port", str(port)],
        cwd=project, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/", lambda status, _: status == 200)
        yield project, base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
        log.close()
        print((tmp_path / "livereload.log").read_text())


def test_editing_a_case_is_served_without_restart(preview_server):
    project, base = preview_server
    case = published_cases(project / "content")[0]
    url = f"{base}/fall/{case.number}/"
    status, body = wait_for(url, lambda status, _: status == 200)
    assert "Nachtschicht" not in body
    # The preview page loads the live-reload client from the preview server.
    assert '"/livereload.js?port="' in body

    text = case.path.read_text(encoding="utf-8")
    case.path.write_text(text + "\nEin Satz aus der Nachtschicht.\n", encoding="utf-8")
    wait_for(url, lambda status, body: status == 200 and "Nachtschicht" in body)

    feed = f"{base}/feeds/alle.atom.xml"
    _, atom = wait_for(feed, lambda status, _: status == 200)
    assert f'href="{base}/fall/{case.number}/"' in atom


def test_the_open_page_reloads_itself_after_each_edit(preview_server, page):
    """livereload.js in the page reloads it when an edited case is built."""
    from playwright.sync_api import expect

    project, base = preview_server
    case = published_cases(project / "content")[0]
    frames = []
    page.on("websocket", lambda socket: socket.on("framereceived", lambda frame: frames.append(frame)))
    page.goto(f"{base}/fall/{case.number}/")
    for _ in range(600):
        if any("hello" in str(frame) for frame in frames):  # livereload.js is listening
            break
        page.wait_for_timeout(100)
    else:
        raise AssertionError("livereload.js never connected")
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    for word in ("Nachtschicht", "Frühschicht"):
        text = case.path.read_text(encoding="utf-8")
        case.path.write_text(f"{text}\nEin Satz aus der {word}.\n", encoding="utf-8")
        expect(page.locator("main")).to_contain_text(word, timeout=60_000)
    assert navigations  # reloaded by the page itself, never by the test


def test_theme_and_plugin_changes_rebuild_too(preview_server):
    project, base = preview_server
    template = project / "theme" / "templates" / "base.html"
    template.write_text(
        template.read_text(encoding="utf-8").replace("</footer>", "<p>Vorlagenmarke</p></footer>"),
        encoding="utf-8",
    )
    wait_for(base + "/", lambda status, body: "Vorlagenmarke" in body)

    plugin = project / "plugins" / "feeds" / "plugin.py"
    plugin.write_text(
        plugin.read_text(encoding="utf-8").replace(
            'feed.feed["id"] = feed.feed["feed_url"]',
            'feed.feed["id"] = feed.feed["feed_url"]\n    feed.feed["description"] = "Pluginmarke"',
        ),
        encoding="utf-8",
    )
    wait_for(base + "/feeds/alle.rss.xml", lambda status, body: "Pluginmarke" in body)


def test_the_preview_listens_on_loopback_only(preview_server):
    _, base = preview_server
    listening = listening_addresses(int(base.rsplit(":", 1)[1]))
    assert listening
    assert all(address in LOOPBACK for address in listening), listening


def served_throughout(url, condition, timeout=90):
    """Like wait_for, but the page must be served (200) at every request."""
    def check(status, body):
        assert status == 200, f"{url} was not served while the site rebuilt"
        return condition(body)
    return wait_for(url, check, timeout)[1]


def test_a_broken_case_shows_its_error_and_the_site_recovers(preview_server):
    project, base = preview_server
    broken, other = published_cases(project / "content")[:2]
    original = broken.path.read_text(encoding="utf-8")
    broken.path.write_text(original.replace(f"Fall: {broken.number}\n", "Fall: kaputt\n"), encoding="utf-8")

    body = served_throughout(base + "/", lambda body: "build-problems" in body)
    shown = " ".join(BeautifulSoup(body, "html.parser").select_one(".build-problems").get_text().split())
    assert f"content/faelle/{broken.path.name}:2" in shown
    assert "„kaputt“ ist keine positive ganze Zahl" in shown
    served_throughout(f"{base}/fall/{other.number}/", lambda body: "build-problems" in body)
    terminal = " ".join((project.parent / "livereload.log").read_text().split())
    assert "„kaputt“ ist keine positive ganze Zahl" in terminal

    broken.path.write_text(original, encoding="utf-8")
    served_throughout(base + "/", lambda body: "build-problems" not in body)
    served_throughout(f"{base}/fall/{broken.number}/", lambda body: "build-problems" not in body)


def test_a_case_number_that_crashes_is_shown_and_the_next_good_save_is_served(preview_server):
    project, base = preview_server
    broken, other = published_cases(project / "content")[:2]
    original = broken.path.read_text(encoding="utf-8")
    # "²" passes str.isdigit() but not int(): AltGr+2 on a German keyboard.
    broken.path.write_text(original.replace(f"Fall: {broken.number}\n", "Fall: ²\n"), encoding="utf-8")

    # The banner may first say that a build is under way; the message follows.
    body = served_throughout(base + "/", lambda body: "build-problems" in body and "„²“" in body)
    shown = " ".join(BeautifulSoup(body, "html.parser").select_one(".build-problems").get_text().split())
    assert f"content/faelle/{broken.path.name}:2 Die Fallnummer „²“" in shown, shown
    served_throughout(f"{base}/fall/{other.number}/", lambda body: "build-problems" in body)

    # The preview still watches: the fix and the next edit are served (the
    # case was left out while its number was wrong, so its page returns).
    broken.path.write_text(original + "\nEin Satz aus der Frühschicht.\n", encoding="utf-8")
    wait_for(f"{base}/fall/{broken.number}/", lambda status, body: status == 200 and "Frühschicht" in body)
    served_throughout(base + "/", lambda body: "build-problems" not in body)


def test_a_deleted_case_is_no_longer_served(preview_server):
    project, base = preview_server
    deleted, other = published_cases(project / "content")[:2]
    wait_for(f"{base}/fall/{deleted.number}/", lambda status, _: status == 200)
    deleted.path.unlink()
    status, body = wait_for(f"{base}/fall/{deleted.number}/", lambda status, _: status == 404)
    assert "Diese Seite gibt es nicht (mehr)" in body
    assert fetch(f"{base}/fall/{other.number}/")[0] == 200


def test_odd_addresses_get_the_sites_404_page(preview_server):
    _, base = preview_server
    for address in ("/gibt-es-nicht/", "/%00", "/fall/%00/"):
        status, body = fetch(base + address)
        assert status == 404, address
        assert "Diese Seite gibt es nicht (mehr)" in body


def test_the_watcher_survives_any_error_and_says_so(monkeypatch, capsys):
    """Whatever a rebuild raises, the preview reports it and keeps watching."""
    import watchfiles

    from sitetasks import preview, site

    edit = {(watchfiles.Change.modified, str(site.CONTENT / "faelle" / "fall-01.md"))}
    monkeypatch.setattr(watchfiles, "watch", lambda *args, **kwargs: iter([edit, edit]))

    class Builds:
        calls = 0

        def content_changed(self):
            self.calls += 1
            if self.calls == 1:
                raise ValueError("invalid literal for int() with base 10: '²'")

        def failed(self, text):
            self.shown = text

    builds = Builds()
    preview.watch_sources(builds)
    assert builds.calls == 2
    assert builds.shown.startswith(
        "Die Vorschau ist auf einen unerwarteten Fehler gestoßen (ValueError: invalid literal for int() with base 10: '²')."
    )
    terminal = capsys.readouterr()
    assert "Die Vorschau beobachtet weiter" in terminal.out
    assert "Traceback" not in terminal.out + terminal.err  # the details with --verbose


def test_a_new_warm_builder_for_new_code_settings_or_theme(monkeypatch):
    """The builder of edited cases has imported the plugins and read the
    settings: after a change to them (or to the theme) a new one is started,
    before the whole site is built."""
    import watchfiles

    from sitetasks import preview, site

    changes = [site.ROOT / "plugins" / "feeds" / "plugin.py", site.PELICANCONF,
               site.ROOT / "theme" / "templates" / "base.html", site.CONTENT / "faelle" / "fall-01.md"]
    monkeypatch.setattr(watchfiles, "watch", lambda *args, **kwargs: iter(
        [{(watchfiles.Change.modified, str(path))} for path in changes]))
    calls = []

    class Builds:
        def __getattr__(self, name):
            return lambda: calls.append(name)

    preview.watch_sources(Builds())
    assert calls == ["warm_up", "whole_site", "warm_up", "whole_site", "warm_up", "whole_site", "content_changed"]


def test_a_second_preview_on_the_same_port_is_a_message(preview_server):
    project, base = preview_server
    port = base.rsplit(":", 1)[1]
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "livereload", "--port", port],
        cwd=project, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert f"Port {port} ist schon belegt" in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr


def test_a_build_that_does_not_finish_is_shown_on_the_last_good_pages(preview_server):
    project, base = preview_server
    case = published_cases(project / "content")[0]
    settings = project / "pelicanconf.py"
    original = settings.read_text(encoding="utf-8")
    settings.write_text(original + "\nDEFAULT_PAGINATION = (\n", encoding="utf-8")

    body = served_throughout(f"{base}/fall/{case.number}/", lambda body: "build-problems" in body)
    banner = BeautifulSoup(body, "html.parser").select_one(".build-problems")
    assert "Vorschau: Der letzte Bau ist fehlgeschlagen" in " ".join(banner.get_text().split())
    assert "SyntaxError" in banner.pre.get_text()
    assert BeautifulSoup(body, "html.parser").h1  # the page itself is still there

    settings.write_text(original, encoding="utf-8")
    served_throughout(f"{base}/fall/{case.number}/", lambda body: "build-problems" not in body)


def built_files(folder):
    # The sitemap's dates are the time of the build.
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and p.name != "sitemap.xml"}


def test_the_warm_builder_writes_what_a_fresh_pelican_writes(tmp_path):
    """The preview builds edited cases in a Pelican kept warm between edits
    (plugin modules, compiled templates); each build, one after another,
    writes the same files as Pelican started afresh for the same sources."""
    project = copy_project(tmp_path / "site")
    first, second = published_cases(project / "content")[:2]
    settings = {
        "SITEURL": "http://127.0.0.1:8000", "CACHE_PATH": str(project / "cache"), "SEARCH_INDEX": False,
        # Markdown workers started as on macOS and Windows, where there is no fork.
        "BACKGROUND_START_METHOD": "spawn", "READING_MIN_SOURCES": 1, "READING_PROCESSES": 2,
    }
    warm = WarmPelican(project, project / "content", project / "pelicanconf.py", settings)
    warm.start([first.path.relative_to(project / "content").as_posix()])
    try:
        template = project / "theme" / "templates" / "article.html"
        edits = [([first], "Spätschicht"), ([first, second], "Wochenendschicht"), ([first], "Frühschicht"),
                 ([second], "Vorlagenschicht")]
        for round_, (cases, word) in enumerate(edits):
            for case in cases:
                text = case.path.read_text(encoding="utf-8")
                case.path.write_text(f"{text}\nEin Satz aus der {word}.\n", encoding="utf-8")
            if word == "Vorlagenschicht":  # the theme changed too (the builder compiled it before)
                text = template.read_text(encoding="utf-8")
                template.write_text(text.replace('<nav class="case-nav"', '<p>Vorlagenmarke</p><nav class="case-nav"'),
                                    encoding="utf-8")
            only_these = {**settings, "ARTICLE_PATHS": [c.path.relative_to(project / "content").as_posix() for c in cases]}
            with build_lock(project / "cache" / "build.lock") as lock:
                assert warm.build(tmp_path / f"warm-{round_}", lock=lock, overrides=only_these)
            fresh = build(tmp_path / f"fresh-{round_}", project=project, overrides=only_these)
            assert fresh.returncode == 0, fresh.stdout + fresh.stderr
            warm_files, fresh_files = built_files(tmp_path / f"warm-{round_}"), built_files(tmp_path / f"fresh-{round_}")
            assert warm_files.keys() == fresh_files.keys()
            assert [name for name in fresh_files if warm_files[name] != fresh_files[name]] == []
            for case in cases:
                page = warm_files[f"fall/{case.number}/index.html"].decode("utf-8")
                assert word in BeautifulSoup(page, "html.parser").main.get_text()
                assert ("Vorlagenmarke" in page) == (word == "Vorlagenschicht")
    finally:
        warm.stop()


def test_the_warm_builder_reports_a_failed_build_and_builds_the_next(tmp_path):
    project = copy_project(tmp_path / "site")
    case = published_cases(project / "content")[0]
    settings = {"CACHE_PATH": str(project / "cache"), "SEARCH_INDEX": False,
                "ARTICLE_PATHS": [case.path.relative_to(project / "content").as_posix()]}
    warm = WarmPelican(project, project / "content", project / "pelicanconf.py", settings)
    warm.start([])
    try:
        with build_lock(project / "cache" / "build.lock") as lock:
            assert warm.build(tmp_path / "broken", lock=lock, overrides={**settings, "THEME": "gibt-es-nicht"}) is False
        with build_lock(project / "cache" / "build.lock") as lock:
            assert warm.build(tmp_path / "good", lock=lock, overrides=settings) is True
        assert (tmp_path / "good" / "fall" / str(case.number) / "index.html").is_file()
        warm.process.kill()
        with build_lock(project / "cache" / "build.lock") as lock:
            # Gone: the preview then builds in a process of its own.
            assert warm.build(tmp_path / "gone", lock=lock, overrides=settings) is None
    finally:
        warm.stop()


@pytest.mark.browser
def test_a_missing_photo_in_the_edited_case_is_a_german_message_and_the_site_follows(preview_server, page):
    from playwright.sync_api import expect

    project, base = preview_server
    case = next(c for c in published_cases(project / "content") if "image" not in c.metadata)
    other = next(c for c in published_cases(project / "content") if c.number != case.number)
    text = case.path.read_text(encoding="utf-8")
    case.path.write_text(text.replace("\nTags:", "\nImage: images/gibtsnicht.jpg\nImage_alt: Ein Foto\nTags:", 1),
                         encoding="utf-8")
    where = case.path.relative_to(project).as_posix()
    wait_for(base + "/faelle/", lambda status, body: status == 200 and where in body)

    # Every page of the site, built again after the edit, names the file,
    # what is missing and what to do.
    for address in ("/", "/faelle/", f"/fall/{other.number}/", "/tipps/"):
        page.goto(base + address)
        box = page.get_by_role("alert")
        expect(box).to_contain_text(where)
        expect(box).to_contain_text("Das Bild „images/gibtsnicht.jpg“ gibt es nicht")
        expect(box).to_contain_text("Legen Sie die Datei unter content/images/gibtsnicht.jpg ab")
        assert "Error" not in box.inner_text() and "Traceback" not in box.inner_text()


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_publishing_and_deploying_while_the_preview_runs(preview_server):
    """The preview builds into its own folder: a publish made while it runs
    stays what deploy ships, whatever the author edits in the preview."""
    project, base = preview_server
    log = project.parent / "livereload.log"
    published = subprocess.run([sys.executable, "-m", "invoke", "publish"], cwd=project,
                               capture_output=True, text=True, timeout=600)
    assert published.returncode == 0, published.stdout + published.stderr
    output = project / "output"
    before = snapshot(output)

    case = published_cases(project / "content")[0]
    case.path.write_text(case.path.read_text(encoding="utf-8") + "\nEin Satz aus der Nachtschicht.\n",
                         encoding="utf-8")
    wait_for(f"{base}/fall/{case.number}/", lambda status, body: status == 200 and "Nachtschicht" in body)
    # Settings edited while the preview runs rebuild the preview's site, not output/.
    builds = log.read_text().count("Neu gebaut:")
    settings = project / "publishconf.py"
    settings.write_text(settings.read_text(encoding="utf-8") + "\n# eine Notiz des Autors\n", encoding="utf-8")
    deadline = time.monotonic() + 120
    while log.read_text().count("Neu gebaut:") <= builds:
        assert time.monotonic() < deadline, "the preview did not rebuild after the settings changed"
        time.sleep(0.3)

    assert snapshot(output) == before
    assert "Nachtschicht" not in (output / "fall" / str(case.number) / "index.html").read_text(encoding="utf-8")
    assert "Nachtschicht" in (project / "cache" / "vorschau" / "fall" / str(case.number) / "index.html").read_text(
        encoding="utf-8")
    deploy = subprocess.run([sys.executable, "-m", "invoke", *dry_run_deploy(project)], cwd=project,
                            capture_output=True, text=True, timeout=120)
    assert "output/ ist nicht die veröffentlichte Fassung" not in deploy.stderr
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
