"""The site's folders and its builds, as the tasks and the preview run
them: Pelican in a process of its own, one build at a time, output/
replaced in one step."""

import os
import sys
from pathlib import Path

from sitetasks import building
from sitetasks.output import clear, forget_published, mark_published, output_problem, printed, replace_output, run, verbose

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
OUTPUT = ROOT / "output"
PELICANCONF = ROOT / "pelicanconf.py"
PUBLISHCONF = ROOT / "publishconf.py"
HOST = "127.0.0.1"  # the preview is for the author only, never the network
DEFAULT_PORT = 8000


# One build at a time; a build is made next to output/ and then put in its place.
BUILD_LOCK = ROOT / "cache" / "build.lock"
BUILD_STAGING = ROOT / ".build-new"
PUBLISH_STAGING = ROOT / ".publish-new"
# Written last by a successful publish; deploy ships nothing else.
PUBLISHED_MARKER = ROOT / "cache" / "published.json"
# The live preview's own site: it never writes output/, so publishing and
# deploying work while it runs. In cache/, which git and deploy ignore.
PREVIEW_OUTPUT = ROOT / "cache" / "vorschau"
PREVIEW_STAGING = ROOT / "cache" / ".vorschau-neu"
# Where a replaced site goes to be removed by a process of its own (see
# output.replace_output): the build does not wait for that.
OLD_SITES = ROOT / "cache" / "alte-websites"

# For `invoke bench`, which measures what each of these saves: set to "1",
# a build in this process runs Pelican in a process of its own (as before
# the tasks ran it in theirs), or writes every page anew (none linked from
# the last site), or renders every page (those with the last site's bytes
# still linked; plugins/pagekeys).
OWN_PROCESS = "EINGEBAUT_BAU_EIGENER_PROZESS"
WRITE_EVERY_PAGE = "EINGEBAUT_BAU_ALLES_SCHREIBEN"
RENDER_EVERY_PAGE = "EINGEBAUT_BAU_ALLES_RENDERN"


def local_url(port):
    return f"http://{HOST}:{port}"


def pelican(settings, output, *, lock, strict=False, overrides=None):
    """Run one Pelican build in a fresh process; return True on success.

    A fresh process picks up changes to plugins and settings and keeps a
    crashing build from taking the preview server down with it.
    """
    command = pelican_command(settings, output, strict=strict, overrides=overrides)
    return run(command, lock=lock, cwd=ROOT)[0] == 0


def build_output(settings, *, lock, strict=False, overrides=None, publishing=False, keep_lines=0,
                 previewing=False, in_process=False):
    """Build the whole site next to output/ (the preview's: next to its own
    folder), then put it in place in one step.

    Returns (success, last lines of the build's output if asked for). A
    failed build leaves output/ as it was; a folder left by a killed build
    is cleared first (the lock says no build is using it).

    ``in_process``: Pelican runs in this process (for a task, whose process
    ends with the build; not with ``keep_lines``), and a page that is the
    same as in the site it replaces is a hard link to it, not written again.
    """
    staging = PUBLISH_STAGING if publishing else PREVIEW_STAGING if previewing else BUILD_STAGING
    target = PREVIEW_OUTPUT if previewing else OUTPUT
    problem = output_problem(target)
    if problem:
        print(problem, file=sys.stderr, flush=True)
        return False, [problem]
    clear(staging)
    if not publishing and not previewing:
        forget_published(PUBLISHED_MARKER)
    overrides = {**(overrides or {}), **reuse_settings(target)}
    if in_process and not keep_lines and os.environ.get(OWN_PROCESS) != "1":
        returncode, lines = _pelican_here(settings, staging, strict=strict, overrides=overrides), []
    else:
        command = pelican_command(settings, staging, strict=strict, overrides=overrides)
        returncode, lines = run(command, lock=lock, cwd=ROOT, keep_lines=keep_lines)
    if returncode != 0:
        clear(staging)
        return False, lines
    replace_output(staging, target, aside=OLD_SITES)
    if publishing:
        mark_published(OUTPUT, PUBLISHED_MARKER)
    return True, lines


def pelican_command(settings, output, *, strict=False, overrides=None):
    return [sys.executable, "-m", "pelican", *pelican_arguments(settings, output, strict=strict, overrides=overrides)]


def pelican_arguments(settings, output, *, strict=False, overrides=None):
    # Plain log lines: the author's messages without Pelican's columns
    # (time, "ERROR", the plugin's file and line) around them.
    options = () if verbose() else ("--log-handler", "plain")
    return building.pelican_arguments(CONTENT, settings, output, strict=strict, overrides=overrides, options=options)


def reuse_settings(target):
    """The settings with which a build reuses what it can of the site in
    ``target`` it is to replace (plugins/pagekeys)."""
    if os.environ.get(WRITE_EVERY_PAGE) == "1":
        return {}
    return {"LAST_SITE_PATH": os.path.realpath(target), **({"PAGE_KEYS": False} if os.environ.get(RENDER_EVERY_PAGE) == "1" else {})}


def _pelican_here(settings, staging, *, strict, overrides):
    """Pelican's exit code for a build into ``staging`` in this process;
    its console lines as a build in a process of its own shows them."""
    arguments = pelican_arguments(settings, staging, strict=strict, overrides=overrides)
    return building.pelican_here(arguments, cwd=ROOT, console_lines=None if verbose() else printed)


def preview_overrides(port):
    url = local_url(port)
    return {"SITEURL": url, "FEED_DOMAIN": url}


