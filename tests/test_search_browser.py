"""Readers searching, in Chromium: /tipps/ narrows as they type, /suche/ finds cases and tips."""

import gzip
import json
import re

import pytest
from bs4 import BeautifulSoup

from browser import StaticServer
from sitebuild import build, free_port, published_cases

pytestmark = pytest.mark.browser


def fold(text):
    return text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")


def tip_records(site):
    return json.loads((site.output / "tipps" / "index.json").read_text(encoding="utf-8"))["tips"]


def expected_tips(site, stem):
    """The tips whose text has the word, alone or inside a longer word."""
    return {
        re.sub(r"^https?://[^/]+", "", r["tip_url"])
        for r in tip_records(site)
        if fold(stem) in fold(r["text"])
    }


def visible_tips(page):
    """The tips the reader sees: the matches' list or the whole list."""
    return page.eval_on_selector_all(
        "#tipps-treffer > li, #tipps-liste > li",
        "items => items.filter(i => i.checkVisibility()).map(i => ({url: i.dataset.url, marks: [...i.querySelectorAll('mark')].map(m => m.textContent)}))",  # noqa: E501
    )


def search_tips(page, query):
    page.fill("#tipps-suche", query)
    page.wait_for_function(
        "q => document.getElementById('tipps-liste').dataset.shownFor?.startsWith(q + '|')", arg=query
    )
    return visible_tips(page)


@pytest.mark.parametrize(
    "query, stem, why",
    [
        ("Beschwerde", "beschwerd", "a plain word"),
        ("Kunde", "kund", "stemming: the tips say only Kunden"),
        ("Abwesenheitsnotiz", "abwesenheitsnotiz", "the whole compound"),
        ("Notiz", "notiz", "the last part of a compound"),
        ("Mail", "mail", "a part of E-Mail-Programm"),
        ("Hoheit", "hoheit", "the last part of Kommunikationshoheit"),
        ("Wertschätzung", "wertschätzung", "umlaut"),
        ("Wertschaetzung", "wertschätzung", "umlaut typed as ae"),
        ("gemaess", "gemäß", "ß typed as ss"),
    ],
)
def test_typing_narrows_the_tips_list_with_highlighting(served_site, page, query, stem, why):
    expected = expected_tips(served_site, stem)
    assert expected, f"the demo content should have a tip for {why}"
    assert len(expected) < len(tip_records(served_site)), "the query should narrow the list"
    page.goto(served_site.url + "/tipps/")
    shown = search_tips(page, query)
    assert {tip["url"] for tip in shown} == expected, why
    for tip in shown:
        assert any(fold(stem)[:4] in fold(mark) for mark in tip["marks"]), tip
    assert page.request_log.errors == []


def test_the_stemming_case_is_real(served_site):
    # "Kunde" must be found in a tip that never says "Kunde" itself.
    only_plural = [r for r in tip_records(served_site) if "Kunden" in r["text"] and not re.search(r"\bKunde\b", r["text"])]
    assert only_plural


def test_compound_parts_do_not_make_false_hits(served_site, page):
    assert not expected_tips(served_site, "hund")
    assert any("Kunden" in r["text"] for r in tip_records(served_site))
    page.goto(served_site.url + "/tipps/")
    assert search_tips(page, "Hund") == []
    assert "Kein Tipp passt zu „Hund“." in page.text_content("[role=status]")


def places(site):
    """Every place a search result can stand for, with the text a reader
    sees there: a case's page (its lead and text without its tips) and
    each tip's box (its text, without the heading)."""
    found = {}
    for page_file in sorted((site.output / "fall").glob("*/index.html")):
        soup = BeautifulSoup(page_file.read_text(encoding="utf-8"), "html.parser")
        url = "/" + page_file.parent.relative_to(site.output).as_posix() + "/"
        body = soup.select_one("article.case .case__body")
        for box in body.select("aside.tipp"):
            box.extract()
            box.find(["h2", "h3", "h4"]).extract()
            found[f"{url}#{box['id']}"] = plain(box.get_text())
        found[url] = plain(soup.select_one("article.case .lead").get_text() + " " + body.get_text())
    return found


