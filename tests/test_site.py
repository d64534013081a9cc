"""What a reader gets from the built demo site: case pages, lists, drafts."""

import gzip
import re
from urllib.parse import urlsplit

import pytest

from sitebuild import CONTENT, build, copy_project, demo_cases, html_files, published_cases, soup, text_of

MONTHS = [
    "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli",
    "August", "September", "Oktober", "November", "Dezember",
]


def german_date(iso):
    year, month, day = (int(part) for part in iso.split()[0].split("-"))
    return f"{day}. {MONTHS[month - 1]} {year}"


def case_page(site, number):
    return site / "fall" / str(number) / "index.html"


def test_the_demo_content_has_what_the_tests_rely_on():
    cases = demo_cases()
    assert len(published_cases()) >= 6
    assert any(c.is_draft for c in cases)
    assert any(c.tip_sections >= 2 for c in cases)
    assert any("image" in c.metadata for c in cases)
    assert any("image" not in c.metadata for c in cases)
    # Dates that do not rise with the numbers tell number order from date order.
    published = sorted(published_cases(), key=lambda c: c.number)
    assert sorted(published, key=lambda c: c.metadata["date"]) != published


@pytest.mark.parametrize("case", published_cases(), ids=lambda c: c.path.name)
def test_every_published_case_has_its_page(published_site, case):
    page = case_page(published_site, case.number)
    assert page.is_file(), f"/fall/{case.number}/ fehlt"
    html = soup(page)
    assert html.html["lang"] == "de"
    h1 = html.find_all("h1")
    assert len(h1) == 1
    # The title as written, apart from typography (quotes, non-breaking spaces).
    words = re.findall(r"\w+", case.metadata["title"])
    assert re.findall(r"\w+", h1[0].get_text()) == words
    assert f"Der {case.number}. Fall" in html.get_text()
    assert german_date(case.metadata["date"]) in html.find("time").get_text()
    headings = [text_of(h) for h in html.find_all(["h2", "h3"])]
    assert "Was ist passiert?" in headings
    assert sum(h.startswith(("Der Tipp", "Tipp")) for h in headings) == case.tip_sections


@pytest.mark.parametrize("case", [c for c in demo_cases() if c.is_draft], ids=lambda c: c.path.name)
def test_drafts_are_not_published(published_site, case):
    assert not case_page(published_site, case.number).exists()
    assert not (published_site / "entwurf").exists()
    title_words = " ".join(re.findall(r"\w+", case.metadata["title"]))
    for path in list(published_site.rglob("*.html")) + list(published_site.rglob("*.xml")):
        text = " ".join(re.findall(r"\w+", soup(path).get_text()))
        assert title_words not in text, f"Entwurf erscheint in {path}"


def every_file_as_text(site):
    """Every file of the output as text, Pagefind's compressed bundles too."""
    for path in site.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            yield path, data.decode("utf-8", errors="ignore").lower()


def test_no_word_only_a_draft_has_reaches_the_published_site(published_site):
    pages = [p.read_text(encoding="utf-8") for p in (CONTENT / "pages").glob("*.md")]
    published_words = {w.lower() for text in [c.body for c in published_cases()] + pages for w in re.findall(r"\w+", text)}
    for draft in (c for c in demo_cases() if c.is_draft):
        own = {w.lower() for w in re.findall(r"\w{9,}", draft.body)} - published_words
        assert len(own) >= 5, draft.path
        for path, text in every_file_as_text(published_site):
            leaked = sorted(own & set(re.findall(r"\w+", text)))
            assert not leaked, f"{path}: {leaked}"


def test_the_preview_shows_drafts_without_linking_them(preview_site):
    for case in (c for c in demo_cases() if c.is_draft):
        assert (preview_site / "entwurf" / str(case.number) / "index.html").is_file()
        for page in html_files(preview_site):
            for link in soup(page).find_all("a", href=True):
                assert f"/entwurf/{case.number}/" not in link["href"], page


def test_overview_lists_every_case_by_number(published_site):
    html = soup(published_site / "faelle" / "index.html")
    linked = [
        int(m.group(1))
        for a in html.select("main a[href]")
        if (m := re.search(r"/fall/(\d+)/$", a["href"]))
    ]
    expected = sorted((c.number for c in published_cases()), reverse=True)
    assert linked == expected


