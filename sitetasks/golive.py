"""Putting the site online in one go: check, strict publish, deploy.

The editor's "Veröffentlichen" button and ``invoke veroeffentlichen``
(the one command a timer runs on publishing days) both call ``go_live``.
Each step runs only if the one before it succeeded, so nothing goes
online after a failed check or a failed build; ``progress`` hears a
German line as each step starts, and the result says in one line what
went online or what stopped it.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from sitetasks.publishing import publish_site, site_problems
from sitetasks.site import OUTPUT


@dataclass
class GoLiveResult:
    ok: bool
    line: str  # German: what went online, or what stopped it


@dataclass
class Deployment:
    target: str | None  # where the site went; None: no target configured
    problem: str | None = None  # why it did not get there
    summary: str = ""  # what changed there ("12 Dateien neu, 3 geändert, 0 gelöscht")


NOTHING_ONLINE = "Nichts ist online gegangen"


def go_live(progress: Callable[[str], None]) -> GoLiveResult:
    """Check the texts, build the published site strictly, then deploy it
    where a target is configured. Never raises: a fault is the result's line."""
    try:
        return _go_live(progress)
    except Exception as error:  # noqa: BLE001 - the author gets a line, never a traceback
        return GoLiveResult(False, f"{NOTHING_ONLINE}: ein unerwarteter Fehler hat die Veröffentlichung "
                                   f"abgebrochen ({type(error).__name__}: {error}). Bitte melden Sie ihn mit "
                                   "dieser Meldung.")


def _go_live(progress):
    progress("Schritt 1 von 3: Die Texte werden geprüft …")
    problems = site_problems()
    if problems:
        found = "1 Problem in den Texten:" if len(problems) == 1 else f"{len(problems)} Probleme in den Texten, zuerst"
        return GoLiveResult(False, f"{NOTHING_ONLINE}: {found} {problems[0]}")

    progress("Schritt 2 von 3: Die Website wird streng gebaut (wie „invoke publish“) …")
    built, lines = publish_site(keep_lines=400)
    if not built:
        cause = _build_error(lines)
        return GoLiveResult(False, f"{NOTHING_ONLINE}: der Bau der Website ist fehlgeschlagen"
                                   f"{f' ({cause})' if cause else ''}; output/ ist unverändert.")
    cases = _published_cases()

    progress("Schritt 3 von 3: Die Website wird hochgeladen …")
    deployment = deploy_published_site()
    if deployment.target is None:
        return GoLiveResult(True, f"Veröffentlicht in output/: {cases}. Hochgeladen wurde nichts, weil kein Ziel "
                                  "eingerichtet ist (invoke deploy-einrichten).")
    if deployment.problem:
        return GoLiveResult(False, f"Die Website ist gebaut, aber nicht hochgeladen nach {deployment.target}: "
                                   f"{deployment.problem}")
    return GoLiveResult(True, f"Online: {cases}, hochgeladen nach {deployment.target} ({deployment.summary}).")


def deploy_published_site() -> Deployment:
    """Ship the published site in output/ to the target saved by
    ``invoke deploy-einrichten``, with the project's deploy (``invoke
    deploy``): its refusals (demo content, mass deletions, a changed
    output/) hold here too. No password prompt: a button has no terminal,
    the password comes from the keyring or DEPLOY_PASSWORD."""
    from sitetasks.deploy import DeployError, deploy, saved_target

    try:
        target = saved_target()
    except DeployError as error:
        return Deployment("das eingerichtete Ziel", _one_line(str(error)))
    if target is None:
        return Deployment(None)
    said = []
    try:
        deploy(None, ask_password=None, say=said.append)
    except DeployError as error:
        return Deployment(target, _one_line(str(error)))
    summary = said[-1].removeprefix("Online: ") if said else ""
    return Deployment(target, summary=summary)


def _one_line(text):
    return " ".join(text.split())


def _published_cases():
    count = sum(1 for page in (OUTPUT / "fall").glob("*/index.html"))
    return "1 Fall" if count == 1 else f"{count} Fälle"


# The build's first error: Pelican's log line (time, level, message, the
# logging code's file) with --verbose, else the plain "SomeError: …" line.
LOG_ERROR = re.compile(r"\s(?:CRITICAL|ERROR)\s+(?P<message>.*?)(?:\s{2,}\S+\.py:\d+)?$"
                       r"|^(?P<plain>\w+(?:Error|Exception): .*)$")


def _build_error(lines):
    """The build's first error, as Pelican printed it."""
    for line in lines:
        if found := LOG_ERROR.search(line):
            return (found["message"] or found["plain"]).strip()
    return ""
