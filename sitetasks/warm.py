"""A Pelican kept warm for the live preview's builds of edited cases.

Starting Python, importing Pelican, Markdown, the plugins (Pillow,
ReportLab, …) and compiling the theme's templates take longer than
building one case. ``python -m sitetasks.warm FD CONTENT SETTINGS
OVERRIDES ARTICLES`` pays for them once (building the ARTICLES, a JSON
list, into a scratch folder) and then builds CONTENT with the settings
file SETTINGS on request: each request is a line of JSON on the socket
``FD`` (output folder, settings overrides as JSON values) and comes with
the build lock's file, which the builder holds until it has answered — a
build left running by a preview that was killed still keeps the next
build waiting, as with a build in a process of its own. The answer is a
line of JSON: whether the build succeeded. Pelican's messages go to the
terminal, as from any build.

Each request is a whole Pelican run (settings read, plugins registered,
generators run) like ``python -m pelican``, so the page is the one a fresh
process writes. The preview starts a new builder when plugins, settings
or the theme change; the process ends when the preview does.
"""

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import traceback

import jinja2

RECEIVE_BYTES = 1 << 20


class CompiledTemplates(jinja2.BytecodeCache):
    """The theme's templates, compiled once for all builds (a Jinja bytecode
    cache in memory). Jinja compares each template's source with what was
    compiled, so an edited template is compiled again; the Jinja options
    (``JINJA_ENVIRONMENT``) are settings, which a builder never sees change."""

    def __init__(self):
        self.compiled = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()

    def __reduce__(self):
        # The settings go to the build's worker processes; the compiled
        # templates stay here.
        return (CompiledTemplates, ())

    def compile_theme(self, environment):
        """Compile the templates of the theme of Pelican's ``environment``."""
        for name in environment.loader.loaders[0].list_templates():
            try:
                environment.get_template(name)
            except Exception:  # noqa: BLE001, S112 - the build that uses it says what is wrong
                continue


def build(content, settings_file, output, overrides, templates):
    """One Pelican run, as ``python -m pelican`` does it; True on success."""
    from pelican.log import LimitFilter
    from pelican.settings import read_settings

    # Pelican leaves out messages it has shown before; each build shows its own.
    # Private to Pelican: the state is LimitFilter's, kept in the class, with
    # no public reset (pinned by tests/test_private_interfaces.py).
    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()
    try:
        settings = read_settings(settings_file, override={
            "PATH": os.path.abspath(content),
            "OUTPUT_PATH": os.path.abspath(output),
            "DEBUG": False,
            **overrides,
        })
        settings["JINJA_ENVIRONMENT"] = {**settings["JINJA_ENVIRONMENT"], "bytecode_cache": templates}
        cls = settings["PELICAN_CLASS"]
        if isinstance(cls, str):
            module, name = cls.rsplit(".", 1)
            cls = getattr(__import__(module, fromlist=[name]), name)
        cls(settings).run()
    except Exception as error:  # noqa: BLE001 - reported as `python -m pelican` reports it
        logging.getLogger("pelican").critical("%s: %s", type(error).__name__, error, exc_info=True)
        return False
    return True


def warm_up(content, settings_file, overrides, templates, articles):
    """A build of the site with only ``articles`` (paths in ``content``) in
    a folder of its own, caches included: it imports and runs once what a
    build of an edited case does, and compiles the theme's templates."""
    import tempfile

    from pelican import signals
    from pelican.log import console

    environments = []
    with (
        tempfile.TemporaryDirectory(prefix="vorschau-warm-") as scratch,
        signals.generator_init.connected_to(lambda generator: environments.append(generator.env)),
    ):
        overrides = {**overrides, "ARTICLE_PATHS": articles, "CACHE_PATH": os.path.join(scratch, "cache")}
        # Nobody asked for this build: it says nothing.
        logging.disable(logging.CRITICAL)
        quiet, console.quiet = console.quiet, True
        try:
            build(content, settings_file, os.path.join(scratch, "output"), overrides, templates)
            if environments:
                templates.compile_theme(environments[0])
        except (Exception, SystemExit):  # noqa: BLE001, S110 - the first real build reports it
            pass
        finally:
            logging.disable(logging.NOTSET)
            console.quiet = quiet


def serve(connection, content, settings_file, overrides, articles):
    from pelican.log import console, init as init_logging

    from sitetasks.output import verbose

    if verbose():
        init_logging()
    else:
        # Plain messages, no "Done: Processed …": the preview says in German what it built.
        init_logging(handler=None)
        console.quiet = True
    templates = CompiledTemplates()
    warm_up(content, settings_file, overrides, templates, articles)
    pending, lock = b"", None
    while True:
        data, fds, _, _ = socket.recv_fds(connection, RECEIVE_BYTES, 1)
        if not data:
            return
        lock = fds[0] if fds else lock
        pending += data
        if not pending.endswith(b"\n"):
            continue
        request, pending = json.loads(pending), b""
        try:
            ok = build(content, settings_file, request["output"], request["overrides"], templates)
        except BaseException:
            traceback.print_exc()
            ok = False
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            if lock is not None:
                os.close(lock)
                lock = None
        try:
            connection.sendall(json.dumps({"ok": ok}).encode() + b"\n")
        except OSError:
            return  # the preview has ended


class WarmPelican:
    """The preview's end of the warm builder, for builds of ``content``
    with ``settings_file`` and ``overrides`` (and more for each build)."""

    def __init__(self, cwd, content, settings_file, overrides):
        self.cwd = cwd
        self.arguments = [str(content), str(settings_file), json.dumps(overrides)]
        self.process = None
        self.connection = None
        # The preview's watcher and the editor (sitetasks/editor) both ask
        # for builds: one request on the socket at a time.
        self.talking = threading.Lock()

    def start(self, articles):
        """Start a new builder (ending the one before); it gets ready while
        the author still edits, with a build of ``articles``."""
        with self.talking:  # never in the middle of another thread's build
            self.stop()
            ours, theirs = socket.socketpair()
            with theirs:
                self.process = subprocess.Popen(
                    [sys.executable, "-m", "sitetasks.warm", str(theirs.fileno()), *self.arguments,
                     json.dumps(articles)],
                    cwd=self.cwd, stdin=subprocess.DEVNULL, pass_fds=(theirs.fileno(),),
                )
            self.connection = ours
            self.answers = ours.makefile("rb")

    def stop(self):
        if self.process is None:
            return
        self.answers.close()
        self.connection.close()
        # Never in the middle of a build (builds wait for their answer),
        # so nothing is lost: ended at once, even while still warming up.
        self.process.terminate()
        self.process.wait()
        self.process = None

    def build(self, output, *, lock, overrides):
        """Build into ``output`` while holding ``lock``; True on success,
        None if there is no builder (any more): then build without it."""
        with self.talking:
            if self.process is None or self.process.poll() is not None:
                return None
            request = json.dumps({"output": str(output), "overrides": overrides})
            try:
                socket.send_fds(self.connection, [request.encode() + b"\n"], [lock.fileno()])
                answer = self.answers.readline()
            except (OSError, ValueError):  # ValueError: the builder was stopped meanwhile
                answer = b""
            if not answer:
                self.stop()
                return None
            return json.loads(answer)["ok"]


if __name__ == "__main__":
    # Ctrl+C in the preview's terminal is for the preview: the builder
    # ends when the preview does.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with socket.socket(fileno=int(sys.argv[1])) as connection:
        serve(connection, sys.argv[2], sys.argv[3], json.loads(sys.argv[4]), json.loads(sys.argv[5]))
