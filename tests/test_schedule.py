"""Scheduled cases (plugins/cases/schedule.py): a case dated in the future
is off the published site until a build on or after its date — also when
that build takes the case from the cache — and marked in the preview.
The clock is the SCHEDULE_NOW setting: no test waits."""

import gzip
import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlparse

import feedparser
import pytest
from pypdf import PdfReader

from browser import StaticServer
from sitebuild import build, copy_project, free_port, one_line, soup, text_of

SITEURL = "https://www.der-eingebaute-kunde.de"
CASE_FILE = "faelle/fall-12-zeitkapsel.md"
SCHEDULED = """\
Title: Der »eingebaute« Kunde und die Zeitkapsel
Fall: 12
Date: 2030-05-14 09:00
Tags: Service
Summary: Ein Händler verspricht eine Lieferung in ferner Zukunft.
Image: images/fall-12.jpg
Image_alt: Ein zugeklebter Pappkarton auf einem Tisch
Image_credit: Demo-Grafik

Die Zeitkapsel kam nie an, und der Händler schwieg.

## Der Tipp des »eingebauten« Kunden

Versprechen Sie bei der Zeitkapsel nur, was Sie halten können.
"""
BEFORE, AT = "2030-05-14T08:59", "2030-05-14T09:00"
# Pelican's debug log names every source it reads; a cached one it does not read.
READ = re.compile(r"Read file (\S+\.md) -> Article")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("schedule") / "site")
    (project / "content" / CASE_FILE).write_text(SCHEDULED, encoding="utf-8")
    shutil.copyfile(project / "content" / "images" / "fall-05.jpg", project / "content" / "images" / "fall-12.jpg")
    return project


def built(project, output, settings, now, siteurl=None):
    """Build with the project's own cache, as if it were ``now``; return the cases read (not cached)."""
    result = build(output, project=project, settings=settings, strict=True, options=["--debug"], siteurl=siteurl,
                   overrides={"CACHE_PATH": str(project / "cache"), "SCHEDULE_NOW": now})
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return set(READ.findall(one_line(result.stdout + result.stderr)))


@pytest.fixture(scope="module")
def published(project, tmp_path_factory):
    """The published site a minute before case 12's date, then at its date, with the same cache."""
    before, at = tmp_path_factory.mktemp("vorher"), tmp_path_factory.mktemp("am-tag")
    read_before = built(project, before, "publishconf.py", BEFORE)
    read_at = built(project, at, "publishconf.py", AT)
    return before, at, read_before, read_at


def search_records(output):
    """Every record of every Pagefind bundle (a fragment is gzip'd JSON after a 12-byte signature)."""
    return [json.loads(gzip.decompress(path.read_bytes())[12:])
            for path in Path(output).glob("pagefind*/fragment/*.pf_fragment")]


def links_to_case(page):
    return any(urlparse(a["href"]).path == "/fall/12/" for a in soup(page).find_all("a", href=True))


def places(output):
    """Where case 12 could show on the published site: what each place says of it."""
    case_url = f"{SITEURL}/fall/12/"
    feeds = {name: [e.link for e in feedparser.parse(output / "feeds" / name).entries]
             for name in ("alle.atom.xml", "alle.rss.xml", "tipps.atom.xml", "thema/service.atom.xml")}
    booklet = "\n".join(page.extract_text() for page in PdfReader(output / "tipps" / "alle-tipps.pdf").pages)
    return {
        "page": (output / "fall" / "12" / "index.html").is_file(),
        "home": links_to_case(output / "index.html"),
        "list": links_to_case(output / "faelle" / "index.html"),
        "theme": links_to_case(output / "thema" / "service" / "index.html"),
        "feeds": {name: any(link.startswith(case_url) for link in links) for name, links in feeds.items()},
        "tips page": any("Zeitkapsel" in text_of(item) for item in soup(output / "tipps" / "index.html").select("#tipps-liste > li")),
        "tips index": any(r["case_number"] == 12 for r in json.loads((output / "tipps" / "index.json").read_bytes())["tips"]),
        "search": any(r["url"].startswith("/fall/12/") or "Zeitkapsel" in r["content"] for r in search_records(output)),
        "booklet": "Zeitkapsel" in booklet,
        "sitemap": case_url in (output / "sitemap.xml").read_text(encoding="utf-8"),
        "card": any((output / "karten").glob("fall-12-*")),
        "photo": any((output / "images").glob("fall-12-*")),
    }


