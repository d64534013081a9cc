"""What the tips plugin writes into the built demo site."""

import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlparse

import feedparser
import pytest

from sitebuild import build, copy_project, demo_cases, html_files, published_cases, soup, text_of

ATOM = "{http://www.w3.org/2005/Atom}"
SITEURL = "https://www.der-eingebaute-kunde.de"


def expected_tip_count():
    return sum(case.tip_sections for case in published_cases())


def listed_tips(site, path="tipps/index.html"):
    return soup(site / path).select("#tipps-liste > li")


def test_tips_page_lists_every_tip_newest_case_first(published_site):
    items = listed_tips(published_site)
    assert len(items) == expected_tip_count() > 0
    numbers = [int(re.fullmatch(r"Fall (\d+)", text_of(i.select_one(".kicker"))).group(1)) for i in items]
    assert numbers == sorted(numbers, reverse=True)
    by_number = {c.number: c for c in published_cases()}
    for item, number in zip(items, numbers):
        case = by_number[number]
        assert re.findall(r"\w+", text_of(item.h2)) == re.findall(r"\w+", case.metadata["title"])
        assert text_of(item.select_one(".tips-text"))  # the tip's full text
        tags = [text_of(a) for a in item.select(".meta a[href*='/thema/']")]
        assert tags == case.tags
        tip_link = item.select_one(f".meta a[href*='/fall/{number}/#tipp']")
        assert text_of(tip_link) == f"Zum Tipp im {number}. Fall"


def test_oldest_first_is_the_same_list_reversed(published_site):
    newest = [i["data-url"] for i in listed_tips(published_site)]
    oldest = [i["data-url"] for i in listed_tips(published_site, "tipps/aelteste-zuerst/index.html")]
    assert oldest == newest[::-1]
    switch = soup(published_site / "tipps" / "index.html").select_one(".tips-order a")
    assert switch["href"].endswith("/tipps/aelteste-zuerst/")


def test_index_json_holds_the_same_records_in_a_stable_order(published_site, tmp_path):
    raw = (published_site / "tipps" / "index.json").read_bytes()
    records = json.loads(raw.decode("utf-8"))["tips"]
    assert "»eingebaute«".encode() in raw  # real UTF-8, not \u escapes
    assert len(records) == expected_tip_count()
    keys = [(r["case_number"], r["position"]) for r in records]
    assert keys == sorted(keys)
    page_urls = {SITEURL + i["data-url"] for i in listed_tips(published_site)}
    assert {r["tip_url"] for r in records} == page_urls
    for record in records:
        assert record["tip_url"] == f"{record['case_url']}#{'tipp' if record['position'] == 1 else 'tipp-%d' % record['position']}"
        assert record["text"] and record["html"] and record["heading"]
        assert set(record) >= {"case_number", "case_title", "case_url", "tip_url", "heading", "text", "html", "tags", "date"}
    # Another build of the same content gives byte-identical JSON.
    assert build(tmp_path / "again", settings="publishconf.py").returncode == 0
    assert raw == (tmp_path / "again" / "tipps" / "index.json").read_bytes()


def test_tips_feed_has_one_entry_per_tip_linking_into_its_case(published_site):
    path = published_site / "feeds" / "tipps.atom.xml"
    feed = feedparser.parse(path)
    assert not feed.bozo
    assert len(feed.entries) == expected_tip_count()
    links = [e.link for e in feed.entries]
    assert len(set(links)) == len(links)
    assert set(links) == {SITEURL + i["data-url"] for i in listed_tips(published_site)}
    root = ET.parse(path).getroot()
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "de"
    ids = [e.findtext(f"{ATOM}id") for e in root.findall(f"{ATOM}entry")]
    assert len(set(ids)) == len(ids)
    head = soup(published_site / "tipps" / "index.html").head
    feeds = [l["href"] for l in head.find_all("link", rel="alternate")]
    assert f"{SITEURL}/feeds/tipps.atom.xml" in feeds


def test_drafts_contribute_no_tips(published_site, preview_site):
    drafts = [c for c in demo_cases() if c.is_draft]
    assert drafts and all(d.tip_sections for d in drafts)
    for site in (published_site, preview_site):
        items = listed_tips(site)
        assert len(items) == expected_tip_count()
        for draft in drafts:
            assert not any(f"/fall/{draft.number}/" in i["data-url"] for i in items)
    records = json.loads((preview_site / "tipps" / "index.json").read_text(encoding="utf-8"))["tips"]
    assert {r["case_number"] for r in records} == {c.number for c in published_cases()}


