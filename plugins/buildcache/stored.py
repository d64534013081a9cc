"""Files the build keeps in the cache between builds (share cards, photo
versions, the booklet), each with the sha256 of its bytes beside it.

A cached file cut short (a full disk, a build killed while copying) or
overwritten is noticed before it is reused: it is made again, with a
note in the terminal, and the build goes on. A note, not a warning:
strict builds (``--fatal warnings``) stop on Pelican's warnings, and a
damaged cache is no fault of the author's.
"""

import hashlib
import json
import os
import shutil
import sys

SUFFIX = ".sha256"


def file_digest(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def note(text):
    """A line for the author's terminal that does not stop a strict build."""
    print(f"Hinweis: {text}", file=sys.stderr, flush=True)


def reusable(path, reuse=True):
    """True if ``path`` is in the cache as it was kept: its bytes match the
    digest noted beside it. ``reuse`` False (``invoke rebuild``) reads nothing."""
    if not reuse or not os.path.exists(path):
        return False
    try:
        with open(path + SUFFIX, "rb") as handle:
            noted = handle.read(100).decode("ascii").strip()
        intact = noted == file_digest(path)
    except (OSError, UnicodeDecodeError):
        intact = False
    if not intact:
        note(f"Die Datei {path} im Cache ist beschädigt oder unvollständig; sie wird neu erzeugt.")
    return intact


def keep(path, write):
    """Put a file in the cache at ``path``: ``write(part)`` writes it under a
    name of this process's own, then it and its digest take their places."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    part = f"{path}.{os.getpid()}.part"
    write(part)
    with open(part + SUFFIX, "w", encoding="ascii") as handle:
        handle.write(file_digest(part))
    # The file first: a reader between the two sees a digest that does
    # not match and makes the file again, never a damaged file as good.
    os.replace(part, path)
    os.replace(part + SUFFIX, path + SUFFIX)


def place(path, target):
    """Put the cached file ``path`` at ``target`` in the output: a hard link
    where both are on one file system (no bytes copied), else a copy.

    Whatever is at ``target`` is replaced in one step, never written into:
    it may be a link to a cached file itself. Nothing writes into a placed
    file later either: the cache puts a new file under a new inode
    (``keep``), and every build writes into a fresh folder. A placed file
    changed in the output all the same shows in the cache's digest, and is
    made again there."""
    try:
        if os.path.samestat(os.stat(path), os.lstat(target)):
            return  # already that file (and rename() would leave ``part`` behind)
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(target), exist_ok=True)
    part = f"{target}.{os.getpid()}.neu"
    if os.path.lexists(part):
        os.unlink(part)  # left by a killed build of the same process id
    try:
        os.link(path, part)
    except OSError:
        shutil.copyfile(path, part)
    os.replace(part, target)


def _folder_digests(folder):
    found = {}
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(root, name)
            found[os.path.relpath(path, folder)] = file_digest(path)
    return found


def note_folder(folder):
    """Note the digest of every file in ``folder``, kept in the cache (the
    note beside it, so copies of the folder do not carry it)."""
    part = f"{folder}.{os.getpid()}.part"
    with open(part, "w", encoding="utf-8") as handle:
        json.dump(_folder_digests(folder), handle, sort_keys=True)
    os.replace(part, folder + SUFFIX)


def folder_reusable(folder, reuse=True):
    """True if every file in ``folder`` is as noted (``note_folder``), and no file more or less."""
    if not reuse or not os.path.isdir(folder):
        return False
    try:
        with open(folder + SUFFIX, "rb") as handle:
            intact = json.loads(handle.read().decode("utf-8")) == _folder_digests(folder)
    except (OSError, ValueError):
        intact = False
    if not intact:
        note(f"Der Ordner {folder} im Cache ist beschädigt oder unvollständig; er wird neu erzeugt.")
    return intact
