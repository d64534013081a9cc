"""Old addresses of the Mobirise site lead to the new ones: the importer
writes content/weiterleitungen.csv, plugins/redirects turns it into
redirect pages, an .htaccess and an nginx snippet; in the published site
and in the preview."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import htmlcheck
import pytest

from browser import StaticServer
from importer import import_paths
from sitebuild import build, copy_project, free_port, soup

FIXTURES = Path(__file__).parent / "fixtures" / "import"
EXPORT = FIXTURES / "mobirise"
GERMAN_DATES = FIXTURES / "mobirise-daten-tabelle.csv"  # Fall;Datum, 14.03.2023
SITE = "https://www.der-eingebaute-kunde.de"
MOVED = {
    "fall-8.html": "/fall/8/", "fall-9.html": "/fall/9/", "fall-10.html": "/fall/10/",
    "impressum.html": "/impressum/", "datenschutz.html": "/datenschutz/", "kontakt.html": "/kontakt/",
    "faelle.html": "/faelle/",
}


def vnu(root):
    """The Nu HTML checker's verdict on every page under ``root`` (one
    checker for the whole test run: tests/htmlcheck.py)."""
    return htmlcheck.validate(root)


def archive_only(target):
    """A site holding only the imported archive: the demo's cases and pages
    removed first, as the handbook's migration does."""
    project = copy_project(target)
    for folder in ("faelle", "pages"):
        for path in (project / "content" / folder).glob("*.md"):
            path.unlink()
    report = import_paths(str(EXPORT), project / "content", dates=GERMAN_DATES)
    assert not report.failed, [(r.source.name, r.problems) for r in report]
    return project


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    return archive_only(tmp_path_factory.mktemp("migrated") / "site")