def test_every_tip_link_resolves_to_a_box_on_the_case_page(published_site):
    links = [a["href"] for a in soup(published_site / "tipps" / "index.html").select("a[href*='#tipp']")]
    links += [r["tip_url"] for r in json.loads((published_site / "tipps" / "index.json").read_text())["tips"]]
    links += [e.link for e in feedparser.parse(published_site / "feeds" / "tipps.atom.xml").entries]
    assert links
    for link in links:
        url = urlparse(link)
        page = soup(published_site / url.path.strip("/") / "index.html")
        target = page.find(id=url.fragment)
        assert target is not None and target.name == "aside" and "tipp" in target["class"], link


def test_case_pages_box_each_tip(published_site):
    for case in published_cases():
        page = soup(published_site / "fall" / str(case.number) / "index.html")
        asides = page.select("main aside.tipp")
        assert [a["id"] for a in asides] == ["tipp"] + [f"tipp-{i}" for i in range(2, case.tip_sections + 1)]
        for aside in asides:
            assert page.find(id=aside["aria-labelledby"]) in aside.find_all(True)
        ids = [t["id"] for t in page.find_all(id=True)]
        assert len(ids) == len(set(ids))


def test_search_page_and_header_search(published_site):
    search_page = published_site / "suche" / "index.html"
    assert search_page.is_file()
    for page in html_files(published_site):
        form = soup(page).select_one("header form[role=search]")
        assert form is not None, page
        assert form["method"] == "get" and form["action"] == "/suche/"
        assert form.find("input", attrs={"name": "q"})
    bundle = published_site / "pagefind"
    assert (bundle / "pagefind.js").is_file()
    assert list(bundle.glob("wasm.de.pagefind"))


def test_pages_without_search_load_no_script(published_site):
    for page in html_files(published_site):
        # JSON-LD is data, not script: browsers do not run it.
        scripts = [s for s in soup(page).find_all("script") if s.get("type") != "application/ld+json"]
        relative = page.relative_to(published_site).as_posix()
        if relative in ("tipps/index.html", "tipps/aelteste-zuerst/index.html", "suche/index.html"):
            assert scripts and all(s.get("src", "").startswith("/theme/") and not s.string for s in scripts)
        else:
            assert scripts == [], relative


def case_with(text, number=90):
    return (
        f"Title: Der »eingebaute« Kunde und der Testfall {number}\n"
        f"Fall: {number}\nDate: 2024-09-01 09:00\nTags: Service\n\n"
        f"Eine kurze Geschichte.\n\n## Was ist passiert?\n\nEtwas.\n\n{text}"
    )


@pytest.mark.parametrize(
    "tip, where, message",
    [
        ("## Fazit\n\nKein Tipp hier.\n", "content/faelle/fall-90-test.md:", "Dieser Fall hat keinen Tipp."),
        # The empty tip's heading is on line 12 of the source.
        ("## Der Tipp des »eingebauten« Kunden\n", "content/faelle/fall-90-test.md:12:",
         "Unter der Überschrift „Der Tipp des »eingebauten« Kunden“ steht kein Text."),
    ],
)
def test_a_case_without_a_tip_is_reported_and_fails_a_strict_build(tmp_path, tip, where, message):
    project = copy_project(tmp_path / "site")
    path = project / "content" / "faelle" / "fall-90-test.md"
    path.write_text(case_with(tip), encoding="utf-8")
    lenient = build(tmp_path / "lenient", project=project)
    log = " ".join((lenient.stdout + lenient.stderr).split())
    assert lenient.returncode == 0
    assert f"{where} {message}" in log, log
    assert (tmp_path / "lenient" / "fall" / "90" / "index.html").is_file()
    strict = build(tmp_path / "strict", project=project, strict=True)
    assert strict.returncode != 0
    assert message in " ".join((strict.stdout + strict.stderr).split())


def test_a_draft_may_lack_a_tip(tmp_path):
    project = copy_project(tmp_path / "site")
    text = case_with("## Fazit\n\nNoch kein Tipp.\n").replace("Tags: Service", "Tags: Service\nStatus: draft")
    (project / "content" / "faelle" / "fall-90-entwurf.md").write_text(text, encoding="utf-8")
    assert build(tmp_path / "out", project=project, strict=True).returncode == 0
