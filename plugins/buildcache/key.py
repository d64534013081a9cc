"""The build cache's key: a digest of everything a build's output depends
on apart from the content itself."""

import hashlib
import importlib.metadata
import inspect
import marshal
import os
import sys

# Settings that say where things go, not what is built; the switches of
# the cache itself (``invoke rebuild`` reads nothing cached but leaves a
# cache its next build can use); how many processes do the work, which
# by design changes nothing in the output (plugins/background); the
# moment scheduled cases are measured against, decided after reading
# (plugins/cases/schedule.py).
NOT_IN_KEY = {
    "OUTPUT_PATH", "CACHE_PATH", "LOAD_CONTENT_CACHE", "CACHE_CONTENT", "BUILD_CACHE_FOLDER", "BUILD_CACHE_KEEP",
    "BUILD_CACHE_REUSE",
    "BACKGROUND_PROCESSES", "BACKGROUND_START_METHOD", "READING_PROCESSES", "READING_MIN_SOURCES",
    "CARD_PROCESSES", "CARD_MIN_PARALLEL",
    "SCHEDULE_NOW",
    # Which site a build replaces and whether it reuses its pages (plugins/pagekeys).
    "LAST_SITE_PATH", "PAGE_KEYS",
}


def build_key(settings):
    """Hex digest of the settings, the theme, the plugins' code and data,
    the installed distributions and the Python version."""
    digest = hashlib.sha256()
    for part in (
        canonical({k: v for k, v in settings.items() if k not in NOT_IN_KEY}),
        files_digest(theme_folders(settings)),
        files_digest(settings.get("PLUGIN_PATHS") or []),
        repr(dependency_versions()),
        sys.version,
    ):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def theme_folders(settings):
    return [settings["THEME"], *(settings.get("THEME_TEMPLATES_OVERRIDES") or [])]


def dependency_versions():
    """(name, version) of every distribution Python can import from."""
    found = set()
    for distribution in importlib.metadata.distributions():
        name = distribution.metadata["Name"] or ""
        found.add((name.lower(), distribution.version or ""))
    return sorted(found)


def files_digest(folders):
    """Names and bytes of every file under ``folders`` (bytecode aside)."""
    digest = hashlib.sha256()
    for folder in folders:
        folder = os.path.abspath(folder)
        digest.update(folder.encode("utf-8", "surrogatepass") + b"\0")
        for root, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith((".pyc", ".pyo")):
                    continue
                path = os.path.join(root, name)
                digest.update(os.path.relpath(path, folder).encode("utf-8", "surrogatepass") + b"\0")
                with open(path, "rb") as handle:
                    digest.update(hashlib.sha256(handle.read()).digest())
    return digest.hexdigest()


def canonical(value):
    """A text that is the same for equal settings in every process: no
    memory addresses, dicts and sets in order, functions by their code."""
    if isinstance(value, dict):
        items = sorted((canonical(k), canonical(v)) for k, v in value.items())
        return "{" + ",".join(f"{k}:{v}" for k, v in items) + "}"
    if isinstance(value, (list, tuple)):
        return type(value).__name__ + "[" + ",".join(canonical(v) for v in value) + "]"
    if isinstance(value, (set, frozenset)):
        return "set[" + ",".join(sorted(canonical(v) for v in value)) + "]"
    if isinstance(value, (str, bytes, int, float, bool, type(None))):
        return repr(value)
    if inspect.ismodule(value):
        return f"module:{value.__name__}"
    code = getattr(value, "__code__", None)
    if code is not None:
        return f"function:{value.__module__}.{value.__qualname__}:{hashlib.sha256(marshal.dumps(code)).hexdigest()}"
    if callable(value) and hasattr(value, "__qualname__"):
        return f"callable:{getattr(value, '__module__', '')}.{value.__qualname__}"
    pattern = getattr(value, "pattern", None)
    if pattern is not None:
        return f"pattern:{pattern!r}:{getattr(value, 'flags', '')}"
    text = repr(value)
    if " at 0x" in text:  # an object without a stable text: its type at least
        return f"object:{type(value).__module__}.{type(value).__qualname__}"
    return text
