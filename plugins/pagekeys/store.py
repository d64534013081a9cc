"""The keys of a site's pages, kept in the cache (CACHE_PATH) for the
site's folder: {page: [key, identity of the file written for it]}.

A damaged or unreadable file counts as none: every page is rendered.
"""

import hashlib
import json
import os
import stat

FOLDER = "page-keys"


def keys_file(cache_path, site):
    """Where the keys of the site in the folder ``site`` are kept: one
    file per site (output/, the preview's), whichever build wrote it last."""
    name = hashlib.sha256(os.fsencode(os.path.realpath(site))).hexdigest()[:32]
    return os.path.join(cache_path, FOLDER, f"{name}.json")


def identity(path):
    """(inode, size, mtime in ns) of the regular file at ``path``, or None."""
    try:
        status = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(status.st_mode):
        return None
    return (status.st_ino, status.st_size, status.st_mtime_ns)


def load(path):
    try:
        with open(path, "rb") as handle:
            stored = json.loads(handle.read().decode("utf-8"))
        return {
            page: (key, tuple(found))
            for page, (key, found) in stored["pages"].items()
            if isinstance(key, str) and isinstance(found, list) and len(found) == 3
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def save(path, noted):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    part = f"{path}.{os.getpid()}.part"
    with open(part, "w", encoding="utf-8") as handle:
        json.dump({"pages": {page: [key, list(found)] for page, (key, found) in noted.items()}}, handle)
    os.replace(part, path)


def forget(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


# Jinja's analysis of each template (the names it reads from its context,
# the templates it extends or includes), by what it depends on: the
# build's key (Jinja's version and settings, the plugins' extensions) and
# the template's source. Parsing every template took 0.3–1 s per build.
ANALYSES = "templates.json"
# Entries kept: those of this build, then earlier ones (another site's
# settings, a theme edited back) up to this many.
MAX_ANALYSES = 500


def analyses_file(cache_path):
    return os.path.join(cache_path, FOLDER, ANALYSES)


def load_analyses(path):
    """{entry: (names, referenced templates)}; a referenced template of
    None is one only known while rendering."""
    try:
        with open(path, "rb") as handle:
            stored = json.loads(handle.read().decode("utf-8"))
        return {
            entry: (tuple(names), tuple(referenced))
            for entry, (names, referenced) in stored["templates"].items()
            if isinstance(entry, str) and all(isinstance(name, str) for name in names)
            and all(name is None or isinstance(name, str) for name in referenced)
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def save_analyses(path, used, known):
    """The analyses ``used`` by this build, then as many of the ``known``
    ones as fit; nothing written if every one used was known."""
    if all(known.get(entry) == analysis for entry, analysis in used.items()):
        return
    earlier = [(entry, analysis) for entry, analysis in known.items() if entry not in used]
    kept = earlier[max(0, len(earlier) - (MAX_ANALYSES - len(used))):] + list(used.items())
    os.makedirs(os.path.dirname(path), exist_ok=True)
    part = f"{path}.{os.getpid()}.part"
    with open(part, "w", encoding="utf-8") as handle:
        json.dump({"templates": {entry: [list(names), list(referenced)] for entry, (names, referenced) in kept}}, handle)
    os.replace(part, path)
