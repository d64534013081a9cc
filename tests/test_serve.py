"""`invoke serve`: the built site on 127.0.0.1, its own 404 page, every
connection answered even while another one hangs."""

import os
import signal
import socket
import subprocess
import sys

import pytest
from test_livereload import fetch, wait_for

from sitebuild import LOOPBACK, build, copy_project, free_port, listening_addresses, one_line, soup


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("serve") / "site")
    result = build(project / "output", project=project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project


@pytest.fixture(scope="module")
def served(site):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "invoke", "serve", "--port", str(port)],
        cwd=site, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/", lambda status, _: status == 200)
        yield site, base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


def test_a_missing_page_gets_the_sites_404_page(served):
    site, base = served
    status, body = fetch(base + "/gibt-es-nicht/")
    assert status == 404
    assert "Diese Seite gibt es nicht (mehr)" in body
    assert body == (site / "output" / "404.html").read_text(encoding="utf-8")


def test_a_nul_byte_in_the_address_is_not_found(served):
    _, base = served
    status, body = fetch(base + "/%00")
    assert status == 404
    assert "Diese Seite gibt es nicht (mehr)" in body


def test_an_idle_connection_does_not_block_the_others(served):
    site, base = served
    port = int(base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as _idle, socket.create_connection(("127.0.0.1", port)) as half:
        half.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # the request never ends
        status, body = fetch(base + "/faelle/")
        assert status == 200
        assert soup(site / "output" / "faelle" / "index.html").h1.get_text() in body


def test_a_busy_port_is_a_message(served):
    site, base = served
    port = base.rsplit(":", 1)[1]
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "serve", "--port", port], cwd=site, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert f"Port {port} ist schon belegt" in one_line(result.stderr)
    assert "Traceback" not in result.stderr


def test_the_server_listens_on_loopback_only(served):
    _, base = served
    listening = listening_addresses(int(base.rsplit(":", 1)[1]))
    assert listening
    assert all(address in LOOPBACK for address in listening), listening


def test_serving_before_building_is_a_message(tmp_path):
    project = copy_project(tmp_path / "site")
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "serve", "--port", str(free_port())],
        cwd=project, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "In output/ ist noch keine Website. Bauen Sie sie zuerst: invoke build" in one_line(result.stderr)


def test_a_burst_of_300_connections_is_held_and_answered(site):
    """The listen backlog holds a burst of connections while the server
    is busy (here: stopped), where the default of 5 dropped all but a few."""
    import select
    import time

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "invoke", "serve", "--port", str(port)],
        cwd=site, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    connections = []
    try:
        wait_for(f"http://127.0.0.1:{port}/", lambda status, _: status == 200)
        os.kill(process.pid, signal.SIGSTOP)
        pending = set()
        for _ in range(300):
            connection = socket.socket()
            connection.setblocking(False)
            connection.connect_ex(("127.0.0.1", port))
            connections.append(connection)
            pending.add(connection)
        # A bound, not a measurement: a connection the kernel dropped is
        # only tried again after a second, and then dropped again.
        deadline = time.monotonic() + 10
        while pending and time.monotonic() < deadline:
            _, ready, _ = select.select([], list(pending), [], 0.5)
            pending -= set(ready)
        refused = [c for c in connections if c not in pending and c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)]
        assert not pending and not refused, f"{len(pending)} nicht verbunden, {len(refused)} abgewiesen"
        os.kill(process.pid, signal.SIGCONT)
        answers = []
        for connection in connections:
            connection.setblocking(True)
            connection.settimeout(60)
            connection.sendall(f"GET /faelle/ HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        for connection in connections:
            received = b""
            while chunk := connection.recv(65536):
                received += chunk
            answers.append(received)
        assert all(answer.startswith(b"HTTP/1.0 200") and b"</html>" in answer for answer in answers)
    finally:
        os.kill(process.pid, signal.SIGCONT)
        for connection in connections:
            connection.close()
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
