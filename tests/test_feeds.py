"""The feeds must be valid, not just parseable: the rules a validator applies."""

import re
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from urllib.parse import urlparse

import feedparser
from bs4 import BeautifulSoup

import feedrules
from sitebuild import build, html_files, published_cases, soup

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
SITEURL = "https://www.der-eingebaute-kunde.de"


def is_absolute(uri):
    parsed = urlparse(uri)
    if parsed.scheme == "tag":
        return bool(re.match(r"^tag:[\w.-]+,\d{4}(-\d\d){0,2}:\S+$", uri))
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


def feed_files(site):
    return sorted((site / "feeds").rglob("*.xml"))


def url_of(site, path):
    return f"{SITEURL}/{path.relative_to(site).as_posix()}"


def case_urls(cases):
    return {f"{SITEURL}/fall/{c.number}/" for c in cases}


def check_atom(site, path):
    root = ET.parse(path).getroot()
    assert root.tag == f"{ATOM}feed"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "de"
    assert is_absolute(root.findtext(f"{ATOM}id"))
    assert RFC3339.match(root.findtext(f"{ATOM}updated"))
    assert root.findtext(f"{ATOM}title")
    self_links = [l for l in root.findall(f"{ATOM}link") if l.get("rel") == "self"]
    assert [l.get("href") for l in self_links] == [url_of(site, path)]
    entries = root.findall(f"{ATOM}entry")
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(ids) == len(set(ids))
    links = []
    for entry in entries:
        assert is_absolute(entry.findtext(f"{ATOM}id"))
        assert RFC3339.match(entry.findtext(f"{ATOM}updated"))
        assert RFC3339.match(entry.findtext(f"{ATOM}published"))
        assert entry.find(f"{ATOM}author/{ATOM}name") is not None or root.find(f"{ATOM}author") is not None
        link = next(l.get("href") for l in entry.findall(f"{ATOM}link") if l.get("rel") in (None, "alternate"))
        assert is_absolute(link)
        content = entry.find(f"{ATOM}content")
        assert content is not None and content.get("type") == "html"
        links.append(link)
    return links, {e.findtext(f"{ATOM}id"): e.find(f"{ATOM}content").text for e in entries}


def check_rss(site, path):
    root = ET.parse(path).getroot()
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext("language") == "de"
    assert channel.findtext("description").strip()
    assert channel.findtext("title").strip()
    assert is_absolute(channel.findtext("link"))
    self_links = [l for l in channel.findall(f"{ATOM}link") if l.get("rel") == "self"]
    assert [l.get("href") for l in self_links] == [url_of(site, path)]
    items = channel.findall("item")
    guids = [i.findtext("guid") for i in items]
    assert len(guids) == len(set(guids))
    links = []
    for item in items:
        guid = item.find("guid")
        if guid.get("isPermaLink", "true") == "true":
            assert is_absolute(guid.text) and urlparse(guid.text).scheme.startswith("http")
        else:
            assert guid.get("isPermaLink") == "false"
        date = parsedate_to_datetime(item.findtext("pubDate"))
        assert date.tzinfo is not None
        assert re.match(r"^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [+-]\d{4}$", item.findtext("pubDate"))
        assert is_absolute(item.findtext("link"))
        links.append(item.findtext("link"))
    return links


def test_main_feeds_list_every_published_case_with_full_content(published_site):
    cases = published_cases()
    atom = published_site / "feeds" / "alle.atom.xml"
    rss = published_site / "feeds" / "alle.rss.xml"
    links, contents = check_atom(published_site, atom)
    assert set(links) == case_urls(cases) and len(links) == len(cases)
    assert set(check_rss(published_site, rss)) == case_urls(cases)
    for content in contents.values():
        text = BeautifulSoup(content, "html.parser").get_text().replace("\xa0", " ")
        assert "Was ist passiert?" in text and "Der Tipp" in text
    parsed = feedparser.parse(atom)
    assert not parsed.bozo and parsed.feed.language == "de"
    assert {e.link for e in parsed.entries} == case_urls(cases)
    parsed_rss = feedparser.parse(rss)
    assert not parsed_rss.bozo and len(parsed_rss.entries) == len(cases)
    for entry in parsed_rss.entries:  # RSS too carries whole cases, not teasers
        text = BeautifulSoup(entry.description, "html.parser").get_text().replace("\xa0", " ")
        assert "Was ist passiert?" in text and "Der Tipp" in text, entry.link


