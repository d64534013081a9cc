"""Whatever lies in content/, the build reads only what is inside it and
answers every fault in a case or its photo with a message: the case is
left out of a lenient build and fails a strict one, every other case is
built, and nothing appears outside the site.

All faults share one lenient build of one project copy (its Markdown
read in worker processes, where a fault must come back as a message);
each fault gets a strict build of its own folder of cases."""

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image

from cases.checks import case_numbers
from cases.model import CaseError, parse_case_number
from sitebuild import build, copy_project, one_line, published_cases, soup, text_of

IN_PARALLEL = {"READING_PROCESSES": 2, "READING_MIN_SOURCES": 0}
# As in an author's terminal (de_DE.UTF-8): a name that is not UTF-8,
# printed as it is, would stop the build.
STRICT_TERMINAL = {"PYTHONIOENCODING": "utf-8:strict"}
SECRET = "Nur-fuer-mich-4711"  # in files outside the site: must never be published

CASE = """Title: Der »eingebaute« Kunde und {title}
Fall: {number}
Date: 2024-10-01 09:00
Tags: Service
{photo}
Am Schalter wartete ich lange.
Niemand sagte mir, warum.

## Was ist passiert?

Es fehlte ein Wort zur Lage.

## Der Tipp des »eingebauten« Kunden

Sagen Sie, was los ist.
"""


@dataclass
class Fault:
    folder: str  # the fault's case lives in content/faelle/<folder>/
    message: str  # what the author is told, after "<file>:<line>: "
    line: int | None = None
    number: int | None = None  # the case left out; None if the fault is no case


def case_text(number, title, image=None):
    photo = f"Image: {image}\nImage_alt: Ein Foto\n" if image else ""
    return CASE.format(number=number, title=title, photo=photo)


