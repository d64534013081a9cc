"""`invoke check` finds without building what a build reports: on a
content folder holding every fault an author can make, the problems it
lists (file, line, what, how to fix) are exactly those the lenient
build shows in its problems banner."""

import os
import subprocess
import sys

import pytest
from test_content_faults import IN_PARALLEL, STRICT_TERMINAL, case_text, make_faults, output_folder, write

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
}
PAGE = "Title: Eine Seite mit Markup\n\nMehr [hier](javascript:alert(1)).\n"


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    root = tmp_path_factory.mktemp("check")
    project, _ = make_faults(root)
    content = project / "content"
    for name, text in MORE_FAULTS.items():
        write(content / "faelle" / "mehr", name, text)
    (content / "faelle" / "mehr" / "fall-144-cp1252.md").write_bytes(case_text(144, "dem Ärger").encode("cp1252"))
    write(content / "pages", "markup.md", PAGE)
    output = output_folder(root, "lenient")
    built = build(output, project=project, overrides=IN_PARALLEL, env=STRICT_TERMINAL)
    assert built.returncode == 0, one_line(built.stdout + built.stderr)
    check = subprocess.run(
        [sys.executable, "-m", "invoke", "check"], cwd=project, capture_output=True, text=True,
        errors="replace", env={**os.environ, **STRICT_TERMINAL},
    )
    return {"built": banner_problems(output / "index.html"), "check": check}


def banner_problems(index):
    """(where, what, how to fix) of every problem the build's banner lists."""
    problems = set()
    for item in soup(index).select(".build-problems li"):
        where, hint = item.code.extract(), item.em.extract()
        problems.add((text_of(where), text_of(item), text_of(hint)))
    return problems


def listed_problems(output):
    """(where, what, how to fix) of every problem `invoke check` lists."""
    problems = []
    for line in output.splitlines():
        if line.startswith("  "):
            where, _, rest = line.strip().partition(": ")
            message, _, hint = rest.rpartition(" – ")
            problems.append((where, " ".join(message.split()), " ".join(hint.split())))
    assert len(problems) == len(set(problems)), "each problem once"
    return set(problems)


def test_check_lists_what_the_build_reports(checked):
    check = checked["check"]
    out = check.stdout + check.stderr
    assert check.returncode == 1 and "Traceback" not in out, out
    built = checked["built"]
    # Every kind of fault is there (a few of each are enough to tell).
    for words in ["Die Fallnummer fehlt.", "„13a“ ist keine positive ganze Zahl", "Der Titel fehlt.",
                  "Das Datum fehlt.", "„1. Oktober“ ist nicht lesbar", "Dieser Fall hat keinen Tipp.",
                  "steht kein Text", "gibt es nicht", "Zum Bild fehlt die Bildbeschreibung.", "Meinten Sie",
                  "Die Fallnummer 140 ist schon an", "nicht als UTF-8 gespeichert", "„javascript:alert(1)“",
                  "„onclick“ nicht erlaubt", "„data:text/html,x“", "ist beschädigt oder unvollständig",
                  "Steuerzeichen", "aus dem Ordner content/ hinaus", "content/pages/markup.md"]:
        assert any(words in " ".join(problem) for problem in built), words
    assert listed_problems(check.stdout) == built
    # Nothing besides: no English line from Pelican about a file the list explains.
    assert check.stderr == ""



def test_check_of_the_demo_site_says_all_is_well(tmp_path):
    # The cases and pages as shipped (a draft among them) have no problem.
    project = copy_project(tmp_path / "project")
    result = subprocess.run([sys.executable, "-m", "invoke", "check"], cwd=project, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "Alles in Ordnung: keine Probleme in den Texten der Website."
    assert result.stderr == ""
