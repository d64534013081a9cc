"""`invoke check` reports what a build reports, from the build's own code:
on a content folder holding every kind of fault an author can make, the
problems it lists (file, line, what, how to fix) are the same list, in
the same order, as those a strict build names before it stops, the
lenient build logs and its problems banner shows."""

import inspect
import os
import shutil
import subprocess
import sys

import pytest
from pelican.contents import Content
from pelican.generators import ArticlesGenerator, PagesGenerator
from test_content_faults import IN_PARALLEL, STRICT_TERMINAL, case_text, make_faults, output_folder, write

from cases.checklist import Stage
from sitebuild import build, copy_project, one_line, soup, text_of

# Faults beyond those of test_content_faults: the header, the tips, the
# numbers, the encoding, refused markup in cases and in pages.
MORE_FAULTS = {
    "fall-130-ohne-nummer.md": case_text(130, "der fehlenden Nummer").replace("Fall: 130\n", ""),
    "fall-131-buchstaben.md": case_text("13a", "der Nummer mit Buchstaben"),
    "fall-132-ohne-titel.md": case_text(132, "").replace("Title: Der »eingebaute« Kunde und \n", ""),
    "fall-133-ohne-datum.md": case_text(133, "dem fehlenden Datum").replace("Date: 2024-10-01 09:00\n", ""),
    "fall-134-datum.md": case_text(134, "dem Datum in Worten").replace("2024-10-01 09:00", "1. Oktober"),
    "fall-135-ohne-tipp.md": case_text(135, "ohne Tipp").replace("## Der Tipp des »eingebauten« Kunden", "## Fazit"),
    "fall-136-leerer-tipp.md": case_text(136, "dem leeren Tipp").replace("\nSagen Sie, was los ist.\n", ""),
    "fall-137-kein-foto.md": case_text(137, "dem fehlenden Foto", "images/gibt-es-nicht.jpg"),
    "fall-138-ohne-beschreibung.md": case_text(138, "dem Foto ohne Beschreibung").replace(
        "Tags: Service\n", "Tags: Service\nImage: images/fall-02.jpg\n"),
    "fall-139-tippfehler.md": case_text(139, "dem Tippfehler").replace("Tags:", "Tag:"),
    "fall-140-doppelt.md": case_text(140, "der ersten 140"),
    "fall-141-doppelt.md": case_text(140, "der zweiten 140"),
    "fall-142-markup.md": case_text(142, "dem Markup").replace(
        "Es fehlte ein Wort zur Lage.",
        "Es fehlte [ein Wort](javascript:alert(1)) zur Lage.\n{: onclick=\"alert(1)\" }"),
    "fall-143-entwurf.md": case_text(143, "dem Entwurf").replace(
        "Tags: Service", "Tags: Service\nStatus: draft").replace("Sagen Sie", "Sagen Sie [es](data:text/html,x)"),
    # header fields that would choose an address, a status Pelican knows, values beyond their limits
    "fall-145-save-as.md": case_text(145, "dem Save_as").replace("Tags: Service", "Tags: Service\nSave_as: index.html"),
    "fall-146-versteckt.md": case_text(146, "dem Versteck").replace("Tags: Service", "Tags: Service\nStatus: hidden"),
    "fall-147-thema.md": case_text(147, "dem langen Thema").replace("Tags: Service", "Tags: Service, " + "x" * 180),
    "fall-148-geaendert.md": case_text(148, "dem Änderungsdatum").replace("Tags: Service", "Tags: Service\nModified: 99999"),
    # Markdown too deeply nested to be read in reasonable time
    "fall-149-klammern.md": case_text(149, "den Klammern").replace("Niemand sagte", "[" * 17 + "x" + "](y)" * 17 + "\n\nNiemand sagte"),
    # a photo linked in the text, which would be published as it is (with its metadata)
    "fall-150-foto-link.md": case_text(150, "dem verlinkten Foto").replace(
        "Niemand sagte", "Das [Foto]({static}/images/fall-05.jpg).\nNiemand sagte"),
}
PAGE = "Title: Eine Seite mit Markup\n\nMehr [hier](javascript:alert(1)).\n"
PAGE_FAULTS = {
    "markup.md": PAGE,
    "schraeg.md": "Title: Schräge Adresse\nSlug: fall/2\n\nText.\n",
    "vorlage.md": "Title: Vorlage\nSlug: vorlage\nTemplate: gibtsnicht\n\nText.\n",
    "themen.md": "Title: Themen\n\nText.\n",
    "zweimal.md": "Title: Noch ein Impressum\nSlug: impressum\n\nText.\n",
    "datum.md": "Title: Datum\nSlug: datum\nDate: gestern\n\nText.\n",
    "hinaus.md": "Title: Hinaus\nSlug: hinaus\n\nDer [Beweis]({static}/../../fremd/fall.md).\n",
    "ohne-titel.md": "Slug: ohne-titel\n\nText.\n",
}
REDIRECTS = "alt,neu\n/alt/fall-1.html,/fall/1/\n/alt/fall-1.html,/fall/2/\n"

