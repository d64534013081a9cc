"""Author text is text: a hostile case and a hostile page, put through every
page type, the feeds, the JSON and the search, inject nothing and show
exactly what the author wrote (German typography aside)."""

import json
import re
import shutil
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import feedparser
import pytest
from bs4 import BeautifulSoup

from browser import StaticServer
from sitebuild import CONTENT, build, copy_project, free_port, html_files, one_line, soup

# Everything that could end an element, an attribute, a CDATA section, a
# comment or a template, or run a script, in one line of author text.
HOSTILE = (
    "</title></script><script>window.pwned = 1</script> <img src=x onerror=\"window.pwned = 2\"> "
    "\"Anführung\" 'halb' & Co ]]> --> {{ 7*7 }} {% if x %}"
)
TITLE = f"Der »eingebaute« Kunde und {HOSTILE}"
TAGS = ["Service & Support", "Sicher&Heit", "<b>Fett</b> \"Etikett\""]
PHOTO = "images/foto \"böse\" & 'mehr' <x>.jpg"
TIP_TEXT = f"Sagen Sie {HOSTILE}. Zweiter Satz mit `</script><img src=y onerror=\"window.pwned = 3\">`."
CASE = f"""Title: {TITLE}
Fall: 77
Date: 2024-08-01 09:00
Tags: {", ".join(TAGS)}
Summary: Anreißer {HOSTILE} [klick](javascript:window.pwned=4)
Image: {PHOTO}
Image_alt: Bild {HOSTILE}
Image_credit: Quelle {HOSTILE}

Geschichte {HOSTILE}
{{: onclick="window.pwned = 5" .absatz }}

Mit [Link](javascript:window.pwned=6), [Daten](data:text/html,<script>window.pwned=7</script>),
[versteckt](&#106;avascript:window.pwned=8), ![Bild](javascript:window.pwned=9)
und [echtem Link](https://example.org/a?b=1&c=2).

## Was ist passiert?

Nichts.

## Der Tipp {HOSTILE}

{TIP_TEXT}

## Tipp zum Schluss {{: onfocus="window.pwned = 10" autofocus tabindex="1" .extra }}

Noch ein Satz.
"""
PAGE = f"""Title: Seite {HOSTILE}
Slug: boese-seite
Summary: Seitenanreißer {HOSTILE}

Seitentext {HOSTILE}
{{: onmouseover="window.pwned = 11" }}

[Weiter](javascript:window.pwned=12)
"""
# The lines the problems must name, counted in CASE and PAGE above.
REFUSED = {
    "content/faelle/fall-77-boese.md": [5, 11, 13, 13, 14, 14, 25],
    "content/pages/boese.md": [6, 8],
}
SCRIPT_URL = re.compile(r"^\s*(javascript|data|vbscript):", re.I)
EVENT_HANDLER = re.compile(r"^on", re.I)


def typeset_away(text):
    """Text with German typography undone, to compare with the source."""
    for typeset, plain in (("„", '"'), ("“", '"'), ("‚", "'"), ("‘", "'"), ("–", "--"), ("\xa0", " "), ("\xad", "")):
        text = text.replace(typeset, plain)
    return " ".join(text.split())


def shown(text):
    return typeset_away(text)


@pytest.fixture(scope="module")
def hostile_project(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("boese") / "site")
    (project / "content" / "faelle" / "fall-77-boese.md").write_text(CASE, encoding="utf-8")
    (project / "content" / "pages" / "boese.md").write_text(PAGE, encoding="utf-8")
    shutil.copyfile(CONTENT / "images" / "fall-05.jpg", project / "content" / PHOTO)
    return project


@pytest.fixture(scope="module")
def hostile_site(hostile_project, tmp_path_factory):
    """Built leniently (the refused markup is reported, the rest built) and
    served without a Content-Security-Policy, so an injection would run."""
    output = tmp_path_factory.mktemp("boese-out")
    port = free_port()
    result = build(output, project=hostile_project, siteurl=f"http://127.0.0.1:{port}")
    assert result.returncode == 0, result.stdout + result.stderr
    with StaticServer(output, port, policy=False) as server:
        server.output = output
        server.log = result.stdout + result.stderr
        yield server


