"""Putting the site online in one go: check, strict publish, deploy.

The editor's "Veröffentlichen" button and ``invoke veroeffentlichen``
(the one command a timer runs on publishing days) both call ``go_live``.
Each step runs only if the one before it succeeded, so nothing goes
online after a failed check or a failed build; ``progress`` hears a
German line as each step starts, and the result says in one line what
went online or what stopped it.
"""

import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass

from sitetasks.publishing import publish_site, site_problems
from sitetasks.site import OUTPUT, PUBLISHCONF, ROOT


@dataclass
class GoLiveResult:
    ok: bool
    line: str  # German: what went online, or what stopped it


@dataclass
class Deployment:
    target: str | None  # where the site went; None: no target configured
    problem: str | None = None  # why it did not get there


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
        return GoLiveResult(True, f"Veröffentlicht in output/: {cases}. Hochgeladen wurde nichts, weil in "
                                  "publishconf.py kein Ziel (DEPLOY) eingestellt ist.")
    if deployment.problem:
        return GoLiveResult(False, f"Die Website ist gebaut, aber das Hochladen nach {deployment.target} ist "
                                   f"fehlgeschlagen: {deployment.problem}")
    return GoLiveResult(True, f"Online: {cases}, hochgeladen nach {deployment.target}.")


def deploy_published_site() -> Deployment:
    """Ship the published site in output/ to the target set in
    publishconf.py, with the project's deploy (``invoke deploy``).

    The one place go_live meets deploy: whoever changes how the site is
    deployed points this function at it. The deploy runs in a process of
    its own: it takes the build lock itself and ends with an exit code.
    """
    from pelican.settings import read_settings

    settings = read_settings(str(PUBLISHCONF)).get("DEPLOY") or {}
    if not settings:
        return Deployment(None)
    if settings.get("method") == "gh-pages":
        target = f"den Zweig {settings.get('branch', 'gh-pages')} des Repositorys"
    else:
        target = str(settings.get("target") or settings.get("method"))
    result = subprocess.run([sys.executable, "-m", "invoke", "deploy"], cwd=ROOT, stderr=subprocess.PIPE,
                            text=True, errors="replace")
    print(result.stderr, end="", file=sys.stderr, flush=True)
    if result.returncode == 0:
        return Deployment(target)
    said = [line.strip() for line in result.stderr.splitlines() if line.strip()]
    return Deployment(target, said[-1] if said else f"„invoke deploy“ endete mit Code {result.returncode}.")


def _published_cases():
    count = sum(1 for page in (OUTPUT / "fall").glob("*/index.html"))
    return "1 Fall" if count == 1 else f"{count} Fälle"


# Pelican's log line: time, level, message, and the logging code's file at the right.
LOG_ERROR = re.compile(r"\s(?:CRITICAL|ERROR)\s+(?P<message>.*?)(?:\s{2,}\S+\.py:\d+)?$")


def _build_error(lines):
    """The build's first error, as Pelican printed it."""
    for line in lines:
        if found := LOG_ERROR.search(line):
            return found["message"].strip()
    return ""