def plain(text):
    """Text as a reader sees it: typography's no-break spaces as spaces, the
    soft hyphens of long title words (shown only where a heading breaks
    one, plugins/german/headings.py) left out, as sitebuild.text_of does."""
    return " ".join(text.replace("\xa0", " ").replace("\xad", "").split())


def test_each_record_reads_as_its_place_reads(served_site):
    """A record's visible text is its place's text word for word and in the
    page's order (a first paragraph that is the lead once, as the page
    shows it); no soft hyphen of a heading reaches a record or its title."""
    texts, found = places(served_site), set()
    for bundle in ("pagefind", "pagefind-tipps"):
        for fragment in (served_site.output / bundle / "fragment").glob("*.pf_fragment"):
            raw = gzip.decompress(fragment.read_bytes())[12:].decode("utf-8")  # after Pagefind's signature
            assert "\xad" not in raw and "&shy;" not in raw, fragment
            record = json.loads(raw)
            visible = record["content"].partition(" ⁂ ")[0]
            assert plain(visible) == texts[record["meta"]["url"]], record["meta"]["url"]
            found.add(record["meta"]["url"])
    assert found == set(texts)


def demo_text():
    return " ".join(case.path.read_text(encoding="utf-8") for case in published_cases())


def pagefind_matches(page, site, query):
    """What Pagefind finds for ``query`` in every bundle the search page
    searches: each record's URL and the words that matched in it (Pagefind
    falls back to a shorter query when no word begins with the whole one:
    "Erde" then finds "er")."""
    page.goto(site.url + "/suche/")
    return page.evaluate(
        """async query => {
          const bundles = document.getElementById("suche").dataset.searchBundles.split(/\\s+/).filter(Boolean);
          const found = [];
          for (const bundle of bundles) {
            const pagefind = await import(new URL("pagefind.js", new URL(bundle, document.baseURI)).href);
            for (const result of (await pagefind.search(query)).results) {
              const data = await result.data();
              const words = data.content.split(/\\s+/);
              found.push({url: data.meta.url, words: data.locations.map((at) => words[at])});
            }
          }
          return found;
        }""",
        query,
    )


# The splitter's model cuts these words where no word begins: Beschw|erde.
FALSE_PARTS = [("Erde", "Beschwerde", "erd"), ("Ortung", "Verantwortung", "ortung"), ("Ecken", "Auschecken", "eck")]


@pytest.mark.parametrize("query, hidden_in, stem", FALSE_PARTS)
def test_a_part_that_is_no_word_finds_nothing(served_site, page, query, hidden_in, stem):
    text = demo_text()
    assert hidden_in in text, "the demo content should have the word the query hides in"
    # So a match on a word that begins like the query can only be a part.
    assert not re.search(rf"\b{stem}", text, re.I), "and no word of its own that begins like the query"
    for record in pagefind_matches(page, served_site, query):
        assert not [word for word in record["words"] if fold(word).startswith(stem)], record


@pytest.mark.parametrize("query, compound", [("Notiz", "Abwesenheitsnotiz"), ("Hoheit", "Kommunikationshoheit")])
def test_a_part_that_is_a_word_finds_its_compound(served_site, page, query, compound):
    expected = {url for url, text in places(served_site).items() if compound in text}
    assert expected, f"the demo content should have {compound}"
    found = {
        record["url"] for record in pagefind_matches(page, served_site, query)
        if any(fold(word).startswith(fold(query)) for word in record["words"])
    }
    assert expected <= found
    assert set(search_page_results(page, served_site, query)) >= expected


def test_clearing_the_search_shows_every_tip_again(served_site, page):
    page.goto(served_site.url + "/tipps/")
    search_tips(page, "Notiz")
    page.fill("#tipps-suche", "")
    page.wait_for_function("() => document.getElementById('tipps-liste').dataset.shownFor === '|'")
    assert len(visible_tips(page)) == len(tip_records(served_site))
    assert page.locator("main mark").count() == 0


