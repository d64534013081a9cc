"""Tasks for building, previewing, testing and publishing the site.

Run them with ``.venv/bin/invoke <task>`` (``make venv`` creates the
environment). The names follow pelican-quickstart's tasks.py.
"""

import signal
import sys

from invoke import task

from sitetasks.output import be_verbose, build_lock, clear_site, forget_published
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
        if not build_output(PELICANCONF, lock=lock, overrides=overrides, in_process=True)[0]:
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


@task(help={
    "port": "port to listen on (default 8000)",
    "netz": "also serve the preview read-only to the home network, behind an access code (make serve NETZ=1)",
    "netz-address": "the address to serve the home network on (default: this computer's address there)",
    "netz-port": "the port for the home network (default: port + 1)",
    "verbose": VERBOSE_HELP,
})
def livereload(c, port=None, netz=False, netz_address=None, netz_port=None, verbose=False):
    """Build into cache/vorschau/ (never output/), serve on 127.0.0.1, rebuild and reload on every change."""
    import threading

    from sitetasks.editor.web import EditorServer, EditorState
    from sitetasks.netz import home_network_address, start_network_preview
    from sitetasks.serving import check_port_free, preview_file_handler, preview_watcher

    be_verbose(verbose)
    port = port_or_exit(port)
    try:
        check_port_free(HOST, port)
    except OSError as error:
        sys.exit(error.strerror)
    if not verbose:
        quiet_preview_server()
    if netz:
        netz_address = netz_address or home_network_address()
        netz_port = port_or_exit(port + 1 if netz_port is None else netz_port)
    builds = PreviewBuilds(port)
    builds.warm_up()  # gets ready while the site is built
    builds.whole_site()
    threading.Thread(target=watch_sources, args=(builds,), daemon=True).start()
    # The editor at /redaktion/ (sitetasks/editor) lives in the preview only.
    server = EditorServer(EditorState(builds, port), watcher=preview_watcher())
    server.SFH = preview_file_handler(PREVIEW_PROBLEM, edit_links=True)
    server.watch(str(builds.reload_marker))  # only reloads the browser
    print(f"Vorschau: {local_url(port)}/ (Strg+C beendet)", flush=True)
    print(f"Redaktion: {local_url(port)}/redaktion/", flush=True)
    if netz:
        start_network_preview(PREVIEW_OUTPUT, netz_address, netz_port)
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
        if not build_output(PUBLISHCONF, lock=lock, in_process=True)[0]:
            sys.exit(1)


@task(help={"verbose": VERBOSE_HELP})
def publish(c, verbose=False):
    """Build the published site strictly; replace output/ only if it all succeeds."""
    from sitetasks.publishing import PUBLISH_FAILED, publish_site

    be_verbose(verbose)
    if not publish_site(in_process=True)[0]:
        print(PUBLISH_FAILED, file=sys.stderr)
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


@task(
    name="deploy",
    help={
        "target": "where to: a folder, user@host:/path (rsync), sftp://, ftps:// or ftp://user@host[:port]/path "
                  "(default: the target saved by deploy-einrichten)",
        "dry-run": "only list what would be added, changed and deleted",
        "auch-loeschen": "allow removing more than a quarter of the cases online (or all)",
    },
)
def deploy(c, target=None, dry_run=False, auch_loeschen=False):
    """Upload the published site in output/ to its host: only what changed."""
    from sitetasks.deploy import DeployError, deploy as deploy_site

    try:
        deploy_site(target, dry_run=dry_run, allow_deletions=auch_loeschen, ask_password=secret_prompt())
    except DeployError as error:
        sys.exit(str(error))


def secret_prompt():
    """getpass where there is a terminal to ask in; None elsewhere (deploy then says where a password comes from)."""
    import getpass

    return getpass.getpass if sys.stdin.isatty() else None


@task(name="deploy-einrichten")
def deploy_set_up(c):
    """Ask for the host, test the connection and save the target in deploy.toml (never a password)."""
    from sitetasks.deploy import DeployError
    from sitetasks.deploy_setup import set_up

    try:
        set_up(ask=input, ask_secret=secret_prompt() or input)
    except DeployError as error:
        sys.exit(str(error))
    except (EOFError, KeyboardInterrupt):
        sys.exit("\nAbgebrochen: nichts wurde gespeichert.")


@task(name="demo-entfernen", help={"ja": "do not ask (for scripts)"})
def remove_demo(c, ja=False):
    """Delete the demo cases, pages and photos the project ships with (never an edited file)."""
    from sitetasks.demo import demo_files, remove_demo as remove

    found = demo_files(CONTENT)
    if not found:
        print("Keine Demo-Dateien mehr in content/: nichts zu tun.")
        return
    print("Diese Dateien der Demo werden gelöscht:")
    for path in found:
        print(f"  {path.relative_to(ROOT)}")
    if not ja:
        try:
            answer = input("Löschen? [j/N] ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("j", "ja", "y", "yes"):
            sys.exit("Nichts gelöscht. (Ohne Rückfrage: invoke demo-entfernen --ja)")
    with build_lock(BUILD_LOCK):
        removed = remove(CONTENT)
        # output/ was built with the demo: it must be published again before a deploy.
        forget_published(PUBLISHED_MARKER)
    print(f"Gelöscht: {len(removed)} Dateien der Demo. Geänderte Dateien sind geblieben. "
          "Bauen Sie die Website neu (invoke publish), bevor Sie sie hochladen.")


@task
def check(c):
    """Check all cases and pages and list every problem at once (file, line, what to do)."""
    from cases.checks import report
    from sitetasks.publishing import site_problems

    problems = site_problems()
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

    from cases.casefile import one_line as header_line
    from cases.checks import case_numbers
    from cases.limits import MAX_VALUE_LENGTH
    from cases.model import case_filename

    one_line = header_line(title)
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
    from benchmark.run import commit, format_results, goal_table, report, run

    # --quick: the smallest corpus that still has every kind of page the
    # figures measure (every tenth synthetic case has a photo).
    cases, rounds = (10, 1) if quick else (int(cases), int(rounds))
    memory_sizes = (cases,) if quick else (cases, 10 * cases)
    measured = commit()  # the code is copied as the bench starts
    results = run(cases=cases, rounds=rounds, memory_sizes=memory_sizes)
    print(f"- commit: {measured}")
    print(format_results(results))
    print()
    print(goal_table(results))
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


@task
def veroeffentlichen(c):
    """Check, publish strictly and deploy in one go (what the editor's "Veröffentlichen" button does)."""
    from sitetasks.golive import go_live

    result = go_live(lambda line: print(line, flush=True))
    print(result.line, flush=True, file=sys.stdout if result.ok else sys.stderr)
    if not result.ok:
        sys.exit(1)