PAGES_SHOWING_IT = [
    "fall/77/index.html", "index.html", "faelle/index.html", "archiv/index.html",
    "archiv/2024/index.html", "themen/index.html", "thema/sicherheit/index.html",
    "thema/service-support/index.html", "tipps/index.html", "tipps/aelteste-zuerst/index.html",
    "boese-seite/index.html",
]


def test_the_refused_markup_is_reported_with_file_and_line(hostile_site):
    log = one_line(hostile_site.log)
    for path, lines in REFUSED.items():
        for line in set(lines):
            assert f"{path}:{line}:" in log, (path, line)
    assert log.count("nicht erlaubt") == sum(map(len, REFUSED.values()))
    assert "„onfocus, autofocus, tabindex“ nicht erlaubt" in log
    assert "Die Adresse „javascript:window.pwned=6“ ist nicht erlaubt" in log
    banner = soup(hostile_site.output / "index.html").find(class_="build-problems")
    assert "content/faelle/fall-77-boese.md:13" in banner.get_text()
    assert "content/pages/boese.md:6" in banner.get_text()  # pages are named too, not only cases
    assert "Probleme in den Texten der Website" in " ".join(banner.get_text().split())


def test_a_strict_build_fails_on_refused_markup(hostile_project, tmp_path):
    result = build(tmp_path, project=hostile_project, settings="publishconf.py", strict=True)
    assert result.returncode != 0
    log = one_line(result.stdout + result.stderr)
    assert "nicht erlaubt" in log and "Abgebrochen: der strenge Bau" in log
    assert "Traceback" not in log


def test_no_element_anywhere_carries_a_handler_or_a_script_url(hostile_site):
    checked = 0
    for path in html_files(hostile_site.output):
        for element in soup(path).find_all(True):
            checked += 1
            for name, value in element.attrs.items():
                assert not EVENT_HANDLER.match(name), (path, element)
                values = value if isinstance(value, list) else [value]
                assert not any(SCRIPT_URL.match(v) for v in values), (path, element)
            if element.name == "script":
                assert element.get("type") == "application/ld+json" or element.get("src", "").startswith(
                    "/theme/"
                ), (path, element)
            assert element.name not in ("img", "iframe", "object", "embed") or element.get("src", "").startswith(
                "/images/"
            ), (path, element)
    assert checked > 1000


@pytest.mark.parametrize("path", PAGES_SHOWING_IT)
def test_every_page_shows_the_text_as_written_and_escapes_it_once(hostile_site, path):
    html = (hostile_site.output / path).read_text(encoding="utf-8")
    page = BeautifulSoup(html, "html.parser")
    titles = page.find_all("title")
    assert len(titles) == 1 and titles[0].parent.name == "head"
    assert titles[0].get_text().endswith(" – Der »eingebaute« Kunde") or path == "index.html"
    text = shown(page.find("main").get_text(" "))
    shows = [shown(tag) for tag in TAGS] if path == "themen/index.html" else [shown(HOSTILE)]
    assert all(part in text for part in shows)
    assert "49" not in text  # {{ 7*7 }} is text, never a template
    for visible in [text, *(shown(m.get("content", "")) for m in page.find_all("meta"))]:
        for twice in ("&amp;", "&lt;", "&gt;", "&#34;", "&#39;", "&quot;"):
            assert twice not in visible, (path, twice)