def test_home_and_neighbours_follow_the_case_number(published_site):
    numbers = sorted((c.number for c in published_cases()), reverse=True)
    home = soup(published_site / "index.html")
    listed = [int(re.search(r"Der (\d+)\. Fall", text_of(t)).group(1)) for t in home.select(".case-teaser")]
    assert listed == numbers[: len(listed)] and len(listed) >= 2
    for newer, older in zip(numbers, numbers[1:]):
        previous = soup(case_page(published_site, newer)).find("a", rel="prev")
        assert previous["href"].endswith(f"/fall/{older}/")


def test_archive_follows_the_date(published_site):
    archive = soup(published_site / "archiv" / "index.html")
    listed = [int(re.search(r"/fall/(\d+)/$", a["href"]).group(1)) for a in archive.select("main a[href*='/fall/']")]
    by_date = sorted(published_cases(), key=lambda c: c.metadata["date"], reverse=True)
    assert listed == [c.number for c in by_date]


def test_tag_pages_and_archives(published_site):
    tags = {}
    for case in published_cases():
        for tag in case.tags:
            tags.setdefault(tag, set()).add(case.number)
    overview = soup(published_site / "themen" / "index.html")
    tag_links = {a.get_text(): a["href"] for a in overview.select("main a[href]")}
    assert set(tag_links) == set(tags)
    for tag, numbers in tags.items():
        path = urlsplit(tag_links[tag]).path.strip("/")
        page = soup(published_site / path / "index.html")
        found = {int(m.group(1)) for a in page.select("main a[href]") if (m := re.search(r"/fall/(\d+)/$", a["href"]))}
        assert found == numbers, tag
    archive = soup(published_site / "archiv" / "index.html")
    assert len(archive.select("main a[href*='/fall/']")) == len(published_cases())
    assert (published_site / "404.html").is_file()
    assert soup(published_site / "404.html").h1


def test_case_with_photo_shows_it_with_alt_text_and_credit(published_site):
    for case in published_cases():
        html = soup(case_page(published_site, case.number))
        figure = html.find("figure")
        if "image" not in case.metadata:
            assert figure is None
            continue
        img = figure.find("img")
        stem = case.metadata["image"].rsplit(".", 1)[0]
        assert re.search(rf"/{re.escape(stem)}-\d+\.jpg$", img["src"])
        assert img["alt"] == case.metadata["image_alt"]
        assert int(img["width"]) > 0 and int(img["height"]) > 0
        assert figure.figcaption.get_text(strip=True) == "Foto: " + case.metadata["image_credit"]
        # Readers get resized versions, never the original file.
        assert not (published_site / case.metadata["image"]).exists()
        webp = figure.find("source", type="image/webp")
        for candidate in webp["srcset"].split(", ") + img["srcset"].split(", "):
            url, width = candidate.split()
            assert (published_site / urlsplit(url).path.lstrip("/")).is_file(), url


def test_case_without_summary_uses_its_first_paragraph(published_site):
    cases = [c for c in published_cases() if "summary" not in c.metadata]
    assert cases, "the demo site should have a case without Summary"
    for case in cases:
        first_paragraph = case.body.strip().split("\n\n")[0]
        lead = soup(case_page(published_site, case.number)).select_one(".lead").get_text()
        assert re.findall(r"\w+", lead) == re.findall(r"\w+", first_paragraph)


def neighbour_numbers(site, number):
    html = soup(case_page(site, number))
    def target(rel):
        link = html.find("a", rel=rel)
        return int(re.search(r"/fall/(\d+)/$", link["href"]).group(1)) if link else None
    return target("prev"), target("next")


def test_prev_next_follow_the_case_number_not_the_date(tmp_path):
    project = copy_project(tmp_path / "site")
    cases = published_cases(project / "content")
    numbers = sorted(c.number for c in cases)
    # Give the lowest-numbered case the newest date of all.
    oldest_number = next(c for c in cases if c.number == numbers[0])
    text = oldest_number.path.read_text(encoding="utf-8")
    text = re.sub(r"^Date: .*$", "Date: 2099-12-31 10:00", text, count=1, flags=re.M)
    (project / "content" / "faelle" / oldest_number.path.name).write_text(text, encoding="utf-8")

    output = tmp_path / "out"
    # Built as if in 2100: a case dated in the future would be scheduled, not on the site.
    result = build(output, project=project, settings="publishconf.py", overrides={"SCHEDULE_NOW": "2100-01-01T00:00"})
    assert result.returncode == 0, result.stderr
    for index, number in enumerate(numbers):
        expected_prev = numbers[index - 1] if index else None
        expected_next = numbers[index + 1] if index + 1 < len(numbers) else None
        assert neighbour_numbers(output, number) == (expected_prev, expected_next)