@pytest.mark.parametrize("site_name", ["served_site", "site_in_small_bundles"])
def test_filtering_by_topic(request, site_name, page):
    """On a site in pages too: the topic's tips from every page."""
    site = request.getfixturevalue(site_name)
    records = tip_records(site)
    topic = sorted({t for r in records for t in r["tags"]})[0]
    expected = {re.sub(r"^https?://[^/]+", "", r["tip_url"]) for r in records if topic in r["tags"]}
    page.goto(site.url + "/tipps/")
    page.select_option("#tipps-thema", topic)
    page.wait_for_function("t => document.getElementById('tipps-liste').dataset.shownFor === '|' + t", arg=topic)
    assert {t["url"] for t in all_matching_tips(page)} == expected
    # Topic and words together.
    word_and_topic = expected & expected_tips(site, "kund")
    search_tips(page, "Kunde")
    assert {t["url"] for t in all_matching_tips(page)} == word_and_topic


def test_search_page_runs_the_query_from_the_address(served_site, page):
    page.goto(served_site.url + "/suche/?q=Beschwerde")
    page.wait_for_selector("#suche-ergebnisse li")
    assert page.input_value("#suche-feld") == "Beschwerde"
    kinds = page.eval_on_selector_all("#suche-ergebnisse .kicker", "els => els.map(e => e.textContent)")
    assert {"Fall", "Tipp"} <= set(kinds)
    for href in page.eval_on_selector_all("#suche-ergebnisse a", "els => els.map(e => e.href)"):
        path, _, fragment = href.removeprefix(served_site.url).partition("#")
        page_file = served_site.output / path.strip("/") / "index.html"
        assert page_file.is_file(), href
        if fragment:
            assert f'id="{fragment}"' in page_file.read_text(encoding="utf-8")
    excerpts = page.eval_on_selector_all("#suche-ergebnisse .search-excerpt", "els => els.map(e => e.textContent)")
    assert excerpts and all("⁂" not in e for e in excerpts)
    assert page.locator("#suche-ergebnisse mark").count() > 0


def test_compound_parts_never_show_in_excerpts(served_site, page):
    page.goto(served_site.url + "/suche/?q=Notiz")
    page.wait_for_selector("#suche-ergebnisse li")
    excerpts = page.eval_on_selector_all("#suche-ergebnisse .search-excerpt", "els => els.map(e => e.textContent)")
    assert excerpts
    for excerpt in excerpts:
        assert "⁂" not in excerpt
        assert "Abwesenheitsnotiz" in excerpt


def test_header_search_is_a_plain_get_form(served_site, page):
    case = published_cases()[0]
    page.goto(f"{served_site.url}/fall/{case.number}/")
    page.fill("header input[name=q]", "Beschwerde")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/suche/?q=Beschwerde")
    page.wait_for_selector("#suche-ergebnisse li")


def test_without_javascript_every_tip_is_listed(served_site, chromium):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served_site.url + "/tipps/")
    items = page.locator("#tipps-liste > li")
    assert items.count() == len(tip_records(served_site))
    for index in range(items.count()):
        assert items.nth(index).is_visible()
    assert not page.locator("#tipps-filter").is_visible()
    context.close()


def test_no_request_leaves_the_local_server(served_site, page):
    case = published_cases()[0]
    for path in ["/", f"/fall/{case.number}/", "/tipps/", "/suche/?q=Kunde"]:
        page.goto(served_site.url + path)
        page.wait_for_load_state("networkidle")
    page.goto(served_site.url + "/tipps/")
    search_tips(page, "Beschwerde")
    assert any("/pagefind-tipps/" in url for url in page.request_log.urls)
    assert any("/pagefind/" in url for url in page.request_log.urls)
    assert page.request_log.foreign(served_site.url) == []
    assert page.request_log.errors == []


def test_the_tips_page_searches_its_own_small_bundle(served_site, page):
    """A search on /tipps/ asks the tips' bundle alone, never the one with
    the whole cases, and loads no more records than it shows."""
    page.goto(served_site.url + "/tipps/")
    page.wait_for_load_state("networkidle")
    found = search_tips(page, "Kunde")
    assert len(found) >= 2
    pagefind = [url for url in page.request_log.urls if "/pagefind" in url]
    assert pagefind and all("/pagefind-tipps/" in url for url in pagefind), pagefind
    assert len([url for url in pagefind if "/fragment/" in url]) <= len(found)