# One message of every kind the build knows: (file, line, words of the message).
EVERY_KIND = [
    ("content/faelle/zurueck/faelle", None, "Der Ordner ist eine Verknüpfung auf einen Ordner, den die Website ohnehin liest"),
    ("content/faelle/verwaist/fall-108.md", None, "und die gibt es nicht"),
    ("content/faelle/dateiname/fall-109-\ufffdrger.md", None, "Der Name der Datei ist nicht in UTF-8 geschrieben"),
    ("content/faelle/foto-ausserhalb/fall-101.md", 5, "liegt außerhalb des Ordners content/"),
    ("content/faelle/foto-verknuepft/fall-103.md", 5, "ist eine Verknüpfung auf eine Datei außerhalb von content/"),
    ("content/faelle/hochgestellt/fall-110.md", 2, "Die Fallnummer „²“ enthält Zeichen"),
    ("content/faelle/mehr/fall-130-ohne-nummer.md", None, "Die Fallnummer fehlt."),
    ("content/faelle/mehr/fall-131-buchstaben.md", 2, "Die Fallnummer „13a“ ist keine positive ganze Zahl."),
    ("content/faelle/mehr/fall-132-ohne-titel.md", None, "Der Titel fehlt."),
    ("content/faelle/mehr/fall-133-ohne-datum.md", None, "Das Datum fehlt."),
    ("content/faelle/mehr/fall-134-datum.md", 3, "Das Datum „1. Oktober“ ist nicht lesbar."),
    ("content/faelle/mehr/fall-137-kein-foto.md", 5, "Das Bild „images/gibt-es-nicht.jpg“ gibt es nicht."),
    ("content/faelle/mehr/fall-138-ohne-beschreibung.md", 5, "Zum Bild fehlt die Bildbeschreibung."),
    ("content/faelle/mehr/fall-139-tippfehler.md", 4, "Das Feld „Tag“ kennt die Website nicht."),
    ("content/faelle/mehr/fall-144-cp1252.md", 1, "Die Datei ist nicht als UTF-8 gespeichert"),
    ("content/faelle/mehr/fall-145-save-as.md", 5, "Das Feld „Save_as“ kennt die Website nicht."),
    ("content/faelle/mehr/fall-146-versteckt.md", 5, "Den Status „hidden“ kennt die Website nicht"),
    ("content/faelle/mehr/fall-147-thema.md", 4, "ist mit 180 Zeichen zu lang (höchstens 50)"),
    ("content/faelle/mehr/fall-148-geaendert.md", 5, "Das Änderungsdatum „99999“ ist nicht lesbar."),
    ("content/faelle/mehr/fall-149-klammern.md", 7, "mehr als 16 eckige Klammern ineinander"),
    ("content/faelle/nullbyte/fall-107.md", 7, "Die Datei enthält ein unsichtbares Steuerzeichen (U+0000)"),
    ("content/faelle/text-verknuepft/fall-120.md", None, "außerhalb von content/"),
    ("content/faelle/mehr/fall-141-doppelt.md", 2, "Die Fallnummer 140 ist schon an content/faelle/mehr/fall-140-doppelt.md"),
    ("content/faelle/mehr/fall-150-foto-link.md", 7, "Das Foto „images/fall-05.jpg“ ist im Text verlinkt"),
    ("content/faelle/link-hinaus/fall-111.md", None, "Ein Link mit {static} führt zu „../../fremd/fall.md“"),
    ("content/faelle/riesiges-png/fall-106.md", 5, "ist zu groß"),
    ("content/faelle/halbes-jpeg/fall-105.md", 5, "ist beschädigt oder unvollständig"),
    ("content/faelle/kein-bild/fall-104.md", 5, "ist kein Bild, das die Website lesen kann"),
    ("content/faelle/mehr/fall-142-markup.md", 12, "„onclick“ nicht erlaubt"),
    ("content/faelle/mehr/fall-142-markup.md", 11, "Die Adresse „javascript:alert(1)“ ist nicht erlaubt"),
    ("content/faelle/mehr/fall-143-entwurf.md", 16, "Die Adresse „data:text/html,x“ ist nicht erlaubt"),
    ("content/faelle/mehr/fall-136-leerer-tipp.md", 13, "steht kein Text"),
    ("content/faelle/mehr/fall-135-ohne-tipp.md", None, "Dieser Fall hat keinen Tipp."),
    ("content/pages/datum.md", 3, "Das Datum „gestern“ ist nicht lesbar."),
    ("content/pages/schraeg.md", 2, "Die Adresse „Slug: fall/2“ ist kein einfacher Name"),
    ("content/pages/vorlage.md", 3, "Das Feld „Template“ kennt die Website nicht."),
    ("content/pages/woanders.md", None, "außerhalb von content/"),
    ("content/pages/markup.md", 3, "Die Adresse „javascript:alert(1)“ ist nicht erlaubt"),
    ("content/pages/hinaus.md", None, "Ein Link mit {static} führt zu „../../fremd/fall.md“"),
    ("content/pages/themen.md", None, "Die Adresse /themen/ dieser Seite gehört schon der Website selbst"),
    ("content/pages/zweimal.md", 2, "Die Adresse /impressum/ hat schon content/pages/impressum.md"),
    ("content/pages/ohne-titel.md", None, "Die Datei ließ sich nicht lesen (fehlt oben die Zeile „Title: …“?)"),
    ("content/weiterleitungen.csv", 3, "„/alt/fall-1.html“ steht schon in Zeile 2"),
]


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    root = tmp_path_factory.mktemp("check")
    project, _ = make_faults(root)
    content = project / "content"
    for name, text in MORE_FAULTS.items():
        write(content / "faelle" / "mehr", name, text)
    (content / "faelle" / "mehr" / "fall-144-cp1252.md").write_bytes(case_text(144, "dem Ärger").encode("cp1252"))
    for name, text in PAGE_FAULTS.items():
        write(content / "pages", name, text)
    write(content, "weiterleitungen.csv", REDIRECTS)
    lenient_output, strict_output = output_folder(root, "lenient"), output_folder(root, "strict")
    # Logged as the tasks log (plain), in a terminal wide enough for a problem on each line.
    terminal, plain = {**STRICT_TERMINAL, "COLUMNS": "10000"}, ("--log-handler", "plain")
    lenient = build(lenient_output, project=project, overrides=IN_PARALLEL, env=terminal, options=plain)
    assert lenient.returncode == 0, one_line(lenient.stdout + lenient.stderr)
    strict = build(strict_output, project=project, settings="publishconf.py", strict=True, env=terminal, options=plain)
    check = subprocess.run(
        [sys.executable, "-m", "invoke", "check"], cwd=project, capture_output=True, text=True,
        errors="replace", env={**os.environ, **STRICT_TERMINAL},
    )
    return {"lenient": lenient, "banner": banner_problems(lenient_output / "index.html"), "strict": strict,
            "strict_output": strict_output, "check": check}


