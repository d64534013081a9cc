"""One reading of a case into one record (plugins/cases/record.py): read
in-process by the site's own reader, with the site's settings and
plugins, from files written here; one site build where only a site shows
it (a reused Pelican)."""

import builtins
import dataclasses
import hashlib
import os
import pickle
import re
import sys
from types import SimpleNamespace
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from pelican import Pelican
from pelican.contents import Article, Page, SkipStub
from pelican.readers import Readers
from pelican.settings import read_settings

from cases.markdown_text import add_text_versions
from sitebuild import ROOT, copy_project, published_cases, soup, text_of

CASE = """\
Title: Der »eingebaute« Kunde und die <b>Rückmeldung</b>
Fall: 9
Date: 2024-05-14 09:00
Tags: Service
Image: images/foto.jpg
Image_alt: Ein Telefon auf dem Tresen

Ein Handwerksbetrieb "meldet" sich nie.

Zweiter Absatz mit [Link](javascript:alert(1)).

## Der Tipp des »eingebauten« Kunden

Rückrufe zusagen und halten.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(Readers with the site's settings and plugins, content folder)."""
    content = tmp_path_factory.mktemp("record") / "content"
    (content / "faelle").mkdir(parents=True)
    (content / "pages").mkdir()
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={
        "PATH": str(content), "CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False,
        "READING_MIN_SOURCES": 10**6,  # read here, not in worker processes
    })
    settings = Pelican(settings).settings
    return Readers(settings), content


def read(site, name, text, folder="faelle", kind=Article):
    readers, content = site
    path = content / folder / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    context = {**readers.settings, "static_links": set(), "generated_content": {}, "static_content": {},
               "localsiteurl": ""}
    return readers.read_file(base_path=str(content), path=f"{folder}/{name}", content_class=kind, context=context)


def test_a_case_is_read_into_one_record_with_everything_downstream_needs(site):
    case = read(site, "fall-09.md", CASE)
    record = case.record
    assert record.number == case.fall == 9
    assert (record.value("tags"), record.line("fall"), record.header_lines["image"]) == ("Service", 2, 5)
    assert record.photo == "images/foto.jpg"
    assert record.digest == hashlib.sha256(CASE.encode("utf-8")).hexdigest()
    # The title is text: its tags are shown, not obeyed, as HTML and as text.
    assert "&lt;b&gt;" in record.title_html and "<b>" not in record.title_html
    assert record.title_text == "Der »eingebaute« Kunde und die <b>Rückmeldung</b>"
    assert record.summary_text == "Ein Handwerksbetrieb „meldet“ sich nie."
    add_text_versions([SimpleNamespace(articles=[case])])
    assert (case.title_text, case.description) == (record.title_text, record.summary_text)
    assert "Zweiter Absatz mit Link." in record.search_text
    [tip] = record.tips
    assert (tip.anchor, tip.heading, tip.text, tip.html, tip.line) == (
        "tipp", "Der Tipp des »eingebauten« Kunden", "Rückrufe zusagen und halten.",
        "<p>Rückrufe zusagen und\xa0halten.</p>", 12)  # typography glues the last words
    box = BeautifulSoup(record.html, "html.parser").find("aside", id="tipp")
    assert box["class"] == ["tipp"] and text_of(box.p) == tip.text and case._content == record.html
    assert case.tip_sections == [tip]
    # The javascript: link was dropped, and the problem names its line;
    # the photo's file is looked for by the build, not while reading.
    assert record.problems == ()
    assert [(p.line, "javascript:alert(1)" in p.message) for p in record.markup_problems] == [(10, True)]
    assert pickle.loads(pickle.dumps(record)) == record
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.number = 10


def test_the_case_file_is_opened_once_while_it_is_read(site):
    """Once for reading; Pelican's cache stamps (pelican/cache.py, a hash
    of the file with CHECK_MODIFIED_METHOD = "sha256") are Pelican's own."""
    readers, content = site
    opened = []
    real_open = builtins.open

    def counting_open(file, *args, **kwargs):
        caller = sys._getframe(1).f_code.co_filename
        if str(file).endswith("fall-10.md") and not caller.endswith(os.path.join("pelican", "cache.py")):
            opened.append(caller)
        return real_open(file, *args, **kwargs)

    (content / "faelle" / "fall-10.md").write_text(CASE.replace("Fall: 9", "Fall: 10"), encoding="utf-8")
    with mock.patch("builtins.open", counting_open):
        case = readers.read_file(base_path=str(content), path="faelle/fall-10.md", content_class=Article,
                                 context={"static_links": set(), "generated_content": {}, "static_content": {},
                                          "localsiteurl": ""})
    assert case.record.number == 10
    assert len(opened) == 1, opened


