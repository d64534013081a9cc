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


# A draft: checked like any case, but it may lack a tip.
DRAFT = RULES["no tip"][0].replace("Tags: Service", "Tags: Service\nStatus: draft")


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path / "site")


def write_case(project, name, text, encoding="utf-8"):
    path = project / "content" / "faelle" / name
    path.write_bytes(text.encode(encoding))
    return f"content/faelle/{name}"


def numbered(rule, number):
    """The rule's case under a number of its own, so that all mistakes can
    sit in one site (the number rules keep theirs: they are the mistake)."""
    return RULES[rule][0].replace("Fall: 91", f"Fall: {number}")


@pytest.fixture(scope="module")
def mistaken(tmp_path_factory):
    """One site holding every mistake of RULES (each in a file of its own),
    a file that is not UTF-8 and a number used twice, built leniently and
    strictly: the checks run over all sources, so one build shows each
    mistake as a build of it alone would."""
    root = tmp_path_factory.mktemp("checks")
    project = copy_project(root / "site")
    good_cases = published_cases(project / "content")
    paths = {rule: write_case(project, f"fall-{91 + index}-probe.md", numbered(rule, 91 + index))
             for index, rule in enumerate(RULES)}
    paths["not utf-8"] = write_case(project, "fall-120-probe.md",
                                    GOOD.replace("Fall: 91", "Fall: 120").replace("Eine kurze", "Eine größere"), "cp1252")
    paths["same number"] = write_case(project, "fall-121-probe.md", GOOD.replace("Fall: 91", f"Fall: {good_cases[0].number}"))
    paths["draft"] = write_case(project, "fall-122-probe.md", DRAFT.replace("Fall: 91", "Fall: 122").replace("Tags:", "Tgas:"))
    lenient = build(root / "lenient", project=project)
    strict = build(root / "strict", project=project, strict=True)
    return {"root": root, "good_cases": good_cases, "paths": paths, "lenient": lenient, "strict": strict,
            "lenient_log": one_line(lenient.stdout + lenient.stderr), "strict_log": one_line(strict.stdout + strict.stderr)}


def test_a_lenient_build_with_mistakes_builds_the_good_cases_and_a_strict_one_fails(mistaken):
    assert mistaken["lenient"].returncode == 0, mistaken["lenient_log"]
    # The good cases are still built.
    for case in mistaken["good_cases"]:
        assert (mistaken["root"] / "lenient" / "fall" / str(case.number) / "index.html").is_file(), case.path
    assert mistaken["strict"].returncode != 0, mistaken["strict_log"]
    assert not (mistaken["root"] / "strict" / "index.html").exists()


def said_about(log, path):
    """What ``log`` says about the file ``path``: each of its problems, up
    to the next file named (several files share the site's log)."""
    return " ".join(re.split(r" content/faelle/fall-", part, maxsplit=1)[0]
                    for part in log.split(f"{path}:")[1:])


@pytest.mark.parametrize("rule", list(RULES))
def test_each_mistake_is_explained_and_fails_a_strict_build(mistaken, rule):
    _, line, words = RULES[rule]
    path = mistaken["paths"][rule]
    log = mistaken["lenient_log"]
    where = f"{path}:{line}:" if line else f"{path}:"
    assert where in log, log
    for word in words:
        assert word in said_about(log, path), log
    # The strict build stops on the list of problems (logged as one error)
    # and this mistake is in it.
    assert words[0] in said_about(mistaken["strict_log"], path), mistaken["strict_log"]


def test_a_file_that_is_not_utf8(mistaken):
    log = mistaken["lenient_log"]
    assert f"{mistaken['paths']['not utf-8']}:1: Die Datei ist nicht als UTF-8 gespeichert" in log
    assert "Kodierung „UTF-8“" in said_about(log, mistaken["paths"]["not utf-8"])


def test_the_same_number_twice_names_both_files(mistaken):
    first = mistaken["good_cases"][0]
    assert (f"{mistaken['paths']['same number']}:2: Die Fallnummer {first.number} ist schon an "
            f"content/faelle/{first.path.name} vergeben") in mistaken["lenient_log"]


def test_a_draft_is_checked_too_but_may_lack_a_tip(project, tmp_path, mistaken):
    write_case(project, "fall-91-probe.md", DRAFT)
    assert build(tmp_path / "ok", project=project, strict=True).returncode == 0
    # With a mistake it fails the strict build (the draft is in the site of every mistake).
    assert f"{mistaken['paths']['draft']}:4: Das Feld „Tgas“ kennt die Website nicht." in mistaken["lenient_log"]
    strict = said_about(mistaken["strict_log"], mistaken["paths"]["draft"])
    assert "Das Feld „Tgas“" in strict and "Meinten Sie „Tags“?" in strict


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