@pytest.fixture(scope="module")
def site_in_small_bundles(tmp_path_factory):
    """The demo site as a site of many thousand cases behaves: two records
    case numbers per Pagefind bundle (shard), two matching tips shown at a time, three tips on
    each page of /tipps/."""
    port = free_port()
    output = tmp_path_factory.mktemp("bundles")
    overrides = {"SEARCH_SHARD_CASES": 2, "TIPS_SEARCH_SHARD_CASES": 2, "TIPS_SHOWN_AT_ONCE": 2, "TIPS_PER_PAGE": 3}
    result = build(output, strict=True, siteurl=f"http://127.0.0.1:{port}", overrides=overrides)
    assert result.returncode == 0, result.stdout + result.stderr
    with StaticServer(output, port) as server:
        server.output = output
        yield server


def search_page_results(page, site, query):
    page.goto(f"{site.url}/suche/?q={query}")
    page.wait_for_function("() => document.getElementById('suche-status').textContent.trim() !== ''")
    return sorted(page.eval_on_selector_all("#suche-ergebnisse a", "els => els.map(e => new URL(e.href).pathname + new URL(e.href).hash)"))


def all_matching_tips(page):
    """Every match, with "show more" pressed as often as it is offered."""
    while page.locator("#tipps-mehr").is_visible():
        count = page.locator("#tipps-treffer > li").count()
        page.click("#tipps-mehr")
        page.wait_for_function("n => document.querySelectorAll('#tipps-treffer > li').length > n", arg=count)
    return visible_tips(page)


def test_many_matches_are_shown_a_few_at_a_time(site_in_small_bundles, page):
    expected = expected_tips(site_in_small_bundles, "kund")
    assert len(expected) > 2
    page.goto(site_in_small_bundles.url + "/tipps/")
    first = search_tips(page, "Kunde")
    assert len(first) == 2 and all(tip["marks"] for tip in first)
    left = len(expected) - 2
    assert page.text_content("#tipps-mehr") == (
        "Den letzten passenden Tipp zeigen" if left == 1 else
        f"Die letzten {left} passenden Tipps zeigen" if left <= 2 else f"2 weitere Tipps zeigen (noch {left})"
    )
    assert {t["url"] for t in all_matching_tips(page)} == expected
    assert not page.locator("#tipps-mehr").is_visible()
    ids = page.eval_on_selector_all("[id]", "els => els.map(e => e.id)")
    assert len(ids) == len(set(ids))


# Found in some shards, in every shard, while typing; and words Pagefind
# answers with a shorter one in some shards or in all (dropped by the rule).
@pytest.mark.parametrize("query, found", [("Kunde", True), ("Beschwerde", True), ("Notiz", True), ("Rückr", True),
                                          ("Erde", False), ("Ortung", False), ("Kundenqqq", False)])
def test_a_site_in_many_bundles_finds_what_one_bundle_finds(served_site, site_in_small_bundles, page, query, found):
    assert (site_in_small_bundles.output / "pagefind-2" / "pagefind-entry.json").is_file()
    assert (site_in_small_bundles.output / "pagefind-tipps-3" / "pagefind-entry.json").is_file()
    results = {}
    for site in (served_site, site_in_small_bundles):
        page.goto(site.url + "/tipps/")
        search_tips(page, query)
        tips = {t["url"] for t in all_matching_tips(page)}
        results[site] = (tips, search_page_results(page, site, query))
    assert bool(results[served_site][0]) == found, query
    assert bool(results[served_site][1]) == found, query
    assert results[site_in_small_bundles] == results[served_site]


@pytest.mark.parametrize("first_page", ["/tipps/", "/tipps/aelteste-zuerst/"])
def test_without_javascript_every_tip_is_reached_page_by_page(site_in_small_bundles, chromium, first_page):
    """Following the pages' links, a reader without JavaScript sees every
    published tip once, in the page's order; the search form only where
    it works."""
    records = tip_records(site_in_small_bundles)
    newest_first = [
        re.sub(r"^https?://[^/]+", "", r["tip_url"])
        for r in sorted(records, key=lambda r: (-r["case_number"], r["position"]))
    ]
    expected = newest_first if first_page == "/tipps/" else newest_first[::-1]
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_in_small_bundles.url + first_page)
    seen, pages = [], 0
    while True:
        pages += 1
        items = page.locator("#tipps-liste > li")
        assert 0 < items.count() <= 3
        for index in range(items.count()):
            assert items.nth(index).is_visible()
            seen.append(items.nth(index).get_attribute("data-url"))
        assert not page.locator("#tipps-filter").is_visible()
        assert page.locator("#tipps-filter").count() == (1 if pages == 1 else 0)
        following = page.locator("nav.pagination a[rel=next]")
        if not following.count():
            break
        following.click()
        page.wait_for_load_state()
    context.close()
    assert pages > 1
    assert seen == expected


