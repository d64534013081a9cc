"""Tasks for building, previewing, testing and publishing the site.

Run them with ``.venv/bin/invoke <task>`` (``make venv`` creates the
environment). The names follow pelican-quickstart's tasks.py.
"""

import re
import signal
import subprocess
import sys

from invoke import task

from sitetasks.output import be_verbose, build_lock, clear, clear_site, forget_published, is_published, published_differences
from sitetasks.preview import PREVIEW_PROBLEM, PreviewBuilds, watch_sources
from sitetasks.serving import port_number, quiet_preview_server
from sitetasks.site import (
    BUILD_LOCK,
    CONTENT,
    DEFAULT_PORT,
    HOST,
    OUTPUT,
    PELICANCONF,
    PREVIEW_OUTPUT,
    PUBLISHCONF,
    PUBLISHED_MARKER,
    ROOT,
    build_output,
    local_url,
    preview_overrides,
)


def port_or_exit(port):
    """The port given (a text, so invoke never fails on it first), or the default."""
    if port is None:
        return DEFAULT_PORT
    try:
        return port_number(port)
    except ValueError as error:
        sys.exit(str(error))


VERBOSE_HELP = "also show Pelican's and livereload's own (English) lines"


@task(help={
    "port": "port the preview will be served on, for absolute feed links (default 8000)",
    "afresh": "use no cache: read every case again (rebuild also clears output/ first)",
    "verbose": VERBOSE_HELP,
})
def build(c, port=None, afresh=False, verbose=False):
    """Build the local version of the site into output/ (unchanged cases come from the cache)."""
    be_verbose(verbose)
    port = port_or_exit(port)
    # LOAD_CONTENT_CACHE False is Pelican's --ignore-cache: nothing cached is used.
    # BUILD_CACHE_REUSE False: nor the cache's key, cards, photos (plugins/buildcache).
    afresh_settings = {"LOAD_CONTENT_CACHE": False, "BUILD_CACHE_REUSE": False}
    overrides = {**preview_overrides(port), **(afresh_settings if afresh else {})}
    with build_lock(BUILD_LOCK) as lock:
        if not build_output(PELICANCONF, lock=lock, overrides=overrides)[0]:
            sys.exit(1)


@task
def clean(c):
    """Remove the generated site."""
    with build_lock(BUILD_LOCK):
        forget_published(PUBLISHED_MARKER)
        clear_site(OUTPUT)


@task(pre=[clean], help={"verbose": VERBOSE_HELP})
def rebuild(c, port=None, verbose=False):
    """Build the local version of the site from scratch, using no cache."""
    build(c, port=port, afresh=True, verbose=verbose)


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