def test_case_page_title_meta_and_json_ld_carry_the_text(hostile_site):
    page = soup(hostile_site.output / "fall/77/index.html")
    assert shown(page.title.get_text()) == shown(f"{TITLE} – Der »eingebaute« Kunde")
    assert shown(page.find("h1").get_text()) == shown(TITLE)
    meta = {m.get("property") or m.get("name"): m.get("content") for m in page.find_all("meta")}
    assert shown(meta["og:title"]) == shown(TITLE)
    assert shown(meta["description"]) == shown(f"Anreißer {HOSTILE} klick")
    assert shown(meta["og:image:alt"]) == shown(f"Der 77. Fall: {TITLE}")  # the share card
    ld = json.loads(page.find("script", type="application/ld+json").string)
    assert shown(ld["headline"]) == shown(TITLE)
    assert ld["keywords"] == ", ".join(TAGS)
    assert shown(page.find("figcaption").get_text()) == shown(f"Foto: Quelle {HOSTILE}")
    img = page.find("figure").find("img")
    assert shown(img["alt"]) == shown(f"Bild {HOSTILE}")
    assert [a.get_text() for a in page.select("a.tag")] == TAGS
    tip, last_tip = page.find_all("aside", class_="tipp")
    assert shown(tip.find("h2").get_text()) == shown(f"Der Tipp {HOSTILE}")
    assert shown(last_tip.find("h2").get_text()) == "Tipp zum Schluss"
    assert last_tip.find("h2").attrs == {"class": ["extra"], "id": "tipp-zum-schluss"}
    body = page.find(class_="case__body")
    assert [a["href"] for a in body.find_all("a")] == ["https://example.org/a?b=1&c=2"]
    assert "absatz" in body.find("p")["class"]
    assert "Mit Link, Daten, versteckt, Bild" in shown(body.get_text())


def test_home_shows_the_first_sentence_of_the_tip_as_text(hostile_site):
    teaser = next(
        t for t in soup(hostile_site.output / "index.html").select(".case-teaser") if "77. Fall" in t.get_text()
    )
    assert shown(teaser.select_one(".case-teaser__tip").get_text(" ")).startswith(f"Der Tipp: Sagen Sie {shown(HOSTILE)}.")


def test_photo_file_name_is_a_url_not_markup(hostile_site):
    img = soup(hostile_site.output / "fall/77/index.html").find("figure").find("img")
    for url in [img["src"], *(entry.split()[0] for entry in img["srcset"].split(","))]:
        assert " " not in url and '"' not in url and "<" not in url
        assert urlsplit(url).path.startswith("/images/foto%20%22b%C3%B6se%22%20%26%20%27mehr%27%20%3Cx%3E-")
    assert len(img["srcset"].split(",")) == 3


def test_feeds_parse_and_carry_the_same_text(hostile_site):
    for name in ["alle.atom.xml", "alle.rss.xml", "tipps.atom.xml", "thema/sicherheit.atom.xml"]:
        path = hostile_site.output / "feeds" / name
        ET.parse(path)  # well-formed
        feed = feedparser.parse(path.read_bytes())
        assert not feed.bozo, (name, feed.bozo_exception)
        entry = next(e for e in feed.entries if "/fall/77/" in e.link)
        assert shown(entry.title) == shown(TITLE) or shown(entry.title).startswith(shown(f"Tipp aus Fall 77: {TITLE}"))
        content = BeautifulSoup(entry.content[0].value if "content" in entry else entry.summary, "html.parser")
        assert shown(HOSTILE) in shown(content.get_text())
        assert not content.find(["script", "img"]) or all(
            i.get("src", "").startswith(f"{hostile_site.url}/") for i in content.find_all("img")
        )
        for element in content.find_all(True):
            assert not any(EVENT_HANDLER.match(a) for a in element.attrs), (name, element)
            assert not SCRIPT_URL.match(element.get("href", "")), (name, element)


def test_json_and_sitemap_carry_the_same_text(hostile_site):
    records = json.loads((hostile_site.output / "tipps" / "index.json").read_text(encoding="utf-8"))["tips"]
    record = next(r for r in records if r["case_number"] == 77)
    assert shown(record["case_title"]) == shown(TITLE)
    assert shown(record["heading"]) == shown(f"Der Tipp {HOSTILE}")
    assert shown(record["text"]) == shown(TIP_TEXT.replace("`", ""))
    assert record["tags"] == TAGS
    html = BeautifulSoup(record["html"], "html.parser")
    assert not html.find(["script", "img"]) and shown(HOSTILE) in shown(html.get_text())
    sitemap = ET.parse(hostile_site.output / "sitemap.xml").getroot()
    locations = [e.text for e in sitemap.iter() if e.tag.endswith("loc")]
    assert f"{hostile_site.url}/boese-seite/" in locations and f"{hostile_site.url}/fall/77/" in locations


