"""output/ is always a whole site: one build at a time writes it, and a
new build replaces it in one step."""

import contextlib
import ctypes
import errno
import fcntl
import json
import os
import shutil
import subprocess
import sys
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


def run(command, *, lock, cwd, keep_lines=0):
    """Run a build command that holds ``lock`` with us; return its exit code
    and, if asked, its last lines of output (also passed on to ours)."""
    if not keep_lines:
        return subprocess.run(command, cwd=cwd, pass_fds=(lock.fileno(),)).returncode, []
    tail = deque(maxlen=keep_lines)
    with subprocess.Popen(
        command, cwd=cwd, pass_fds=(lock.fileno(),), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, errors="replace",
        # Pelican's console wraps at 80 columns when not in a terminal;
        # wider, a message stays on one line of the preview's banner.
        env={**os.environ, "COLUMNS": "200"},
    ) as process:
        for line in process.stdout:
            line = line.rstrip()
            print(line, flush=True)
            if line:
                tail.append(line)
    return process.returncode, list(tail)


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


def replace_output(new, output):
    """Put the folder ``new`` in the place of ``output`` without a moment
    in which ``output`` is missing or half there; the old site is removed."""
    new, output = Path(new), Path(output)
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
    clear(new)


def _identity(folder):
    stat = os.stat(folder)
    return {"device": stat.st_dev, "inode": stat.st_ino}


def mark_published(output, marker):
    """Note that ``output`` is what a successful strict publish built."""
    marker = Path(marker)
    marker.parent.mkdir(parents=True, exist_ok=True)
    part = marker.with_name(f"{marker.name}.{os.getpid()}.part")
    part.write_text(json.dumps(_identity(output)), encoding="utf-8")
    os.replace(part, marker)


def forget_published(marker):
    """Every other build of output/ makes it no longer the published site."""
    Path(marker).unlink(missing_ok=True)


def is_published(output, marker):
    try:
        return json.loads(Path(marker).read_text(encoding="utf-8")) == _identity(output)
    except (OSError, ValueError):
        return False
