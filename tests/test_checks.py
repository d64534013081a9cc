"""Every mistake an author can make in a case is reported with file, line,
what is wrong and how to fix it – by every build and by `invoke check`."""

import re
import subprocess
import sys

import pytest

from sitebuild import build, copy_project, one_line, published_cases

GOOD = """Title: Der »eingebaute« Kunde und die Probe
Fall: 91
Date: 2024-10-01 09:00
Tags: Service

Eine kurze Geschichte.

## Was ist passiert?

Etwas.

## Der Tipp des »eingebauten« Kunden

Ein Tipp.
"""


def variant(old, new):
    assert old in GOOD
    return GOOD.replace(old, new, 1)


# (file content, expected line or None, words the message must contain)
RULES = {
    "missing number": (variant("Fall: 91\n", ""), None, ["Die Fallnummer fehlt.", "Fall: 34"]),
    "number not numeric": (variant("Fall: 91", "Fall: 9a"), 2, ["„9a“ ist keine positive ganze Zahl"]),
    "missing title": (variant("Title: Der »eingebaute« Kunde und die Probe\n", ""), None, ["Der Titel fehlt."]),
    "missing date": (variant("Date: 2024-10-01 09:00\n", ""), None, ["Das Datum fehlt.", "Date: 2024-05-14 09:00"]),
    "unreadable date": (variant("2024-10-01 09:00", "1. Oktober"), 3, ["Das Datum „1. Oktober“ ist nicht lesbar."]),
    "no tip": (variant("## Der Tipp des »eingebauten« Kunden\n\nEin Tipp.\n", "## Fazit\n\nNichts.\n"), None, ["Dieser Fall hat keinen Tipp."]),
    "empty tip": (variant("\nEin Tipp.\n", ""), 12, ["Unter der Überschrift „Der Tipp des »eingebauten« Kunden“ steht kein Text."]),
    "missing image": (variant("Tags: Service", "Tags: Service\nImage: images/gibt-es-nicht.jpg\nImage_alt: Ein Bild"), 5, ["Das Bild „images/gibt-es-nicht.jpg“ gibt es nicht."]),
    "image without alt": (variant("Tags: Service", "Tags: Service\nImage: images/fall-02.jpg"), 5, ["Zum Bild fehlt die Bildbeschreibung.", "Image_alt"]),
    "typo in a key": (variant("Tags: Service", "Tag: Service"), 4, ["Das Feld „Tag“ kennt die Website nicht.", "Meinten Sie „Tags“?"]),
}


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path / "site")


def write_case(project, name, text, encoding="utf-8"):
    path = project / "content" / "faelle" / name
    path.write_bytes(text.encode(encoding))
    return f"content/faelle/{name}"


@pytest.mark.parametrize("rule", list(RULES))
def test_each_mistake_is_explained_and_fails_a_strict_build(project, tmp_path, rule):
    text, line, words = RULES[rule]
    good_cases = published_cases(project / "content")
    path = write_case(project, "fall-91-probe.md", text)

    lenient = build(tmp_path / "lenient", project=project)
    log = one_line(lenient.stdout + lenient.stderr)
    assert lenient.returncode == 0, log
    where = f"{path}:{line}:" if line else f"{path}:"
    assert where in log, log
    for word in words:
        assert word in log, log
    # The good cases are still built.
    for case in good_cases:
        assert (tmp_path / "lenient" / "fall" / str(case.number) / "index.html").is_file()

    strict = build(tmp_path / "strict", project=project, strict=True)
    assert strict.returncode != 0
    assert words[0] in one_line(strict.stdout + strict.stderr)


def test_a_file_that_is_not_utf8(project, tmp_path):
    path = write_case(project, "fall-91-probe.md", GOOD.replace("Eine kurze", "Eine größere"), "cp1252")
    result = build(tmp_path / "out", project=project)
    log = one_line(result.stdout + result.stderr)
    assert f"{path}:1: Die Datei ist nicht als UTF-8 gespeichert" in log
    assert "Kodierung „UTF-8“" in log


def test_the_same_number_twice_names_both_files(project, tmp_path):
    first = published_cases(project / "content")[0]
    path = write_case(project, "fall-91-probe.md", GOOD.replace("Fall: 91", f"Fall: {first.number}"))
    result = build(tmp_path / "out", project=project)
    log = one_line(result.stdout + result.stderr)
    assert f"{path}:2: Die Fallnummer {first.number} ist schon an content/faelle/{first.path.name} vergeben" in log


def test_a_draft_is_checked_too_but_may_lack_a_tip(project, tmp_path):
    draft = RULES["no tip"][0].replace("Tags: Service", "Tags: Service\nStatus: draft")
    write_case(project, "fall-91-probe.md", draft)
    assert build(tmp_path / "ok", project=project, strict=True).returncode == 0
    write_case(project, "fall-91-probe.md", draft.replace("Tags:", "Tgas:"))
    result = build(tmp_path / "bad", project=project, strict=True)
    assert result.returncode != 0 and "Meinten Sie „Tags“?" in one_line(result.stdout + result.stderr)


def test_check_lists_every_problem_at_once(project):
    for index, rule in enumerate(["missing number", "unreadable date", "typo in a key", "no tip"]):
        text = RULES[rule][0].replace("Fall: 91", f"Fall: {91 + index}")
        write_case(project, f"fall-{91 + index}-probe.md", text)
    result = subprocess.run([sys.executable, "-m", "invoke", "check"], cwd=project, capture_output=True, text=True)
    assert result.returncode == 1
    out = result.stdout
    for rule in ["missing number", "unreadable date", "typo in a key", "no tip"]:
        assert RULES[rule][2][0] in out, (rule, out)
    assert re.search(r"content/faelle/fall-92-probe\.md:3: Das Datum", out)


def test_check_is_quiet_when_all_is_well(project):
    result = subprocess.run([sys.executable, "-m", "invoke", "check"], cwd=project, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "keine Probleme" in result.stdout