@task(help={"port": "port to listen on (default 8000)", "verbose": VERBOSE_HELP})
def livereload(c, port=None, verbose=False):
    """Build into cache/vorschau/ (never output/), serve on 127.0.0.1, rebuild and reload on every change."""
    import threading

    from livereload import Server

    from sitetasks.serving import check_port_free, preview_file_handler, preview_watcher

    be_verbose(verbose)
    port = port_or_exit(port)
    try:
        check_port_free(HOST, port)
    except OSError as error:
        sys.exit(error.strerror)
    if not verbose:
        quiet_preview_server()
    builds = PreviewBuilds(port)
    builds.warm_up()  # gets ready while the site is built
    builds.whole_site()
    threading.Thread(target=watch_sources, args=(builds,), daemon=True).start()
    server = Server(watcher=preview_watcher())
    server.SFH = preview_file_handler(PREVIEW_PROBLEM)
    server.watch(str(builds.reload_marker))  # only reloads the browser
    print(f"Vorschau: {local_url(port)}/ (Strg+C beendet)", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.serve(host=HOST, port=int(port), root=str(PREVIEW_OUTPUT), open_url_delay=None)
    finally:
        builds.stop()


@task(help={"verbose": VERBOSE_HELP})
def preview(c, verbose=False):
    """Build the site with the published settings (publishconf.py) into output/."""
    be_verbose(verbose)
    with build_lock(BUILD_LOCK) as lock:
        if not build_output(PUBLISHCONF, lock=lock)[0]:
            sys.exit(1)


@task(help={"verbose": VERBOSE_HELP})
def publish(c, verbose=False):
    """Build the published site strictly; replace output/ only if it all succeeds."""
    be_verbose(verbose)
    with build_lock(BUILD_LOCK) as lock:
        clear(ROOT / ".publish-old")  # left by earlier versions of this task
        if not build_output(PUBLISHCONF, lock=lock, strict=True, publishing=True)[0]:
            print(
                "Veröffentlichung abgebrochen: der Bau meldet die Fehler oben. "
                "output/ ist unverändert.",
                file=sys.stderr,
            )
            sys.exit(1)
    link = f" (ein Link auf {OUTPUT.resolve()})" if OUTPUT.is_symlink() else ""
    print(f"Fertig: die veröffentlichte Fassung liegt in {OUTPUT.relative_to(ROOT)}/{link}")


@task(help={"verbose": VERBOSE_HELP})
def booklet(c, verbose=False):
    """Publish the site strictly, the tips booklet with it (output/tipps/)."""
    from booklet.plugin import DEFAULT_SETTINGS

    # The booklet is part of the published site: written on its own into
    # output/, it could list a case the last publish refused, or change a
    # site deploy would then ship unpublished.
    publish(c, verbose=verbose)
    target = OUTPUT / DEFAULT_SETTINGS["BOOKLET_SAVE_AS"]
    if target.is_file():
        print(f"Das Tipp-Heft liegt in {target.relative_to(ROOT)}")
    else:
        print("Kein Tipp-Heft: publishconf.py schaltet es ab (BOOKLET = False).", file=sys.stderr)


def published_settings():
    from pelican.settings import read_settings

    return read_settings(str(PUBLISHCONF))


@task(help={"dry-run": "only print what would be run"})
def deploy(c, dry_run=False):
    """Copy the published site in output/ to its host (DEPLOY in publishconf.py)."""
    with build_lock(BUILD_LOCK):  # no build replaces output/ while it is copied
        if not is_published(OUTPUT, PUBLISHED_MARKER):
            sys.exit(not_published_message(published_differences(OUTPUT, PUBLISHED_MARKER)))
        ship(published_settings().get("DEPLOY") or {}, dry_run)


def not_published_message(differences, named=5):
    """Why deploy refuses output/: no publish to compare with, or the files
    that changed since it (the first few by name)."""
    if not differences:
        return (
            "output/ ist nicht die veröffentlichte Fassung (ein anderer Bau hat sie seit dem "
            "letzten gelungenen „invoke publish“ ersetzt, oder es gab keins). "
            "Führen Sie zuerst „invoke publish“ aus."
        )
    words = {"neu": "neu hinzugekommen", "fehlt": "fehlt", "geändert": "geändert"}
    listed = "; ".join(f"output/{path} ({words[how]})" for path, how in differences[:named])
    more = f" und {len(differences) - named} weitere" if len(differences) > named else ""
    return (
        f"output/ ist nicht mehr die veröffentlichte Fassung, seit dem letzten „invoke publish“ "
        f"hat sich etwas geändert: {listed}{more}. Nichts wurde hochgeladen. "
        "Führen Sie „invoke publish“ aus und dann wieder „invoke deploy“."
    )


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
    """Check all cases and pages and list every problem at once (file, line, what to do)."""
    from cases.checking import check_site
    from cases.checks import report

    problems = check_site(PELICANCONF)
    if problems:
        print(report(problems, "den Texten der Website"))
        sys.exit(1)
    print("Alles in Ordnung: keine Probleme in den Texten der Website.")


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
    from cases.limits import MAX_VALUE_LENGTH
    from cases.model import case_filename

    # The title becomes one header line: a line break in it would start
    # header lines of its own (e.g. another "Fall:").
    one_line = re.sub(r" *[\x00-\x1f\x7f-\x9f\u2028\u2029]+ *", " ", title).strip()
    if not one_line:
        sys.exit("Der Titel ist leer. Geben Sie ihn so an: invoke new-case --title \"Der »eingebaute« Kunde und …\"")
    if one_line != title.strip():
        print(f"Hinweis: Zeilenumbrüche und Steuerzeichen im Titel sind jetzt Leerzeichen: „{one_line}“.", file=sys.stderr)
    title = one_line
    if len(title) > MAX_VALUE_LENGTH["title"]:
        sys.exit(f"Der Titel ist mit {len(title)} Zeichen zu lang (höchstens {MAX_VALUE_LENGTH['title']}). "
                 "Wählen Sie einen kürzeren und rufen Sie new-case noch einmal auf.")
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


@task
def lint(c):
    """Check the code with ruff (rules in pyproject.toml)."""
    c.run(f"{sys.executable} -m ruff check {ROOT}", pty=False)


@task(pre=[lint], help={"pytest-args": "extra arguments for pytest, e.g. '-k feeds'"})
def test(c, pytest_args=""):
    """Check the code, then run the whole test suite, browser tests included."""
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
        report = import_paths(path, CONTENT, date=date, dates=dates, force=force, dry_run=dry_run,
                              timezone=published_settings()["TIMEZONE"])
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
