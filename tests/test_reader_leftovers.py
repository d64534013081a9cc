"""What a reader of a case sees, on a fixture site: the first paragraph
once (a case without Summary), headings that break words only with a
hyphen on a 390 px phone, and no soft hyphens in feeds or search."""

import gzip
import json
import re

import pytest

from browser import StaticServer
from sitebuild import build, copy_project, free_port, soup, text_of

FIRST = "Am Montag rief ich beim Versandhändler an und wartete dreiundzwanzig Minuten in der Schleife."
CASES = {
    41: ("Der »eingebaute« Kunde und die vergessene Rückmeldung", None),
    42: ("Der »eingebaute« Kunde und das verschwundene Paket", "Ein Anreißer, eigens geschrieben."),
    43: ("Der »eingebaute« Kunde und die Kundenzufriedenheitsbefragung", None),
    44: ("Der »eingebaute« Kunde und der Sachbearbeiter bei der Rechnung", None),
}
SECTION = "Was die Geschäftsführung aus der Beschwerdeabteilung lernte"


def case_file(number, title, summary):
    header = [f"Title: {title}", f"Fall: {number}", "Date: 2024-05-14 09:00", "Tags: Service"]
    if summary:
        header.append(f"Summary: {summary}")
    return "\n".join([*header, "", FIRST, "", "Der zweite Absatz erzählt weiter.", "", f"## {SECTION}", "",
                      "Die Einordnung.", "", "## Der Tipp des »eingebauten« Kunden", "",
                      "Rufen Sie zurück, wenn Sie es versprochen haben.", ""])


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("leftovers") / "site")
    for path in (project / "content" / "faelle").glob("*.md"):
        path.unlink()
    for number, (title, summary) in CASES.items():
        (project / "content" / "faelle" / f"fall-{number}.md").write_text(case_file(number, title, summary),
                                                                         encoding="utf-8")
    port = free_port()
    output = tmp_path_factory.mktemp("leftovers-out")
    result = build(output, project=project, strict=True, siteurl=f"http://127.0.0.1:{port}")
    assert result.returncode == 0, result.stdout + result.stderr
    with StaticServer(output, port) as server:
        server.output = output
        yield server


def test_without_summary_the_first_paragraph_is_shown_once(site):
    for number, (_, summary) in CASES.items():
        article = soup(site.output / "fall" / str(number) / "index.html").find("article")
        lead = text_of(article.select_one(".lead"))
        body = text_of(article.select_one(".case__body"))
        if summary:
            assert lead == summary and FIRST in body, number
        else:
            assert lead == FIRST, number
            assert FIRST not in body and body.startswith("Der zweite Absatz"), number
        assert text_of(article).count(FIRST) == (0 if summary else 1) + (1 if summary else 0), number


# Every line break inside a word of a heading, and whether a hyphen shows there.
BREAKS_IN_WORDS = """
(element) => {
  const chars = [];
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    for (let i = 0; i < node.data.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rects = [...range.getClientRects()].filter(r => r.width > 0);
      chars.push({c: node.data[i], top: rects.length ? Math.round(rects[rects.length - 1].top) : null});
    }
  }
  const breaks = [];
  let word = "", lastTop = null, softHyphen = false;
  for (const {c, top} of chars) {
    if (/\\s/.test(c)) { word = ""; lastTop = null; softHyphen = false; continue; }
    if (c === "\\u00ad") { softHyphen = true; word += "-"; continue; }
    if (top !== null && lastTop !== null && top > lastTop + 2) {
      breaks.push({word: word + "|" + c, hyphen: softHyphen || /[-–]$/.test(word)});
    }
    if (top !== null) { lastTop = top; softHyphen = false; }
    word += c;
  }
  return breaks;
}
"""


@pytest.mark.browser
def test_headings_break_words_only_with_a_hyphen_at_390_px(site, chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    seen_breaks = []
    try:
        for path in [*(f"/fall/{n}/" for n in CASES), "/", "/faelle/", "/tipps/"]:
            page.goto(site.url + path)
            for heading in page.locator("main h1, main h2, main h3").all():
                breaks = heading.evaluate(BREAKS_IN_WORDS)
                seen_breaks += breaks
                unhyphenated = [b["word"] for b in breaks if not b["hyphen"]]
                assert unhyphenated == [], (path, heading.inner_text(), unhyphenated)
    finally:
        context.close()
    # The long words did not fit: they were broken, each with its hyphen.
    assert any(b["hyphen"] for b in seen_breaks)


def test_glued_only_when_it_fits(site):
    titles = {n: soup(site.output / "fall" / str(n) / "index.html").h1 for n in CASES}
    # "vergessene Rückmeldung" is wider than a phone's line: not glued.
    assert "vergessene\u00a0Rück" not in titles[41].get_text()
    # "der Rechnung" fits and is glued.
    assert "der\u00a0Rech" in titles[44].get_text()
    # German patterns split "Sachbearbeiter" as "Sach-be-a-r-bei-ter"; no single letter stands between two breaks.
    assert "Sach\u00adbear\u00adbei\u00adter" in titles[44].get_text()


def test_soft_hyphens_stay_out_of_feeds_search_and_meta(site):
    # Words that fit on a line stay whole: a reader copying the title gets it as written.
    assert "\u00ad" not in soup(site.output / "fall" / "41" / "index.html").h1.get_text()
    page = soup(site.output / "fall" / "43" / "index.html")
    assert "Kun\u00adden\u00adzu" in page.h1.get_text()  # the checks below look for something that is there
    for attribute_holder in page.find_all("meta"):
        assert "\u00ad" not in attribute_holder.get("content", "")
    assert "\u00ad" not in page.title.get_text()
    for feed in (site.output / "feeds").rglob("*.xml"):
        text = feed.read_text(encoding="utf-8")
        assert "\u00ad" not in text and "&shy;" not in text and "&#173;" not in text, feed.name
    records = [json.loads(gzip.decompress(path.read_bytes())[12:])
               for path in (site.output / "pagefind").rglob("*.pf_fragment")]
    assert records and any("Kundenzufriedenheitsbefragung" in json.dumps(r, ensure_ascii=False) for r in records)
    assert not any("\u00ad" in json.dumps(r, ensure_ascii=False) for r in records)
    assert re.search(r"Kundenzufriedenheitsbefragung", (site.output / "feeds" / "alle.atom.xml").read_text(encoding="utf-8"))
