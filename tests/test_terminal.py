"""The author's terminal in German: Pelican's and livereload's own English
lines are summarised or left out, unless asked for with --verbose."""

import os
import re
import signal
import subprocess
import sys

from test_livereload import fetch, wait_for

from sitebuild import copy_project, free_port, invoke, published_cases

ENGLISH = ["Done: Processed", "ERROR", "WARNING", "plugin.py:", "Serving on", "waiters", "Start watching", "[I "]


def test_a_build_speaks_german_and_verbose_shows_pelicans_lines(tmp_path):
    project = copy_project(tmp_path / "site")
    case = published_cases(project / "content")[0]
    case.path.write_text(re.sub(r"^Fall: .*\n", "", case.path.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    where = case.path.relative_to(project).as_posix()

    result = invoke(project, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    terminal = result.stdout + result.stderr
    assert f"{where}: Die Fallnummer fehlt." in terminal  # on one line, as written
    assert re.search(r"^Gebaut: \d+ Fälle, 1 Entwurf, \d+ Seiten in \d+,\d s\.$", terminal, re.M), terminal
    assert not [word for word in ENGLISH if word in terminal], terminal

    loud = invoke(project, "build", "--verbose")
    assert loud.returncode == 0
    # Pelican's own handler: its English lines, each with the file and line that logged it.
    assert "Done: Processed" in loud.stdout + loud.stderr and "checklist.py:" in loud.stdout + loud.stderr


def test_the_preview_starts_in_german(tmp_path):
    project = copy_project(tmp_path / "site")
    port = free_port()
    with open(tmp_path / "terminal.log", "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "invoke", "livereload", "--port", str(port)],
            cwd=project, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        try:
            wait_for(f"http://127.0.0.1:{port}/", lambda status, _: status == 200)
            assert fetch(f"http://127.0.0.1:{port}/gibt-es-nicht/")[0] == 404
            assert fetch(f"http://127.0.0.1:{port}/")[0] == 200
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
    terminal = (tmp_path / "terminal.log").read_text()
    assert f"Vorschau: http://127.0.0.1:{port}/ (Strg+C beendet)" in terminal
    assert "Gebaut: " in terminal and f"Neu gebaut: http://127.0.0.1:{port}/" in terminal
    assert not [word for word in ENGLISH if word in terminal], terminal
