"""The importer of the old archive (importer/), on exports written for these tests."""

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from importer import import_paths, parse_export
from importer.markdown import escape
from sitebuild import build, copy_project, read_case, soup

FIXTURES = Path(__file__).parent / "fixtures" / "import"
TEXT = FIXTURES / "fall-12-rueckruf.txt"
TWO_TIPS = FIXTURES / "fall-13-zwei-tipps.txt"
NO_NUMBER = FIXTURES / "ohne-nummer.txt"
HTML = FIXTURES / "fall-14-seite.html"


def variants(tmp_path):
    """The plain-text export with LF, with CRLF and with a byte order mark."""
    raw = TEXT.read_bytes()
    assert b"\r\n" not in raw
    files = {
        "lf": raw,
        "crlf": raw.replace(b"\n", b"\r\n"),
        "bom": b"\xef\xbb\xbf" + raw.replace(b"\n", b"\r\n"),
    }
    for name, data in files.items():
        (tmp_path / f"{name}.txt").write_bytes(data)
    return {name: tmp_path / f"{name}.txt" for name in files}


@pytest.mark.parametrize("variant", ["lf", "crlf", "bom"])
def test_plain_text_export(tmp_path, variant):
    case = parse_export(variants(tmp_path)[variant])
    assert case.title == "Der »eingebaute« Kunde und der versprochene Rückruf"  # no layout "•"
    assert case.number == 12
    assert case.summary.startswith("Ein Rückruf wird zugesagt, zweimal, dreimal – und kommt nie.")
    assert len(case.story) == 2 and case.story[0].startswith("Im Frühjahr")
    assert [h for h, _ in case.sections] == ["Was ist passiert?", "Der Tipp des »eingebauten« Kunden"]
    assert case.sections[1][1][0].startswith("Versprechen Sie nur Rückrufe, die Sie auch halten können – und")
    assert case.image_credit == "M. Muster/Beispielbild"
    everything = " ".join([case.summary, *case.story, *(p for _, ps in case.sections for p in ps)])
    assert "Website Maker" not in everything and "Foto:" not in everything
    assert case.missing == []


def test_two_tips():
    case = parse_export(TWO_TIPS)
    assert case.tips == ["Der Tipp des »eingebauten« Kunden", "Tipp für die Geschäftsleitung"]
    assert not any("Baukasten" in p for _, ps in case.sections for p in ps)


def test_html_page_with_navigation_and_footer_noise():
    case = parse_export(HTML)
    assert case.title == "Der »eingebaute« Kunde und die verlorene Bestellung"
    assert case.number == 14
    assert case.summary.startswith("Eine Bestellung verschwindet")
    assert case.story == [
        "Ich hatte Büromaterial bestellt, die Bestätigung kam sofort. Danach: nichts.",
        "Nach zehn Tagen schrieb ich an den Kundenservice und bekam eine automatische Antwort.",
    ]
    assert [h for h, _ in case.sections] == ["Was ist passiert?", "Der Tipp des »eingebauten« Kunden"]
    assert case.sections[1][1] == ["Melden Sie sich, bevor der Kunde nachfragen muss – schon eine kurze Nachricht „Ihre Bestellung verzögert sich“ genügt."]
    assert case.image_credit == "L. Beispiel/Bildagentur"
    assert case.date == date(2023, 11, 7)
    text = str(case)
    for noise in ["Cookies", "Alle Fälle", "Kontakt", "Impressum", "Teilen", "Website Maker", "dataLayer"]:
        assert noise not in text


def test_what_is_missing_is_named():
    case = parse_export(NO_NUMBER)
    assert case.missing == ["keine Fallnummer (eine Zeile wie „Der 33. Fall“)"]


def test_markdown_stays_literal():
    assert escape("1. Januar war es") == "\\1. Januar war es"
    assert escape("# nicht als Überschrift") == "\\# nicht als Überschrift"
    assert escape("Ein *Stern* und _Strich_") == "Ein \\*Stern\\* und \\_Strich\\_"


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path / "site")