def banner_problems(index):
    """Every problem the build's banner lists, in order, written as a
    report writes it: "file:line: what – how to fix"."""
    problems = []
    for item in soup(index).select(".build-problems li"):
        where, hint = item.code.extract(), item.em.extract()
        problems.append(f"{text_of(where)}: {text_of(item)} – {text_of(hint)}")
    return problems


def listed_problems(output):
    """The problem lines (file, line, what, how to fix) of a report in
    ``output`` (see cases.checks.report), in order."""
    return [" ".join(line.split()) for line in output.splitlines() if line.startswith("  ")]


def test_check_and_the_strict_build_report_the_same_problems_in_the_same_order(checked):
    check, strict = checked["check"], checked["strict"]
    assert check.returncode == 1 and strict.returncode != 0
    for run in (check, strict):
        out = run.stdout + run.stderr
        assert "Traceback" not in out and "Could not process" not in out and "Skipping" not in out, out
    listed = listed_problems(check.stdout)
    # The strict build names every problem before it stops, not only the first.
    assert listed_problems(strict.stdout + strict.stderr) == listed
    assert not checked["strict_output"].joinpath("index.html").exists()
    # The lenient build logs and shows the same (its settings show drafts, as check's do).
    lenient = checked["lenient"]
    assert listed_problems(lenient.stdout + lenient.stderr) == listed
    assert checked["banner"] == listed
    # Nothing besides: no English line from Pelican about a file the list explains.
    assert check.stderr == ""


