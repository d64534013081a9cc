"""The editor's files on disk (sitetasks/editor/store.py) and its faults
through its own web handlers: a full disk, a file that changed, photos."""

import asyncio
import errno
import io
import json
import threading
import urllib.error
import urllib.request

import pytest
from PIL import Image
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.web import Application

from sitebuild import free_port
from sitetasks.editor import store
from sitetasks.editor.web import SECRET_HEADER, EditorState, editor_handlers

CASE = ("Title: Der »eingebaute« Kunde und die Probe\nFall: 3\nDate: 2024-07-16\nStatus: draft\n\n"
        "Ein Text.\n\n## Der Tipp des »eingebauten« Kunden\n\nEin Tipp.\n")


@pytest.fixture
def content(tmp_path):
    (tmp_path / "content" / "faelle").mkdir(parents=True)
    (tmp_path / "content" / "faelle" / "fall-03-probe.md").write_text(CASE, encoding="utf-8")
    (tmp_path / "cache").mkdir()
    return tmp_path / "content"


def saved_unchanged(content):
    form = store.form_of(content, "fall-03-probe.md")
    return store.save_case(content, content.parent / "cache", form["fields"], form["file"], form["version"])


def test_a_date_without_time_stays_as_written(content):
    form = store.form_of(content, "fall-03-probe.md")
    assert form["fields"]["date"] == "2024-07-16T00:00"
    saved_unchanged(content)
    assert (content / "faelle" / "fall-03-probe.md").read_text(encoding="utf-8") == CASE


def test_a_full_disk_is_a_german_message_and_the_file_stays(content, monkeypatch):
    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    form = store.form_of(content, "fall-03-probe.md")
    form["fields"]["text"] = "Geändert."
    monkeypatch.setattr(store.os, "replace", full)
    with pytest.raises(store.EditorError) as refused:
        store.save_case(content, content.parent / "cache", form["fields"], form["file"], form["version"])
    assert refused.value.status == 507
    assert "Auf dem Datenträger ist kein Platz mehr" in refused.value.message
    assert "Ihr Text steht weiter im Formular" in refused.value.message
    assert (content / "faelle" / "fall-03-probe.md").read_text(encoding="utf-8") == CASE
    assert not list((content.parent / "cache" / "redaktion").glob("*.part"))


def test_a_new_case_never_replaces_a_file(content):
    form = store.new_form(content, "Europe/Berlin")
    assert form["fields"]["fall"] == "4"
    fields = {**form["fields"], "title": "Der »eingebaute« Kunde und Probe", "fall": "3"}  # fall-03-probe.md
    with pytest.raises(store.EditorError) as refused:
        store.save_case(content, content.parent / "cache", fields)
    assert refused.value.status == 409 and "nichts wurde überschrieben" in refused.value.message
    assert (content / "faelle" / "fall-03-probe.md").read_text(encoding="utf-8") == CASE


def image_bytes(size, kind):
    out = io.BytesIO()
    Image.new("RGB", size, (10, 80, 160)).save(out, kind)
    return out.getvalue()


def test_a_large_photo_is_scaled_down_once_on_arrival(tmp_path):
    token, path = store.receive_photo(tmp_path, image_bytes((2000, 6000), "PNG"))
    assert path.name == f"{token}.png" and path.parent == tmp_path / "redaktion" / "fotos"
    with Image.open(path) as kept:
        assert kept.size == (1000, 3000)
    token, path = store.receive_photo(tmp_path, image_bytes((800, 600), "WEBP"))
    with Image.open(path) as kept:
        assert kept.size == (800, 600) and kept.format == "WEBP"


@pytest.mark.parametrize("data, message", [
    (b"GIF89a" + b"\0" * 20, "Erlaubt sind JPEG, PNG und WebP"),
    (image_bytes((300, 300), "JPEG")[:400], "Erlaubt sind JPEG, PNG und WebP"),  # half a photo
    (image_bytes((30, 30), "GIF"), "Erlaubt sind JPEG, PNG und WebP"),
])
def test_what_is_not_a_whole_photo_is_refused(tmp_path, data, message):
    with pytest.raises(store.EditorError) as refused:
        store.receive_photo(tmp_path, data)
    assert refused.value.status == 415 and message in refused.value.message
    assert not list(tmp_path.rglob("*.*"))


def test_a_photo_over_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "MAX_PHOTO_BYTES", 1000)
    with pytest.raises(store.EditorError) as refused:
        store.receive_photo(tmp_path, image_bytes((300, 300), "PNG") + b"\0" * 2000)
    assert refused.value.status == 413


@pytest.mark.parametrize("token", ["../../content/faelle/fall-03-probe", "x/y", ""])
def test_an_upload_is_only_ever_ours(content, token):
    with pytest.raises(store.EditorError):
        store.uploaded(content.parent / "cache", token)


@pytest.mark.parametrize("name", ["../../etc/passwd", "fall-03-probe.txt", "nicht-da.md"])
def test_only_case_files_in_faelle_open(content, name):
    with pytest.raises(store.EditorError) as refused:
        store.form_of(content, name)
    assert refused.value.status == 404


@pytest.fixture
def editor_app(content):
    """The editor's own handlers on a port of their own (no preview behind them)."""
    port = free_port()
    state = EditorState(builds=None, port=port, content=content, cache=content.parent / "cache")
    ready = threading.Event()
    loops = []

    def serve():
        asyncio.set_event_loop(asyncio.new_event_loop())
        server = HTTPServer(Application(editor_handlers(state)))
        server.listen(port, address="127.0.0.1")
        loops.append(IOLoop.current())
        ready.set()
        IOLoop.current().start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    ready.wait(10)
    yield state, f"http://127.0.0.1:{port}"
    loops[0].add_callback(loops[0].stop)
    thread.join(10)


def post(url, body, headers):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_the_editor_says_so_when_the_disk_is_full(editor_app, content, monkeypatch):
    state, base = editor_app
    form = store.form_of(content, "fall-03-probe.md")
    form["fields"]["text"] = "Geändert."

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store.os, "replace", full)
    status, answer = post(f"{base}/redaktion/api/speichern", form, {SECRET_HEADER: state.secret, "Origin": base})
    assert status == 507
    assert answer["message"].startswith("Nicht gespeichert: Auf dem Datenträger ist kein Platz mehr.")
    assert (content / "faelle" / "fall-03-probe.md").read_text(encoding="utf-8") == CASE
    monkeypatch.undo()
    status, answer = post(f"{base}/redaktion/api/speichern", form, {SECRET_HEADER: state.secret, "Origin": base})
    assert status == 200 and answer["message"] == "Gespeichert: content/faelle/fall-03-probe.md"
    assert "Geändert." in (content / "faelle" / "fall-03-probe.md").read_text(encoding="utf-8")
