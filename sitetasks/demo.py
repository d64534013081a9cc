"""The demo the project ships with, and what of it must never go online.

The demo's files are kept, byte for byte as shipped, in ``demo_content/``
next to this module: that folder is the one place that says what the demo
is. A file in ``content/`` is demo content when its bytes are those of a
demo file, wherever it lies (a renamed copy is still demo). A demo file the
author has edited is the author's: the edit says it was taken over, and
``demo-entfernen`` must never delete an author's words. Pages that still
say they are placeholders (or still present the invented author) are
refused whatever else was changed in them, because that is what the
author's edit most likely left behind.
"""

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

DEMO_CONTENT = Path(__file__).resolve().parent / "demo_content"

# The deploy target the project ships with in deploy.toml: it names the
# column's real address but is no host the author has set up.
EXAMPLE_TARGETS = frozenset({"kunde@www.der-eingebaute-kunde.de:/var/www/der-eingebaute-kunde/"})

# Text in a page that only a demo page carries, and why it must not go online.
PAGE_MARKS = {
    "**Platzhalter:**": "ist noch ein Platzhalter",
    "Beispiel Berater": "stellt noch den erfundenen Autor der Demo vor",
}


@dataclass(frozen=True)
class Leftover:
    path: Path  # relative to the project
    fix: str

    def line(self):
        return f"{self.path.as_posix()}: {self.fix}"


def _digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def demo_digests():
    """The digests of the shipped demo files, each with the file's sizes to
    skip hashing an author's photos that cannot be one of them."""
    files = [path for path in DEMO_CONTENT.rglob("*") if path.is_file()]
    return {path.stat().st_size for path in files}, {_digest(path) for path in files}


def demo_files(content):
    """Every file in ``content`` that is a demo file unchanged."""
    content = Path(content)
    sizes, digests = demo_digests()
    found = []
    for folder, _dirs, names in os.walk(content):
        for name in names:
            path = Path(folder) / name
            try:
                if path.stat().st_size in sizes and _digest(path) in digests:
                    found.append(path)
            except OSError:
                continue
    return sorted(found)


def marked_pages(content):
    """Pages (edited or not) that still carry a demo page's mark: (path, line number, what is wrong)."""
    found = []
    for path in sorted((Path(content) / "pages").glob("*.md")):
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        for number, line in enumerate(lines, start=1):
            wrong = next((why for mark, why in PAGE_MARKS.items() if mark in line), None)
            if wrong:
                found.append((path, number, wrong))
                break
    return found


def leftovers(root, content):
    """What of the demo is still in ``content``, each with its fix (German lines)."""
    root = Path(root)
    found = []
    demo = demo_files(content)
    for path in demo:
        kind = {"faelle": "ein Beispielfall", "pages": "eine Seite", "images": "ein Foto"}.get(path.parent.name, "eine Datei")
        found.append(Leftover(
            path.relative_to(root),
            f"{kind} der Demo (unverändert). „invoke demo-entfernen“ entfernt alle Dateien der Demo auf einmal.",
        ))
    for path, number, wrong in marked_pages(content):
        if path in demo:
            continue
        found.append(Leftover(
            path.relative_to(root),
            f"Zeile {number} {wrong}. Ersetzen Sie den Text durch Ihren eigenen (diese Zeile eingeschlossen) "
            "oder löschen Sie die Seite.",
        ))
    return found


def example_target_problem(target):
    if target.rstrip("/") in {example.rstrip("/") for example in EXAMPLE_TARGETS}:
        return (
            f"Das Ziel „{target}“ ist das Beispiel, mit dem das Projekt kommt, nicht Ihr Server. "
            "Richten Sie Ihr Ziel mit „invoke deploy-einrichten“ ein (oder geben Sie es mit --target an)."
        )
    return None


def remove_demo(content):
    """Delete the unchanged demo files from ``content``; return them. An
    edited demo file is the author's and stays."""
    removed = demo_files(content)
    for path in removed:
        path.unlink()
    return removed