# Hidden test queries for the rules of docs/suche.md, one list for each:
# the query and its stem as the rule compares it (folded: ä as ae).
# Words not on the site, each with the shorter stem Pagefind falls back to.
NOT_ON_THE_SITE = [("Erde", "er"), ("Erdbeere", "er"), ("Ortung", "ort"), ("Ortxyz", "ort"), ("Kundenqqq", "kund")]
ON_THE_SITE = [("Beschwerde", "beschwerd"), ("Rückruf", "rueckruf"), ("Kunde", "kund"), ("Wertschätzung", "wertschaetz"),
               ("Wertschaetzung", "wertschaetz"), ("gemaess", "gemaess"), ("Warteschleife", "warteschleif")]
COMPOUND_PARTS = [("Notiz", "notiz"), ("Hoheit", "hoheit"), ("Mail", "mail"), ("Schleife", "schleif")]
PREFIXES_WHILE_TYPING = [("Rückr", "rueckr"), ("Abwesenh", "abwesenh"), ("Beschw", "beschw"), ("Warteschl", "warteschl")]
SEARCH_WORDS = ON_THE_SITE + COMPOUND_PARTS + PREFIXES_WHILE_TYPING


def titles(site):
    """The title each place's result shows (its words are found too): the
    case's, and for a tip its case's and its heading."""
    found = {}
    for page_file in sorted((site.output / "fall").glob("*/index.html")):
        soup = BeautifulSoup(page_file.read_text(encoding="utf-8"), "html.parser")
        url = "/" + page_file.parent.relative_to(site.output).as_posix() + "/"
        found[url] = plain(soup.select_one("article.case h1").get_text())
        for box in soup.select("aside.tipp"):
            found[f"{url}#{box['id']}"] = found[url] + " " + plain(box.find(["h2", "h3", "h4"]).get_text())
    return found


def shown_results(page, list_selector):
    """Each result as the reader sees it: its address, its excerpt, and the
    words marked in it (title and excerpt)."""
    return page.eval_on_selector_all(
        f"{list_selector} > li",
        """items => items.filter(i => i.checkVisibility()).map(i => ({
             url: i.dataset.url ?? new URL(i.querySelector('h2 a').href).pathname + new URL(i.querySelector('h2 a').href).hash,
             excerpt: (i.querySelector('.search-excerpt, .tips-text') ?? {}).textContent ?? '',
             marks: [...i.querySelectorAll('mark')].map(m => m.textContent)}))""",
    )


def search_page(page, site, query):
    page.goto(f"{site.url}/suche/?q={query}")
    page.wait_for_function("() => document.getElementById('suche-status').textContent.trim() !== ''")
    return shown_results(page, "#suche-ergebnisse"), page.text_content("#suche-status")


def tips_page(page, site, query):
    page.goto(site.url + "/tipps/")
    search_tips(page, query)
    all_matching_tips(page)
    return shown_results(page, "#tipps-treffer"), page.text_content("#tipps-filter [role=status]")


def words_of(text):
    return re.findall(r"[^\W\d_]+", text)


