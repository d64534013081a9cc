"""The importer of the old archive (importer/), on exports written for these tests."""

import html
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import markdown
import pytest

from cases.checks import case_numbers
from importer import import_paths, parse_export
from importer.markdown import escape
from importer.parse_html import parse_html
from importer.parse_text import parse_text
from sitebuild import build, copy_project, read_case, soup, text_of

FIXTURES = Path(__file__).parent / "fixtures" / "import"
TEXT = FIXTURES / "fall-12-rueckruf.txt"
TWO_TIPS = FIXTURES / "fall-13-zwei-tipps.txt"
HTML = FIXTURES / "fall-14-seite.html"
MARKUP = FIXTURES / "fall-15-sternchen.txt"
HTML_WITHOUT_MAIN = FIXTURES / "fall-16-ohne-main.html"
NO_NUMBER = FIXTURES / "ohne-nummer.txt"
GOOD = {
    "fall-12-rueckruf.txt": "fall-12-der-versprochene-rueckruf.md",
    "fall-13-zwei-tipps.txt": "fall-13-die-doppelte-rechnung.md",
    "fall-14-seite.html": "fall-14-die-verlorene-bestellung.md",
    "fall-15-sternchen.txt": "fall-15-das-kleingedruckte-mit-sternchen.md",
    "fall-16-ohne-main.html": "fall-16-die-warteschleife.md",
}


def everything(case):
    return "\n".join([case.title, case.summary, *(h or "" for h, _ in case.sections),
                      *(p for _, ps in case.sections for p in ps)])


def variants(tmp_path):
    """The plain-text export with LF, CRLF, old Mac CR, a byte order mark,
    stray and non-breaking spaces, and as Windows-1252."""
    raw = TEXT.read_bytes()
    assert b"\r" not in raw
    crlf = raw.replace(b"\n", b"\r\n")
    files = {
        "lf": raw,
        "crlf": crlf,
        "cr": raw.replace(b"\n", b"\r"),
        "bom": b"\xef\xbb\xbf" + crlf,
        "spaces": b"\n\n".join(b"  " + line.replace(b" ", "\u00a0".encode(), 1) + b" \t"
                               for line in raw.split(b"\n")),
        "cp1252": raw.decode("utf-8").replace("•", "").encode("cp1252"),
    }
    for name, data in files.items():
        (tmp_path / f"{name}.txt").write_bytes(data)
    return {name: tmp_path / f"{name}.txt" for name in files}


@pytest.mark.parametrize("variant", ["lf", "crlf", "cr", "bom", "spaces", "cp1252"])
def test_plain_text_export(tmp_path, variant):
    case = parse_export(variants(tmp_path)[variant])
    assert case.title == "Der »eingebaute« Kunde und der versprochene Rückruf"  # no layout "•"
    assert case.number == 12
    assert case.summary == ("Ein Rückruf wird zugesagt, zweimal, dreimal – und kommt nie. "
                            "Warum ein kleines Versprechen mehr wiegt als jede Werbekampagne.")
    assert len(case.story) == 2 and case.story[0].startswith("Im Frühjahr wollte ich bei einem Autohaus")
    assert [h for h, _ in case.sections] == [None, "Was ist passiert?", "Der Tipp des »eingebauten« Kunden"]
    assert case.tips == ["Der Tipp des »eingebauten« Kunden"]
    assert case.sections[2][1][0].startswith("Versprechen Sie nur Rückrufe, die Sie auch halten können – und")
    assert case.image_credit == "M. Muster/Beispielbild"
    assert "Website Maker" not in everything(case) and "Foto:" not in everything(case)
    assert "\xa0" not in everything(case) and "\ufeff" not in everything(case)
    assert case.problems == [] and case.date is None
    assert any("Windows-1252" in note for note in case.notes) == (variant == "cp1252")


def test_two_tips():
    case = parse_export(TWO_TIPS)
    assert case.tips == ["Der Tipp des »eingebauten« Kunden", "Tipp für die Geschäftsleitung"]
    assert case.sections[-1][1] == ["Prüfen Sie, ob Ihre Abläufe doppelte Rechnungen überhaupt zulassen – "
                                   "und beheben Sie die Ursache, nicht nur den Einzelfall."]
    assert "Erstellt mit" not in everything(case)
    assert any("Erstellt mit Baukasten Pro" in note for note in case.notes)


