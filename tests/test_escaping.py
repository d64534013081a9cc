"""A tip that contains markup lands as text: in the page, the JSON, the feed and the search."""

import json
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup

from browser import StaticServer
from sitebuild import build, copy_project, free_port, soup, text_of

ATOM = "{http://www.w3.org/2005/Atom}"
NASTY = (
    'Schreiben Sie nie </script><script>window.pwned = 1</script> in eine Mail. '
    'Auch <img src=x onerror="window.pwned = 2"> nicht. '
    "Sagen Sie \"Danke\" & 'bitte' <b>fett</b>."
)
CASE = f"""Title: Der »eingebaute« Kunde und das "böse" <Zeichen>
Fall: 77
Date: 2024-08-01 09:00
Tags: Service, Sicher&Heit

Geschichte mit <em onmouseover="window.pwned = 3">Markup</em>.

## Was ist passiert?

Nichts.

## Der Tipp des »eingebauten« Kunden

{NASTY}
"""


def no_active_markup(html):
    parsed = BeautifulSoup(html, "html.parser")
    assert parsed.find("script") is None
    assert parsed.find("img") is None
    assert not parsed.find(attrs={"onerror": True}) and not parsed.find(attrs={"onmouseover": True})
    return parsed


@pytest.fixture(scope="module")
def nasty_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("nasty")
    project = copy_project(root / "site")
    (project / "content" / "faelle" / "fall-77-nasty.md").write_text(CASE, encoding="utf-8")
    port = free_port()
    result = build(root / "out", project=project, strict=True, siteurl=f"http://127.0.0.1:{port}")
    assert result.returncode == 0, result.stdout + result.stderr
    with StaticServer(root / "out", port) as server:
        server.output = root / "out"
        yield server


def test_case_page_and_tips_page_show_the_markup_as_text(nasty_site):
    for path in ["fall/77/index.html", "tipps/index.html"]:
        page = soup(nasty_site.output / path)
        main = page.find("main")
        no_active_markup(str(main))
        assert "</script><script>window.pwned = 1</script>" in main.get_text()
        assert "<img src=x onerror=" in main.get_text()
        assert "„Danke“" in text_of(main)
    title = soup(nasty_site.output / "fall/77/index.html").find("h1")
    assert text_of(title) == "Der »eingebaute« Kunde und das „böse“ <Zeichen>"


def test_json_keeps_the_text_and_escapes_nothing_into_markup(nasty_site):
    records = json.loads((nasty_site.output / "tipps" / "index.json").read_text(encoding="utf-8"))["tips"]
    record = next(r for r in records if r["case_number"] == 77)
    assert "</script><script>window.pwned = 1</script>" in record["text"]
    assert record["case_title"] == "Der »eingebaute« Kunde und das „böse“ <Zeichen>"
    assert "<img src=x onerror" in no_active_markup(record["html"]).get_text()


@pytest.mark.parametrize("feed", ["tipps.atom.xml", "alle.atom.xml", "alle.rss.xml"])
def test_feeds_stay_well_formed_and_inert(nasty_site, feed):
    root = ET.parse(nasty_site.output / "feeds" / feed).getroot()
    contents = [e.text for e in root.iter() if e.tag in (f"{ATOM}content", "description") and e.text]
    nasty = [c for c in contents if "pwned = 1" in c]
    assert nasty
    for content in nasty:
        parsed = no_active_markup(content)
        assert "</script><script>window.pwned = 1</script>" in parsed.get_text()


@pytest.mark.browser
def test_nothing_runs_in_the_browser(nasty_site, page):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in ["/fall/77/", "/tipps/", "/suche/?q=pwned", '/suche/?q=<img src=x onerror="window.pwned=4">']:
        page.goto(nasty_site.url + path)
        page.wait_for_load_state("networkidle")
        page.hover("main")
        assert page.evaluate("window.pwned") is None, path
        assert page.locator("main img, main script").count() == 0, path
    page.goto(nasty_site.url + "/tipps/")
    page.fill("#tipps-suche", "pwned")
    page.wait_for_function("() => document.getElementById('tipps-liste').dataset.shownFor?.startsWith('pwned|')")
    visible = page.locator("#tipps-treffer > li")
    assert visible.count() == 1
    assert "window.pwned = 2" in visible.inner_text()
    assert page.evaluate("window.pwned") is None
    assert dialogs == [] and page.request_log.errors == []