def check_results(site, query, stem, results, only_tips):
    """The rules, for one query's results (docs/suche.md)."""
    texts, headings = places(site), titles(site)
    if only_tips:
        texts = {url: text for url, text in texts.items() if "#" in url}
    urls = [result["url"] for result in results]
    assert len(urls) == len(set(urls)), f"{query}: a place listed twice: {urls}"
    # Every place with a word that begins with the stem is found; nothing
    # else but places where the stem is inside a word (a compound part)
    # or in the title: never a place for a shorter word.
    sure = {url for url, text in texts.items() if any(fold(word).startswith(stem) for word in words_of(text))}
    possible = {url for url, text in texts.items() if stem in fold(text) or stem in fold(headings[url])}
    assert sure <= set(urls) <= possible, query
    for result in results:
        excerpt = plain(result["excerpt"]).removeprefix("… ").removesuffix(" …")
        assert excerpt and excerpt in texts[result["url"]], f"{query}: excerpt not on its page: {result}"
        assert "⁂" not in excerpt
        assert result["marks"], f"{query}: nothing marked in {result}"
        # A marked title word keeps its soft hyphens, unseen (plain drops them).
        assert all(stem in fold(plain(mark)) for mark in result["marks"]), f"{query}: {result['marks']}"


@pytest.mark.parametrize("query, stem", SEARCH_WORDS)
def test_search_page_shows_each_place_once_with_its_own_text_marked(served_site, page, query, stem):
    results, status = search_page(page, served_site, query)
    assert results and status == f"{len(results)} Treffer zu „{query}“"
    check_results(served_site, query, stem, results, only_tips=False)
    assert page.request_log.errors == []


@pytest.mark.parametrize("query, stem", SEARCH_WORDS)
def test_tips_page_shows_each_tip_once_with_its_own_text_marked(served_site, page, query, stem):
    results, status = tips_page(page, served_site, query)
    check_results(served_site, query, stem, results, only_tips=True)
    assert status == (f"{len(results)} von {len(tip_records(served_site))} Tipps" if results else f"Kein Tipp passt zu „{query}“.")


@pytest.mark.parametrize("query, shorter", NOT_ON_THE_SITE)
def test_a_word_not_on_the_site_finds_nothing(served_site, page, query, shorter):
    words = {fold(word) for text in places(served_site).values() for word in words_of(text)}
    assert not any(word.startswith(fold(query)) for word in words), "no word on the site begins with the query"
    # Pagefind itself finds pages for the shorter word ...
    raw = pagefind_matches(page, served_site, query)
    assert raw and all(fold(word).startswith(shorter) and not fold(word).startswith(fold(query))
                       for r in raw for word in r["words"]), raw
    # ... the reader sees none of them.
    results, status = search_page(page, served_site, query)
    assert results == [] and status == f"Keine Treffer zu „{query}“."
    results, status = tips_page(page, served_site, query)
    assert results == [] and status == f"Kein Tipp passt zu „{query}“."


def test_typing_finds_the_word_before_it_is_complete(served_site, page):
    page.goto(served_site.url + "/suche/")
    page.locator("#suche-feld").press_sequentially("Rückr", delay=80)
    page.wait_for_function("() => document.getElementById('suche-status').textContent.includes('„Rückr“')")
    results = shown_results(page, "#suche-ergebnisse")
    assert results and all(any(fold(m).startswith("rueckr") for m in r["marks"]) for r in results), results
    assert "Rückruf" in {m for r in results for m in r["marks"]}


def test_no_real_match_is_lost(served_site, page):
    """For every word of the demo cases, the search keeps every place that
    has it: the script's stemmer agrees with Pagefind's on all of them."""
    texts = places(served_site)
    expected = {}
    for url, text in texts.items():
        for word in words_of(text):
            if len(word) > 1:
                expected.setdefault(word, set()).add(url)
    page.goto(served_site.url + "/suche/")
    kept = page.evaluate(
        """async (words) => {
          const script = document.querySelector('script[src$="site-search.js"]').src;
          const core = await import(new URL("search-core.js", script).href);
          const form = document.getElementById("suche");
          core.useUmlautSpellings(form.dataset.umlautSpellings);
          const pagefind = await core.loadPagefind(form.dataset.searchBundles);
          const names = core.bundleNames(form.dataset.searchBundles, form.dataset.searchBase);
          const found = {};
          for (const word of words) {
            const results = await core.keepResults(pagefind, word, {}, form.dataset.bundleFilter, names);
            found[word] = (await Promise.all(results.map(core.recordOf))).map((record) => record.meta.url);
          }
          return found;
        }""",
        sorted(expected),
    )
    lost = {word: sorted(urls - set(kept[word])) for word, urls in expected.items() if urls - set(kept[word])}
    assert len(expected) > 500 and lost == {}