def test_labels_and_markdown_looking_lines_in_a_text_export():
    case = parse_export(MARKUP)
    assert case.number == 15
    assert case.date == datetime(2024, 5, 14, 10, 30) and case.has_time
    assert "Datum: 14. Mai 2024, 10:30" in case.date_source
    assert case.tags == ["Werbung", "Vertrauen"]
    assert case.story[1:] == [
        "1. Nur für Neukunden.", "2. Nur im ersten Monat.",
        "- Und nur mit Vertragslaufzeit von 24 Monaten.",
        "# So stand es tatsächlich auf dem Aushang, mit Raute davor.",
    ]
    assert "Powered by" not in everything(case) and "Themen:" not in everything(case)


def test_html_page_with_navigation_header_footer_and_badge():
    case = parse_export(HTML)
    assert case.title == "Der »eingebaute« Kunde und die verlorene Bestellung"
    assert case.number == 14
    assert case.summary == "Eine Bestellung verschwindet zwischen Onlineshop und Lager. Der Kunde erfährt es als Letzter."
    assert case.story == [
        "Ich hatte Büromaterial bestellt, die Bestätigung kam sofort. Danach: nichts.",
        "Nach zehn Tagen schrieb ich an den Kundenservice und bekam eine automatische Antwort.",
    ]
    assert [h for h, _ in case.sections] == [None, "Was ist passiert?", "Der Tipp des »eingebauten« Kunden"]
    assert case.sections[2][1] == [
        "Melden Sie sich, bevor der Kunde nachfragen muss – schon eine kurze Nachricht "
        "„Ihre Bestellung verzögert sich“ genügt."
    ]
    assert case.image_credit == "L. Beispiel/Bildagentur"
    assert case.date == datetime(2023, 11, 7, 8, 0) and case.has_time
    assert "article:published_time" in case.date_source
    for noise in ["Cookies", "Start", "Alle Fälle", "Kontakt", "Impressum", "Teilen", "Website Maker", "dataLayer", "color"]:
        assert noise not in everything(case)


def test_html_page_without_main_or_article():
    case = parse_export(HTML_WITHOUT_MAIN)
    # No <h1> of its own (the only one is the logo): the page title without the site name.
    assert case.title == "Der »eingebaute« Kunde und die Warteschleife"
    assert case.number == 16  # the byline, not the navigation or the JSON-LD
    assert case.summary == "Eine Hotline verspricht kurze Wartezeiten. Die Uhr erzählt etwas anderes."
    assert case.story == [  # <br><br> separates paragraphs; inline markup leaves no stray spaces
        "Mein Router war ausgefallen, also rief ich die Hotline an. Nach einer Ansage und drei "
        "Musikstücken hieß es: „Sie werden gleich verbunden.“",
        "Vierzig Minuten später legte ich auf, ohne einen Menschen gesprochen zu haben.",
    ]
    assert case.tips == ["Der Tipp des »eingebauten« Kunden"]  # a bold line counts as a heading
    assert case.date == datetime(2022, 3, 1, 8, 30)  # 07:30 UTC is 08:30 in Berlin
    assert case.tags == ["Telefon", "Service"]
    assert case.image == ("/bilder/warteschleife.jpg", "Ein Telefonhörer neben einer Sanduhr")
    for noise in ["Cookies", "Beispiel-Berater", "Kolumne", "Über mich", "©", "Powered", "Der 15. Fall", "Themen"]:
        assert noise not in everything(case)


@pytest.mark.parametrize(
    "text, missing",
    [
        ("Der 3. Fall\nAnreißer.\nDer Tipp des »eingebauten« Kunden\nTipp.", ["Kein Titel"]),
        ("Titel\nDer 3. Fall\nAnreißer.\nWas ist passiert?\nNichts.", ["Kein Tipp"]),
        ("Titel\nDer 3. Fall\nAnreißer.\nDer Tipp des »eingebauten« Kunden", ["Der Tipp „Der Tipp des »eingebauten« Kunden“ hat keinen Text"]),
        ("", ["Kein Titel", "Keine Fallnummer", "Kein Tipp"]),
    ],
)
def test_what_is_missing_is_named_with_how_to_fix_it(text, missing):
    problems = parse_text(text).problems
    assert [p[: len(m)] for p, m in zip(problems, missing)] == missing and len(problems) == len(missing)
    assert all("importieren Sie sie erneut" in p for p in problems)


