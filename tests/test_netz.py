"""``make serve NETZ=1``: the preview, read-only, for a phone in the home
network behind an access code; the editor and the live preview stay on
127.0.0.1. The tests put the "home network" server on 127.0.0.1 too (the
task's --netz-address) and only ever talk to 127.0.0.1."""

import http.client
import os
import re
import signal
import subprocess
import sys
import time

import pytest
from bs4 import BeautifulSoup

from sitebuild import LOOPBACK, copy_project, free_port, listening_addresses

CODE = re.compile(r"Zugangscode: ([A-Z0-9]{4}-[A-Z0-9]{4})")


def request(port, path, method="GET", headers=None, body=None):
    """(status, headers, body) of one request to 127.0.0.1:``port``; redirects are not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode("utf-8", errors="replace")
    finally:
        connection.close()


def wait_for(condition, what, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError(f"not in {timeout}s: {what}")


def answering(port, path="/"):
    try:
        return request(port, path)[0] is not None
    except OSError:
        return False


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    """``invoke livereload --netz`` with the home network's server on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("netz")
    project = copy_project(folder / "site")
    port, network_port = free_port(), free_port()
    log_path = folder / "livereload.log"
    log = open(log_path, "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "invoke", "livereload", "--port", str(port), "--netz",
         "--netz-address", "127.0.0.1", "--netz-port", str(network_port)],
        cwd=project, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        wait_for(lambda: answering(port) and answering(network_port), "both servers answering")
        terminal = wait_for(lambda: CODE.search(log_path.read_text(encoding="utf-8")) and log_path.read_text(encoding="utf-8"),
                            "the access code in the terminal")
        yield project, port, network_port, terminal
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
        log.close()


def admitted(network_port, terminal):
    """The cookie the right code gives."""
    code = CODE.search(terminal).group(1)
    status, headers, _ = request(network_port, f"/fall/1/?zugang={code}")
    assert status == 303 and headers["Location"] == "/fall/1/"
    cookie = headers["Set-Cookie"].split(";")[0]
    assert "HttpOnly" in headers["Set-Cookie"]
    return {"Cookie": cookie}


def test_without_the_code_the_preview_is_refused_in_german(preview):
    project, _, network_port, _ = preview
    for path in ("/", "/fall/1/", "/feeds/alle.atom.xml", "/theme/css/site.css", "/nirgends/"):
        status, headers, body = request(network_port, path)
        assert status == 403, path
        page = BeautifulSoup(body, "html.parser")
        assert page.html["lang"] == "de"
        assert page.h1.get_text() == "Zugangscode nötig"
        assert page.find("label", string="Zugangscode")["for"] == page.find("input")["id"]
        assert "Der »eingebaute« Kunde" not in body
    status, _, body = request(network_port, "/?zugang=AAAA-AAAA")
    assert status == 403 and "Dieser Zugangscode stimmt nicht." in body


def test_with_the_code_the_page_is_served(preview):
    project, _, network_port, terminal = preview
    cookie = admitted(network_port, terminal)
    status, headers, body = request(network_port, "/fall/1/", headers=cookie)
    assert status == 200
    assert body == (project / "cache" / "vorschau" / "fall" / "1" / "index.html").read_text(encoding="utf-8")
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    # Typed off the terminal: small letters and without the dash count too.
    code = CODE.search(terminal).group(1)
    assert request(network_port, f"/?zugang={code.replace('-', '').lower()}")[0] == 303


def test_the_terminal_shows_the_address_with_the_code_as_a_qr_code(preview):
    _, _, network_port, terminal = preview
    code = CODE.search(terminal).group(1)
    assert f"Vorschau im Heimnetz (nur ansehen): http://127.0.0.1:{network_port}/ – Zugangscode: {code}" in terminal
    qr_lines = [line for line in terminal.splitlines() if line and set(line) <= set("█▀▄\xa0")]
    assert len(qr_lines) >= 15 and len({len(line) for line in qr_lines}) == 1  # a square of blocks


def test_the_editor_and_every_change_are_refused_there(preview):
    project, _, network_port, terminal = preview
    cookie = admitted(network_port, terminal)
    for path in ("/redaktion/", "/redaktion", "/redaktion/api/faelle", "/x/../redaktion/", "/%72edaktion/", "//redaktion/"):
        status, _, body = request(network_port, path, headers=cookie)
        assert status == 404, path
        assert "Die Redaktion gibt es nur am Rechner selbst" in body
    before = sorted(p.relative_to(project) for p in (project / "content").rglob("*"))
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        status, headers, body = request(network_port, "/fall/1/", method=method, headers=cookie, body=b"Title: x")
        assert status == 405, method
        assert headers["Allow"] == "GET, HEAD" and "nur ansehen, nicht ändern" in body
    assert sorted(p.relative_to(project) for p in (project / "content").rglob("*")) == before


def test_the_live_preview_stays_on_loopback_and_unchanged(preview):
    _, port, network_port, _ = preview
    status, _, body = request(port, "/fall/1/")
    assert status == 200 and '"/livereload.js?port="' in body  # no code asked for on the computer itself
    assert listening_addresses(port) and set(listening_addresses(port)) <= set(LOOPBACK)
    assert listening_addresses(network_port) == [LOOPBACK[0]]  # just the address it was given


def test_without_netz_there_is_no_second_server(tmp_path):
    project = copy_project(tmp_path / "site")
    port = free_port()
    log = open(tmp_path / "livereload.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "invoke", "livereload", "--port", str(port)],
                               cwd=project, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for(lambda: answering(port), "the preview answering")
        assert not listening_addresses(port + 1)
        assert "Heimnetz" not in (tmp_path / "livereload.log").read_text(encoding="utf-8")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
        log.close()