@pytest.mark.browser
def test_nothing_runs_in_the_browser_on_any_page(hostile_site, page):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in PAGES_SHOWING_IT + ["404.html", "suche/"]:
        url = f"{hostile_site.url}/{path.removesuffix('index.html')}"
        page.goto(url)
        page.wait_for_load_state("networkidle")
        page.hover("main")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        assert page.evaluate("window.pwned") is None, path
    page.goto(f"{hostile_site.url}/fall/77/")
    assert shown(page.title()) == shown(f"{TITLE} – Der »eingebaute« Kunde")
    photo = page.locator("figure img")
    assert photo.evaluate("img => img.complete && img.naturalWidth") > 0
    assert dialogs == [] and page.request_log.errors == []


@pytest.mark.browser
def test_search_shows_the_text_as_written(hostile_site, page):
    page.goto(f"{hostile_site.url}/suche/?q=Anführung")
    page.wait_for_selector("#suche-ergebnisse li")
    results = page.locator("#suche-ergebnisse li")
    texts = [shown(results.nth(i).inner_text()) for i in range(results.count())]
    assert texts and any("<img src=x onerror=" in t for t in texts)
    assert not any("&lt;" in t or "&amp;" in t or "&quot;" in t for t in texts)
    assert page.locator("main img, main script").count() == 0
    page.goto(f"{hostile_site.url}/tipps/")
    page.fill("#tipps-suche", "Anführung")
    page.wait_for_function("() => document.getElementById('tipps-liste').dataset.shownFor?.startsWith('Anführung|')")
    visible = page.locator("#tipps-treffer > li")
    assert any(shown(HOSTILE) in shown(visible.nth(i).inner_text()) for i in range(visible.count()))
    assert page.evaluate("window.pwned") is None


# A "<" with neither ">" nor "&" in the same text: Markdown writes it as
# &lt;, and a tip's text must come out of the tip boxing escaped again.
BARE_LESS_THAN = ["a <b c", "<img src=x onerror=alert(1)//"]


def test_a_bare_less_than_in_a_tip_is_shown_as_written(tmp_path):
    project = copy_project(tmp_path / "site")
    (project / "content" / "faelle" / "fall-78-kleiner.md").write_text(
        "Title: Der »eingebaute« Kunde und das Kleinerzeichen\nFall: 78\nDate: 2024-08-02 09:00\n\n"
        "Eine Geschichte.\n\n## Was ist passiert?\n\nNichts.\n\n## Der Tipp des »eingebauten« Kunden\n\n"
        f"Schreiben Sie {BARE_LESS_THAN[0]} ohne Folgen\n\nund {BARE_LESS_THAN[1]}\n",
        encoding="utf-8",
    )
    output = tmp_path / "out"
    result = build(output, project=project, strict=True, overrides={"SEARCH_INDEX": False})
    assert result.returncode == 0, result.stdout + result.stderr
    for path, tip_class in [("fall/78/index.html", "tipp"), ("tipps/index.html", "tips-item")]:
        tip = next(t for t in soup(output / path).find_all(class_=tip_class) if "Schreiben Sie" in shown(t.get_text()))
        paragraphs = {shown(p.get_text()): p for p in tip.find_all("p")}
        for written in [f"Schreiben Sie {BARE_LESS_THAN[0]} ohne Folgen", f"und {BARE_LESS_THAN[1]}"]:
            assert written in paragraphs, (path, list(paragraphs))
            assert not paragraphs[written].find(True), path  # text only, no element made from it
        assert not soup(output / path).find(attrs={"onerror": True}), path