def test_html_title_falls_back_to_the_page_title_and_number_to_any_text():
    case = parse_html(
        "<html><head><title>Der »eingebaute« Kunde und der Zettel | Alte Seite</title></head><body>"
        "<main><p>Der 7. Fall zeigt, wie man es nicht macht.</p><h3>Tipp</h3><p>Aufschreiben.</p></main></body></html>"
    )
    assert case.title == "Der »eingebaute« Kunde und der Zettel"
    assert case.number == 7 and case.problems == []


def test_markdown_stays_literal():
    assert escape("1. Januar war es") == "1\\. Januar war es"
    assert escape("# nicht als Überschrift") == "\\# nicht als Überschrift"
    assert escape("- kein Spiegelstrich") == "\\- kein Spiegelstrich"
    assert escape("> kein Zitat") == "\\> kein Zitat"
    assert escape("Ein *Stern* und _Strich_ [nicht verlinkt](x)") == "Ein \\*Stern\\* und \\_Strich\\_ \\[nicht verlinkt\\](x)"
    for text in ["1. Januar war es", "# Raute", "- Strich", "+ Plus", "> Zitat", "Ein *Stern* und _Strich_",
                 "---", "Text {: .tipp}", "[Link](http://example.com)", ": Doppelpunkt", "»Zitat« – „so“ …"]:
        rendered = markdown.markdown(escape(text), extensions=["extra"])
        assert html.unescape(rendered) == f"<p>{text}</p>", rendered


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path / "site")


def faelle(project):
    return project / "content" / "faelle"


def test_a_folder_imports_the_good_files_and_reports_the_bad(project):
    results = import_paths(str(FIXTURES), project / "content", today=date(2025, 1, 2))
    by_name = {r.source.name: r for r in results}
    assert set(by_name) == {*GOOD, "ohne-nummer.txt"}  # not .gitattributes
    bad = by_name["ohne-nummer.txt"]
    assert bad.written is None and bad.problems[0].startswith("Keine Fallnummer gefunden")
    assert not any(p.name.startswith("fall-00") for p in faelle(project).iterdir())
    assert {name: r.written.name for name, r in by_name.items() if r.ok} == GOOD

    case = read_case(faelle(project) / GOOD["fall-12-rueckruf.txt"])
    assert case.number == 12 and case.metadata["date"] == "2025-01-02 09:00"
    assert case.metadata["image_credit"] == "M. Muster/Beispielbild"
    assert "image" not in case.metadata and "tags" not in case.metadata
    assert case.body.startswith("Im Frühjahr") and "## Der Tipp des »eingebauten« Kunden\n\nVersprechen" in case.body
    dates = {name: next(m for m in r.messages if m.startswith("Datum")) for name, r in by_name.items() if r.ok}
    assert dates["fall-12-rueckruf.txt"] == "Datum 2025-01-02 09:00 (heute – die Datei nennt kein Datum; mit --date festlegen)"
    assert dates["fall-14-seite.html"] == "Datum 2023-11-07 08:00 (aus <meta article:published_time> der Seite)"
    assert dates["fall-15-sternchen.txt"] == "Datum 2024-05-14 10:30 (aus der Zeile „Datum: 14. Mai 2024, 10:30“)"
    assert dates["fall-16-ohne-main.html"] == "Datum 2022-03-01 08:30 (aus <time datetime> der Seite)"
    assert any("Image_alt" in m and "/bilder/warteschleife.jpg" in m for m in by_name["fall-16-ohne-main.html"].messages)

    raw = (faelle(project) / GOOD["fall-15-sternchen.txt"]).read_bytes()
    assert b"\r" not in raw and b"\nTags: Werbung, Vertrauen\n" in raw
    assert "\n\n1\\. Nur für Neukunden.\n\n".encode() in raw and "Misstrauen\\_ und".encode() in raw


def test_a_glob_pattern_and_the_date_option(project):
    results = import_paths(str(FIXTURES / "fall-1*.txt"), project / "content", date="2022-03-04")
    assert [r.written.name for r in results] == [GOOD[n] for n in ["fall-12-rueckruf.txt", "fall-13-zwei-tipps.txt",
                                                                   "fall-15-sternchen.txt"]]
    assert all("Datum 2022-03-04 09:00 (aus --date)" in r.messages for r in results)
    assert read_case(results[2].written).metadata["date"] == "2022-03-04 09:00"  # --date wins over the file
    with pytest.raises(ValueError, match="nicht lesbar"):
        import_paths(str(TEXT), project / "content", date="4.3.22")


