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


# apt, dpkg, id and sudo as the make targets see them: no real package is
# installed, apt-get notes what it was asked and "installs" it.
FAKES = {
    "dpkg": '[ -e "$FAKE/installed-$2" ]\n',
    "apt-get": (
        'echo "$*" >> "$FAKE/apt.log"\n'
        '[ "$1" = install ] || exit 0\n'
        'for package in "$@"; do\n'
        '  : > "$FAKE/installed-$package"\n'
        '  case "$package" in chromium) tool=chromium;; default-jre-headless) tool=java;; *) continue;; esac\n'
        '  printf "#!/bin/sh\\n" > "$FAKE/bin/$tool"; chmod +x "$FAKE/bin/$tool"\n'
        'done\n'
    ),
    "id": 'echo "$FAKE_UID"\n',
    "sudo": '[ -e "$FAKE/sudo-ok" ] || exit 1\n[ "$1" = -n ] && shift\necho "sudo $*" >> "$FAKE/sudo.log"\nexec "$@"\n',
}


@pytest.fixture
def machine(tmp_path):
    """A fresh Debian machine: no Chromium, no fonts, no Java (only what make needs)."""
    fake = tmp_path / "maschine"
    (fake / "bin").mkdir(parents=True)
    for name in ("sh", "env", "make", "chmod", "cat", "true"):
        (fake / "bin" / name).symlink_to(shutil.which(name))
    for name, script in FAKES.items():
        (fake / "bin" / name).write_text("#!/bin/sh\n" + script)
        (fake / "bin" / name).chmod(0o755)
    return fake


def make_on(machine, project, target, uid, python=sys.executable):
    env = {"PATH": str(machine / "bin"), "FAKE": str(machine), "FAKE_UID": str(uid), "HOME": str(machine)}
    return subprocess.run(["make", "--no-print-directory", target, f"PYTHON={python}"],
                          cwd=project, capture_output=True, text=True, env=env)


def apt_calls(machine):
    log = machine / "apt.log"
    return log.read_text().splitlines() if log.exists() else []


WHAT_THE_TESTS_NEED = "chromium fonts-dejavu-core default-jre-headless openssh-server openssh-client rsync"


def test_as_root_make_installs_what_the_tests_need(project, machine):
    result = make_on(machine, project, "system-packages", uid=0)
    assert result.returncode == 0, result.stderr
    assert apt_calls(machine) == ["update -qq", f"install -y -qq --no-install-recommends {WHAT_THE_TESTS_NEED}"]
    assert f"Für die Tests werden installiert: {WHAT_THE_TESTS_NEED}" in result.stdout
    again = make_on(machine, project, "system-packages", uid=0)
    assert again.returncode == 0 and len(apt_calls(machine)) == 2  # all there now: apt is not asked again


def test_with_sudo_without_a_password_make_installs_through_sudo(project, machine):
    (machine / "sudo-ok").touch()
    result = make_on(machine, project, "system-packages", uid=1000)
    assert result.returncode == 0, result.stderr
    assert apt_calls(machine)[-1] == f"install -y -qq --no-install-recommends {WHAT_THE_TESTS_NEED}"
    through_sudo = [line for line in (machine / "sudo.log").read_text().splitlines() if "apt-get" in line]
    assert len(through_sudo) == 2
    assert all(line.startswith("sudo env DEBIAN_FRONTEND=noninteractive apt-get") for line in through_sudo)


def test_otherwise_make_test_stops_before_any_test_with_what_to_install(project, machine):
    # A user without root and whose sudo asks for a password.
    result = make_on(machine, project, "test", uid=1000)
    message = one_message(result)
    assert message == (
        f"Für die Tests fehlen Pakete: sudo apt-get install {WHAT_THE_TESTS_NEED} – "
        "danach make test noch einmal aufrufen."
    )
    assert apt_calls(machine) == []
    assert not (project / ".venv").exists()  # nothing made before


def test_ci_only_calls_make_test():
    lines = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert lines[-1] == "make test PYTHON=/usr/bin/python3"
    assert not any("apt" in line for line in lines)


def test_as_root_make_installs_venv_for_a_python_without_it(project, machine, tmp_path):
    # Debian's python3 without the python3-venv package has no ensurepip.
    hidden = tmp_path / "ohne-venv"
    hidden.mkdir()
    (hidden / "ensurepip.py").write_text("raise ModuleNotFoundError(\"No module named 'ensurepip'\")\n")
    python = fake_python(tmp_path, f'PYTHONPATH={hidden} exec {sys.executable} "$@"\n')
    result = make_on(machine, project, "system-packages", uid=0, python=python)
    assert result.returncode == 0, result.stderr
    assert apt_calls(machine)[-1] == f"install -y -qq --no-install-recommends python3-venv {WHAT_THE_TESTS_NEED}"