def test_a_folder_imports_the_good_files_and_reports_the_bad(project, tmp_path):
    results = import_paths(str(FIXTURES), project / "content", today=date(2025, 1, 2))
    by_name = {r.source.name: r for r in results}
    assert by_name["ohne-nummer.txt"].written is None
    assert any("keine Fallnummer" in m for m in by_name["ohne-nummer.txt"].messages)
    written = {r.written.name for r in results if r.ok}
    assert written == {
        "fall-12-der-versprochene-rueckruf.md",
        "fall-13-die-doppelte-rechnung.md",
        "fall-14-die-verlorene-bestellung.md",
    }
    case = read_case(project / "content" / "faelle" / "fall-12-der-versprochene-rueckruf.md")
    assert case.number == 12 and case.metadata["date"] == "2025-01-02 09:00"
    assert case.metadata["image_credit"] == "M. Muster/Beispielbild"
    assert any("heute" in m for m in by_name["fall-12-rueckruf.txt"].messages)
    assert any("aus der Exportdatei" in m for m in by_name["fall-14-seite.html"].messages)
    raw = (project / "content" / "faelle" / "fall-12-der-versprochene-rueckruf.md").read_bytes()
    assert b"\r" not in raw and "»eingebaute«".encode() in raw


def test_a_glob_pattern_and_the_date_option(project):
    results = import_paths(str(FIXTURES / "fall-1*.txt"), project / "content", date=date(2022, 3, 4))
    assert sorted(r.written.name for r in results) == ["fall-12-der-versprochene-rueckruf.md", "fall-13-die-doppelte-rechnung.md"]
    assert all(any("aus --date" in m for m in r.messages) for r in results)
    assert read_case(results[0].written).metadata["date"] == "2022-03-04 09:00"


def test_never_overwrites_without_force(project):
    target = project / "content" / "faelle" / "fall-12-der-versprochene-rueckruf.md"
    target.write_text("Meine Änderungen\n", encoding="utf-8")
    (result,) = import_paths(str(TEXT), project / "content")
    assert not result.ok and any("gibt es schon" in m for m in result.messages)
    assert target.read_text(encoding="utf-8") == "Meine Änderungen\n"
    (forced,) = import_paths(str(TEXT), project / "content", force=True)
    assert forced.ok and read_case(target).number == 12


def test_a_number_taken_by_another_file_is_refused(project):
    other = project / "content" / "faelle" / "fall-12-anders.md"
    other.write_text("Title: Anders\nFall: 12\nDate: 2020-01-01\n\nText.\n", encoding="utf-8")
    (result,) = import_paths(str(TEXT), project / "content", existing_numbers={12: other})
    assert not result.ok and any("fall-12-anders.md" in m for m in result.messages)


def test_the_task_and_the_round_trip_to_the_tips_page(project, tmp_path):
    archive = tmp_path / "archiv"
    shutil.copytree(FIXTURES, archive)
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "import-case", str(archive)],
        cwd=project, capture_output=True, text=True,
    )
    assert result.returncode == 1  # one file could not be imported
    assert "content/faelle/fall-13-die-doppelte-rechnung.md" in result.stdout
    assert "3 von 4 Dateien übernommen." in result.stdout
    assert "ohne-nummer.txt" in result.stderr and "keine Fallnummer" in result.stderr

    output = tmp_path / "out"
    built = build(output, project=project, strict=True)
    assert built.returncode == 0, built.stdout + built.stderr
    assert (output / "fall" / "12" / "index.html").is_file()
    listed = {li["data-url"] for li in soup(output / "tipps" / "index.html").select("#tipps-liste > li")}
    assert {"/fall/12/#tipp", "/fall/13/#tipp", "/fall/13/#tipp-2", "/fall/14/#tipp"} <= listed
