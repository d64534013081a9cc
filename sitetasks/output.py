"""output/ is always a whole site: one build at a time writes it, and a
new build replaces it in one step."""

import contextlib
import ctypes
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import deque
from pathlib import Path

WAITING = "Ein anderer Bau dieser Website läuft gerade; dieser wartet, bis er fertig ist."


@contextlib.contextmanager
def build_lock(path):
    """Hold the site's build lock; wait (and say so) while another build has it.

    The lock is an flock on ``path``: the kernel drops it when the last
    process holding it ends, however it ends. Builds started while it is
    held inherit it (see ``run``), so a build left running by a killed task
    still keeps the next one waiting.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(WAITING, file=sys.stderr, flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield handle


# Set (to "1") by the tasks' --verbose, for their builds and the
# processes those start: Pelican's and livereload's own lines as they are.
VERBOSE = "EINGEBAUT_AUSFUEHRLICH"


def verbose():
    return os.environ.get(VERBOSE) == "1"


def be_verbose(flag):
    if flag:
        os.environ[VERBOSE] = "1"


_DONE = re.compile(
    r"Done: Processed (\d+) articles?, (\d+) drafts?, (\d+) hidden articles?, (\d+) pages?, "
    r"(\d+) hidden pages? and (\d+) draft pages? in ([\d.]+) seconds\."
)


def _count(number, one, many):
    return f"{number} {one if number == '1' else many}"


def terminal_line(line):
    """Pelican's summary of a build in German; every other line as it is."""
    done = _DONE.fullmatch(line.strip())
    if not done:
        return line
    cases, drafts, _, pages, _, _, seconds = done.groups()
    return (
        f"Gebaut: {_count(cases, 'Fall', 'Fälle')}, {_count(drafts, 'Entwurf', 'Entwürfe')}, "
        f"{_count(pages, 'Seite', 'Seiten')} in {float(seconds):.1f} s".replace(".", ",") + "."
    )


def run(command, *, lock, cwd, keep_lines=0):
    """Run a build command that holds ``lock`` with us; return its exit code
    and, if asked, its last lines of output (also passed on to ours, in
    German where Pelican's are English unless --verbose)."""
    if not keep_lines and verbose():
        return subprocess.run(command, cwd=cwd, pass_fds=(lock.fileno(),)).returncode, []
    tail = deque(maxlen=keep_lines or 1)
    with subprocess.Popen(
        command, cwd=cwd, pass_fds=(lock.fileno(),), stdout=subprocess.PIPE,
        # Pelican's summary is on stdout, its messages on stderr: those
        # stay there unless they are wanted for the banner.
        stderr=subprocess.STDOUT if keep_lines else None, text=True, errors="replace",
        # Pelican's console wraps at 80 columns when not in a terminal;
        # wider, a message stays on one line of the preview's banner.
        env={**os.environ, "COLUMNS": "200"},
    ) as process:
        for line in process.stdout:
            line = line.rstrip() if verbose() else terminal_line(line.rstrip())
            print(line, flush=True)
            if line:
                tail.append(line)
    return process.returncode, list(tail) if keep_lines else []


def printed(line):
    """One line of a build's console output on ours: in German (Pelican's
    summary translated) unless --verbose."""
    print(line.rstrip() if verbose() else terminal_line(line.rstrip()), flush=True)


def clear_site(output):
    """Remove the site in ``output``; a link and the folder it points to,
    or a mount point, stay (empty)."""
    output = Path(output)
    if not (output.is_symlink() or output_problem(output)):
        clear(output)
        return
    real = Path(os.path.realpath(output))
    for entry in real.iterdir() if real.is_dir() else ():
        clear(entry)


