"""The editor at /redaktion/ in the live preview, through the real page in
Chromium: controls found by their labels, files checked on disk.

The preview runs on a copy of the project whose cases are fixtures (the
case-file fixtures and the importer's Mobirise fixture cases), never the
repository's content/."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect
from test_livereload import wait_for
from test_reader_browser import axe_violations

from importer import import_paths
from sitebuild import ROOT, copy_project, free_port

pytestmark = pytest.mark.browser

FIXTURES = ROOT / "tests" / "fixtures"
SAVED = "Gespeichert:"


def photo(path, size=(640, 480), kind="JPEG"):
    Image.new("RGB", size, (180, 120, 60)).save(path, kind)
    return path


@pytest.fixture(scope="module")
def editor(tmp_path_factory):
    """The preview with the editor on a fixture site; yields (project, base, originals)."""
    tmp = tmp_path_factory.mktemp("redaktion")
    project = copy_project(tmp / "site")
    content = project / "content"
    shutil.rmtree(content / "faelle")
    shutil.rmtree(content / "images")
    (content / "faelle").mkdir()
    (content / "images").mkdir()
    for case in (FIXTURES / "casefile").glob("*.md"):
        shutil.copy(case, content / "faelle" / case.name)
    photo(content / "images" / "fall-05.jpg")
    import_paths(str(FIXTURES / "import" / "mobirise"), content, dates=str(FIXTURES / "import" / "mobirise-daten.csv"))
    for name in ("fall-12-rueckruf.txt", "fall-13-zwei-tipps.txt", "fall-14-seite.html"):
        import_paths(str(FIXTURES / "import" / name), content, date="2023-01-10")
    # "Veröffentlichen" deploys with rsync into a folder here, never to the real host.
    server = tmp / "server"
    server.mkdir()
    (project / "deploy.toml").write_text(f'ziel = "{server}"\n', encoding="utf-8")
    originals = {p.name: p.read_bytes() for p in (content / "faelle").glob("*.md")}
    assert len(originals) == 11  # 5 fixtures, 3 Mobirise pages, 3 exports
    port = free_port()
    log = open(tmp / "livereload.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "invoke", "livereload", "--port", str(port)], cwd=project,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/redaktion/", lambda status, _: status == 200)
        yield project, base, originals
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
        log.close()
        print((tmp / "livereload.log").read_text())


def open_case(page, base, name):
    page.goto(f"{base}/redaktion/fall/{name}")
    expect(page.locator("#vorschau-stand")).to_have_text("Vorschau aktuell.", timeout=60_000)


def save(page):
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("#meldung")).to_contain_text(SAVED, timeout=30_000)


def test_every_case_opened_and_saved_unchanged_keeps_every_byte(editor, page):
    project, base, originals = editor
    for name, raw in sorted(originals.items()):
        if name.startswith("fall-01"):
            continue  # edited by another test
        open_case(page, base, name)
        save(page)
        assert (project / "content" / "faelle" / name).read_bytes() == raw, name
    assert page.request_log.errors == []


def test_the_list_shows_each_case_with_its_state_and_problems(editor, page):
    project, base, _ = editor
    page.goto(f"{base}/redaktion/")
    table = page.get_by_role("table", name="Alle Fälle und Entwürfe")
    draft = table.get_by_role("row").filter(has_text="Der »eingebaute« Kunde und der Rückruf am Freitag")
    expect(draft).to_contain_text("Entwurf")
    typography = table.get_by_role("row").filter(has_text="die „kleine“ Rechnung")
    expect(typography).to_contain_text("13. August 2024")
    expect(typography).to_contain_text("veröffentlicht")
    # A draft without a tip: drafts need none.
    expect(draft.locator("td").last).to_have_text("keine")
    future = project / "content" / "faelle" / "fall-30-spaeter.md"
    future.write_text("Title: Der »eingebaute« Kunde und die Zukunft\nFall: 30\nDate: 2999-01-05 09:00\n\n"
                      "Text.\n", encoding="utf-8")
    try:
        page.reload()
        row = table.get_by_role("row").filter(has_text="die Zukunft")
        expect(row).to_contain_text("geplant für 5. Januar 2999")
        # The build's own check: a published case without a tip.
        expect(row).to_contain_text("Dieser Fall hat keinen Tipp.")
    finally:
        future.unlink()


def test_a_new_case_with_a_tip_and_a_photo(editor, page, tmp_path):
    project, base, _ = editor
    page.goto(f"{base}/redaktion/")
    page.get_by_role("link", name="Neuer Fall").click()
    expect(page.get_by_label("Fall", exact=True)).to_have_value("21")  # after the fixtures' highest, 20
    page.get_by_label("Titel").fill("Der »eingebaute« Kunde und der neue Drucker")
    page.get_by_label("Themen").fill("Service")
    page.get_by_label("Text", exact=True).fill("Der Drucker kam ohne Kabel.\n\n## Was ist passiert?\n\nNiemand fragte.")
    page.get_by_label("Tipp: Text").fill("Legen Sie das Kabel bei.")
    page.get_by_label("Foto", exact=True).set_input_files(str(photo(tmp_path / "gross.jpg", size=(4000, 2400))))
    expect(page.locator("#foto-stand")).to_contain_text("Neues Foto (JPG)")
    expect(page.locator("#probleme-image_alt")).to_contain_text("Bildbeschreibung", timeout=30_000)
    page.get_by_label("Bildbeschreibung").fill("Ein Drucker ohne Kabel auf einem Schreibtisch")
    page.get_by_label("Bildnachweis").fill("Test/eigene Aufnahme")
    page.get_by_label("Veröffentlicht ab dem Datum").check()
    frame = page.frame_locator("#vorschau")
    expect(frame.locator("h1")).to_contain_text("neue Drucker", timeout=30_000)
    expect(frame.get_by_role("img", name="Ein Drucker ohne Kabel auf einem Schreibtisch")).to_be_visible()
    expect(frame.locator("aside.tipp")).to_contain_text("Legen Sie das Kabel bei.")
    expect(page.locator("#probleme-image_alt")).to_be_empty()
    page.get_by_role("button", name="Telefon").click()
    expect(page.get_by_role("button", name="Telefon")).to_have_attribute("aria-pressed", "true")
    assert page.locator("#vorschau").bounding_box()["width"] == 390
    page.get_by_role("button", name="Desktop").click()
    assert page.locator("#vorschau").bounding_box()["width"] > 390
    save(page)
    files = sorted((project / "content" / "faelle").glob("fall-21-*.md"))
    assert [p.name for p in files] == ["fall-21-der-neue-drucker.md"]
    text = files[0].read_text(encoding="utf-8")
    assert text.startswith("Title: Der »eingebaute« Kunde und der neue Drucker\nFall: 21\nDate: ")
    assert ("Tags: Service\nImage: images/fall-21.jpg\nImage_alt: Ein Drucker ohne Kabel auf einem Schreibtisch\n"
            "Image_credit: Test/eigene Aufnahme\n\nDer Drucker kam ohne Kabel.\n\n## Was ist passiert?\n\n"
            "Niemand fragte.\n\n## Der Tipp des »eingebauten« Kunden\n\nLegen Sie das Kabel bei.\n") in text
    assert "Status" not in text
    with Image.open(project / "content" / "images" / "fall-21.jpg") as stored:
        assert stored.size == (3000, 1800)  # scaled down once, on arrival
    # The preview of the site itself follows the saved file.
    wait_for(f"{base}/fall/21/", lambda status, body: status == 200 and "neue Drucker" in body)
    assert page.request_log.errors == []


def test_editing_a_case_changes_only_what_was_edited(editor, page):
    project, base, originals = editor
    name = "fall-01-einfach.md"
    page.goto(f"{base}/fall/1/")
    page.get_by_role("link", name="Bearbeiten").click()
    expect(page.get_by_label("Titel")).to_have_value("Der »eingebaute« Kunde und die Tür ohne Klingel")
    page.get_by_label("Titel").fill("Der »eingebaute« Kunde und die Tür ohne Schild")
    page.get_by_role("button", name="Tipp hinzufügen").click()
    page.get_by_label("Tipp: Text").last.fill("Ein zweiter Rat.")
    save(page)
    before = originals[name].decode("utf-8")
    after = (project / "content" / "faelle" / name).read_text(encoding="utf-8")
    assert after == before.replace("Tür ohne Klingel", "Tür ohne Schild") + (
        "\n## Der Tipp des »eingebauten« Kunden\n\nEin zweiter Rat.\n")
    assert "Bearbeiten" not in (project / "cache" / "vorschau" / "fall" / "1" / "index.html").read_text(encoding="utf-8")


def test_a_file_changed_on_disk_is_not_overwritten(editor, page):
    project, base, _ = editor
    path = project / "content" / "faelle" / "fall-04-zwei-tipps.md"
    open_case(page, base, path.name)
    changed = path.read_text(encoding="utf-8").replace("Einfluss.", "Einfluss!")
    path.write_text(changed, encoding="utf-8")
    page.get_by_label("Anreißer").fill("Was sie in der Zwischenzeit schrieb.")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("alert")).to_contain_text("wurde geändert, seit Sie den Fall geöffnet haben")
    assert path.read_text(encoding="utf-8") == changed
    expect(page.get_by_label("Anreißer")).to_have_value("Was sie in der Zwischenzeit schrieb.")


def post(url, body, headers):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_request_from_another_origin_or_without_the_secret_is_refused(editor, page):
    project, base, _ = editor
    path = project / "content" / "faelle" / "fall-07-entwurf.md"
    page.goto(f"{base}/redaktion/fall/{path.name}")
    secret = page.locator('meta[name="redaktion-schluessel"]').get_attribute("content")
    version = page.locator("#fall").get_attribute("data-version")
    before = path.read_bytes()
    fields = {"title": "Übernommen", "fall": "7", "date": "2024-07-16T00:00", "status": "draft", "text": "X", "tips": []}
    body = {"file": path.name, "version": version, "fields": fields}
    url = f"{base}/redaktion/api/speichern"
    for headers in [{"Origin": "http://angreifer.example", "X-Redaktion-Schluessel": secret}, {"Origin": base}, {},
                    {"X-Redaktion-Schluessel": "geraten"}]:
        status, answer = post(url, body, headers)
        assert status == 403, headers
        assert "Nichts wurde geändert" in answer["message"]
        assert path.read_bytes() == before
    # The same request from the editor itself is taken.
    status, answer = post(url, body, {"Origin": base, "X-Redaktion-Schluessel": secret})
    assert status == 200, answer
    assert path.read_text(encoding="utf-8").startswith("Title: Übernommen\n")
    path.write_bytes(before)
    # Another name for the host (DNS rebinding) gets nothing, not even the page.
    request = urllib.request.Request(f"{base}/redaktion/", headers={"Host": "angreifer.example"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403


def test_a_file_that_is_not_a_photo_is_refused(editor, page, tmp_path):
    project, base, _ = editor
    images = sorted((project / "content" / "images").iterdir())
    page.goto(f"{base}/redaktion/neu")
    fake = tmp_path / "urlaub.jpg"
    fake.write_text("kein Bild", encoding="utf-8")
    page.get_by_label("Foto", exact=True).set_input_files(str(fake))
    expect(page.get_by_role("alert")).to_contain_text("kein Foto, das die Website zeigen kann")
    gif = tmp_path / "bild.jpg"
    Image.new("RGB", (20, 20)).save(gif, "GIF")
    page.get_by_label("Foto", exact=True).set_input_files(str(gif))
    expect(page.locator("#foto-stand")).to_contain_text("Erlaubt sind JPEG, PNG und WebP")
    assert sorted((project / "content" / "images").iterdir()) == images
    assert not list((project / "cache" / "redaktion" / "fotos").glob("*")) if (
        project / "cache" / "redaktion" / "fotos").exists() else True


@pytest.mark.parametrize("path", ["/redaktion/", "/redaktion/neu", "/redaktion/fall/fall-05-mit-foto.md"])
def test_axe_finds_nothing_on_the_editor_pages(editor, chromium, path):
    _, base, _ = editor
    for scheme in ("light", "dark"):
        context = chromium.new_context(color_scheme=scheme, bypass_csp=True)
        page = context.new_page()
        page.goto(base + path)
        if path != "/redaktion/":  # with the preview's answer and the problems at the fields
            expect(page.locator("#vorschau-stand")).not_to_have_text(re.compile(r"^$|gebaut"), timeout=60_000)
            if path.endswith("neu"):
                expect(page.locator("#probleme-title")).to_contain_text("Der Titel fehlt.")
        assert axe_violations(page) == [], scheme
        context.close()


def test_the_weekly_routine_by_keyboard_only(editor, page):
    project, base, _ = editor

    def tab_to(locator, limit=80):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if locator.evaluate("e => e === document.activeElement"):
                return
        raise AssertionError(f"Tab never reached {locator}")

    page.goto(f"{base}/redaktion/")
    tab_to(page.get_by_role("link", name="Neuer Fall"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/redaktion/neu")
    tab_to(page.get_by_label("Titel"))
    page.keyboard.type("Der »eingebaute« Kunde und die Tastatur")
    tab_to(page.get_by_role("button", name="Fett"))  # the text's toolbar
    tab_to(page.get_by_label("Text", exact=True))
    page.keyboard.type("Alles ohne Maus. ")
    page.keyboard.press("Shift+Tab")  # back into the toolbar, on its button
    page.keyboard.press("Enter")
    expect(page.get_by_label("Text", exact=True)).to_have_value("Alles ohne Maus. ****")
    tab_to(page.get_by_label("Tipp: Text"))
    page.keyboard.type("Prüfen Sie alles mit der Tastatur.")
    tab_to(page.get_by_role("button", name="Speichern"))
    page.keyboard.press("Enter")
    expect(page.locator("#meldung")).to_contain_text(SAVED, timeout=30_000)
    (saved,) = (project / "content" / "faelle").glob("fall-*-die-tastatur.md")
    text = saved.read_text(encoding="utf-8")
    assert "Status: draft\n\nAlles ohne Maus. ****\n\n## Der Tipp des »eingebauten« Kunden\n\nPrüfen Sie" in text
    tab_to(page.get_by_role("button", name="Veröffentlichen"))
    page.keyboard.press("Enter")
    # go_live (sitetasks/golive.py): check, strict publish, deploy into the test's folder.
    result = page.locator("#veroeffentlichen-ergebnis")
    expect(result).not_to_have_text(re.compile("läuft"), timeout=300_000)
    expect(result).to_have_text(re.compile(r"^Online: .*, hochgeladen nach .*/server \(.* neu, .* geändert, .* gelöscht\)\.$"))
    expect(page.locator("#veroeffentlichen-schritte li")).to_have_count(3)
    expect(page.locator("#veroeffentlichen-schritte li").first).to_contain_text("Die Texte werden geprüft")
    published = project.parent / "server"
    assert (published / "fall" / "20" / "index.html").is_file()
    assert not (published / "entwurf").exists()  # the draft just saved stays offline
    # Nothing of the editor on the published site.
    assert [p for p in published.rglob("*") if {"redaktion", "editor"} & set(p.relative_to(published).parts)] == []
    assert not list(published.rglob("markdown-toolbar*")) and not list(published.rglob("editor.js"))
    for page_file in published.rglob("*.html"):
        text = page_file.read_text(encoding="utf-8")
        assert "/redaktion/" not in text and "Bearbeiten" not in text, page_file


def warm_builders(project):
    found = []
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes().split(b"\0")
            if b"sitetasks.warm" in command and Path(os.readlink(proc / "cwd")) == project:
                found.append(int(proc.name))
        except (OSError, ValueError):
            continue
    return found


def test_a_crashed_builder_is_a_message_and_the_form_stays(editor, page):
    project, base, _ = editor
    open_case(page, base, "fall-20-typografie.md")
    (builder,) = warm_builders(project)
    os.kill(builder, signal.SIGKILL)
    page.get_by_label("Anreißer").fill("Nach dem Absturz geschrieben.")
    expect(page.locator("#vorschau-stand")).to_contain_text("abgestürzt", timeout=30_000)
    expect(page.get_by_label("Anreißer")).to_have_value("Nach dem Absturz geschrieben.")
    # The builder comes back; the next keystroke shows the page again.
    for _ in range(60):
        if warm_builders(project):
            break
        page.wait_for_timeout(500)
    page.get_by_label("Anreißer").press("End")
    page.get_by_label("Anreißer").type(" Weiter.")
    expect(page.locator("#vorschau-stand")).to_have_text("Vorschau aktuell.", timeout=60_000)
    expect(page.frame_locator("#vorschau").locator("main")).to_contain_text("geschütztem")


def test_a_photo_dropped_on_the_field_arrives(editor, page):
    _, base, _ = editor
    page.goto(f"{base}/redaktion/neu")
    page.evaluate("""async () => {
        const canvas = document.createElement("canvas");
        canvas.width = 40;
        canvas.height = 30;
        const blob = await new Promise((done) => canvas.toBlob(done, "image/png"));
        const transfer = new DataTransfer();
        transfer.items.add(new File([blob], "vom-schreibtisch.png", {type: "image/png"}));
        document.getElementById("ablage").dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true}));
    }""")
    expect(page.locator("#foto-stand")).to_contain_text("Neues Foto (PNG)")
    expect(page.get_by_label("Bildbeschreibung")).to_have_attribute("required", "")


def test_the_editor_pages_are_valid_html(editor, tmp_path):
    from test_reader_site import vnu

    _, base, _ = editor
    for name, path in [("liste", "/redaktion/"), ("neu", "/redaktion/neu"),
                       ("fall", "/redaktion/fall/fall-05-mit-foto.md")]:
        with urllib.request.urlopen(base + path, timeout=30) as response:
            (tmp_path / f"{name}.html").write_bytes(response.read())
    result = vnu(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_case_that_is_not_utf8_is_a_message_not_a_changed_file(editor, page):
    project, base, _ = editor
    broken = project / "content" / "faelle" / "fall-40-latin.md"
    raw = "Title: Der »eingebaute« Kunde und die Umlaute\nFall: 40\nDate: 2024-01-01\n\nGrüße.\n".encode("latin-1")
    broken.write_bytes(raw)
    try:
        page.goto(f"{base}/redaktion/")
        row = page.get_by_role("row").filter(has_text="fall-40-latin.md")
        expect(row).to_contain_text("UTF-8")  # the build's own check, in the list
        row.get_by_role("link").click()
        expect(page.get_by_role("alert")).to_contain_text("ist nicht als UTF-8 gespeichert")
        assert broken.read_bytes() == raw
    finally:
        broken.unlink()
