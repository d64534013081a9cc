"""Tasks for building, previewing, testing and publishing the site.

Run them with ``.venv/bin/invoke <task>`` (``make venv`` creates the
environment). The names follow pelican-quickstart's tasks.py.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from invoke import task

ROOT = Path(__file__).resolve().parent
CONTENT = ROOT / "content"
OUTPUT = ROOT / "output"
PELICANCONF = ROOT / "pelicanconf.py"
PUBLISHCONF = ROOT / "publishconf.py"
HOST = "127.0.0.1"  # the preview is for the author only, never the network
DEFAULT_PORT = 8000
# Tasks use the case model of the plugins (numbers, file names, checks)
# and the project's own packages (importer, benchmark, sitetasks).
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT))

from sitetasks.output import build_lock, clear, forget_published, is_published, mark_published, replace_output, run  # noqa: E402
from sitetasks.serving import port_number  # noqa: E402

# One build at a time; a build is made next to output/ and then put in its place.
BUILD_LOCK = ROOT / "cache" / "build.lock"
BUILD_STAGING = ROOT / ".build-new"
PUBLISH_STAGING = ROOT / ".publish-new"
# Written last by a successful publish; deploy ships nothing else.
PUBLISHED_MARKER = ROOT / "cache" / "published.json"


def local_url(port):
    return f"http://{HOST}:{port}"


def pelican(settings, output, *, lock, strict=False, overrides=None):
    """Run one Pelican build in a fresh process; return True on success.

    A fresh process picks up changes to plugins and settings and keeps a
    crashing build from taking the preview server down with it.
    """
    command = pelican_command(settings, output, strict=strict, overrides=overrides)
    return run(command, lock=lock, cwd=ROOT)[0] == 0


def build_output(settings, *, lock, strict=False, overrides=None, publishing=False, keep_lines=0):
    """Build the whole site next to output/, then put it in place in one step.

    Returns (success, last lines of the build's output if asked for). A
    failed build leaves output/ as it was; a folder left by a killed build
    is cleared first (the lock says no build is using it).
    """
    staging = PUBLISH_STAGING if publishing else BUILD_STAGING
    clear(staging)
    if not publishing:
        forget_published(PUBLISHED_MARKER)
    command = pelican_command(settings, staging, strict=strict, overrides=overrides)
    returncode, lines = run(command, lock=lock, cwd=ROOT, keep_lines=keep_lines)
    if returncode != 0:
        clear(staging)
        return False, lines
    replace_output(staging, OUTPUT)
    if publishing:
        mark_published(OUTPUT, PUBLISHED_MARKER)
    return True, lines


def port_or_exit(port):
    """The port given (a text, so invoke never fails on it first), or the default."""
    if port is None:
        return DEFAULT_PORT
    try:
        return port_number(port)
    except ValueError as error:
        sys.exit(str(error))


def pelican_command(settings, output, *, strict=False, overrides=None):
    command = [
        sys.executable, "-m", "pelican", str(CONTENT),
        "--settings", str(settings),
        "--output", str(output),
    ]
    if strict:
        command += ["--fatal", "warnings"]
    if overrides:
        # One flag for all: argparse keeps only the last --extra-settings.
        command += ["--extra-settings"]
        command += [f"{key}={json.dumps(value)}" for key, value in overrides.items()]
    return command


def preview_overrides(port):
    url = local_url(port)
    return {"SITEURL": url, "FEED_DOMAIN": url}


@task(help={"port": "port the preview will be served on, for absolute feed links (default 8000)"})
def build(c, port=None):
    """Build the local version of the site into output/."""
    port = port_or_exit(port)
    with build_lock(BUILD_LOCK) as lock:
        if not build_output(PELICANCONF, lock=lock, overrides=preview_overrides(port))[0]:
            sys.exit(1)


@task
def clean(c):
    """Remove the generated site."""
    with build_lock(BUILD_LOCK):
        forget_published(PUBLISHED_MARKER)
        clear(OUTPUT)


@task(pre=[clean])
def rebuild(c, port=None):
    """Build the local version of the site from scratch."""
    build(c, port=port)


@task(help={"port": "port to listen on (default 8000)"})
def serve(c, port=None):
    """Serve output/ at http://127.0.0.1:PORT/ (no rebuilds; see livereload)."""
    from sitetasks.serving import check_port_free, site_server

    port = port_or_exit(port)
    if not (OUTPUT / "index.html").is_file():
        sys.exit("In output/ ist noch keine Website. Bauen Sie sie zuerst: invoke build (oder gleich make serve).")
    try:
        check_port_free(HOST, port)
    except OSError as error:
        sys.exit(error.strerror)
    server = site_server(OUTPUT, HOST, port)
    print(f"Die Website läuft auf {local_url(port)}/ (Strg+C beendet)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()


PREVIEW_CACHE = ROOT / "cache" / "preview"
# While the last preview build has failed: what went wrong, shown on every page.
PREVIEW_PROBLEM = ROOT / "cache" / "preview-problem.txt"
# Code and settings shape every cached case; a change to them starts afresh.
CODE = [ROOT / "plugins", PELICANCONF, PUBLISHCONF]


def is_bytecode(path):
    return "__pycache__" in path or path.endswith(".pyc")


class PreviewBuilds:
    """The builds behind the live preview.

    A whole build takes seconds on a large site, so when only cases were
    edited, those case pages are built on their own first (into a scratch
    folder, then moved into output/) and served at once; the whole site
    follows in the background and the browser reloads again when it is done.
    """

    def __init__(self, port):
        self.port = port
        # Cases that did not change come from Pelican's content cache.
        self.overrides = {
            **preview_overrides(port),
            "CACHE_CONTENT": True,
            "LOAD_CONTENT_CACHE": True,
            "CONTENT_CACHING_LAYER": "generator",
            "CACHE_PATH": str(PREVIEW_CACHE),
        }
        self.background = None
        self.case_times = self._case_times()
        # Touched whenever the preview changed: the browser then reloads.
        self.reload_marker = OUTPUT / ".vorschau-neu"

    @staticmethod
    def _case_times():
        return {p: p.stat().st_mtime_ns for p in (CONTENT / "faelle").glob("*.md")}

    def _report(self, ok, lines):
        if ok:
            PREVIEW_PROBLEM.unlink(missing_ok=True)
            print(f"Neu gebaut: {local_url(self.port)}/", flush=True)
        else:
            self.failed(textwrap.dedent("\n".join(lines)))
            print("Der Bau ist fehlgeschlagen; die Meldungen stehen oben.", flush=True)
        self._reload()

    def _reload(self):
        if OUTPUT.is_dir():
            self.reload_marker.touch()

    def failed(self, text):
        """Show ``text`` on every page of the preview until a build succeeds."""
        PREVIEW_PROBLEM.parent.mkdir(parents=True, exist_ok=True)
        PREVIEW_PROBLEM.write_text(text, encoding="utf-8")
        self._reload()

    def stop(self):
        """Stop a background build of the whole site, if one is running."""
        if self.background and self.background.poll() is None:
            # The build runs in a process group of its own: stop all of it,
            # not just the wrapper, so no stale build writes after this one.
            os.killpg(self.background.pid, signal.SIGTERM)
            self.background.wait()

    def whole_site(self):
        self.stop()
        self.case_times = self._case_times()
        with build_lock(BUILD_LOCK) as lock:
            # Built afresh and swapped in, so pages of deleted cases are gone.
            self._report(*build_output(PELICANCONF, lock=lock, overrides=self.overrides, keep_lines=12))

    def whole_site_afresh(self):
        shutil.rmtree(PREVIEW_CACHE, ignore_errors=True)
        self.whole_site()

    def content_changed(self):
        now = self._case_times()
        edited = [p for p, t in now.items() if self.case_times.get(p) != t]
        others_changed = set(self.case_times) - set(now)
        self.case_times = now
        if not edited or others_changed or not self._edited_cases_first(edited):
            self.whole_site()
            return
        self._whole_site_in_background()

    def _edited_cases_first(self, edited):
        from cases.checks import read_header
        from cases.model import CaseError, parse_case_number

        import tempfile

        self.stop()
        pages = []
        try:
            for path in edited:
                header = read_header(path)
                number = parse_case_number(header.value("fall"), path)
                folder = "entwurf" if header.is_draft else "fall"
                pages.append(f"{folder}/{number}/index.html")
        except CaseError:
            return False  # the whole build reports it properly
        with tempfile.TemporaryDirectory(prefix="vorschau-") as scratch, build_lock(BUILD_LOCK) as lock:
            only_these = {
                **self.overrides,
                "CACHE_CONTENT": False,
                "LOAD_CONTENT_CACHE": False,
                "SEARCH_INDEX": False,
                "ARTICLE_PATHS": [str(p.relative_to(CONTENT)) for p in edited],
            }
            if not pelican(PELICANCONF, scratch, lock=lock, overrides=only_these) or not OUTPUT.is_dir():
                return False
            forget_published(PUBLISHED_MARKER)
            for page in pages:
                built = Path(scratch) / page
                target = OUTPUT / page
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(built, str(target) + ".neu")
                os.replace(str(target) + ".neu", target)
        print(f"Sofort neu: {', '.join(pages)}; die ganze Website folgt.", flush=True)
        self._reload()
        return True

    def _whole_site_in_background(self):
        # The same whole build as in the foreground, in a process the next
        # edit can stop (with the build it runs).
        command = [sys.executable, "-c", f"import tasks; tasks.PreviewBuilds({self.port}).whole_site()"]
        self.background = subprocess.Popen(command, cwd=ROOT, start_new_session=True)


def watch_sources(builds):
    """Rebuild on every change to content, theme, plugins or settings.

    watchfiles reports changes as they happen (inotify), so an edited case
    is rebuilt at once, not at the next poll.
    """
    import traceback

    from watchfiles import watch

    sources = [CONTENT, ROOT / "theme", ROOT / "plugins", PELICANCONF, PUBLISHCONF]
    code = [str(p) for p in CODE]
    for changes in watch(*sources, debounce=50, step=20, watch_filter=lambda _, p: not is_bytecode(p)):
        changed = [path for _, path in changes]
        try:
            if any(path.startswith(tuple(code)) for path in changed):
                builds.whole_site_afresh()
            elif all(path.startswith(str(CONTENT)) for path in changed):
                builds.content_changed()
            else:
                builds.whole_site()
        except Exception as error:  # noqa: BLE001 - the preview must keep watching
            traceback.print_exc()
            builds.failed("".join(traceback.format_exception_only(error)).strip())
            print("Die Vorschau beobachtet weiter; nach dem nächsten Speichern baut sie neu.", flush=True)


@task(help={"port": "port to listen on (default 8000)"})
def livereload(c, port=None):
    """Build, serve on 127.0.0.1 and rebuild and reload the browser on every change."""
    import threading

    from livereload import Server

    from sitetasks.serving import check_port_free, preview_file_handler

    port = port_or_exit(port)
    try:
        check_port_free(HOST, port)
    except OSError as error:
        sys.exit(error.strerror)
    builds = PreviewBuilds(port)
    builds.whole_site_afresh()
    threading.Thread(target=watch_sources, args=(builds,), daemon=True).start()
    server = Server()
    server.SFH = preview_file_handler(PREVIEW_PROBLEM)
    server.watch(str(builds.reload_marker))  # only reloads the browser
    print(f"Vorschau: {local_url(port)}/ (Strg+C beendet)", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.serve(host=HOST, port=int(port), root=str(OUTPUT), open_url_delay=None)
    finally:
        builds.stop()


@task
def preview(c):
    """Build the site with the published settings (publishconf.py) into output/."""
    with build_lock(BUILD_LOCK) as lock:
        if not build_output(PUBLISHCONF, lock=lock)[0]:
            sys.exit(1)


@task
def publish(c):
    """Build the published site strictly; replace output/ only if it all succeeds."""
    with build_lock(BUILD_LOCK) as lock:
        clear(ROOT / ".publish-old")  # left by earlier versions of this task
        if not build_output(PUBLISHCONF, lock=lock, strict=True, publishing=True)[0]:
            print(
                "Veröffentlichung abgebrochen: der Bau meldet die Fehler oben. "
                "output/ ist unverändert.",
                file=sys.stderr,
            )
            sys.exit(1)
    print(f"Fertig: die veröffentlichte Fassung liegt in {OUTPUT.relative_to(ROOT)}/")


@task
def booklet(c):
    """Write all published tips as a PDF booklet into output/tipps/, as publish does."""
    import tempfile

    from booklet.plugin import DEFAULT_SETTINGS

    save_as = DEFAULT_SETTINGS["BOOKLET_SAVE_AS"]
    # A build with the published settings: the booklet names the cases'
    # real addresses and holds no draft. The search index is not needed.
    with build_lock(BUILD_LOCK) as lock, tempfile.TemporaryDirectory(prefix="tipp-heft-") as scratch:
        built = Path(scratch) / save_as
        if not pelican(PUBLISHCONF, scratch, lock=lock, overrides={"SEARCH_INDEX": False}) or not built.is_file():
            print("Kein Tipp-Heft: der Bau meldet die Fehler oben.", file=sys.stderr)
            sys.exit(1)
        target = OUTPUT / save_as
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, target)
    print(f"Fertig: das Tipp-Heft liegt in {target.relative_to(ROOT)}")


def published_settings():
    from pelican.settings import read_settings

    return read_settings(str(PUBLISHCONF))


@task(help={"dry-run": "only print what would be run"})
def deploy(c, dry_run=False):
    """Copy the published site in output/ to its host (DEPLOY in publishconf.py)."""
    with build_lock(BUILD_LOCK):  # no build replaces output/ while it is copied
        if not is_published(OUTPUT, PUBLISHED_MARKER):
            sys.exit(
                "output/ ist nicht die veröffentlichte Fassung (ein anderer Bau hat sie seit dem "
                "letzten gelungenen „invoke publish“ ersetzt, oder es gab keins). "
                "Führen Sie zuerst „invoke publish“ aus."
            )
        ship(published_settings().get("DEPLOY") or {}, dry_run)


def ship(deploy_settings, dry_run):
    method = deploy_settings.get("method")
    if method == "rsync":
        command = ["rsync", "--archive", "--compress", "--delete", "--verbose", f"{OUTPUT}/", deploy_settings["target"]]
    elif method == "gh-pages":
        command = [
            sys.executable, "-m", "ghp_import", "--no-jekyll", "--push", "--force",
            "--branch", deploy_settings.get("branch", "gh-pages"),
            "--message", "Veröffentlichung der Website", str(OUTPUT),
        ]
    else:
        sys.exit(
            "Kein Ziel eingestellt: setzen Sie in publishconf.py DEPLOY = "
            "{\"method\": \"rsync\", \"target\": \"nutzer@host:/pfad/\"} "
            "oder {\"method\": \"gh-pages\"}."
        )
    print(" ".join(command))
    if dry_run:
        return
    try:
        returncode = subprocess.run(command, cwd=ROOT).returncode
    except FileNotFoundError:
        sys.exit(
            f"„{command[0]}“ ist nicht installiert. Installieren Sie es (unter Debian: "
            f"sudo apt install {command[0]}) und rufen Sie „invoke deploy“ noch einmal auf."
        )
    if returncode != 0:
        sys.exit(
            f"Das Hochladen ist fehlgeschlagen ({command[0]} endete mit Code {returncode}); "
            "die Meldungen stehen oben. Auf dem Server hat sich womöglich schon ein Teil geändert: "
            "rufen Sie „invoke deploy“ noch einmal auf, sobald die Ursache behoben ist."
        )


@task
def check(c):
    """Check all cases and list every problem at once (file, line, what to do)."""
    import logging
    import tempfile

    from cases.model import CaseError
    from pelican import Pelican
    from pelican.settings import read_settings

    class Collect(logging.Handler):
        def __init__(self):
            super().__init__(logging.WARNING)
            self.messages = []

        def emit(self, record):
            self.messages.append(record.getMessage())

    collect = Collect()
    logging.getLogger().addHandler(collect)
    logging.getLogger().setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as output:
        settings = read_settings(
            str(PELICANCONF), override={"OUTPUT_PATH": output, "SEARCH_INDEX": False}
        )
        try:
            Pelican(settings).run()
        except CaseError as error:
            collect.messages.append(str(error))
    logging.getLogger().removeHandler(collect)
    if collect.messages:
        print("\n".join(collect.messages))
        sys.exit(1)
    print("Alles in Ordnung: keine Probleme in den Fällen.")


CASE_SKELETON = """\
Title: {title}
Fall: {number}
Date: {date}
Tags:
Summary:
Status: draft

Hier beginnt die Geschichte. Was ist passiert, mit wem, wann? Erzählen Sie
in ganz normalen Absätzen, getrennt durch eine Leerzeile.

## Was ist passiert?

Ihre Einordnung: Was lief schief, und warum?

## Der Tipp des »eingebauten« Kunden

Ihr Tipp: Was sollte das Unternehmen künftig anders machen?
"""


@task(name="new-case", help={"title": "der Titel, z. B. \"Der »eingebaute« Kunde und …\""})
def new_case(c, title):
    """Start a new case with the next free number (as a draft)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from cases.checks import case_numbers
    from cases.model import case_filename

    # The title becomes one header line: a line break in it would start
    # header lines of its own (e.g. another "Fall:").
    one_line = re.sub(r" *[\x00-\x1f\x7f-\x9f\u2028\u2029]+ *", " ", title).strip()
    if not one_line:
        sys.exit("Der Titel ist leer. Geben Sie ihn so an: invoke new-case --title \"Der »eingebaute« Kunde und …\"")
    if one_line != title.strip():
        print(f"Hinweis: Zeilenumbrüche und Steuerzeichen im Titel sind jetzt Leerzeichen: „{one_line}“.", file=sys.stderr)
    title = one_line
    numbers = case_numbers(CONTENT / "faelle")
    number = max(numbers, default=0) + 1
    path = CONTENT / "faelle" / case_filename(number, title)
    now = datetime.now(ZoneInfo(published_settings()["TIMEZONE"]))
    try:
        with open(path, "x", encoding="utf-8") as handle:  # never overwrite
            handle.write(CASE_SKELETON.format(title=title, number=number, date=now.strftime("%Y-%m-%d %H:%M")))
    except FileExistsError:
        sys.exit(f"{path.relative_to(ROOT)} gibt es schon; nichts wurde überschrieben.")
    print(path.relative_to(ROOT))
    print(
        f"Der {number}. Fall ist angelegt, als Entwurf (Status: draft). In der Vorschau "
        f"(make serve) steht er unter {local_url(DEFAULT_PORT)}/entwurf/{number}/. "
        "Zum Veröffentlichen die Zeile „Status: draft“ löschen."
    )


@task(
    help={
        "quick": "a small corpus and one round, to check that every figure comes out",
        "cases": "number of synthetic cases (default 1000)",
        "rounds": "interleaved rounds of each measurement (default 3)",
        "write": "add the figures to docs/performance.md",
    }
)
def bench(c, quick=False, cases=1000, rounds=3, write=False):
    """Measure build, preview, memory and what a reader downloads; print every figure."""
    try:
        import playwright  # noqa: F401 (what a reader loads is measured in Chromium)
    except ImportError:
        sys.exit("invoke bench misst auch im Browser und braucht dafür die Testwerkzeuge: erst „make test-venv“.")
    from benchmark.run import commit, format_results, report, run

    cases, rounds = (30, 1) if quick else (int(cases), int(rounds))
    memory_sizes = (cases,) if quick else (cases, 10 * cases)
    measured = commit()  # the code is copied as the bench starts
    results = run(cases=cases, rounds=rounds, memory_sizes=memory_sizes)
    print(f"- commit: {measured}")
    print(format_results(results))
    if write:
        document = ROOT / "docs" / "performance.md"
        text = document.read_text(encoding="utf-8") if document.exists() else "# Leistung\n\n"
        document.write_text(text.rstrip() + "\n\n" + report(results, measured), encoding="utf-8")
        print(f"Geschrieben: {document.relative_to(ROOT)}")


@task(help={"pytest-args": "extra arguments for pytest, e.g. '-k feeds'"})
def test(c, pytest_args=""):
    """Run the whole test suite, browser tests included."""
    c.run(f"{sys.executable} -m pytest {pytest_args}", pty=False)


@task(
    name="import-case",
    help={
        "path": "the Mobirise export folder, a saved page or text export, or a pattern like \"../archiv/*.html\"",
        "date": "one publication date for every imported case, e.g. 2023-11-07",
        "dates": "CSV file with the header fall,date: each case its own date",
        "force": "replace case files and photos that are already there",
        "dry_run": "show what would be imported, write nothing",
    },
)
def import_case(c, path, date=None, dates=None, force=False, dry_run=False):
    """Import cases from the old website's export into content/faelle/."""
    from importer import ImportOptionError, import_paths
    from importer.report import format_report

    try:
        report = import_paths(path, CONTENT, date=date, dates=dates, force=force, dry_run=dry_run)
    except ImportOptionError as error:
        sys.exit(str(error))
    lines, problems, summary = format_report(report)
    for line in lines:
        print(line)
    for problem in problems:
        print(problem, file=sys.stderr)
    print(summary)
    if report.failed:
        sys.exit(1)