def test_a_scheduled_case_is_nowhere_on_the_published_site(published):
    before, _, _, _ = published
    found = places(before)
    assert found == {**{place: False for place in found}, "feeds": {name: False for name in found["feeds"]}}
    assert not (before / "entwurf").exists()
    # Nor anywhere else in a text file of the site.
    texts = [p for p in before.rglob("*") if p.suffix in {".html", ".xml", ".json", ".txt", ".js"}]
    assert texts and not [p for p in texts if "Zeitkapsel" in p.read_text(encoding="utf-8", errors="replace")]


def test_on_its_date_the_case_is_everywhere_though_it_was_cached(published):
    _, at, read_before, read_at = published
    assert CASE_FILE in read_before
    assert CASE_FILE not in read_at  # taken from the cache written while it was still to come
    found = places(at)
    assert found == {**{place: True for place in found}, "feeds": {name: True for name in found["feeds"]}}
    page = soup(at / "fall" / "12" / "index.html")
    assert text_of(page.h1) == "Der »eingebaute« Kunde und die Zeitkapsel"
    assert page.select_one(".case__scheduled") is None


def test_the_preview_shows_a_scheduled_case_marked(project, tmp_path):
    built(project, tmp_path / "vorher", "pelicanconf.py", BEFORE)
    preview = tmp_path / "vorher"
    assert not (preview / "fall" / "12").exists()
    page = soup(preview / "entwurf" / "12" / "index.html")
    note = page.select_one("article .case__scheduled")
    assert text_of(note) == ("Geplant für 14. Mai 2030, 09:00 Uhr: erst dann erscheint dieser Fall "
                             "auf der veröffentlichten Website.")
    assert note.find_parent("header") is not None and note.find_next("h1") is page.h1  # read before the title
    assert not any("/entwurf/12/" in a["href"] or "/fall/12/" in a["href"]
                   for a in soup(preview / "index.html").find_all("a", href=True))

    built(project, tmp_path / "am-tag", "pelicanconf.py", AT)
    page = soup(tmp_path / "am-tag" / "fall" / "12" / "index.html")
    assert page.select_one(".case__scheduled") is None
    assert not (tmp_path / "am-tag" / "entwurf" / "12").exists()


def test_the_clock_is_the_real_one_without_schedule_now():
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from cases.schedule import build_time, is_scheduled

    zone = ZoneInfo("Europe/Berlin")
    now = build_time({"TIMEZONE": "Europe/Berlin", "SCHEDULE_NOW": None})
    assert abs(now - datetime.now(zone)) < timedelta(minutes=5)
    assert build_time({"TIMEZONE": "Europe/Berlin", "SCHEDULE_NOW": AT}) == datetime(2030, 5, 14, 9, 0, tzinfo=zone)
    assert is_scheduled(datetime(2030, 5, 14, 9, 1, tzinfo=zone), datetime(2030, 5, 14, 9, 0, tzinfo=zone))
    assert not is_scheduled(datetime(2030, 5, 14, 9, 0, tzinfo=zone), datetime(2030, 5, 14, 9, 0, tzinfo=zone))


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_mark_is_seen_and_accessible(project, tmp_path, chromium, scheme):
    from playwright.sync_api import expect
    from test_reader_browser import axe_violations

    port = free_port()
    built(project, tmp_path / "vorschau", "pelicanconf.py", BEFORE, siteurl=f"http://127.0.0.1:{port}")
    with StaticServer(tmp_path / "vorschau", port) as server:
        context = chromium.new_context(color_scheme=scheme, bypass_csp=True)
        page = context.new_page()
        page.goto(f"{server.url}/entwurf/12/")
        note = page.get_by_text("Geplant für 14. Mai 2030, 09:00 Uhr")
        expect(note).to_be_visible()
        assert note.evaluate("n => n.closest('article') !== null")
        assert axe_violations(page) == []
        context.close()


def test_a_schedule_now_that_is_no_moment_is_a_message(project, tmp_path):
    result = build(tmp_path / "out", project=project, settings="publishconf.py", strict=True,
                   overrides={"CACHE_PATH": str(project / "cache"), "SCHEDULE_NOW": "morgen früh"})
    assert result.returncode != 0
    messages = one_line(result.stdout + result.stderr)
    assert "SCHEDULE_NOW = „morgen früh“ ist kein Zeitpunkt. Schreiben Sie ihn wie 2025-05-14T09:00" in messages
    assert "Traceback" not in messages