@pytest.fixture(scope="module")
def published(migrated, tmp_path_factory):
    output = tmp_path_factory.mktemp("published-migrated")
    result = build(output, project=migrated, settings="publishconf.py", strict=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return output


def test_the_importer_writes_the_map_the_author_can_read(migrated):
    lines = (migrated / "content" / "weiterleitungen.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "alt,neu"
    assert {line.split(",")[0][1:]: line.split(",")[1] for line in lines[1:]} == {**MOVED, "index.html": "/"}


def test_each_old_address_is_a_redirect_page(published):
    for old, new in MOVED.items():
        page = soup(published / old)
        refresh = page.find("meta", attrs={"http-equiv": "refresh"})
        assert refresh["content"] == f"0; url={new}", old
        assert page.find("link", rel="canonical")["href"] == SITE + new
        assert page.find("a")["href"] == new
        assert page.find("script") is None
        assert (published / new.lstrip("/") / "index.html").is_file(), new
    # The old home page's address is the new home page itself.
    assert soup(published / "index.html").find("meta", attrs={"http-equiv": "refresh"}) is None


def test_the_redirect_pages_pass_the_nu_html_checker(published, tmp_path):
    for old in MOVED:
        (tmp_path / old).write_bytes((published / old).read_bytes())
    result = vnu(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_server_maps_for_apache_and_nginx(published):
    htaccess = (published / ".htaccess").read_text(encoding="utf-8").splitlines()
    redirects = [line for line in htaccess if not line.startswith("#")]
    assert sorted(redirects) == sorted(f'Redirect 301 "/{old}" "{new}"' for old, new in MOVED.items())
    nginx = (published / "nginx-weiterleitungen.conf").read_text(encoding="utf-8").splitlines()
    assert nginx[0].startswith("# ") and "include" in nginx[0]
    assert sorted(nginx[1:]) == sorted(f'location = "/{old}" {{ return 301 "{new}"; }}' for old, new in MOVED.items())


@pytest.mark.browser
def test_an_old_address_lands_on_its_case_under_the_strict_policy(published, page):
    port = free_port()
    with StaticServer(published, port) as server:
        page.goto(f"{server.url}/fall-8.html")
        page.wait_for_url(f"{server.url}/fall/8/")
        # Soft hyphens set the title's long words; Chromium's innerText keeps them.
        assert "verschwundene" in page.locator("h1").inner_text().replace("\xad", "")
        page.goto(f"{server.url}/impressum.html")
        page.wait_for_url(f"{server.url}/impressum/")
        assert "Musterweg" in page.locator("main").inner_text()
    assert page.request_log.errors == []


def test_a_wrong_line_in_the_map_fails_a_strict_build_and_names_it(tmp_path):
    project = copy_project(tmp_path / "site")
    (project / "content" / "weiterleitungen.csv").write_text(
        "alt,neu\n/fall-1.html,/fall/1/\n/alt.html,https://example.org/\n", encoding="utf-8")
    result = build(tmp_path / "out", project=project, settings="publishconf.py", strict=True)
    assert result.returncode != 0
    shown = " ".join((result.stdout + result.stderr).split())
    assert "weiterleitungen.csv:3: „https://example.org/“ ist keine Adresse dieser Website" in shown
    assert "Traceback" not in result.stdout + result.stderr

    # The preview's build goes on and shows it on every page.
    lenient = build(tmp_path / "vorschau", project=project)
    assert lenient.returncode == 0, lenient.stdout + lenient.stderr
    banner = " ".join(soup(tmp_path / "vorschau" / "index.html").select_one(".build-problems").get_text().split())
    assert ("content/weiterleitungen.csv:3 „https://example.org/“ ist keine Adresse dieser Website schreiben Sie "
            "den Pfad ab dem Schrägstrich") in banner


def test_a_second_import_keeps_the_authors_lines(migrated, tmp_path):
    project = copy_project(tmp_path / "site")
    redirects = project / "content" / "weiterleitungen.csv"
    redirects.write_text("alt,neu\n/fall-8.html,/fall/9/\n/alt/seite.html,/ueber/\n", encoding="utf-8")
    for folder in ("faelle", "pages"):
        for path in (project / "content" / folder).glob("*.md"):
            path.unlink()
    report = import_paths(str(EXPORT), project / "content", dates=GERMAN_DATES)
    lines = redirects.read_text(encoding="utf-8").splitlines()
    assert lines[:3] == ["alt,neu", "/fall-8.html,/fall/9/", "/alt/seite.html,/ueber/"]
    assert "/fall-9.html,/fall/9/" in lines and "/fall-8.html,/fall/8/" not in lines
    assert any("„/fall-8.html“ leitet schon auf „/fall/9/“ weiter, nicht auf „/fall/8/“ – die Zeile bleibt; mit "
               "--force wird sie ersetzt." in note for note in report.notes)


@pytest.mark.browser
def test_the_preview_redirects_old_addresses_too(tmp_path, page):
    project = archive_only(tmp_path / "site")
    port = free_port()
    log = open(tmp_path / "livereload.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "invoke", "livereload", "--port", str(port)], cwd=project,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while not re.search(r"Neu gebaut:", (tmp_path / "livereload.log").read_text()):
            assert process.poll() is None and time.monotonic() < deadline, (tmp_path / "livereload.log").read_text()
            time.sleep(0.3)
        page.goto(f"{base}/fall-9.html")
        page.wait_for_url(f"{base}/fall/9/")
        assert "Kostenvoranschlag" in page.locator("h1").inner_text().replace("\xad", "")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
        log.close()


def test_links_to_the_old_home_page_and_pages_lead_to_the_new_ones(tmp_path):
    import shutil

    export = tmp_path / "archiv"
    shutil.copytree(EXPORT, export)
    (export / "fall-20.html").write_text(
        '<!DOCTYPE html><html><head><title>Der 20. Fall</title></head><body>'
        "<h3>Der »eingebaute« Kunde und der Rückweg •</h3><h4>Der 20. Fall</h4>"
        '<p>Zurück zur <a href="index.html">Startseite</a>, zu <a href="faelle.html">allen Fällen</a> '
        'oder zum <a href="kontakt.html">Kontakt</a>.</p>'
        "<h4>Der Tipp des »eingebauten« Kunden</h4><p>Zeigen Sie den Weg zurück.</p></body></html>",
        encoding="utf-8")
    project = copy_project(tmp_path / "site")
    for folder in ("faelle", "pages"):
        for path in (project / "content" / folder).glob("*.md"):
            path.unlink()
    report = import_paths(str(export), project / "content", dates=GERMAN_DATES)
    (twenty,) = [r for r in report if r.source.name == "fall-20.html"]
    body = twenty.target.read_text(encoding="utf-8")
    assert "[Startseite](/)" in body and "[allen Fällen](/faelle/)" in body and "[Kontakt](/kontakt/)" in body