def test_every_kind_of_fault_is_there_with_file_and_line(checked):
    listed = listed_problems(checked["check"].stdout)
    found = []
    for path, line, words in EVERY_KIND:
        where = f"{path}:{line}: " if line else f"{path}: "
        matching = [index for index, problem in enumerate(listed) if problem.startswith(where) and words in problem]
        assert matching, (where, words, listed)
        found.append(matching[0])
    # In the list's order: the files' own problems first, then what reading, photos, markup and tips find.
    assert found == sorted(found), [EVERY_KIND[i] for i in sorted(range(len(found)), key=found.__getitem__)]
    assert len(listed) == len(set(listed)), "each problem once"


def test_the_list_runs_every_plugins_check_at_its_stage(tmp_path):
    """One list, in stage order; each check lives in its own plugin and is
    registered by it (in a process of its own: Pelican registers plugins
    for the whole process)."""
    project = copy_project(tmp_path / "site")
    listed = subprocess.run([sys.executable, "-c", (
        "from pelican import Pelican; from pelican.settings import read_settings; "
        "from cases.checklist import CHECKS; Pelican(read_settings('pelicanconf.py')); "
        "print('\\n'.join(f'{c.stage.name} {c.run.__module__}.{c.run.__name__}' for c in CHECKS))")],
        cwd=project, capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    registered = [tuple(line.split()) for line in listed.stdout.splitlines()]
    assert [Stage[stage] for stage, _ in registered] == sorted(Stage[stage] for stage, _ in registered)
    assert [(Stage[stage], check) for stage, check in registered] == [
        (Stage.CASE_FILES, "cases.plugin.check_sources"),
        (Stage.PAGE_FILES, "cases.plugin.check_page_sources"),
        (Stage.CASES_READ, "cases.plugin.case_file_problems"),
        (Stage.CASES_READ, "cases.plugin.organise_cases"),
        (Stage.CASES_ON_SITE, "photos.plugin.plan_photos"),
        (Stage.CASE_TEXTS, "cases.plugin.check_case_markup"),
        (Stage.CASE_TEXTS, "tips.generator.check_tips"),
        (Stage.PAGES, "cases.plugin.page_file_problems"),
        (Stage.PAGES, "cases.plugin.check_page_markup"),
        (Stage.PAGES, "cases.plugin.organise_pages"),
        (Stage.PAGES, "cases.plugin.unread_sources"),
        (Stage.PAGES, "redirects.plugin.check_redirects"),
    ]


def test_pelicans_messages_about_a_source_are_still_those_the_checks_explain():
    """cases.checklist drops Pelican's English line about a source a
    problem already explains, matched by its text (no public way)."""
    reading = inspect.getsource(ArticlesGenerator.generate_context) + inspect.getsource(PagesGenerator.generate_context)
    assert '"Could not process %s"' in reading, "Pelican words a failed source differently: update cases/checklist.py"
    assert "\"Skipping %s: could not find information about '%s'\"" in inspect.getsource(Content), (
        "Pelican words a source without title or date differently: update cases/checklist.py")


def files_in(folder):
    return {path for path in folder.rglob("*") if "__pycache__" not in path.parts}


def test_check_of_the_demo_site_says_all_is_well_and_writes_nothing(tmp_path):
    # The cases and pages as shipped (a draft among them, two photos) have no problem.
    project = copy_project(tmp_path / "project")
    shutil.rmtree(project / "cache", ignore_errors=True)  # no photo versions made by earlier builds
    before = files_in(project)
    result = subprocess.run([sys.executable, "-m", "invoke", "check"], cwd=project, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "Alles in Ordnung: keine Probleme in den Texten der Website."
    assert result.stderr == ""
    # Read and checked as a build does, but nothing made: no photo versions, no cache, no output.
    assert files_in(project) == before


def test_a_scheduled_case_is_checked_like_a_published_one(tmp_path):
    # Its date is to come: not on the published site yet, but its tip must be there on the day.
    project = copy_project(tmp_path / "project")
    text = case_text(160, "dem geplanten Fall").replace("2024-10-01", "2099-10-01").replace(
        "## Der Tipp des »eingebauten« Kunden", "## Fazit")
    write(project / "content" / "faelle", "fall-160-geplant.md", text)
    expected = "content/faelle/fall-160-geplant.md: Dieser Fall hat keinen Tipp."
    check = subprocess.run([sys.executable, "-m", "invoke", "check"], cwd=project, capture_output=True, text=True)
    assert check.returncode == 1 and any(line.startswith(expected) for line in listed_problems(check.stdout)), check.stdout
    built = build(tmp_path / "preview", project=project, options=("--log-handler", "plain"))
    assert built.returncode == 0, built.stdout + built.stderr
    assert listed_problems(built.stdout + built.stderr) == listed_problems(check.stdout)
    assert banner_problems(tmp_path / "preview" / "index.html") == listed_problems(check.stdout)
