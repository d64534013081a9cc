"""What a header line, a link or a Markdown construct may do: nothing in a
source chooses where or how a page is written, nothing in content/ reaches
readers unprocessed, every value is bounded, and no text takes more than
moments to read. Each fault is reported with file and line by the build
(log and preview banner), by `invoke check`, and stops a strict build
with a German message, never a traceback; a lenient build still builds
every good case."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from sitebuild import SHARED_CACHE, building, copy_project, one_line, published_cases, soup, text_of

# Far beyond what a refused source needs; only today's code, which reads
# the pathological Markdown, would come near it.
GENEROUS_TIMEOUT = 240

CASE = """Title: Der »eingebaute« Kunde und {title}
Fall: {number}
Date: 2024-10-01 09:00
Tags: Service
{extra}
Am Schalter wartete ich lange.

## Was ist passiert?

Es fehlte ein Wort zur Lage.

## Der Tipp des »eingebauten« Kunden

Sagen Sie, was los ist.
"""


def case_text(number, title, extra="", body_before=""):
    text = CASE.format(number=number, title=title, extra=extra)
    return text.replace("Am Schalter", body_before + "Am Schalter", 1) if body_before else text


def run(command, project, what):
    """Run ``command`` in ``project``; a hang fails the test with a message."""
    try:
        return subprocess.run(command, cwd=project, capture_output=True, text=True, errors="replace",
                              env={**os.environ, "COLUMNS": "200"}, timeout=GENEROUS_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{what} took more than {GENEROUS_TIMEOUT} s: a source was read that should have been refused")


def pelican(project, output, *, settings="pelicanconf.py", strict=False, overrides=None):
    command = building.pelican_command(project / "content", project / settings, output, strict=strict,
                                       overrides={"CACHE_PATH": str(SHARED_CACHE), **(overrides or {})})
    return run(command, project, f"Building with {settings}")


def check(project):
    return run([sys.executable, "-m", "invoke", "check"], project, "invoke check")


def banner(index):
    return [text_of(item) for item in soup(index).select(".build-problems li")]


def assert_reported(log, where, words):
    assert where in log, (where, log)
    for word in words:
        assert word in log, (word, log)


def assert_no_traceback(result):
    out = result.stdout + result.stderr
    assert "Traceback" not in out and "Error:" not in out.replace("Fehler:", ""), out


# ---------------------------------------------------------------------------
# 1. Only the documented header fields; no output path chosen by content.

# name -> (file text, line, words of the message)
HEADER_FAULTS = {
    "fall-81-save-as.md": (case_text(81, "dem Save_as", "Save_as: index.html"), 5, ["„Save_as“ kennt die Website nicht"]),
    "fall-82-anderer-fall.md": (case_text(82, "dem fremden Fall", "Save_as: fall/1/index.html"), 5, ["„Save_as“"]),
    "fall-83-url.md": (case_text(83, "der Url", 'Url: fall/42" fontSize="40" color="red'), 5, ["„Url“ kennt"]),
    "fall-84-vorlage.md": (case_text(84, "der Vorlage", "Template: gibtsnicht"), 5, ["„Template“ kennt"]),
    "fall-85-basis.md": (case_text(85, "der Basisvorlage", "Template: base"), 5, ["„Template“ kennt"]),
    "fall-86-sprache.md": (case_text(86, "der Sprache", "Lang: en"), 5, ["„Lang“ kennt"]),
    "fall-87-versteckt.md": (case_text(87, "dem Versteck", "Status: hidden"), 5,
                             ["Den Status „hidden“ kennt die Website nicht", "Status: draft"]),
    "fall-88-gross.md": (case_text(88, "den Großbuchstaben", "SAVE_AS: robots.txt"), 5, ["„Save_as“ kennt"]),
    "fall-89-slug.md": (case_text(89, "dem Slug", "Slug: fall/2"), 5, ["„Slug“ kennt"]),
    "fall-90-tippfehler.md": (case_text(90, "dem Tippfehler", "Image: images/fall-02.jpg\nImage_alt: Ein Foto\nImage_atl: X"), 7,
                              ["„Image_atl“ kennt", "Meinten Sie „Image_alt“?"]),
    "fall-91-uebersetzung.md": (case_text(91, "der Übersetzung", "Translation: true\nStatus: skip"), 5,
                                ["„Translation“ kennt"]),
}
PAGE_FAULTS = {
    "schraeg.md": ("Title: Schräge Adresse\nSlug: fall/2\n\nText.\n", 2, ["„Slug: fall/2“ ist kein einfacher Name"]),
    "vorlage.md": ("Title: Vorlage\nSlug: vorlage\nTemplate: gibtsnicht\nSave_as: index.html\n\nText.\n", 3,
                   ["„Template“ kennt"]),
    "themen.md": ("Title: Themen\n\nText.\n", None, ["Die Adresse /themen/ dieser Seite gehört schon der Website"]),
    "faelle.md": ("Title: Alles\nSlug: faelle\n\nText.\n", 2, ["Die Adresse /faelle/ dieser Seite gehört schon"]),
    "zweimal.md": ("Title: Noch ein Impressum\nSlug: impressum\n\nText.\n", 2, ["Die Adresse /impressum/ hat schon"]),
}


@pytest.fixture(scope="module")
def header_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("header")
    project = copy_project(root / "site")
    for name, (text, _, _) in HEADER_FAULTS.items():
        (project / "content" / "faelle" / name).write_text(text, encoding="utf-8")
    for name, (text, _, _) in PAGE_FAULTS.items():
        (project / "content" / "pages" / name).write_text(text, encoding="utf-8")
    (project / "content" / "pages" / "seite.html").write_text(
        '<html><head><title>HTML-Seite</title><meta name="save_as" content="index.html"></head>'
        "<body>Ersetzt die Startseite</body></html>\n", encoding="utf-8")
    # The Markdown read in worker processes, as a build of many cases does.
    lenient = pelican(project, root / "lenient", overrides={"READING_PROCESSES": 2, "READING_MIN_SOURCES": 0})
    return {"project": project, "root": root, "lenient": lenient, "output": root / "lenient",
            "check": check(project), "strict": pelican(project, root / "strict", settings="publishconf.py", strict=True)}


def all_faults(header_site):
    for name, (_, line, words) in HEADER_FAULTS.items():
        yield f"content/faelle/{name}", line, words
    for name, (_, line, words) in PAGE_FAULTS.items():
        yield f"content/pages/{name}", line, words


def test_every_unknown_header_field_is_reported_by_build_check_and_banner(header_site):
    lenient, checked = header_site["lenient"], header_site["check"]
    log = one_line(lenient.stdout + lenient.stderr)
    assert lenient.returncode == 0, log
    shown = " ".join(banner(header_site["output"] / "index.html"))
    checked_out = one_line(checked.stdout)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    for path, line, words in all_faults(header_site):
        where = f"{path}:{line}:" if line else f"{path}:"
        assert_reported(log, where, words)
        assert_reported(checked_out, where, words)
        assert_reported(shown, path, words)
    assert_no_traceback(lenient)
    assert_no_traceback(checked)


def test_a_strict_build_stops_on_them_with_german_messages(header_site):
    strict = header_site["strict"]
    log = one_line(strict.stdout + strict.stderr)
    assert strict.returncode != 0
    assert "„Save_as“ kennt die Website nicht" in log and "Abgebrochen" in log, log
    assert "Traceback" not in log and "PelicanTemplateNotFound" not in log and "FileOverwrite" not in log


def test_no_header_line_chooses_an_output_path_or_template(header_site):
    output, project = header_site["output"], header_site["project"]
    home = soup(output / "index.html")
    assert home.select(".build-problems li"), "the home page is the site's own, with its banner"
    assert not [path for path in output.rglob("*.html") if "Ersetzt die Startseite" in path.read_text(encoding="utf-8")]
    # Every case is at its number; fall/1 and robots.txt are what the site wrote.
    first = next(c for c in published_cases(project / "content") if c.number == 1)
    assert first.metadata["title"].split()[-1] in text_of(soup(output / "fall" / "1" / "index.html").h1)
    assert (output / "robots.txt").read_text(encoding="utf-8").startswith("User-agent:")
    for name, (text, _, _) in HEADER_FAULTS.items():
        number = name.split("-")[1]
        if "Status:" in text:
            assert (output / "entwurf" / number / "index.html").is_file(), "an unknown status is a draft"
            assert not (output / "fall" / number).exists()
            continue
        page = soup(output / "fall" / number / "index.html")
        assert page.find("article") and page.h1, f"fall {number} with the case template"
    files = {path.relative_to(output).as_posix() for path in output.rglob("*") if path.is_file()}
    assert not [f for f in files if "-en." in f or "gibtsnicht" in f or "fontSize" in f], files
    assert not any('fontSize' in path.read_text(encoding="utf-8") for path in output.rglob("*.html"))
    # Pages keep their own folders; refused ones take none.
    assert (output / "impressum" / "index.html").is_file()
    assert "Noch ein Impressum" not in (output / "impressum" / "index.html").read_text(encoding="utf-8")
    assert (output / "vorlage" / "index.html").is_file()
    assert "Schräge Adresse" not in (output / "fall" / "2" / "index.html").read_text(encoding="utf-8")
    assert "Schräge Adresse" in (output / "schraege-adresse" / "index.html").read_text(encoding="utf-8")
    assert "Text." not in text_of(soup(output / "themen" / "index.html"))


def test_a_draft_page_is_not_published(tmp_path):
    project = copy_project(tmp_path / "site")
    (project / "content" / "pages" / "bald.md").write_text(
        "Title: Bald\nSlug: bald\nStatus: draft\n\nNoch geheim.\n", encoding="utf-8")
    published = pelican(project, tmp_path / "out", settings="publishconf.py", strict=True)
    assert published.returncode == 0, published.stdout + published.stderr
    assert not [path for path in (tmp_path / "out").rglob("*.html") if "Noch geheim" in path.read_text(encoding="utf-8")]


# ---------------------------------------------------------------------------
# 2. Nothing in content/ reaches readers unprocessed.

def photo_with_gps(path):
    image = Image.effect_noise((900, 600), 50).convert("RGB")
    exif = Image.Exif()
    exif[0x010F] = "Kamerahersteller"  # Make
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)})
    image.save(path, exif=exif, quality=90)
    assert Image.open(path).getexif().get_ifd(0x8825), "the test photo carries a GPS position"


STATIC_CASES = {
    "fall-95-foto-link.md": case_text(95, "dem verlinkten Foto", body_before="Hier das [Foto]({static}/images/privat.jpg).\n\n"),
    "fall-96-foto-bild.md": case_text(96, "dem eingebundenen Foto", body_before="![x]({static}/images/privat.jpg)\n\n"),
    "fall-97-foto-filename.md": case_text(97, "dem Foto als Datei", body_before="[Foto]({filename}/images/privat.jpg)\n\n"),
    "fall-98-foto-im-kopf.md": case_text(98, "dem Foto im Kopf", "Image: images/privat.jpg\nImage_alt: Ein Foto"),
    "fall-99-datei.md": case_text(99, "der Datei", body_before="Die [Notiz]({static}/extra/notiz.txt).\n\n"),
}


def published_images(output):
    return [path for path in Path(output).rglob("*")
            if path.suffix.lower() in {".jpg", ".jpeg", ".png", ".webp", ".gif", ".tif", ".tiff"}]


def assert_no_original_and_no_metadata(output, original):
    images = published_images(output)
    for path in images:
        assert path.read_bytes() != original, f"{path} is the original, byte for byte"
        with Image.open(path) as image:
            exif = image.getexif()
            assert not exif.get_ifd(0x8825), f"{path} carries a GPS position"
            assert not dict(exif), f"{path} carries EXIF metadata: {dict(exif)}"
    return images


def test_a_photo_linked_in_the_text_is_refused_and_never_published(tmp_path):
    project = copy_project(tmp_path / "site")
    content = project / "content"
    photo_with_gps(content / "images" / "privat.jpg")
    original = (content / "images" / "privat.jpg").read_bytes()
    (content / "extra" / "notiz.txt").write_text("Nur für mich\n", encoding="utf-8")
    for name, text in STATIC_CASES.items():
        (content / "faelle" / name).write_text(text, encoding="utf-8")

    lenient = pelican(project, tmp_path / "lenient")
    log = one_line(lenient.stdout + lenient.stderr)
    assert lenient.returncode == 0, log
    for name, line in [("fall-95-foto-link.md", 6), ("fall-96-foto-bild.md", 6), ("fall-97-foto-filename.md", 6)]:
        assert_reported(log, f"content/faelle/{name}:{line}:", ["Das Foto „images/privat.jpg“ ist im Text verlinkt",
                                                                 "Image: images/privat.jpg"])
    assert_reported(log, "content/faelle/fall-99-datei.md:6:", ["Die Datei „extra/notiz.txt“ ist im Text verlinkt"])
    for number in (95, 96, 97, 99):
        assert not (tmp_path / "lenient" / "fall" / str(number)).exists()
    assert (tmp_path / "lenient" / "fall" / "98" / "index.html").is_file(), "the photo in the header is shown"
    assert not list((tmp_path / "lenient").rglob("notiz.txt"))
    assert not list((tmp_path / "lenient").rglob("privat.jpg"))
    images = assert_no_original_and_no_metadata(tmp_path / "lenient", original)
    assert any("privat" in path.name for path in images), "the header's photo went through the pipeline"

    checked = check(project)
    assert checked.returncode == 1
    assert_reported(one_line(checked.stdout), "content/faelle/fall-96-foto-bild.md:6:", ["Das Foto „images/privat.jpg“"])

    published = run([sys.executable, "-m", "invoke", "publish"], project, "invoke publish")
    out = one_line(published.stdout + published.stderr)
    assert published.returncode != 0 and "Das Foto „images/privat.jpg“ ist im Text verlinkt" in out, out
    assert "Traceback" not in out
    if (project / "output").exists():
        assert_no_original_and_no_metadata(project / "output", original)

    # Without the refused links the publish succeeds, and its images obey the rule as well.
    for number in (95, 96, 97, 99):
        next((content / "faelle").glob(f"fall-{number}-*.md")).unlink()
    published = run([sys.executable, "-m", "invoke", "publish"], project, "invoke publish")
    assert published.returncode == 0, published.stdout + published.stderr
    images = assert_no_original_and_no_metadata(project / "output", original)
    assert any("privat" in path.name for path in images)


# ---------------------------------------------------------------------------
# 4. Every header value is bounded.

BOUNDS = {
    "fall-120-thema.md": (case_text(120, "dem langen Thema").replace("Tags: Service", "Tags: Service, " + "x" * 180), 4,
                          ["ist mit 180 Zeichen zu lang (höchstens 50)"]),
    "fall-121-nummer.md": (case_text("1" * 300, "der langen Nummer"), 2, ["ist mit 300 Ziffern zu lang (höchstens 6)"]),
    "fall-122-riesennummer.md": (case_text("7" * 5000, "der riesigen Nummer"), 2,
                                 ["ist mit 5000 Ziffern zu lang (höchstens 6)"]),
    "fall-123-titel.md": (case_text(123, "dem langen Titel " + "ä" * 300), 1,
                          ["Die Zeile „Title“ ist mit", "Zeichen zu lang (höchstens 200)"]),
    "fall-124-geaendert.md": (case_text(124, "dem Änderungsdatum", "Modified: " + "9" * 30), 5,
                              ["Das Änderungsdatum „999999999999999999999999999999“ ist nicht lesbar"]),
    "fall-125-datum.md": (case_text(125, "dem Datum").replace("2024-10-01 09:00", "9" * 30), 3,
                          ["Das Datum „999999999999999999999999999999“ ist nicht lesbar"]),
}
PAGE_BOUNDS = {
    "lang.md": ("Title: " + "Ä" * 150 + "\n\nText.\n", None, ["Aus dem Titel wird keine brauchbare Adresse"]),
    "datum.md": ("Title: Datum\nSlug: datum\nDate: gestern\n\nText.\n", 3, ["Das Datum „gestern“ ist nicht lesbar"]),
}


def write_faults(project, cases, pages):
    """Write the faulty cases and pages ({name: (text, line, words)}) into
    ``project``; [(file, line, words)] as the messages must name them."""
    faults = []
    for folder, files in (("faelle", cases), ("pages", pages)):
        for name, (text, line, words) in files.items():
            (project / "content" / folder / name).write_text(text, encoding="utf-8")
            faults.append((f"content/{folder}/{name}", line, words))
    return faults


def test_over_long_header_values_are_reported_everywhere_and_crash_nothing(tmp_path):
    project = copy_project(tmp_path / "site")
    good = published_cases(project / "content")
    faults = write_faults(project, BOUNDS, PAGE_BOUNDS)

    lenient = pelican(project, tmp_path / "lenient")
    log = one_line(lenient.stdout + lenient.stderr)
    assert lenient.returncode == 0, log
    assert_no_traceback(lenient)
    shown = " ".join(banner(tmp_path / "lenient" / "index.html"))
    checked = check(project)
    assert checked.returncode == 1
    assert_no_traceback(checked)
    for path, line, words in faults:
        where = f"{path}:{line}:" if line else f"{path}:"
        assert_reported(log, where, words)
        assert_reported(one_line(checked.stdout), where, words)
        assert_reported(shown, path, words)
    for case in good:
        assert (tmp_path / "lenient" / "fall" / str(case.number) / "index.html").is_file()
    assert not (tmp_path / "lenient" / "fall" / "120").exists()

    strict = pelican(project, tmp_path / "strict", settings="publishconf.py", strict=True)
    out = one_line(strict.stdout + strict.stderr)
    assert strict.returncode != 0
    assert "Traceback" not in out and "ENAMETOOLONG" not in out and "File name too long" not in out, out
    for _, _, words in faults[:len(BOUNDS)]:  # the cases' problems, reported before it stops
        assert words[0] in out, (words, out)

    # new-case passes over the case it cannot number and starts the next one.
    created = run([sys.executable, "-m", "invoke", "new-case", "--title", "Der »eingebaute« Kunde und das Neue"],
                  project, "invoke new-case")
    assert created.returncode == 0, created.stdout + created.stderr
    # Of the cases above, 120 and 123 to 125 have valid numbers.
    assert "Der 126. Fall ist angelegt" in created.stdout, created.stdout


def test_new_case_refuses_an_over_long_title_in_german(tmp_path):
    project = copy_project(tmp_path / "site")
    before = sorted((project / "content" / "faelle").iterdir())
    created = run([sys.executable, "-m", "invoke", "new-case", "--title", "Der »eingebaute« Kunde und " + "ü" * 300],
                  project, "invoke new-case")
    out = created.stdout + created.stderr
    assert created.returncode != 0 and "Traceback" not in out, out
    assert "Der Titel ist mit" in out and "höchstens 200" in out, out
    assert sorted((project / "content" / "faelle").iterdir()) == before


# ---------------------------------------------------------------------------
# 8. Markdown that cannot be read in reasonable time is refused before it is read.

def nested_links(depth):
    return "[" * depth + "x" + "](y)" * depth


def nested_list(depth, indent="    "):
    return "\n".join(indent * level + f"- Ebene {level}" for level in range(depth)) + "\n"


MARKDOWN_FAULTS = {
    # at the limit + 1
    "fall-130-links.md": (case_text(130, "den Links in Links", body_before=nested_links(17) + "\n\n"), 6,
                          ["mehr als 16 eckige Klammern ineinander", "„\\[“"]),
    "fall-131-liste.md": (case_text(131, "der tiefen Liste", body_before=nested_list(21) + "\n"), 26,
                          ["21 Ebenen aus Listen, Zitaten oder Einrückungen", "höchstens 20"]),
    "fall-132-zitat.md": (case_text(132, "dem tiefen Zitat", body_before="> " * 21 + "Zitat\n\n"), 6,
                          ["21 Ebenen aus Listen"]),
    "fall-133-gross.md": (case_text(133, "dem langen Text", body_before=("Ein Satz. " * 9 + "\n") * 11_000 + "\n"),
                          None, ["Die Datei ist mit", "Bytes zu groß (höchstens 1.000.000)"]),
    "fall-137-sterne.md": (case_text(137, "den Sternen", body_before="*a" * 20_001 + "\n\n"), 6,
                           ["mehr als 20.000 Zeichen für Auszeichnungen"]),
    "fall-138-definitionen.md": (case_text(138, "den Definitionen", body_before="a\n: b\n" * 101 + "\n"), 207,
                                 ["Mehr als 100 Zeilen beginnen mit „:“"]),
    "fall-139-abkuerzungen.md": (case_text(139, "den Abkürzungen", body_before="".join(
        f"*[A{i}]: b\n" for i in range(101)) + "\n"), 106, ["Mehr als 100 Abkürzungen"]),
    "fall-140-ueberschriften.md": (case_text(140, "den Überschriften", body_before="## T\n\n" * 3001), 6006,
                                   ["mehr als 3.000 Überschriften"]),
    "fall-141-listenpunkte.md": (case_text(141, "den Listenpunkten", body_before="- a\n" * 5001 + "\n"), 5006,
                                 ["mehr als 5.000 Listenpunkte"]),
    # what took minutes or ended in a RecursionError
    "fall-134-links-100kb.md": (case_text(134, "den vielen Links", body_before=nested_links(20_000) + "\n\n"), 6,
                                ["eckige Klammern ineinander"]),
    "fall-135-liste-800.md": (case_text(135, "der Liste 800", body_before=nested_list(800, "\t") + "\n"), 26,
                              ["21 Ebenen"]),
    # 50 MB: refused for its size before it is scanned
    "fall-136-liste-5000.md": (case_text(136, "der Liste 5000", body_before=nested_list(5000) + "\n"), None,
                               ["Bytes zu groß"]),
}
PAGE_MARKDOWN_FAULTS = {
    "verschachtelt.md": ("Title: Verschachtelt\nSlug: verschachtelt\n\n" + nested_links(17) + "\n", 4,
                         ["eckige Klammern ineinander"]),
}


def test_unreadable_markdown_is_refused_with_its_line_and_the_rest_is_built(tmp_path):
    project = copy_project(tmp_path / "site")
    good = published_cases(project / "content")
    faults = write_faults(project, MARKDOWN_FAULTS, PAGE_MARKDOWN_FAULTS)

    lenient = pelican(project, tmp_path / "lenient")
    log = one_line(lenient.stdout + lenient.stderr)
    assert lenient.returncode == 0, log
    assert_no_traceback(lenient)
    checked = check(project)
    assert checked.returncode == 1
    assert_no_traceback(checked)
    shown = " ".join(banner(tmp_path / "lenient" / "index.html"))
    for path, line, words in faults:
        where = f"{path}:{line}:" if line else f"{path}:"
        assert_reported(log, where, [*words, "Diese Datei wird nicht veröffentlicht."])
        assert_reported(one_line(checked.stdout), where, words)
        assert_reported(shown, path, words)
    for case in good:
        assert (tmp_path / "lenient" / "fall" / str(case.number) / "index.html").is_file()
    for number in range(130, 142):
        assert not (tmp_path / "lenient" / "fall" / str(number)).exists()

    strict = pelican(project, tmp_path / "strict", settings="publishconf.py", strict=True)
    out = one_line(strict.stdout + strict.stderr)
    assert strict.returncode != 0 and "eckige Klammern ineinander" in out, out
    assert "Traceback" not in out and "RecursionError" not in out


def test_markdown_at_the_limits_is_read(tmp_path):
    project = copy_project(tmp_path / "site")
    text = case_text(150, "den Grenzen", body_before=nested_links(16) + "\n\n" + nested_list(20) + "\n" + "> " * 20 + "Zitat\n\n")
    (project / "content" / "faelle" / "fall-150-grenzen.md").write_text(text, encoding="utf-8")
    built = pelican(project, tmp_path / "out", strict=True)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "Ebene 19" in text_of(soup(tmp_path / "out" / "fall" / "150" / "index.html"))