def clear(folder):
    """Remove what a killed build left in a staging folder."""
    folder = Path(folder)
    if folder.is_symlink() or folder.is_file():
        folder.unlink()
    elif folder.exists():
        shutil.rmtree(folder)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first, second):
    """Swap two folders in one step (Linux renameat2 with RENAME_EXCHANGE)."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available")
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE):
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(first))


def mount_points(mountinfo="/proc/self/mountinfo"):
    """Every folder something is mounted on (Linux; elsewhere none known)."""
    try:
        lines = Path(mountinfo).read_text(encoding="utf-8", errors="surrogateescape").splitlines()
    except OSError:
        return set()
    # The fifth field, with space, tab, newline and backslash as octal escapes.
    fields = (line.split() for line in lines)
    return {re.sub(r"\\([0-7]{3})", _octal, field[4]) for field in fields if len(field) > 4}


def _octal(match):
    return chr(int(match.group(1), 8))


def output_problem(output, mounts=None):
    """Why a new site cannot replace ``output`` in one step (a German
    message), or None. A mount point cannot be renamed: the build would
    end in "Device or resource busy" after all its work."""
    output = Path(output)
    real = os.path.realpath(output)
    mounted = real in (mount_points() if mounts is None else mounts) or os.path.ismount(real)
    if not mounted:
        return None
    where = "output/" if real == os.path.abspath(output) else f"output/ (ein Link auf {real})"
    return (
        f"{where} ist ein Einhängepunkt (mount point): dort lässt sich die Website nicht in einem "
        "Schritt austauschen, nichts wurde gebaut. Machen Sie output/ zu einem symbolischen Link auf "
        f"einen Ordner darin, z. B. mkdir {real}/website && rmdir output && ln -s {real}/website output "
        "(und lassen Sie den Webserver auf diesen Ordner zeigen)."
    )


def replace_output(new, output, aside=None):
    """Put the folder ``new`` in the place of ``output`` without a moment
    in which ``output`` is missing or half there; the old site is removed.

    If ``output`` is a symbolic link (say to a web server's folder), the
    link stays and the folder it points to is replaced; the new site is
    moved next to it first if it was built on another file system.

    ``aside``: a folder the old site is moved into and removed from by a
    process of its own, so the build is done without waiting for it
    (removing some 1,500 folders and 5,000 files takes half a second).
    """
    new, output = Path(new), Path(output)
    if output.is_symlink():
        output = Path(os.path.realpath(output))
        output.parent.mkdir(parents=True, exist_ok=True)
        if os.stat(new).st_dev != os.stat(output.parent).st_dev:
            beside = output.with_name(f".{output.name}-neu")
            clear(beside)
            shutil.copytree(new, beside, symlinks=True)
            clear(new)
            new = beside
    if not output.exists():
        os.replace(new, output)
        return
    try:
        _exchange(new, output)
    except OSError as error:
        if error.errno not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
            raise
        # A system or file system that cannot swap folders: two renames,
        # with output/ missing for the moment between them.
        old = new.with_name(new.name + "-alt")
        clear(old)
        os.replace(output, old)
        try:
            os.replace(new, output)
        except OSError:
            os.replace(old, output)
            raise
        new = old
    if aside is None or not _moved_aside(new, aside):
        clear(new)
        return
    remove_aside(aside)


def _moved_aside(folder, aside):
    """Move ``folder`` into ``aside`` (under a name of its own); False if
    it cannot be moved there (another file system)."""
    aside = Path(aside)
    aside.mkdir(parents=True, exist_ok=True)
    try:
        os.rename(folder, aside / f"{Path(folder).name.lstrip('.')}-{os.getpid()}-{time.monotonic_ns()}")
    except OSError:
        return False
    return True


# Removes the folders it is given, at low priority. Two of these removing
# the same folder (the one of a build, the other of the next) both end
# well: what one finds gone, the other has removed.
_REMOVER = (
    "import os, shutil, sys\n"
    "os.nice(10)\n"
    "for path in sys.argv[1:]:\n"
    "    shutil.rmtree(path, ignore_errors=True)\n"
)
_removers = []


def remove_aside(aside):
    """Remove everything in ``aside`` in a process of its own that goes on
    after this one ends: the old site just moved there, and whatever a
    remover killed before it was done left behind."""
    _removers[:] = [process for process in _removers if process.poll() is None]
    leftovers = [str(entry) for entry in Path(aside).iterdir()] if Path(aside).is_dir() else []
    if leftovers:
        # Its own session: Ctrl+C on the task does not stop it half way
        # (the next build would finish it, but need not wait for it).
        _removers.append(subprocess.Popen(
            [sys.executable, "-c", _REMOVER, *leftovers], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True,
        ))


def manifest(output):
    """Every file under ``output`` (the folder a link there points to) by
    its path, with the sha256 of its bytes; a link inside by its target."""
    output = os.path.realpath(output)
    files = {}
    for root, dirs, names in os.walk(output):
        dirs.sort()
        for name in [*sorted(names), *(d for d in dirs if os.path.islink(os.path.join(root, d)))]:
            path = os.path.join(root, name)
            relative = os.path.relpath(path, output).replace(os.sep, "/")
            relative = relative.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            if os.path.islink(path):
                files[relative] = "link:" + os.fsdecode(os.readlink(path))
                continue
            digest = hashlib.sha256()
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            files[relative] = digest.hexdigest()
    return files


def mark_published(output, marker):
    """Note what a successful strict publish built: the manifest of
    ``output``, kept outside it (deploy compares the two)."""
    marker = Path(marker)
    marker.parent.mkdir(parents=True, exist_ok=True)
    part = marker.with_name(f"{marker.name}.{os.getpid()}.part")
    part.write_text(json.dumps({"files": manifest(output)}, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    os.replace(part, marker)


def forget_published(marker):
    """Every other build of output/ makes it no longer the published site."""
    Path(marker).unlink(missing_ok=True)


def published_differences(output, marker):
    """What in ``output`` differs from what the last strict publish built:
    [(path, "neu" | "fehlt" | "geändert")], or None without a publish to
    compare with."""
    try:
        noted = json.loads(Path(marker).read_bytes().decode("utf-8"))["files"]
        if not isinstance(noted, dict):
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        present = manifest(output)
    except OSError:
        present = {}
    differences = [(path, "neu") for path in present if path not in noted]
    differences += [(path, "fehlt") for path in noted if path not in present]
    differences += [(path, "geändert") for path in present if path in noted and present[path] != noted[path]]
    return sorted(differences)


def is_published(output, marker):
    """True if ``output`` holds exactly, file by file, what the last strict publish built."""
    return published_differences(output, marker) == []
