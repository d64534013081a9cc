"""The tips booklet: every published tip in one A4 PDF, newest case first,
linked from /tipps/; no draft in it."""

import html
import re
import shutil
import subprocess
import sys

import pytest
from pypdf import PdfReader
from test_site import german_date

from booklet import layout
from cards.drawing import Fonts
from sitebuild import ROOT, TIP_HEADING, build, copy_project, demo_cases, published_cases, soup

SITEURL = "https://www.der-eingebaute-kunde.de"
BOOKLET = "tipps/alle-tipps.pdf"
A4 = (595.28, 841.89)  # points


def letters(text):
    """Only letters and digits: words split at a line's end by hyphenation
    compare equal to the whole word, quotes and dashes do not matter."""
    return "".join(re.findall(r"\w+", text))


def extracted(path):
    reader = PdfReader(path)
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def tip_openings(case, words=6):
    """The first words of each tip of a demo case, from its Markdown."""
    parts = TIP_HEADING.split(case.body)
    # split() keeps the heading's level group: text, level, text, level, text ...
    tips = parts[2::2]
    return [" ".join(tip.split()[:words]) for tip in tips]


def flat(outline):
    for entry in outline:
        if isinstance(entry, list):
            yield from flat(entry)
        else:
            yield entry


@pytest.fixture(scope="module")
def booklet(published_site):
    return extracted(published_site / BOOKLET)


def test_the_booklet_holds_every_published_tip_newest_case_first(booklet):
    reader, text = booklet
    flat = letters(text)
    positions = []
    for case in sorted(published_cases(), key=lambda c: -c.number):
        openings = tip_openings(case)
        assert len(openings) == case.tip_sections > 0
        for opening in openings:
            assert letters(opening) in flat, (case.number, opening)
            positions.append(flat.index(letters(opening)))
        assert letters(f"{SITEURL}/fall/{case.number}/") in flat
        assert letters(case.metadata["title"]) in flat
    assert positions == sorted(positions), "not newest case first"


def test_the_booklet_has_nothing_of_a_draft(booklet):
    _, text = booklet
    drafts = [c for c in demo_cases() if c.is_draft]
    assert drafts
    for draft in drafts:
        for opening in tip_openings(draft, words=5):
            assert letters(opening) not in letters(text)
        assert letters(draft.metadata["title"]) not in letters(text)
        assert f"/fall/{draft.number}/" not in text and f"Fall {draft.number}:" not in text


def test_the_booklet_is_a4_with_a_title_page_and_bookmarks(booklet):
    reader, _ = booklet
    for page in reader.pages:
        assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == A4
    assert "Alle Tipps" in reader.pages[0].extract_text()
    assert "Inhalt" in reader.pages[1].extract_text()
    # One bookmark per case, newest first; a case with several tips has
    # one below it for each.
    cases = sorted(published_cases(), key=lambda c: -c.number)
    top = [entry for entry in reader.outline if not isinstance(entry, list)]
    assert [re.match(r"Fall (\d+):", entry.title).group(1) for entry in top] == [str(c.number) for c in cases]
    # Each bookmark leads to its case's page; the printed contents name
    # the same pages.
    pages = [reader.get_destination_page_number(entry) + 1 for entry in top]
    for case, page in zip(cases, pages):
        assert f"Der {case.number}. Fall" in reader.pages[page - 1].extract_text()
    printed = [int(n) for n in re.findall(r"(?:\.\s+)+(\d+)\s*$", reader.pages[1].extract_text(), re.M)]
    assert printed == [reader.get_destination_page_number(entry) + 1 for entry in flat(reader.outline)]
    nested = [entry for entry in reader.outline if isinstance(entry, list)]
    assert [len(tips) for tips in nested] == [c.tip_sections for c in cases if c.tip_sections > 1]


def test_the_title_page_is_dated_by_the_newest_published_case(booklet):
    reader, _ = booklet
    title_page = " ".join(reader.pages[0].extract_text().replace("\xa0", " ").split())
    published = sorted(c.metadata["date"] for c in published_cases())
    # The fixture's dates differ, and a draft is newer than every published case.
    assert published[0] < published[-1] < max(c.metadata["date"] for c in demo_cases())
    assert f"Stand: {german_date(published[-1])}" in title_page


def test_tips_page_links_the_booklet(published_site):
    page = soup(published_site / "tipps" / "index.html")
    links = [a["href"] for a in page.select("main a[href$='.pdf']")]
    assert links == [f"/{BOOKLET}"]  # root-relative, like every page link


