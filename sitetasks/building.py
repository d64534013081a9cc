"""How the tasks, the tests and the benchmark start a build, copy the
project, find a port and start Chromium: one way for all three."""

import contextlib
import json
import logging
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
    return [sys.executable, "-m", "pelican",
            *pelican_arguments(content, settings, output, strict=strict, overrides=overrides, options=options)]


def pelican_arguments(content, settings, output, *, strict=False, overrides=None, options=()):
    """The arguments of ``pelican_command`` after ``python -m pelican``."""
    arguments = [str(content), "--settings", str(settings), "--output", str(output)]
    if strict:
        arguments += ["--fatal", "warnings"]
    arguments += list(options)
    if overrides:
        # One flag for all: argparse keeps only the last --extra-settings.
        arguments += ["--extra-settings", *(f"{key}={json.dumps(value)}" for key, value in overrides.items())]
    return arguments


def pelican_here(arguments, *, cwd, console_lines=None):
    """Run ``python -m pelican ARGUMENTS`` in this process, without starting
    Python (and importing Pelican, Markdown, the plugins) a second time;
    return the exit code ``python -m pelican`` would have.

    What Pelican prints on its console goes through ``console_lines`` (a
    function of each line) when given, as if to a pipe; log messages go
    where Pelican's log handler sends them. Ctrl+C ends the build
    with KeyboardInterrupt (Pelican's own main would carry on as if it had
    finished).
    """
    from pelican import LOG_HANDLERS, get_instance, init_logging, parse_arguments
    from pelican.log import console

    args = parse_arguments(arguments)
    init_logging(level=args.verbosity, fatal=args.fatal, name="pelican", handler=LOG_HANDLERS[args.log_handler],
                 logs_dedup_min_level=getattr(logging, args.logs_dedup_min_level))
    with contextlib.ExitStack() as stack:
        stack.enter_context(contextlib.chdir(cwd))
        if console_lines is not None:
            stack.enter_context(_console_to(console, console_lines))
        try:
            pelican, _ = get_instance(args)
            with console.status("Generating..."):
                pelican.run()
        except Exception as error:  # noqa: BLE001 - reported as `python -m pelican` reports it
            logging.getLogger("pelican").critical("%s: %s", error.__class__.__name__, error, exc_info=True)
            return getattr(error, "exitcode", 1)
    return 0


class _Lines:
    """A text stream that hands each finished line to a function."""

    def __init__(self, each_line):
        self.each_line = each_line
        self.pending = ""

    def write(self, text):
        self.pending += text
        *lines, self.pending = self.pending.split("\n")
        for line in lines:
            self.each_line(line)
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False


@contextlib.contextmanager
def _console_to(console, each_line):
    """Pelican's console writing to ``each_line`` as it writes to a pipe:
    no colours, no spinner, lines up to 200 columns (as a build in a
    process of its own with COLUMNS=200)."""
    lines = _Lines(each_line)
    file, width = console._file, console._width
    console.file, console.width = lines, 200
    try:
        yield
    finally:
        if lines.pending:
            each_line(lines.pending)
        console._file, console._width = file, width


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
