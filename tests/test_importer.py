"""The importer of the old archive (importer/), on exports written for these tests."""

import codecs
import html
import os
import re
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import markdown
import pytest
from pelican.settings import read_settings

import feedrules
import importer
from cases.checks import case_numbers
from cases.markdown_text import PlainTextMarkdown
from importer import ImportOptionError, import_paths, parse_export
from importer.dates import parse_date
from importer.markdown import case_markdown, escape
from importer.parse_html import parse_html
from importer.parse_text import parse_text
from sitebuild import ROOT, build, copy_project, read_case, soup, text_of

FIXTURES = Path(__file__).parent / "fixtures" / "import"
SITE = "https://www.der-eingebaute-kunde.de"
EXPORT = FIXTURES / "mobirise"  # a Mobirise export folder: case pages among other pages
EXPORT_DATES = FIXTURES / "mobirise-daten.csv"
EXPORT_CASES = {
    "fall-8.html": "fall-08-das-verschwundene-paket.md",
    "fall-9.html": "fall-09-der-doppelte-kostenvoranschlag.md",
    "fall-10.html": "fall-10-die-warteschleife-mit-musik.md",
}
EXPORT_SKIPPED = {
    "index.html": "die Startseite",
    "faelle.html": "eine Übersicht",
    "impressum.html": "das Impressum",
    "datenschutz.html": "die Datenschutzerklärung",
    "kontakt.html": "die Kontaktseite",
}
# The pages of the export that become pages of the site; the others have no page of their own.
EXPORT_PAGES = {"impressum.html": "impressum.md", "datenschutz.html": "datenschutz.md", "kontakt.html": "kontakt.md"}
EXPORT_NOT_IMPORTED = {"index.html": "die Startseite", "faelle.html": "eine Übersicht"}
TEXT = FIXTURES / "fall-12-rueckruf.txt"
TWO_TIPS = FIXTURES / "fall-13-zwei-tipps.txt"
HTML = FIXTURES / "fall-14-seite.html"
MARKUP = FIXTURES / "fall-15-sternchen.txt"
HTML_WITHOUT_MAIN = FIXTURES / "fall-16-ohne-main.html"
# Dates with an offset are read in the site's time zone, as `invoke import-case` does.
SITE_TIMEZONE = read_settings(str(ROOT / "pelicanconf.py"))["TIMEZONE"]
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
    stray and non-breaking spaces, as Windows-1252, as UTF-16 and UTF-32
    (with a byte order mark, as Windows saves "Unicode"), UTF-16 without
    one, and with NUL bytes of a damaged file."""
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
        "utf16": codecs.BOM_UTF16_LE + crlf.decode("utf-8").encode("utf-16-le"),
        "utf16be": codecs.BOM_UTF16_BE + crlf.decode("utf-8").encode("utf-16-be"),
        "utf32": codecs.BOM_UTF32_LE + crlf.decode("utf-8").encode("utf-32-le"),
        "utf32be": codecs.BOM_UTF32_BE + crlf.decode("utf-8").encode("utf-32-be"),
        "utf16-unmarked": crlf.decode("utf-8").encode("utf-16-le"),
        "nul": raw.replace(b"Autohaus", b"Auto\x00haus").replace(b"\n", b"\x00\n", 3),
    }
    for name, data in files.items():
        (tmp_path / f"{name}.txt").write_bytes(data)
    return {name: tmp_path / f"{name}.txt" for name in files}


@pytest.mark.parametrize("variant", ["lf", "crlf", "cr", "bom", "spaces", "cp1252", "utf16", "utf16be", "utf32",
                                     "utf32be", "utf16-unmarked", "nul"])
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
    assert any("UTF-16" in note for note in case.notes) == variant.startswith("utf16")
    assert any("UTF-32" in note for note in case.notes) == variant.startswith("utf32")
    assert "\x00" not in everything(case)
    assert any("Steuerzeichen" in note for note in case.notes) == (variant == "nul")


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
    case = parse_export(HTML_WITHOUT_MAIN, timezone=SITE_TIMEZONE)
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
        ("Titel\nDer 3. Fall\nAnreißer.\nDer Tipp des »eingebauten« Kunden", ["Der Tipp „Der Tipp des »eingebauten« Kunden“ hat keinen Text"]),  # noqa: E501
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


SITE_MARKDOWN = markdown.Markdown(extensions=["extra", "toc", PlainTextMarkdown()], output_format="html5")

# Lines of an author's text that Markdown would read as markup.
MARKDOWN_LOOKING = ["1. Januar war es", "2) Zweitens", "# Raute", "- Strich", "+ Plus", "* Stern", "> Zitat",
                    "Ein *Stern* und _Strich_", "---", "- - -", "***", "___", "===", "~~~", "~~~ python",
                    "```", "```js", "Text {: .tipp}", "[Link](http://example.com)", "[^1]: Fußnote",
                    "*[HTML]: Abkürzung", ": Doppelpunkt", "| a | b |", "<div>HTML</div>",
                    "</title><script>alert(1)</script>", "<https://example.com>", "AT&T, &amp; und &#126;",
                    "Rückstrich \\ bleibt", "»Zitat« – „so“ …"]


@pytest.mark.parametrize("text", MARKDOWN_LOOKING)
def test_markdown_looking_lines_stay_literal_without_backslashes(text):
    """As the site renders them: the text as written, no backslash in sight."""
    rendered = SITE_MARKDOWN.reset().convert(escape(text))
    assert rendered.startswith("<p>") and rendered.endswith("</p>"), rendered
    assert html.unescape(rendered[3:-4]) == text, rendered


def test_markdown_stays_literal():
    assert escape("1. Januar war es") == "1\\. Januar war es"
    assert escape("# nicht als Überschrift") == "\\# nicht als Überschrift"
    assert escape("- kein Spiegelstrich") == "\\- kein Spiegelstrich"
    assert escape("> kein Zitat") == "\\> kein Zitat"
    assert escape("Ein *Stern* und _Strich_ [nicht verlinkt](x)") == "Ein \\*Stern\\* und \\_Strich\\_ \\[nicht verlinkt\\](x)"
    assert escape("===") == "&#61;&#61;&#61;" and escape("~~~ Ende") == "&#126;~~ Ende"
    assert escape("```js") == "&#96;&#96;&#96;js"


def test_four_digit_years_only():
    for given in ["0001-01-01", "0999-12-31"]:
        with pytest.raises(ImportOptionError, match="kein vierstelliges Jahr"):
            parse_date(given)
    with pytest.raises(ImportOptionError, match="nicht lesbar"):
        parse_date("20240514")
    assert parse_date("1999-02-03").moment == datetime(1999, 2, 3)
    case = parse_text("Titel\nDer 3. Fall\nDatum: 0001-01-01\nAnreißer.\nDer Tipp des »eingebauten« Kunden\nTipp.")
    assert case.date is None  # no date rather than the year 1
    assert "Date: 0999-01-02 09:00" in case_markdown(case, datetime(999, 1, 2), False)


def test_a_case_number_in_other_digits_is_a_message():
    case = parse_text("Titel\nDer ². Fall\nAnreißer.\nDer Tipp des »eingebauten« Kunden\nTipp.")
    assert case.number is None
    assert len(case.problems) == 1 and case.problems[0].startswith("Die Fallnummer „²“ in der Zeile „Der ². Fall“")
    assert parse_text("Titel\nDer ３. Fall\nA.\nDer Tipp des »eingebauten« Kunden\nT.").number is None


def test_deeply_nested_markup_is_read_without_exhausting_the_stack():
    depth = 10_000
    page = ("<html><body><h1>Der »eingebaute« Kunde und die Schachtel •</h1><p>Der 4. Fall</p>"
            + "<div>" * depth + "<p>Ganz innen steht der Anreißer.</p>" + "</div>" * depth
            + "<h2>Der Tipp des »eingebauten« Kunden</h2><p>Weniger Schachteln.</p></body></html>")
    case = parse_html(page)
    assert case.problems == [] and case.number == 4
    assert case.summary == "Ganz innen steht der Anreißer."
    assert case.sections[-1] == ("Der Tipp des »eingebauten« Kunden", ["Weniger Schachteln."])


# --- Mobirise exports -------------------------------------------------------

def test_the_case_pages_are_found_among_all_pages_of_the_export():
    for page, reason in EXPORT_SKIPPED.items():
        case = parse_export(EXPORT / page)
        assert case.skip_reason.startswith(reason), (page, case.skip_reason)
    for page in EXPORT_CASES:
        case = parse_export(EXPORT / page)
        assert case.skip_reason == "" and case.problems == [], (page, case.problems)


def test_a_mobirise_case_page():
    case = parse_export(EXPORT / "fall-8.html")
    # The title line ending in "•", not <title> ("Der 8. Fall") nor the header block's <h1>.
    assert case.title == "Der »eingebaute« Kunde und das verschwundene Paket"
    assert case.number == 8
    assert case.summary == "Die Sendungsverfolgung meldet »zugestellt«, der Briefkasten ist leer. Wer ist jetzt zuständig?"
    assert case.summary.markdown == case.summary  # bold as a whole is the old layout, not emphasis
    story = case.story
    assert story[0].markdown.endswith("um 10:14 Uhr *in meinem Briefkasten*. Dort lag allerdings nur Werbung.")
    assert story[1].startswith("Ich fragte bei den Nachbarn")  # <br><br> starts a paragraph
    assert "[Geschäftsbedingungen](https://www.example.org/agb)" in story[1].markdown
    items = [p for p in story if p.list_kind]
    assert [p.markdown for p in items] == ["dreimal beim Händler angerufen,",
                                           "zwei E-Mails an den **Kundenservice** geschrieben,",
                                           "ein Formular beim Paketdienst ausgefüllt."]
    assert {p.list_kind for p in items} == {"ul"} and len({p.list_id for p in items}) == 1
    assert case.links == ["fall-9.html"]
    assert [h for h, _ in case.sections] == [None, "Was ist passiert?", "Der Tipp des »eingebauten« Kunden"]
    assert case.tips == ["Der Tipp des »eingebauten« Kunden"]
    assert case.image == ("assets/images/paket-tuer.jpg", "Ein leerer Briefkasten mit offener Klappe")
    assert case.image_credit == "R. Beispiel/bildarchiv.example"  # from the <figcaption>
    for frame in ["Alle Fälle", "Kontakt", "Impressum", "Copyright", "Rechte", "Cookies", "Website Maker",
                  "Weiterlesen", "Toggle", "Foto:"]:
        assert frame not in everything(case)


def test_a_mobirise_page_with_two_tips_and_a_teaser_as_subtitle():
    nine = parse_export(EXPORT / "fall-9.html")
    assert nine.title == "Der »eingebaute« Kunde und der doppelte Kostenvoranschlag"  # <title> is the site's name
    assert nine.tips == ["Der Tipp des »eingebauten« Kunden", "Tipp für die Geschäftsleitung"]
    assert nine.image is None
    ten = parse_export(EXPORT / "fall-10.html")
    assert ten.summary.startswith("Zwanzig Minuten dieselbe Melodie")  # a long subtitle is no heading
    assert ten.story[0].markdown.endswith("an diesem Vormittag ***zwanzig Minuten***.")
    assert "das Formular <script> auf der Rückseite" in ten.story[1]
    assert ten.image == ("assets/images/telefon%20warten.png", "Ein Telefonhörer liegt neben einer Sanduhr")
    assert ten.image_credit == "T. Muster/eigene Aufnahme"


def test_a_badge_known_only_by_its_text_is_dropped():
    """No builder link, no badge class, no footer: only the words tell."""
    page = ("<html><body><main><h3 class='mbr-section-title'>Der »eingebaute« Kunde und der stille Shop •</h3>"
            "<p>Der 6. Fall</p><p>Anreißer.</p><p>Die Geschichte, erstellt mit viel Geduld.</p>"
            "<div><span>Erstellt mit Seitenbau Plus</span></div>"
            "<h4>Der Tipp des »eingebauten« Kunden</h4><p><small>Free AI Website Maker</small></p>"
            "<p>Antworten Sie.</p></main></body></html>")
    case = parse_html(page)
    assert case.sections[-1][1] == ["Antworten Sie."]
    assert "Die Geschichte, erstellt mit viel Geduld." in everything(case)
    for badge in ["Seitenbau Plus", "Website Maker"]:
        assert badge not in everything(case)


def test_an_author_heading_that_looks_like_html_stays_text():
    page = ("<html><head><title>Alte Seite</title></head><body><section class='content5 cid-a'>"
            "<h3 class='mbr-section-title'><strong>Der »eingebaute« Kunde und &lt;/title&gt;&lt;script&gt;x()"
            "&lt;/script&gt; •</strong></h3><p>Der 5. Fall</p><p>Anreißer.</p>"
            "<h4>Der Tipp des »eingebauten« Kunden</h4><p>Tipp &lt;b&gt;fett&lt;/b&gt;.</p></section></body></html>")
    case = parse_html(page)
    assert case.title == "Der »eingebaute« Kunde und </title><script>x()</script>"
    text = case_markdown(case, datetime(2024, 1, 2), False)
    assert text.startswith("Title: Der »eingebaute« Kunde und </title><script>x()</script>\nFall: 5\n")
    assert "\n\nTipp <b>fett</b>.\n" in text  # no escaping of our own: the site shows it as text


@pytest.fixture
def project(tmp_path):
    """A site whose placeholder Impressum and Datenschutz are gone, as
    `invoke demo-entfernen` leaves them before the import."""
    site = copy_project(tmp_path / "site")
    for name in ("impressum.md", "datenschutz.md", "kontakt.md"):
        (site / "content" / "pages" / name).unlink(missing_ok=True)
    return site


def faelle(project):
    return project / "content" / "faelle"


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def run_task(project, *args):
    return subprocess.run([sys.executable, "-m", "invoke", "import-case", *args],
                          cwd=project, capture_output=True, text=True)


def test_the_export_folder_with_dates_then_a_strict_publish(project, tmp_path):
    before = snapshot(project / "content")
    result = run_task(project, str(EXPORT), "--dates", str(EXPORT_DATES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    for page, written in EXPORT_CASES.items():
        assert f"{page} → content/faelle/{written} (neu)\n" in result.stdout
    for page, written in EXPORT_PAGES.items():
        assert f"{page} → content/pages/{written} (neu)\n" in result.stdout
    for page, reason in EXPORT_NOT_IMPORTED.items():
        assert f"{page}: übersprungen – {reason}" in result.stdout
    assert "Datum 2023-04-11 08:30 (aus mobirise-daten.csv, Zeile 3)" in result.stdout
    assert "    Foto content/images/fall-08.jpg (aus assets/images/paket-tuer.jpg)\n" in result.stdout
    # The file's name as the author sees it in the export folder.
    assert "    Foto content/images/fall-10.png (aus assets/images/telefon warten.png)\n" in result.stdout
    assert ("kontakt.html → content/pages/kontakt.md (neu)\n    Das Kontaktformular (samt Überschrift und Knopf) ist "
            "nicht übernommen (die neue Website verschickt nichts); die Seite nennt stattdessen die E-Mail-Adresse "
            "post@beispiel.example aus dem Export.\n") in result.stdout
    assert "Hinweis: content/weiterleitungen.csv: 8 alte Adressen mit Weiterleitung ergänzt" in result.stdout
    assert result.stdout.endswith("Fälle: 3 neu, 0 unverändert, 0 ersetzt; Seiten: 3 neu, 0 unverändert, 0 ersetzt; "
                                  "2 Seiten übersprungen (keine Fälle); 0 mit Fehlern – 8 Dateien gelesen.\n")
    added = set(snapshot(project / "content")) - set(before)
    assert added == {Path("faelle") / name for name in EXPORT_CASES.values()} | {
        Path("pages") / name for name in EXPORT_PAGES.values()} | {
        Path("images/fall-08.jpg"), Path("images/fall-10.png"), Path("weiterleitungen.csv")}
    assert (project / "content" / "weiterleitungen.csv").read_text(encoding="utf-8").splitlines() == [
        "alt,neu", "/datenschutz.html,/datenschutz/", "/faelle.html,/faelle/", "/fall-8.html,/fall/8/",
        "/fall-9.html,/fall/9/", "/fall-10.html,/fall/10/", "/impressum.html,/impressum/", "/index.html,/",
        "/kontakt.html,/kontakt/"]
    assert (project / "content/images/fall-08.jpg").read_bytes() == (EXPORT / "assets/images/paket-tuer.jpg").read_bytes()

    eight = read_case(faelle(project) / EXPORT_CASES["fall-8.html"])
    assert eight.metadata == {
        "title": "Der »eingebaute« Kunde und das verschwundene Paket", "fall": "8", "date": "2023-03-14 09:00",
        "summary": "Die Sendungsverfolgung meldet »zugestellt«, der Briefkasten ist leer. Wer ist jetzt zuständig?",
        "image": "images/fall-08.jpg", "image_alt": "Ein leerer Briefkasten mit offener Klappe",
        "image_credit": "R. Beispiel/bildarchiv.example",
    }
    assert "\n\n- dreimal beim Händler angerufen,\n- zwei E-Mails an den **Kundenservice** geschrieben,\n" in eight.body
    assert "[neunten Fall](/fall/9/)" in eight.body

    output = tmp_path / "out"
    built = build(output, project=project, strict=True, settings="publishconf.py")
    assert built.returncode == 0, built.stdout + built.stderr
    for number, alt in [(8, "Ein leerer Briefkasten mit offener Klappe"), (9, None),
                        (10, "Ein Telefonhörer liegt neben einer Sanduhr")]:
        page = soup(output / "fall" / str(number) / "index.html")
        article = page.find("article") or page.find("main")
        images = article.find_all("img")
        assert [img["alt"] for img in images] == ([alt] if alt else []), number
        text = text_of(article)
        for frame in ["Website Maker", "Copyright", "Cookies", "Alle Fälle", "Weiterlesen", "Absenden"]:
            assert frame not in text, (number, frame)
    # The pages, with their text; the Impressum and the Datenschutz link each other at their new addresses.
    impressum = soup(output / "impressum" / "index.html").find("main")
    address = impressum.find("p")  # the lines of the address in one paragraph, as on the old page
    lines = [""]
    for node in address.children:
        lines[-1:] = [lines[-1], ""] if node.name == "br" else [lines[-1] + node.get_text()]
    assert [" ".join(line.replace("\xa0", " ").split()) for line in lines] == [
        "Angaben gemäß § 5 DDG", "Beispiel-Beratung", "Musterweg 1", "12345 Musterstadt"]
    assert len(address.find_all("br")) == 3
    privacy = soup(output / "datenschutz" / "index.html").find("main")
    assert [text_of(h) for h in privacy.find_all("h2")] == ["Wer für diese Seiten verantwortlich ist",
                                                            "Was der Server aufzeichnet"]
    assert [text_of(li) for li in privacy.select("ul li")] == ["die aufgerufene Seite und die Uhrzeit,",
                                                              "die gekürzte IP-Adresse Ihres Geräts."]
    assert privacy.find("a", string="Impressum")["href"] == "/impressum/"
    contact = soup(output / "kontakt" / "index.html").find("main")
    assert "Ich freue mich über Ihre Erlebnisse als Kunde." in text_of(contact)
    assert contact.find("a", href="mailto:post@beispiel.example") is not None
    assert contact.find("form") is None
    eight = soup(output / "fall" / "8" / "index.html")
    assert [text_of(li) for li in eight.select("article ul li")][:3] == [
        "dreimal beim Händler angerufen,", "zwei E-Mails an den Kundenservice geschrieben,",
        "ein Formular beim Paketdienst ausgefüllt."]
    assert eight.select_one("article ul li strong").get_text() == "Kundenservice"
    assert any(em.get_text() == "in meinem Briefkasten" for em in eight.select("article em"))
    assert eight.find("a", string="neunten Fall")["href"] == "/fall/9/"
    assert eight.find("a", string="Geschäftsbedingungen")["href"] == "https://www.example.org/agb"
    assert "Foto: R. Beispiel/bildarchiv.example" in text_of(eight.find("figure"))
    ten = soup(output / "fall" / "10" / "index.html")
    assert "das Formular <script> auf der Rückseite" in text_of(ten.find("article") or ten)
    tips = {li["data-url"] for li in soup(output / "tipps" / "index.html").select("#tipps-liste > li")}
    assert {"/fall/8/#tipp", "/fall/9/#tipp", "/fall/9/#tipp-2", "/fall/10/#tipp"} <= tips
    # The link between two imported cases reaches feed readers with the site's address.
    for feed in sorted((output / "feeds").glob("*.xml")):
        assert feedrules.problems(feed, f"{SITE}/feeds/{feed.name}") == [], feed.name
    assert f'href="{SITE}/fall/9/"' in (output / "feeds" / "alle.rss.xml").read_text(encoding="utf-8").replace("&quot;", '"')


def test_a_dry_run_shows_the_table_and_writes_nothing(project):
    before = snapshot(project / "content")
    result = run_task(project, str(EXPORT), "--dates", str(EXPORT_DATES), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert snapshot(project / "content") == before
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Datei", "Fall", "Titel", "Datum", "Tipps", "Foto", "Ergebnis"]
    cells = {}
    for line in lines[2:]:
        if re.match(r"\S+\.html\s", line):
            row = re.split(r"\s{2,}", line.strip())
            cells[row[0]] = row
    assert cells["fall-8.html"] == ["fall-8.html", "8", "… das verschwundene Paket", "2023-03-14 09:00", "1",
                                    "images/fall-08.jpg", "neu"]
    assert cells["fall-9.html"] == ["fall-9.html", "9", "… der doppelte Kostenvoranschlag", "2023-04-11 08:30",
                                    "2", "–", "neu"]
    assert cells["impressum.html"][-1] == "Seite content/pages/impressum.md: neu"
    assert cells["index.html"][-1] == "übersprungen: die Startseite, keine Fallseite"
    assert "fall-9.html:\n    Datum 2023-04-11 08:30" in result.stdout  # the warnings under the table
    assert result.stdout.splitlines()[-1].startswith("Probelauf, nichts wurde geschrieben. Fälle: 3 neu")


def test_the_same_import_again_changes_nothing_and_force_replaces(project):
    first = run_task(project, str(EXPORT), "--dates", str(EXPORT_DATES))
    assert first.returncode == 0, first.stderr
    after_first = snapshot(project / "content")
    again = run_task(project, str(EXPORT), "--dates", str(EXPORT_DATES))
    assert again.returncode == 0, again.stderr
    assert snapshot(project / "content") == after_first
    assert "Fälle: 0 neu, 3 unverändert, 0 ersetzt" in again.stdout

    # The author edits a case and swaps a photo: a plain import leaves both alone.
    case_file = faelle(project) / EXPORT_CASES["fall-8.html"]
    case_file.write_text(case_file.read_text(encoding="utf-8") + "\nMein Nachtrag.\n", encoding="utf-8")
    (project / "content/images/fall-10.png").write_bytes((EXPORT / "assets/images/paket-tuer.jpg").read_bytes())
    edited = snapshot(project / "content")
    refused = run_task(project, str(EXPORT), "--dates", str(EXPORT_DATES))
    assert refused.returncode == 1
    assert snapshot(project / "content") == edited
    assert (f"fall-8.html: content/faelle/{EXPORT_CASES['fall-8.html']} gibt es schon und weicht vom Export "
            "ab – nichts wurde überschrieben. Mit --force") in refused.stderr
    assert "fall-10.html: content/images/fall-10.png gibt es schon, mit einem anderen Bild" in refused.stderr
    assert ("Fälle: 0 neu, 1 unverändert, 0 ersetzt; Seiten: 0 neu, 3 unverändert, 0 ersetzt; 2 Seiten übersprungen "
            "(keine Fälle); 2 mit Fehlern") in refused.stdout

    forced = run_task(project, str(EXPORT), "--dates", str(EXPORT_DATES), "--force")
    assert forced.returncode == 0, forced.stderr
    assert "Fälle: 0 neu, 1 unverändert, 2 ersetzt" in forced.stdout
    assert snapshot(project / "content") == after_first


def test_force_replaces_the_case_that_had_the_number(project):
    old = faelle(project) / "fall-08-alter-titel.md"
    old.write_text("Title: Alter Titel\nFall: 8\nDate: 2020-01-01\n\nText.\n", encoding="utf-8")
    (refused,) = [r for r in import_paths(str(EXPORT / "fall-8.html"), project / "content")]
    assert refused.status == "Fehler" and refused.problems[0].startswith("Die Fallnummer 8 hat schon ")
    assert "fall-08-alter-titel.md – nichts wurde geschrieben. Mit --force" in refused.problems[0]
    assert old.exists() and not (faelle(project) / EXPORT_CASES["fall-8.html"]).exists()
    (forced,) = import_paths(str(EXPORT / "fall-8.html"), project / "content", force=True)
    assert forced.status == "ersetzt" and any(m.startswith("ersetzt ") and m.endswith("/fall-08-alter-titel.md")
                                              for m in forced.messages)
    assert not old.exists() and case_numbers(faelle(project))[8] == forced.target


def test_without_a_date_a_case_is_a_draft_and_stays_one_draft(project):
    report = import_paths(str(EXPORT / "fall-9.html"), project / "content", today=date(2025, 1, 2))
    (result,) = report.results
    assert result.ok and result.draft
    assert any(m.startswith("Kein Datum (weder in --dates noch --date noch auf der Seite) – als Entwurf")
               for m in result.messages)
    case = read_case(result.target)
    assert case.is_draft and case.metadata["date"] == "2025-01-02 09:00"
    before = snapshot(project / "content")
    (again,) = import_paths(str(EXPORT / "fall-9.html"), project / "content", today=date(2025, 3, 4)).results
    assert again.status == "unverändert" and snapshot(project / "content") == before
    (dated,) = import_paths(str(EXPORT / "fall-9.html"), project / "content", dates=EXPORT_DATES, force=True).results
    assert dated.status == "ersetzt" and not read_case(dated.target).is_draft


def test_a_photo_without_description_is_copied_but_not_entered(project, tmp_path):
    export = tmp_path / "export"
    shutil.copytree(EXPORT, export)
    page = export / "fall-8.html"
    page.write_text(page.read_text(encoding="utf-8").replace('alt="Ein leerer Briefkasten mit offener Klappe"',
                                                             'alt="Mobirise"'), encoding="utf-8")
    (result,) = import_paths(str(page), project / "content", date="2023-03-14").results
    assert result.ok and result.photo == ""
    assert any(m.startswith("Das Foto hat auf der alten Seite keine Bildbeschreibung (alt) – es liegt unter "
                            "content/images/fall-08.jpg, ist aber nicht eingetragen.") for m in result.messages)
    assert (project / "content/images/fall-08.jpg").is_file()
    assert "image" not in read_case(result.target).metadata


def test_a_broken_page_among_good_ones(project, tmp_path):
    export = tmp_path / "export"
    shutil.copytree(EXPORT, export)
    (export / "fall-11.html").write_text(  # a title line, but no number
        (EXPORT / "fall-9.html").read_text(encoding="utf-8").replace("<strong>Der 9. Fall</strong>", ""),
        encoding="utf-8")
    (export / "fall-12.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    deep = "<div>" * 10_000 + "x" + "</div>" * 10_000
    utf16 = (EXPORT / "fall-10.html").read_text(encoding="utf-8").replace("Der 10. Fall", "Der 13. Fall")
    utf16 = utf16.replace("Wartende", "Warte\x00nde").replace("</body>", deep + "</body>")
    (export / "fall-13.html").write_bytes(codecs.BOM_UTF16_LE + utf16.encode("utf-16-le"))
    (export / "fall-14.html").write_text((EXPORT / "fall-9.html").read_text(encoding="utf-8")
                                         .replace("Der 9. Fall", "Der ². Fall"), encoding="utf-8")
    result = run_task(project, str(export), "--date", "2024-06-01")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    problems = result.stderr.splitlines()
    assert any(line.startswith(f"{export / 'fall-11.html'}: Keine Fallnummer gefunden") for line in problems)
    assert any(line.startswith(f"{export / 'fall-12.html'}: ") for line in problems)
    assert any(line.startswith(f"{export / 'fall-14.html'}: Die Fallnummer „²“") for line in problems)
    assert "fall-13.html → content/faelle/fall-13-die-warteschleife-mit-musik.md (neu)" in result.stdout
    assert "Die Datei ist UTF-16-kodiert" in result.stdout and "1 Steuerzeichen (z. B. NUL-Bytes) entfernt" in result.stdout
    assert b"\x00" not in (faelle(project) / "fall-13-die-warteschleife-mit-musik.md").read_bytes()
    for written in EXPORT_CASES.values():
        assert (faelle(project) / written).is_file()
    assert result.stdout.splitlines()[-1] == ("Fälle: 4 neu, 0 unverändert, 0 ersetzt; Seiten: 3 neu, 0 unverändert, "
                                              "0 ersetzt; 2 Seiten übersprungen (keine Fälle); 3 mit Fehlern – 12 "
                                              "Dateien gelesen.")


def test_a_page_the_importer_trips_over_stops_no_other(project, monkeypatch):
    real = importer.parse_html

    def trips_on_nine(text, key, timezone=None):
        if key == "fall-9.html":
            raise KeyError("unvorhergesehen")
        return real(text, key, timezone)

    monkeypatch.setattr(importer, "parse_html", trips_on_nine)
    report = import_paths(str(EXPORT), project / "content", dates=EXPORT_DATES)
    by_name = {r.source.name: r for r in report}
    assert by_name["fall-9.html"].problems == [
        "Die Seite ließ sich nicht lesen (KeyError: 'unvorhergesehen') – sie wurde übersprungen. Das ist ein "
        "Fehler des Importers; bitte melden Sie ihn mit dieser Datei."]
    assert by_name["fall-8.html"].status == by_name["fall-10.html"].status == "neu"
    # The link from case 8 to the page that failed keeps its text only.
    assert "im neunten Fall." in read_case(by_name["fall-8.html"].target).body


@pytest.mark.parametrize("table, message", [
    ("nummer,datum\n8,2023-03-14\n",
     "daten.csv:1: Die erste Zeile der Datumsliste muss „fall,date“ oder „Fall;Datum“ lauten"),
    ("fall,date\n8,2023-03-14\n9,14/03/2023\n", "daten.csv:3: Das Datum „14/03/2023“ ist nicht lesbar"),
    ("fall,date\n8,0001-01-01\n", "daten.csv:2: Das Datum „0001-01-01“ hat kein vierstelliges Jahr"),
    ("fall,date\n²,2023-03-14\n", "daten.csv:2: „²“ ist keine Fallnummer"),
    ("fall,date\n8,2023-03-14\n8,2023-03-15\n", "daten.csv:3: Fall 8 steht zweimal in der Datumsliste"),
    ("fall,date\n8\n", "daten.csv:2: Zu dieser Zeile fehlt das Datum"),
])
def test_a_faulty_dates_file_is_named_and_nothing_imported(project, tmp_path, table, message):
    dates = tmp_path / "daten.csv"
    dates.write_text(table, encoding="utf-8")
    before = snapshot(project / "content")
    result = run_task(project, str(EXPORT), "--dates", str(dates))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{dates.parent}/{message}"), result.stderr
    assert snapshot(project / "content") == before


def test_a_dates_file_as_a_german_spreadsheet_saves_it(project, tmp_path):
    dates = tmp_path / "daten.csv"
    dates.write_bytes("\ufefffall;date\r\n8;2023-03-14 10:15\r\n".encode("utf-8"))
    (result,) = import_paths(str(EXPORT / "fall-8.html"), project / "content", dates=dates).results
    assert result.date == "2023-03-14 10:15" and "Datum 2023-03-14 10:15 (aus daten.csv, Zeile 2)" in result.messages


@pytest.mark.parametrize("table", [
    "Fall;Datum\n8;14.03.2023\n9;11.04.2023 08:30\n",
    "FALL,DATUM\n8,2023-03-14\n9,2023-04-11 08:30\n",
    "fall;date\n8;2023-03-14\n9;11.4.2023 08:30:00\n",
    "Fall,Date\n8,14.03.2023\n9,11.04.2023 8:30\n",
])
def test_dates_as_german_spreadsheets_write_them(tmp_path, table):
    dates = tmp_path / "daten.csv"
    dates.write_text(table, encoding="utf-8")
    read = importer.dates.read_dates_file(dates)
    assert {n: (d.moment, d.has_time) for n, d in read.items()} == {
        8: (datetime(2023, 3, 14), False), 9: (datetime(2023, 4, 11, 8, 30), True)}


@pytest.mark.parametrize("table, message", [
    ("Fall;Datum\n8;14.03.23\n", "daten.csv:2: Das Datum „14.03.23“ ist nicht lesbar – schreiben Sie es wie "
     "2024-05-14 oder 14.05.2024 (mit Uhrzeit: „2024-05-14 10:30“ oder „14.05.2024 10:30“)."),
    ("Fall;Datum\n8;31.02.2023\n", "daten.csv:2: Das Datum „31.02.2023“ gibt es nicht – schreiben Sie es wie "
     "2024-05-14 oder 14.05.2024"),
    ("Fall;Datum\n8,2023-03-14\n", "daten.csv:2: Zu dieser Zeile fehlt das Datum (getrennt durch „;“ wie in "
     "der ersten Zeile) – schreiben Sie „Nummer;Datum“, z. B. „33;07.11.2023“."),
    ("fall,date\n8\n", "daten.csv:2: Zu dieser Zeile fehlt das Datum (getrennt durch „,“ wie in der ersten "
     "Zeile) – schreiben Sie „Nummer,Datum“, z. B. „33,2023-11-07“."),
    ("Nr;Datum\n8;14.03.2023\n", "daten.csv:1: Die erste Zeile der Datumsliste muss „fall,date“ oder "
     "„Fall;Datum“ lauten – darunter eine Zeile je Fall, z. B. „33,2023-11-07“ oder „33;07.11.2023“."),
])
def test_a_date_in_another_form_names_the_line_and_both_forms(tmp_path, table, message):
    dates = tmp_path / "daten.csv"
    dates.write_text(table, encoding="utf-8")
    with pytest.raises(ImportOptionError) as raised:
        importer.dates.read_dates_file(dates)
    assert str(raised.value).startswith(f"{dates.parent}/{message}"), str(raised.value)


def test_date_option_and_odd_case_numbers_already_in_content(project):
    result = run_task(project, str(EXPORT), "--date", "0001-01-01")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "Das Datum „0001-01-01“ hat kein vierstelliges Jahr" in result.stderr
    (faelle(project) / "fall-99-hochgestellt.md").write_text(
        "Title: Hochgestellt\nFall: ²\nDate: 2020-01-01\n\nText.\n", encoding="utf-8")
    result = run_task(project, str(EXPORT / "fall-8.html"), "--date", "2024-01-01")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "Hinweis: content/faelle/fall-99-hochgestellt.md" in result.stdout
    assert "fall-8.html → content/faelle/fall-08-das-verschwundene-paket.md (neu)" in result.stdout


# --- Text exports and pages of other builders -------------------------------

def test_a_folder_imports_the_good_files_and_reports_the_bad(project):
    results = import_paths(str(FIXTURES), project / "content", today=date(2025, 1, 2), timezone=SITE_TIMEZONE).results
    by_name = {r.source.name: r for r in results}
    assert set(by_name) == {*GOOD, "ohne-nummer.txt"}  # not .gitattributes, not the Mobirise folder
    bad = by_name["ohne-nummer.txt"]
    assert not bad.ok and bad.problems[0].startswith("Keine Fallnummer gefunden")
    assert not any(p.name.startswith("fall-00") for p in faelle(project).iterdir())
    assert {name: r.target.name for name, r in by_name.items() if r.ok} == GOOD

    case = read_case(faelle(project) / GOOD["fall-12-rueckruf.txt"])
    assert case.number == 12 and case.metadata["date"] == "2025-01-02 09:00" and case.is_draft
    assert case.metadata["image_credit"] == "M. Muster/Beispielbild"
    assert "image" not in case.metadata and "tags" not in case.metadata
    assert case.body.startswith("Im Frühjahr") and "## Der Tipp des »eingebauten« Kunden\n\nVersprechen" in case.body
    dates = {name: next((m for m in r.messages if m.startswith("Datum")), None) for name, r in by_name.items() if r.ok}
    assert dates["fall-12-rueckruf.txt"] is None and by_name["fall-12-rueckruf.txt"].draft
    assert dates["fall-14-seite.html"] == "Datum 2023-11-07 08:00 (aus <meta article:published_time> der Seite)"
    assert dates["fall-15-sternchen.txt"] == "Datum 2024-05-14 10:30 (aus der Zeile „Datum: 14. Mai 2024, 10:30“)"
    assert dates["fall-16-ohne-main.html"] == "Datum 2022-03-01 08:30 (aus <time datetime> der Seite)"
    assert any("/bilder/warteschleife.jpg" in m and "nicht im Export" in m for m in by_name["fall-16-ohne-main.html"].messages)

    raw = (faelle(project) / GOOD["fall-15-sternchen.txt"]).read_bytes()
    assert b"\r" not in raw and b"\nTags: Werbung, Vertrauen\n" in raw
    assert "\n\n1\\. Nur für Neukunden.\n\n".encode() in raw and "Misstrauen\\_ und".encode() in raw


def test_a_glob_pattern_and_the_date_option(project):
    results = import_paths(str(FIXTURES / "fall-1*.txt"), project / "content", date="2022-03-04").results
    assert [r.target.name for r in results] == [GOOD[n] for n in ["fall-12-rueckruf.txt", "fall-13-zwei-tipps.txt",
                                                                  "fall-15-sternchen.txt"]]
    assert all("Datum 2022-03-04 09:00 (aus --date)" in r.messages for r in results)
    assert read_case(results[2].target).metadata["date"] == "2022-03-04 09:00"  # --date wins over the file
    with pytest.raises(ImportOptionError, match="nicht lesbar"):
        import_paths(str(TEXT), project / "content", date="4.3.22")


def test_never_overwrites_without_force(project):
    target = faelle(project) / GOOD["fall-12-rueckruf.txt"]
    target.write_bytes("Meine Änderungen\r\n".encode())
    (result,) = import_paths(str(TEXT), project / "content").results
    assert not result.ok and "gibt es schon und weicht vom Export ab – nichts wurde überschrieben" in result.problems[0]
    assert target.read_bytes() == "Meine Änderungen\r\n".encode()
    (forced,) = import_paths(str(TEXT), project / "content", force=True).results
    assert forced.status == "ersetzt" and read_case(target).number == 12


def test_the_same_number_twice_in_one_import(project, tmp_path):
    archive = tmp_path / "archiv"
    archive.mkdir()
    shutil.copy(TEXT, archive / "a.txt")
    (archive / "b.txt").write_text(TEXT.read_text(encoding="utf-8").replace("Rückruf •", "Rückruf, zweite Fassung"),
                                   encoding="utf-8")
    first, second = import_paths(str(archive), project / "content").results
    assert first.ok and not second.ok and first.target.name in second.problems[0]
    assert "hat in diesem Import schon a.txt" in second.problems[0]


def test_the_task_and_the_round_trip_to_the_tips_page(project, tmp_path):
    archive = tmp_path / "archiv"
    shutil.copytree(FIXTURES, archive, ignore=shutil.ignore_patterns("mobirise*"))
    # A text export whose lines Markdown would read as markup (issue 11).
    (archive / "fall-17-zeichen.txt").write_text("\n".join([
        "Der »eingebaute« Kunde und die Sonderzeichen •", "Der 17. Fall", "Ein Anreißer.", *MARKDOWN_LOOKING,
        "Der Tipp des »eingebauten« Kunden", "Schreiben Sie, was Sie meinen."]), encoding="utf-16")
    result = run_task(project, str(archive), "--date", "2022-03-01")
    assert result.returncode == 1, result.stderr  # one file could not be imported
    for name, written in GOOD.items():
        assert f"{name} → content/faelle/{written} (neu)\n" in result.stdout
    assert ("Fälle: 6 neu, 0 unverändert, 0 ersetzt; Seiten: 0 neu, 0 unverändert, 0 ersetzt; 0 Seiten übersprungen "
            "(keine Fälle); 1 mit Fehlern – 7 Dateien") in result.stdout
    assert "ohne-nummer.txt: Keine Fallnummer gefunden" in result.stderr

    again = run_task(project, str(archive / "fall-12-rueckruf.txt"), "--date", "2021-06-01")
    assert again.returncode == 1 and "gibt es schon und weicht vom Export ab" in again.stderr
    forced = run_task(project, str(archive / "fall-12-rueckruf.txt"), "--date", "2021-06-01", "--force")
    assert forced.returncode == 0, forced.stderr
    assert "fall-12-rueckruf.txt → content/faelle/fall-12-der-versprochene-rueckruf.md (ersetzt)" in forced.stdout
    assert "(aus --date)" in forced.stdout
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
    assert "\\" not in page
    seventeen = soup(output / "fall" / "17" / "index.html").find("article")
    shown = [text_of(p) for p in seventeen.find_all("p")]
    assert shown[shown.index("Ein Anreißer.") + 1:][:len(MARKDOWN_LOOKING)] == MARKDOWN_LOOKING
    assert not seventeen.find_all(["pre", "code", "ul", "ol", "blockquote", "hr", "h3", "table", "dl", "script"])


def test_a_page_whose_file_name_is_not_utf8(project, tmp_path):
    export = tmp_path / "export"
    shutil.copytree(EXPORT, export)
    (export / "fall-8.html").rename(export / os.fsdecode(b"fall-8-\xfc.html"))
    result = run_task(project, str(export), "--dates", str(EXPORT_DATES), "--dry-run")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "fall-8-\ufffd.html" in result.stdout
    result = run_task(project, str(export), "--dates", str(EXPORT_DATES))
    assert result.returncode == 0, result.stderr
    assert "fall-8-\ufffd.html → content/faelle/fall-08-das-verschwundene-paket.md (neu)" in result.stdout
    assert "[neunten Fall](/fall/9/)" in (faelle(project) / EXPORT_CASES["fall-8.html"]).read_text(encoding="utf-8")


def test_the_photo_after_the_title_line_not_a_header_image(tmp_path):
    page = (EXPORT / "fall-9.html").read_text(encoding="utf-8").replace(
        '<section data-bs-version="5.1" class="content5 cid-tF090001"',
        '<section class="header1 cid-h"><img src="assets/images/kopf.jpg" alt="Kopfbild"></section>'
        '<section data-bs-version="5.1" class="content5 cid-tF090001"')
    assert parse_html(page, "fall-9.html").image is None
    page = page.replace("</ul>", "</ul>", 1).replace(
        "<h4 class=\"mbr-section-title mbr-fonts-style mb-4 display-5\"><strong>Was ist passiert?",
        "<img src='assets/images/rad.jpg' alt='Ein Fahrrad'><img src='assets/images/kette.jpg' alt='Eine Kette'>"
        "<h4 class=\"mbr-section-title mbr-fonts-style mb-4 display-5\"><strong>Was ist passiert?")
    case = parse_html(page, "fall-9.html")
    assert case.image == ("assets/images/rad.jpg", "Ein Fahrrad")
    assert "Die Seite zeigt 2 Bilder; übernommen ist das erste (assets/images/rad.jpg), die anderen nicht" in case.notes


def test_nested_lists_become_one_level():
    depth = 300
    page = ("<h1>Der »eingebaute« Kunde und die Liste •</h1><p>Der 3. Fall</p><p>Anreißer.</p>"
            "<ol><li>eins<ul><li>a</li></ul></li><li>zwei</li></ol>" + "<ul><li>tief" * depth + "</li></ul>" * depth
            + "<h2>Der Tipp des »eingebauten« Kunden</h2><p>Flach bleiben.</p>")
    case = parse_html(page)
    text = case_markdown(case, datetime(2024, 1, 2), False)
    assert "\n\n1. eins\n1. a\n1. zwei\n\n" + "\n".join(["- tief"] * depth) + "\n\n## Der Tipp" in text
    assert case.notes == ["Eine Liste in einer Liste ist als eine Ebene übernommen"]


def test_a_case_page_naming_other_cases_is_no_overview():
    page = (EXPORT / "fall-8.html").read_text(encoding="utf-8").replace(
        '<section data-bs-version="5.1" class="image3',
        '<section class="features3 cid-w"><h5>Der 7. Fall</h5><h5>Der 9. Fall</h5></section>'
        '<section data-bs-version="5.1" class="image3')
    case = parse_html(page, "fall-8.html")
    assert case.skip_reason == "" and case.number == 8
    overview = parse_html((EXPORT / "faelle.html").read_text(encoding="utf-8"), "faelle.html")
    assert overview.skip_reason == "eine Übersicht, sie nennt mehrere Fälle (8, 9)"


def test_odd_links_and_photo_addresses(project, tmp_path):
    page = ("<h1>Der »eingebaute« Kunde und die Adressen •</h1><p>Der 60. Fall</p><p>Anreißer.</p>"
            "<p>Ein <a href='https://example.org/x_(y)'><strong>fetter</strong> Link</a>, ein "
            "<a href='http://[kaputt'>kaputter</a> und ein <a href='javascript:alert(1)'>böser</a>.</p>"
            "<img src='assets/images/%00.jpg' alt='Nichts'>"
            "<h2>Der Tipp des »eingebauten« Kunden</h2><p>Prüfen.</p>")
    case = parse_html(page)
    assert case.story[0].markdown == ("Ein [**fetter** Link](https://example.org/x_%28y%29), ein kaputter und ein "
                                      "böser.")
    assert "Link auf „http://[kaputt“ entfernt (keine gültige Adresse); der Text steht noch da" in case.notes
    assert any(n.startswith("Link auf „javascript:alert(1)“ entfernt") for n in case.notes)
    export = tmp_path / "export"
    export.mkdir()
    (export / "fall-60.html").write_text(page, encoding="utf-8")
    (result,) = import_paths(str(export), project / "content", date="2024-01-01").results
    assert result.status == "neu" and result.photo == ""
    assert any(m.startswith("Das Foto „assets/images/%00.jpg“ fehlt im Export") for m in result.messages)


def test_a_photo_right_after_the_title_line_is_the_cases_photo(project, tmp_path):
    export = tmp_path / "export"
    shutil.copytree(EXPORT, export)
    page = export / "fall-9.html"
    title_line = "Kostenvoranschlag •</strong></h2>"
    text = page.read_text(encoding="utf-8")
    assert text.count(title_line) == 1
    page.write_text(text.replace(title_line, f"{title_line}<img src='assets/images/paket-tuer.jpg' "
                                 "alt='Zwei Kostenvoranschläge auf einem Schreibtisch'>"), encoding="utf-8")
    result = run_task(project, str(page), "--date", "2023-04-11")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "    Foto content/images/fall-09.jpg (aus assets/images/paket-tuer.jpg)\n" in result.stdout
    assert "Bild" not in result.stdout + result.stderr, result.stdout  # no note on a dropped or extra photo
    output = tmp_path / "out"
    built = build(output, project=project, strict=True, overrides={"SEARCH_INDEX": False})
    assert built.returncode == 0, built.stdout + built.stderr
    article = soup(output / "fall" / "9" / "index.html").find("article")
    assert [img["alt"] for img in article.find_all("img")] == ["Zwei Kostenvoranschläge auf einem Schreibtisch"]


def test_a_page_already_there_is_not_overwritten_without_force(tmp_path):
    site = copy_project(tmp_path / "site")
    impressum = site / "content" / "pages" / "impressum.md"
    impressum.write_text("Title: Impressum\nSlug: impressum\n\nMein eigenes Impressum.\n", encoding="utf-8")
    (site / "content" / "pages" / "datenschutz.md").unlink(missing_ok=True)
    report = import_paths(str(EXPORT), site / "content", dates=EXPORT_DATES)
    by_name = {r.source.name: r for r in report}
    assert by_name["impressum.html"].status == "Fehler" and report.failed
    (problem,) = by_name["impressum.html"].problems
    assert problem.endswith(
        "content/pages/impressum.md gibt es schon und weicht vom Export ab – nichts wurde überschrieben. Mit --force "
        "wird die Datei durch den Import ersetzt (löschen Sie die Seiten der Demo zuerst mit „invoke demo-entfernen“).")
    assert impressum.read_text(encoding="utf-8").endswith("Mein eigenes Impressum.\n")
    assert by_name["datenschutz.html"].status == "neu"  # the other pages come over all the same

    forced = import_paths(str(EXPORT), site / "content", dates=EXPORT_DATES, force=True)
    assert {r.source.name: r.status for r in forced}["impressum.html"] == "ersetzt"
    assert "Musterweg 1" in impressum.read_text(encoding="utf-8")
    again = import_paths(str(EXPORT), site / "content", dates=EXPORT_DATES)
    assert {r.source.name: r.status for r in again if r.is_page} == {
        "impressum.html": "unverändert", "datenschutz.html": "unverändert", "kontakt.html": "unverändert"}


def test_a_contact_page_without_address_and_its_image_are_named_in_the_notes():
    from importer.pages import page_markdown

    case = parse_html('<!DOCTYPE html><html><head><title>Kontakt</title></head><body><h1>Kontakt</h1>'
                      '<p>Rufen Sie an.</p><img src="assets/images/karte.png" alt="Karte">'
                      '<form action="https://mobirise.eu/"><input name="name"><button>Absenden</button></form>'
                      "</body></html>", "kontakt.html")
    assert case.page_slug == "kontakt" and case.had_form
    text, notes = page_markdown(case, lambda key: None)
    assert text == "Title: Kontakt\nSlug: kontakt\n\nRufen Sie an.\n"
    assert notes == [
        "Das Bild „assets/images/karte.png“ der Seite ist nicht übernommen – legen Sie es bei Bedarf selbst nach "
        "content/images/ und binden Sie es in content/pages/kontakt.md ein.",
        "Das Kontaktformular (samt Überschrift und Knopf) ist nicht übernommen (die neue Website verschickt nichts), "
        "und der Export nennt keine E-Mail-Adresse – tragen Sie Ihre in content/pages/kontakt.md ein."]
