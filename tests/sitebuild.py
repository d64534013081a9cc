"""Helpers shared by the tests: build the site through Pelican itself,
read the fixture site's cases, parse what was built."""

import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup

from cases.model import TIP_HEADING_PATTERN
from sitetasks import building
from sitetasks.building import PROJECT_FILES, free_port  # noqa: F401 (the tests import them from here)
from sitetasks.site import OLD_SITES

ROOT = Path(__file__).resolve().parent.parent
# The tests' own content: demo-like cases written for the tests. The
# project's content/ is the author's (the demo today, the imported archive
# or nothing tomorrow), so no test reads or builds it.
CONTENT = ROOT / "tests" / "fixtures" / "site"
# Builds in one test session share one cache, so the German compound
# splitter's model is loaded once rather than for every build. A new
# session starts empty: what an earlier run (or older code) left behind
# can never make a test pass.
SHARED_CACHE = Path(tempfile.mkdtemp(prefix="eingebauter-kunde-test-cache-"))
atexit.register(shutil.rmtree, SHARED_CACHE, ignore_errors=True)


LOOPBACK = ("0100007F", "00000000000000000000000001000000")  # 127.0.0.1, ::1 as /proc/net shows them


def listening_addresses(port):
    """The addresses a server listens on at ``port``, as /proc/net shows them."""
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hexport = local.rsplit(":", 1)
            if int(hexport, 16) == port and state == "0A":
                listening.append(address)
    return listening


def _project_with_fixture_content(target):
    """The project's code, settings and theme in ``target``, with the
    fixture site in its content/ folder."""
    target = building.copy_project(ROOT, target, names=[name for name in PROJECT_FILES if name != "content"])
    shutil.copytree(CONTENT, target / "content")
    return target


def copy_project(target):
    """A private copy of the project, for tests that change files."""
    target = _project_with_fixture_content(target)
    if SHARED_CACHE.is_dir():
        shutil.copytree(SHARED_CACHE, target / "cache")
    return target


def copy_of(project, target):
    """A copy of a built project (output/, cache/ and all) for a test that
    changes it, as the build left it: times kept, symbolic links copied as
    links, files linked to each other (the search bundles in cache/ and
    output/) still one file."""
    copied = {}

    def copy(source, destination):
        status = os.stat(source)
        if status.st_nlink > 1:
            first = copied.setdefault((status.st_dev, status.st_ino), destination)
            if first != destination:
                os.link(first, destination)
                return destination
        return shutil.copy2(source, destination)

    # Old sites still being removed by their process (see replace_output)
    # are not part of what the build left.
    return shutil.copytree(project, target, symlinks=True, copy_function=copy,
                           ignore=shutil.ignore_patterns(OLD_SITES.name))


_fixture_project = None


def fixture_project():
    """The project holding the fixture site, made once per test process
    and only read: what build() builds unless given a project."""
    global _fixture_project
    if _fixture_project is None:
        folder = Path(tempfile.mkdtemp(prefix="eingebauter-kunde-test-site-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _fixture_project = _project_with_fixture_content(folder / "site")
    return _fixture_project


def build(output, *, project=None, settings="pelicanconf.py", strict=False, siteurl=None, env=None,
          overrides=None, options=()):
    """Run Pelican as the tasks do; return the finished process.
    ``project`` defaults to the fixture site (fixture_project()), never
    the repository's own content/.
    ``overrides`` are settings given on the command line, as JSON values;
    ``options`` more command-line options (e.g. ``--debug``)."""
    project = project or fixture_project()
    settings_given = {"CACHE_PATH": str(SHARED_CACHE), **({"SITEURL": siteurl, "FEED_DOMAIN": siteurl} if siteurl else {}),
                      **(overrides or {})}
    command = building.pelican_command(Path(project) / "content", Path(project) / settings, output, strict=strict,
                                       overrides=settings_given, options=options)
    return subprocess.run(
        command, cwd=project, capture_output=True, text=True, errors="replace",  # file names need not be UTF-8
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )


def one_line(output):
    """Pelican's console wraps long lines; join them back for matching."""
    return " ".join(output.split())


@dataclass
class SourceCase:
    path: Path
    metadata: dict
    body: str
    tip_sections: int = field(default=0)

    @property
    def number(self):
        return int(self.metadata["fall"])

    @property
    def is_draft(self):
        return self.metadata.get("status", "").lower() == "draft"

    @property
    def tags(self):
        return [t.strip() for t in self.metadata.get("tags", "").split(",") if t.strip()]


# A Markdown heading whose text starts a tip (the case model's pattern, which
# has no group of its own: split() below keeps only the level), or
# that carries the class "tipp".
TIP_HEADING = re.compile(rf"^(#{{1,6}})\s+(?:{TIP_HEADING_PATTERN.removeprefix('^')}.*|.*\{{[^}}]*\.tipp\b[^}}]*\}})\s*$", re.M)


def read_case(path):
    text = Path(path).read_text(encoding="utf-8")
    header, _, body = text.partition("\n\n")
    metadata = {}
    for line in header.splitlines():
        key, _, value = line.partition(":")
        metadata[key.strip().lower()] = value.strip()
    return SourceCase(Path(path), metadata, body, len(TIP_HEADING.findall(body)))


def demo_cases(content=CONTENT):
    return [read_case(p) for p in sorted((Path(content) / "faelle").glob("*.md"))]


def published_cases(content=CONTENT):
    return [c for c in demo_cases(content) if not c.is_draft]


def soup(path):
    return BeautifulSoup(Path(path).read_text(encoding="utf-8"), "html.parser")


def text_of(element):
    """Visible text with typography's non-breaking spaces made plain and its
    soft hyphens (shown only where a heading breaks a word) left out."""
    return " ".join(element.get_text().replace("\xa0", " ").replace("\xad", "").split())


def html_files(output):
    return sorted(Path(output).rglob("*.html"))


def dry_run_deploy(project):
    """invoke deploy's arguments for a dry run to a folder beside ``project``:
    the fixture site has no saved target (deploy.toml is the author's)."""
    return ["deploy", "--dry-run", "--target", str(Path(project).parent / "webspace")]


def invoke(project, *args):
    """Run an invoke task of ``project`` as the author would; the finished process."""
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=project, capture_output=True, text=True)


def digests(folder):
    """Every file below ``folder`` by its path (POSIX, relative) with its SHA-256."""
    import hashlib

    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(Path(folder).rglob("*"))
        if path.is_file()
    }
