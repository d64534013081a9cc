"""`invoke new-case`: the next free number, today's date, the skeleton, never an overwrite."""

import re
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from sitebuild import build, copy_project, demo_cases, read_case, soup


def new_case(project, title):
    return subprocess.run(
        [sys.executable, "-m", "invoke", "new-case", "--title", title],
        cwd=project, capture_output=True, text=True,
    )


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path / "site")


def berlin_today():
    return datetime.now(ZoneInfo("Europe/Berlin")).date().isoformat()


def test_a_new_case_gets_the_next_number_and_the_skeleton(project, tmp_path):
    highest = max(c.number for c in demo_cases(project / "content"))  # drafts count too
    before = berlin_today()
    result = new_case(project, "Der »eingebaute« Kunde und die vergessene Rückmeldung")
    after = berlin_today()
    assert result.returncode == 0, result.stderr
    written = project / result.stdout.splitlines()[0]
    assert written.name == f"fall-{highest + 1:02d}-die-vergessene-rueckmeldung.md"
    case = read_case(written)
    assert case.number == highest + 1
    assert case.metadata["title"] == "Der »eingebaute« Kunde und die vergessene Rückmeldung"
    # Today in the site's time zone (the day may turn while it runs).
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", case.metadata["date"])
    assert case.metadata["date"][:10] in {before, after}
    assert case.is_draft
    headings = re.findall(r"^## (.+)$", case.body, re.M)
    assert headings == ["Was ist passiert?", "Der Tipp des »eingebauten« Kunden"]
    assert f"/entwurf/{highest + 1}/" in result.stdout

    # It builds strictly and the author sees it in the preview at once.
    assert build(tmp_path / "out", project=project, strict=True).returncode == 0
    page = soup(tmp_path / "out" / "entwurf" / str(highest + 1) / "index.html")
    assert page.h1.get_text().replace("\xad", "").startswith("Der »eingebaute« Kunde")
    assert page.select_one(".lead").get_text().startswith("Hier beginnt die Geschichte")

    second = new_case(project, "Der »eingebaute« Kunde und die zweite Idee")
    assert read_case(project / second.stdout.splitlines()[0]).number == highest + 2


def test_new_case_never_overwrites(project):
    highest = max(c.number for c in demo_cases(project / "content"))
    taken = project / "content" / "faelle" / f"fall-{highest + 1:02d}-schon-da.md"
    taken.write_text("Mein halbfertiger Text, nicht überschreiben!\n", encoding="utf-8")
    result = new_case(project, "Schon da")
    assert result.returncode != 0
    assert "gibt es schon; nichts wurde überschrieben" in result.stdout + result.stderr
    assert taken.read_text(encoding="utf-8") == "Mein halbfertiger Text, nicht überschreiben!\n"


def test_a_line_break_in_the_title_cannot_add_header_lines(project):
    highest = max(c.number for c in demo_cases(project / "content"))
    result = new_case(project, "Der »eingebaute« Kunde und der Umbruch\nFall: 1\nStatus: published")
    assert result.returncode == 0, result.stderr
    assert "Zeilenumbrüche und Steuerzeichen im Titel sind jetzt Leerzeichen" in result.stderr
    written = project / result.stdout.splitlines()[0]
    header = written.read_text(encoding="utf-8").partition("\n\n")[0].splitlines()
    assert header[0] == "Title: Der »eingebaute« Kunde und der Umbruch Fall: 1 Status: published"
    assert [line.split(":")[0] for line in header] == ["Title", "Fall", "Date", "Tags", "Summary", "Status"]
    case = read_case(written)
    assert case.number == highest + 1 and case.is_draft

    second = new_case(project, "Der »eingebaute« Kunde und die Folge")
    assert read_case(project / second.stdout.splitlines()[0]).number == highest + 2



def test_a_case_number_in_other_digits_elsewhere_stops_nothing(project):
    """An existing case with "Fall: ²" (AltGr+2) is no number: new-case and
    check go on and name it, never with a traceback."""
    case = demo_cases(project / "content")[0]
    case.path.write_text(case.path.read_text(encoding="utf-8").replace(f"Fall: {case.number}\n", "Fall: ²\n"),
                         encoding="utf-8")
    result = new_case(project, "Der »eingebaute« Kunde und die hochgestellte Zwei")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    check = subprocess.run([sys.executable, "-m", "invoke", "check"], cwd=project, capture_output=True, text=True)
    assert check.returncode != 0 and "Traceback" not in check.stdout + check.stderr
    assert f"{case.path.name}:2: Die Fallnummer „²“" in " ".join((check.stdout + check.stderr).split())
