"""How the tasks, the tests and the benchmark start a build, copy the
project, find a port and start Chromium: one way for all three."""

import json
import shutil
import socket
import sys
from pathlib import Path

# What a copy of the project needs to build and preview the site.
PROJECT_FILES = ["content", "theme", "plugins", "importer", "benchmark", "sitetasks",
                 "pelicanconf.py", "publishconf.py", "tasks.py"]
# Debian's Chromium in a container: no sandbox, no GPU, no requests of its own.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def pelican_command(content, settings, output, *, strict=False, overrides=None, options=()):
    """Pelican's command line: ``overrides`` are settings as JSON values,
    ``options`` more options (``--debug``, ``-q``)."""
    command = [sys.executable, "-m", "pelican", str(content), "--settings", str(settings), "--output", str(output)]
    if strict:
        command += ["--fatal", "warnings"]
    command += list(options)
    if overrides:
        # One flag for all: argparse keeps only the last --extra-settings.
        command += ["--extra-settings", *(f"{key}={json.dumps(value)}" for key, value in overrides.items())]
    return command


def copy_project(source, target, names=PROJECT_FILES):
    """A copy of the project's ``names`` from ``source`` in ``target``."""
    source, target = Path(source), Path(target)
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source / name, target / name)
    return target


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