def write(folder, name, text):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def make_faults(root):
    """Every fault in one project copy (root/site), with photos and texts
    outside it in root/fremd. Returns the project and {name: Fault}."""
    project = copy_project(root / "site")
    content = project / "content"
    fremd = root / "fremd"
    fremd.mkdir()
    Image.new("RGB", (900, 600), "teal").save(fremd / "foto.png")
    write(fremd, "fall.md", case_text(120, f"dem Text von woanders {SECRET}"))
    write(fremd, "seite.md", f"Title: Von woanders\n\n{SECRET}\n")
    (content / "pages" / "woanders.md").symlink_to(fremd / "seite.md")
    images = content / "images"
    faelle = content / "faelle"
    faults = {}

    def photo_case(name, number, image, message):
        write(faelle / name, f"fall-{number}.md", case_text(number, f"dem Foto {number}", image))
        faults[name] = Fault(name, message, 5, number)

    photo_case("foto-ausserhalb", 101, "../../fremd/foto.png",
               "Das Bild „../../fremd/foto.png“ liegt außerhalb des Ordners content/")
    photo_case("foto-absolut", 102, str(fremd / "foto.png"),
               f"Das Bild „{fremd / 'foto.png'}“ liegt außerhalb des Ordners content/")
    (images / "verknuepft.png").symlink_to(fremd / "foto.png")
    photo_case("foto-verknuepft", 103, "images/verknuepft.png",
               "Das Bild „images/verknuepft.png“ ist eine Verknüpfung auf eine Datei außerhalb von content/")
    write(images, "kein-bild.jpg", "Das ist ein Text, kein Foto.\n")
    photo_case("kein-bild", 104, "images/kein-bild.jpg",
               "Das Bild „images/kein-bild.jpg“ ist kein Bild, das die Website lesen kann")
    Image.effect_noise((800, 600), 60).convert("RGB").save(images / "halb.jpg", quality=90)
    whole = (images / "halb.jpg").read_bytes()
    (images / "halb.jpg").write_bytes(whole[: len(whole) // 2])
    photo_case("halbes-jpeg", 105, "images/halb.jpg",
               "Das Bild „images/halb.jpg“ ist beschädigt oder unvollständig")
    Image.new("1", (20_000, 20_000)).save(images / "riesig.png")  # small file, 400 million pixels
    photo_case("riesiges-png", 106, "images/riesig.png", "Das Bild „images/riesig.png“ ist zu groß")

    text = case_text(107, "dem Nullbyte").replace("warum.", "warum.\x00")
    write(faelle / "nullbyte", "fall-107.md", text)
    faults["nullbyte"] = Fault("nullbyte", "Die Datei enthält ein unsichtbares Steuerzeichen (U+0000)", 7, 107)
    (faelle / "verwaist").mkdir()
    (faelle / "verwaist" / "fall-108.md").symlink_to(faelle / "verwaist" / "geloescht.md")
    faults["verwaist"] = Fault(
        "verwaist", f"Die Datei ist eine Verknüpfung auf „{faelle / 'verwaist' / 'geloescht.md'}“, und die gibt es nicht.",
        None, 108,
    )
    (faelle / "dateiname").mkdir()
    with open(os.fsencode(faelle / "dateiname") + b"/fall-109-\xe4rger.md", "w", encoding="utf-8") as latin1_name:
        latin1_name.write(case_text(109, "dem Ärger"))
    faults["dateiname"] = Fault("dateiname", "Der Name der Datei ist nicht in UTF-8 geschrieben", None, 109)
    write(faelle / "hochgestellt", "fall-110.md", case_text("²", "der hochgestellten Zwei"))
    faults["hochgestellt"] = Fault("hochgestellt", "Die Fallnummer „²“ enthält Zeichen, die wie Ziffern aussehen", 2)
    (faelle / "text-verknuepft").mkdir()
    (faelle / "text-verknuepft" / "fall-120.md").symlink_to(fremd / "fall.md")
    faults["text-verknuepft"] = Fault(
        "text-verknuepft", f"Die Datei ist eine Verknüpfung auf „{os.path.realpath(fremd / 'fall.md')}“ außerhalb von content/",
        None, 120,
    )
    text = case_text(111, "dem Link hinaus").replace("lange.", "lange ([Beweis]({static}/../../fremd/fall.md)).")
    write(faelle / "link-hinaus", "fall-111.md", text)
    faults["link-hinaus"] = Fault(
        "link-hinaus", "Ein Link mit {static} führt zu „../../fremd/fall.md“, aus dem Ordner content/ hinaus", None, 111
    )
    (faelle / "schleife").mkdir()
    (faelle / "schleife" / "wurzel").symlink_to(project)
    (faelle / "zurueck").mkdir()
    (faelle / "zurueck" / "faelle").symlink_to(faelle)
    faults["zurueck"] = Fault("zurueck", "Der Ordner ist eine Verknüpfung auf einen Ordner, den die Website ohnehin liest")
    faults["schleife"] = Fault("schleife", f"Der Ordner ist eine Verknüpfung auf „{os.path.realpath(project)}“ außerhalb von content/")
    return project, faults


def output_folder(root, build_name):
    # Three levels down, unlike content/: a path that leaves output/ lands
    # elsewhere than the file it was read from.
    return root / "builds" / build_name / "output"


def files_outside_the_builds(root):
    """Every file below root (links to files too), except where builds may write."""
    def may_write(path):
        return path == root / "site" / "cache" or path.name == "__pycache__" or path == output_folder(root, path.parent.name)

    found = set()
    for folder, dirs, files in os.walk(root):  # links are not followed
        dirs[:] = [d for d in dirs if not may_write(Path(folder, d))]
        found |= {os.path.relpath(os.path.join(folder, name), root) for name in files}
    return found


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    root = tmp_path_factory.mktemp("faults")
    project, faults = make_faults(root)
    before = files_outside_the_builds(root)
    output = output_folder(root, "lenient")
    result = build(output, project=project, overrides=IN_PARALLEL, env=STRICT_TERMINAL)
    return {
        "root": root, "project": project, "faults": faults, "output": output, "before": before,
        "result": result, "log": one_line(result.stdout + result.stderr),
    }


def case_path(faulty, fault):
    folder = faulty["project"] / "content" / "faelle" / fault.folder
    name = os.fsencode(next(iter(os.listdir(folder)))).decode("utf-8", "replace")
    return f"content/faelle/{fault.folder}/{name}"


FAULT_NAMES = [
    "foto-ausserhalb", "foto-absolut", "foto-verknuepft", "kein-bild", "halbes-jpeg", "riesiges-png",
    "nullbyte", "verwaist", "dateiname", "hochgestellt", "text-verknuepft", "link-hinaus", "zurueck", "schleife",
]


@pytest.mark.parametrize("name", FAULT_NAMES)
def test_a_fault_is_reported_its_case_left_out_and_a_strict_build_fails(faulty, name):
    fault = faulty["faults"][name]
    where = case_path(faulty, fault) + (f":{fault.line}" if fault.line else "")
    log = faulty["log"]
    assert faulty["result"].returncode == 0, log
    assert f"{where}: {fault.message}" in log, log
    banner = text_of(soup(faulty["output"] / "index.html").select_one(".build-problems"))
    assert fault.message in banner
    if fault.number:
        assert not (faulty["output"] / "fall" / str(fault.number)).exists()

    strict = build(
        output_folder(faulty["root"], f"strict-{name}"), project=faulty["project"], strict=True,
        overrides={"ARTICLE_PATHS": [f"faelle/{name}"], "PAGE_PATHS": [], "SEARCH_INDEX": False},
    )
    assert strict.returncode != 0
    assert fault.message in one_line(strict.stdout + strict.stderr)
    assert files_outside_the_builds(faulty["root"]) == faulty["before"]


def test_every_good_case_is_built_with_its_photo(faulty):
    assert "Traceback" not in faulty["log"], faulty["log"]
    output = faulty["output"]
    for case in published_cases(faulty["project"] / "content"):
        page = soup(output / "fall" / str(case.number) / "index.html")
        if "image" in case.metadata:
            assert (output / urlsplit(page.select_one("figure img")["src"]).path.lstrip("/")).is_file()


def test_nothing_outside_content_is_read_or_written(faulty):
    assert files_outside_the_builds(faulty["root"]) == faulty["before"]
    published = [p for p in faulty["output"].rglob("*") if p.is_file()]
    assert faulty["output"] / "index.html" in published
    assert not [p for p in published if p.name.startswith(("foto-", "verknuepft-"))]
    assert not [p for p in published if SECRET.encode() in p.read_bytes()]


def test_a_page_linked_out_of_content_is_reported_and_not_read(faulty):
    message = f"content/pages/woanders.md: Die Datei ist eine Verknüpfung auf „{os.path.realpath(faulty['root'] / 'fremd' / 'seite.md')}“"
    assert message in faulty["log"]
    assert not (faulty["output"] / "von-woanders").exists()


def test_linked_folders_are_not_walked(faulty):
    # Walked, they would offer every case a second time (or forty times).
    assert "schleife/wurzel/" not in faulty["log"] and "zurueck/faelle/" not in faulty["log"]
    assert "ist schon an" not in faulty["log"]


def test_check_lists_the_faults_without_a_traceback(faulty):
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "check"], cwd=faulty["project"], capture_output=True, text=True,
        env={**os.environ, **STRICT_TERMINAL},
    )
    out = one_line(result.stdout + result.stderr)
    assert result.returncode == 1 and "Traceback" not in out, out
    for fault in faulty["faults"].values():
        assert fault.message in out


@pytest.mark.parametrize("written", ["²", "³", "３４", "٣"])
def test_case_numbers_are_ascii_digits(written):
    with pytest.raises(CaseError, match="Ziffern 0 bis 9"):
        parse_case_number(written, "fall.md")
    assert parse_case_number("34", "fall.md") == 34


def test_new_case_and_the_importer_pass_over_faulty_cases(tmp_path):
    """They read the numbers taken (case_numbers) from the same files."""
    good = write(tmp_path, "fall-1.md", case_text(1, "dem guten Fall"))
    write(tmp_path, "fall-2.md", case_text("²", "der hochgestellten Zwei"))
    nul = write(tmp_path, "fall-3.md", case_text(3, "dem Nullbyte").replace("warum.", "warum.\x00"))
    (tmp_path / "fall-4.md").symlink_to(tmp_path / "geloescht.md")
    # The number 3 stays taken: fixed, the case would clash with a new one.
    assert case_numbers(tmp_path) == {1: good, 3: nul}