def test_feeds_carry_the_newest_cases_up_to_the_limit(tmp_path):
    limit = 2
    result = build(tmp_path, settings="publishconf.py", overrides={"FEED_MAX_ITEMS": limit})
    assert result.returncode == 0, result.stderr
    newest = sorted(published_cases(), key=lambda case: case.number, reverse=True)[:limit]
    links, _ = check_atom(tmp_path, tmp_path / "feeds" / "alle.atom.xml")
    assert set(links) == case_urls(newest) and len(links) == limit
    assert set(check_rss(tmp_path, tmp_path / "feeds" / "alle.rss.xml")) == case_urls(newest)
    tips = feedparser.parse(tmp_path / "feeds" / "tipps.atom.xml")
    assert not tips.bozo and len(tips.entries) == limit
    assert all(f"/fall/{newest[0].number}/" in entry.link or f"/fall/{newest[1].number}/" in entry.link
               for entry in tips.entries)


def test_every_tag_has_valid_feeds_of_its_cases(published_site):
    by_tag = {}
    for case in published_cases():
        for tag in case.tags:
            by_tag.setdefault(tag, []).append(case)
    tag_pages = soup(published_site / "themen" / "index.html").select("main a[href]")
    assert len(tag_pages) == len(by_tag)
    for a in tag_pages:
        page = published_site / urlparse(a["href"]).path.strip("/") / "index.html"
        head = soup(page).head
        feeds = {l["type"]: l["href"] for l in head.find_all("link", rel="alternate")}
        tag_feeds = [h for h in feeds.values() if "/thema/" in h]
        assert len(tag_feeds) == 2, page
        for href in tag_feeds:
            path = published_site / urlparse(href).path.lstrip("/")
            expected = case_urls(by_tag[a.get_text()])
            if path.name.endswith(".atom.xml"):
                assert set(check_atom(published_site, path)[0]) == expected
            else:
                assert set(check_rss(published_site, path)) == expected


def test_ids_are_unique_and_all_feeds_valid(published_site):
    files = feed_files(published_site)
    assert len(files) >= 4
    for path in files:
        if path.name.endswith(".atom.xml"):
            check_atom(published_site, path)
        else:
            check_rss(published_site, path)
    feed_ids = [ET.parse(p).getroot().findtext(f"{ATOM}id") for p in files if p.name.endswith(".atom.xml")]
    assert len(feed_ids) == len(set(feed_ids))


def test_every_page_links_the_feeds_in_its_head(published_site):
    for page in html_files(published_site):
        head = soup(page).head
        types = {l.get("type"): l["href"] for l in head.find_all("link", rel="alternate")}
        assert "application/atom+xml" in types and "application/rss+xml" in types, page
        for href in types.values():
            assert (published_site / urlparse(href).path.lstrip("/")).is_file(), href


def test_no_feed_breaks_a_rule_of_the_w3c_validator(published_site):
    files = feed_files(published_site)
    found = {path.name: feedrules.problems(path, url_of(published_site, path)) for path in files}
    assert found == {path.name: [] for path in files}


def test_the_rules_catch_what_the_validator_reports(tmp_path):
    """The rules themselves: a feed with the faults the validator reported
    on earlier builds of this site."""
    feed = tmp_path / "kaputt.atom.xml"
    feed.write_text(
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>https://x.de/f.xml</id>'
        '<updated>2024-05-14T09:00:00+02:00</updated><link href="https://x.de/f.xml" rel="self"/>'
        '<author><name>A</name></author>'
        + "".join(
            f'<entry><title>Tipp &amp;amp; mehr</title><id>tag:x.de,2024-05-14:/fall/6/{n}</id>'
            '<updated>2024-05-14T09:00:00+02:00</updated>'
            '<content type="html">&lt;aside aria-labelledby="t" class="tipp"&gt;x&lt;/aside&gt;</content></entry>'
            for n in ("#tipp", "#tipp 2")
        )
        + "</feed>",
        encoding="utf-8",
    )
    found = " ".join(feedrules.problems(feed, "https://x.de/f.xml"))
    for rule in ("DuplicateUpdated", "InvalidTAG", "SecurityRiskAttr aria-labelledby", "ContainsHTML &amp;"):
        assert rule in found