def test_never_overwrites_without_force(project):
    target = faelle(project) / GOOD["fall-12-rueckruf.txt"]
    target.write_bytes("Meine Änderungen\r\n".encode())
    (result,) = import_paths(str(TEXT), project / "content")
    assert not result.ok and "gibt es schon; nichts wurde überschrieben" in result.problems[0]
    assert target.read_bytes() == "Meine Änderungen\r\n".encode()
    (forced,) = import_paths(str(TEXT), project / "content", force=True)
    assert forced.ok and "überschrieben (--force)" in forced.messages and read_case(target).number == 12


def test_a_number_taken_by_another_file_is_refused(project):
    other = faelle(project) / "fall-12-anders.md"
    other.write_text("Title: Anders\nFall: 12\nDate: 2020-01-01\n\nText.\n", encoding="utf-8")
    assert case_numbers(faelle(project))[12] == other
    (result,) = import_paths(str(TEXT), project / "content")
    assert not result.ok and "Die Fallnummer 12 hat schon" in result.problems[0]
    assert "fall-12-anders.md" in result.problems[0]
    assert not (faelle(project) / GOOD["fall-12-rueckruf.txt"]).exists()
    (forced,) = import_paths(str(TEXT), project / "content", force=True)
    assert forced.ok and any("auch" in m and "fall-12-anders.md" in m for m in forced.messages)


def test_the_same_number_twice_in_one_import(project, tmp_path):
    archive = tmp_path / "archiv"
    archive.mkdir()
    shutil.copy(TEXT, archive / "a.txt")
    (archive / "b.txt").write_text(TEXT.read_text(encoding="utf-8").replace("Rückruf •", "Rückruf, zweite Fassung"),
                                   encoding="utf-8")
    first, second = import_paths(str(archive), project / "content")
    assert first.ok and not second.ok and first.written.name in second.problems[0]


def run_task(project, *args):
    return subprocess.run([sys.executable, "-m", "invoke", "import-case", *args],
                          cwd=project, capture_output=True, text=True)


def test_the_task_and_the_round_trip_to_the_tips_page(project, tmp_path):
    archive = tmp_path / "archiv"
    shutil.copytree(FIXTURES, archive)
    result = run_task(project, str(archive))
    assert result.returncode == 1, result.stderr  # one file could not be imported
    for written in GOOD.values():
        assert f"content/faelle/{written}\n" in result.stdout
    assert "    Datum 2022-03-01 08:30 (aus <time datetime> der Seite)" in result.stdout
    assert "5 von 6 Dateien übernommen." in result.stdout
    assert "ohne-nummer.txt: Keine Fallnummer gefunden" in result.stderr

    again = run_task(project, str(archive / "fall-12-rueckruf.txt"), "--date", "2021-06-01")
    assert again.returncode == 1 and "gibt es schon" in again.stderr
    forced = run_task(project, str(archive / "fall-12-rueckruf.txt"), "--date", "2021-06-01", "--force")
    assert forced.returncode == 0, forced.stderr
    assert "content/faelle/fall-12-der-versprochene-rueckruf.md" in forced.stdout and "(aus --date)" in forced.stdout
    unreadable = run_task(project, str(archive), "--date", "morgen")
    assert unreadable.returncode == 1 and "Das Datum „morgen“ ist nicht lesbar" in unreadable.stderr

    output = tmp_path / "out"
    built = build(output, project=project, strict=True)
    assert built.returncode == 0, built.stdout + built.stderr
    for number in (12, 13, 14, 15, 16):
        assert (output / "fall" / str(number) / "index.html").is_file()
    listed = {li["data-url"] for li in soup(output / "tipps" / "index.html").select("#tipps-liste > li")}
    assert {"/fall/12/#tipp", "/fall/13/#tipp", "/fall/13/#tipp-2", "/fall/14/#tipp", "/fall/15/#tipp",
            "/fall/16/#tipp"} <= listed
    page = text_of(soup(output / "fall" / "15" / "index.html"))
    assert "1. Nur für Neukunden." in page and "# So stand es" in page and "„50 % Rabatt*“" in page
