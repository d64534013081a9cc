"""The Makefile checks the interpreter before it creates anything."""

import os
import shutil
import subprocess
import sys

import pytest

from sitebuild import ROOT


@pytest.fixture
def project(tmp_path):
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    shutil.copytree(ROOT / "requirements", tmp_path / "requirements")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def make(project, target, python):
    # As a person runs it, also when the tests run under `make test`.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
    return subprocess.run(
        ["make", "--no-print-directory", target, f"PYTHON={python}"],
        cwd=project, capture_output=True, text=True, env=env,
    )


def make_venv(project, python):
    return make(project, "venv", python)


def fake_python(folder, script):
    path = folder / "python3"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)
    return path


def one_message(result):
    lines = result.stderr.strip().splitlines()
    assert result.returncode != 0
    assert len(lines) == 2 and lines[-1].startswith("make: ***"), result.stderr
    return lines[0]


def test_an_old_python_is_refused_with_what_is_needed(project, tmp_path):
    # Answers like Python 3.9: its version, and no to "3.11.2 or newer?".
    old = fake_python(tmp_path, 'case "$2" in *print*) echo 3.9.2;; *) exit 1;; esac\n')
    message = one_message(make_venv(project, old))
    assert message == (
        f"{old} ist Python 3.9.2, gebraucht wird Python 3.11.2 oder neuer: "
        "ein neueres installieren und mit make serve PYTHON=/pfad/zu/python3 angeben."
    )
    assert not (project / ".venv").exists()


def test_a_python_without_venv_is_refused_with_the_package_to_install(project, tmp_path):
    # Debian's python3 without the python3-venv package has no ensurepip.
    hidden = tmp_path / "ohne-venv"
    hidden.mkdir()
    (hidden / "ensurepip.py").write_text("raise ModuleNotFoundError(\"No module named 'ensurepip'\")\n")
    python = fake_python(tmp_path, f'PYTHONPATH={hidden} exec {sys.executable} "$@"\n')
    message = one_message(make_venv(project, python))
    assert "fehlt das Modul venv/ensurepip" in message
    assert "sudo apt install python3-venv" in message
    assert not (project / ".venv").exists()


def test_a_missing_python_is_named(project, tmp_path):
    message = one_message(make_venv(project, tmp_path / "gibt-es-nicht"))
    assert message.startswith(f"Kein Python gefunden ({tmp_path / 'gibt-es-nicht'})")
    assert "Python 3.11.2 oder neuer" in message


def test_this_python_passes_the_check(project):
    result = make(project, "check-python", sys.executable)
    assert result.returncode == 0, result.stderr
    assert result.stdout == result.stderr == ""