def test_line_numbers_count_as_markdown_does_with_a_byte_order_mark_and_crlf(site):
    text = "\ufeff" + CASE.replace("Fall: 9", "Fall: 11").replace("\n", "\r\n")
    record = read(site, "fall-11.md", text.encode("utf-8")).record
    assert (record.number, record.line("fall"), record.line("title")) == (11, 2, 1)
    assert [tip.line for tip in record.tips] == [12]
    assert record.digest == hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.mark.parametrize("replacement, message, line", [
    ("Fall: drei", "Die Fallnummer „drei“ ist keine positive ganze Zahl.", 2),
    ("Fall: 12\nModified: gestern", "Das Änderungsdatum „gestern“ ist nicht lesbar.", 3),
])
def test_a_refused_case_is_passed_over_by_pelican_with_its_problems_in_the_record(site, replacement, message, line):
    readers, _ = site
    case = read(site, "fall-12.md", CASE.replace("Fall: 9", replacement))
    assert isinstance(case, SkipStub)
    content, metadata = readers.readers["md"].read(case.source_path)
    record = metadata["record"]
    assert metadata["status"] == "skip" and content == "" and record.left_out
    assert [(p.line, p.message.startswith(message)) for p in record.problems] == [(line, True)]


def test_a_page_is_read_into_a_record_too(site):
    page = read(site, "ueber.md", "Title: Über uns\nSlug: ueber-uns\nSummary: \n\nWer wir sind.\n\n## Tipp am Rand\n\nKein Kasten.\n",
                folder="pages", kind=Page)
    record = page.record
    assert (record.is_case, record.number, record.title_text, record.tips) == (False, None, "Über uns", ())
    assert "<aside" not in page._content and "Kein Kasten." in record.search_text


def test_a_fixed_case_comes_back_in_the_next_build_of_the_same_pelican(tmp_path, caplog):
    """``pelican --autoreload`` builds again with the same Pelican and its
    settings: a case refused in one build must not stay out of the next.
    A case taken from Pelican's content cache still has its photo looked
    for: the record says what the text says, not what the folder holds."""
    project = copy_project(tmp_path / "site")
    victim = published_cases(project / "content")[0]
    written = victim.path.read_text(encoding="utf-8")
    victim.path.write_text(re.sub(r"^Fall: .*$", "Fall: drei", written, count=1, flags=re.M), encoding="utf-8")
    output = tmp_path / "output"
    settings = read_settings(str(project / "pelicanconf.py"), override={
        "PATH": str(project / "content"), "OUTPUT_PATH": str(output), "CACHE_PATH": str(project / "cache"),
    })
    pelican = Pelican(settings)
    shared = {key: list(pelican.settings[key]) for key in ("IGNORE_FILES", "ARTICLE_EXCLUDES", "PAGE_EXCLUDES")}
    page = output / "fall" / str(victim.number) / "index.html"

    pelican.run()
    assert not page.exists()
    victim.path.write_text(written, encoding="utf-8")
    pelican.run()
    assert page.exists()
    assert {key: pelican.settings[key] for key in shared} == shared  # nothing written into the shared settings
    assert victim.metadata["title"].split()[-1] in text_of(soup(page).find("h1"))

    with_photo = next(case for case in published_cases(project / "content") if case.metadata.get("image"))
    (project / "content" / with_photo.metadata["image"]).unlink()
    caplog.clear()
    pelican.run()
    shown = with_photo.path.relative_to(project).as_posix()
    assert f"{shown}:" in caplog.text and f"Das Bild „{with_photo.metadata['image']}“ gibt es nicht." in caplog.text


def _strings_in(value, seen=None):
    """Every str reachable from ``value`` through dataclass fields, tuples
    and dicts (what pickling a record keeps)."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            yield from _strings_in(getattr(value, field.name))
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _strings_in(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings_in(key)
            yield from _strings_in(item)


def test_a_record_keeps_its_search_text_and_tips_packed_not_as_second_copies(site):
    """At 10,000 cases the build holds every record at once: the texts only
    the search and the tips pages read are kept compressed, not beside the
    page's HTML (Pelican's content) as further str copies of the case."""
    long_case = CASE.replace("Rückrufe zusagen und halten.", " ".join(["Rückrufe „zusagen“ und halten."] * 40))
    record = read(site, "fall-09.md", long_case).record
    [tip] = record.tips
    assert "Rückrufe „zusagen“ und halten." in record.search_text and tip.text.count("Rückrufe") == 40
    kept = list(_strings_in(record))
    assert record.search_text not in kept and tip.text not in kept and tip.html not in kept
    assert not any("Rückrufe" in text for text in kept if text is not record.html)
    # Packed, they take less than the text's UTF-8, let alone its str.
    assert len(record.packed_search_text) < len(record.search_text.encode("utf-8")) / 2
    assert len(tip.packed_html) + len(tip.packed_text) < len(tip.text.encode("utf-8")) / 2
    assert pickle.loads(pickle.dumps(record)) == record