def test_a_hundred_tips_make_a_small_booklet_with_german_hyphenation(tmp_path):
    """The demo's tips over and over, as a hundred cases."""
    fonts = Fonts(str(ROOT / "theme/fonts/Vollkorn-Regular.ttf"), str(ROOT / "theme/fonts/Vollkorn-Bold.ttf"))
    colours = layout.Colours(text="#1f1d1a", muted="#5b5650", accent="#9a3d0c")
    texts = [" ".join(re.findall(r"[\w,.:;?!–-]+", opening)) for case in published_cases() for opening in tip_openings(case, words=400)]
    entries = [
        layout.Entry(
            case_number=number, case_title=f"Fall mit der Nummer {number}",
            case_address=f"{SITEURL}/fall/{number}/", heading="Der Tipp des »eingebauten« Kunden",
            html=f"<p>{html.escape(texts[number % len(texts)])}</p>", date="14. Mai 2024",
        )
        for number in range(100, 0, -1)
    ]
    pdf = layout.write(entries, "Der »eingebaute« Kunde", SITEURL, fonts, colours, "14. Mai 2024")
    assert len(pdf) <= 2 * 1024 * 1024
    path = tmp_path / "hundert.pdf"
    path.write_bytes(pdf)
    reader, text = extracted(path)
    assert len(reader.outline) == 100  # a case each
    where = [re.search(rf"Nummer {n}\b", text).start() for n in (100, 99, 1)]
    assert where == sorted(where)
    # Some line ends in a hyphen inside a word the source has whole.
    words = {word for t in texts for word in re.findall(r"\w+", t)}
    assert any(head + tail in words for head, tail in re.findall(r"(\w+)-\n(\w+)", text))


def test_invoke_booklet_writes_the_pdf_into_output(tmp_path):
    project = copy_project(tmp_path / "project")
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "booklet"], cwd=project, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "output/tipps/alle-tipps.pdf" in result.stdout
    reader, text = extracted(project / "output" / BOOKLET)
    assert letters(f"{SITEURL}/fall/") in letters(text)
    # Part of a strict publish: the whole published site with it.
    assert (project / "output" / "index.html").is_file()


@pytest.mark.browser
def test_printing_the_tips_page_gives_the_tips_alone(served_site, page):
    page.goto(served_site.url + "/tipps/")
    page.emulate_media(media="print")
    for selector in ["header nav", ".site-search", "footer nav", ".tips-filter", ".tips-order", "button"]:
        hidden = page.locator(selector).evaluate_all("all => all.every(e => !e.checkVisibility())")
        assert hidden, selector
    tips = page.locator("#tipps-liste > li")
    assert tips.count() == sum(case.tip_sections for case in published_cases())
    assert tips.first.is_visible()
    assert set(tips.evaluate_all("all => all.map(e => getComputedStyle(e).breakInside)")) == {"avoid"}


def test_author_text_in_the_booklet_is_text(tmp_path):
    """The hostile case of test_escaping: its title and tip come out of the
    booklet as the author wrote them, markup and all."""
    from test_escaping import CASE, HOSTILE, PHOTO, TIP_TEXT, typeset_away

    project = copy_project(tmp_path / "project")
    (project / "content/faelle/fall-77-boese.md").write_text(CASE, encoding="utf-8")
    shutil.copyfile(project / "content/images/fall-05.jpg", project / "content" / PHOTO)
    result = build(tmp_path / "out", project=project, settings="publishconf.py", overrides={"SEARCH_INDEX": False})
    assert result.returncode == 0, result.stdout + result.stderr
    _, text = extracted(tmp_path / "out" / BOOKLET)
    shown = typeset_away(text.replace("-\n", "").replace("\n", " "))
    assert "Sagen Sie " + typeset_away(HOSTILE) in shown
    assert '</script><img src=y onerror="window.pwned = 3">' in shown
    assert TIP_TEXT.startswith("Sagen Sie")


def booklet_made(folder, overrides):
    """The booklet of a published build with a cache of its own (nothing
    in it: the booklet is typeset) and the build's log."""
    result = build(folder / "output", settings="publishconf.py", strict=True,
                   overrides={"CACHE_PATH": str(folder / "cache"), "SEARCH_INDEX": False, **overrides}, options=["--debug"])
    assert result.returncode == 0, result.stdout + result.stderr
    return (folder / "output" / BOOKLET).read_bytes(), " ".join((result.stdout + result.stderr).split())


def test_the_booklet_typeset_beside_the_pages_is_the_booklet_typeset_in_the_build(tmp_path):
    in_the_build, log = booklet_made(tmp_path / "alone", {"BACKGROUND_PROCESSES": False})
    assert "Tipp-Heft: " in log and "zu setzen, in diesem Prozess" in log
    apart, log = booklet_made(tmp_path / "apart", {})
    assert "zu setzen, in einem eigenen Prozess" in log
    assert apart == in_the_build
