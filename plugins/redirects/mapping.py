"""The redirects file: ``alt,neu``, then one old address and its new one a
line. One format for the importer (which writes it) and the plugin (which
reads it)."""

import csv
import io
import re
from dataclasses import dataclass

# In content/: the author's list (REDIRECTS_FILE), written by the importer.
DEFAULT_FILE = "weiterleitungen.csv"
HEADER = ("alt", "neu")
# An old address names a file or folder of the old site: a path from the
# site's root, without a query, quotes or anything a server config would read.
OLD_ADDRESS = re.compile(r"^/(?!.*(?:^|/)\.\.?(?:/|$))[\w .~()+,@-]+(?:/[\w .~()+,@-]+)*/?$")
# A new address is a path on this site.
NEW_ADDRESS = re.compile(r"^/(?:[\w.~-]+/)*(?:[\w.~-]+)?$")
EXAMPLE = "„/fall-8.html,/fall/8/“"


class RedirectsError(ValueError):
    """A line of the redirects file the build cannot use: where, what is
    wrong, how to fix it."""

    def __init__(self, path, line, message, hint):
        super().__init__(f"{path}:{line}: {message} – {hint}")
        self.path, self.line, self.message, self.hint = path, line, message, hint


@dataclass(frozen=True)
class Redirect:
    old: str
    new: str
    line: int


def parse(text, name):
    """The redirects in ``text`` (the file ``name``, for messages), in order;
    a RedirectsError naming the line for anything else."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows or [cell.strip().lower() for cell in rows[0][:2]] != list(HEADER):
        raise RedirectsError(name, 1, "Die erste Zeile muss „alt,neu“ lauten",
                             f"darunter eine Zeile je alte Adresse, z. B. {EXAMPLE}.")
    redirects, seen = [], {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
            continue
        if len(row) != 2:
            raise RedirectsError(name, line, "Eine Zeile nennt die alte und die neue Adresse",
                                 f"durch ein Komma getrennt, z. B. {EXAMPLE}.")
        old, new = row[0].strip(), row[1].strip()
        if not OLD_ADDRESS.match(old):
            raise RedirectsError(name, line, f"„{old}“ ist keine alte Adresse dieser Website",
                                 "schreiben Sie den Pfad ab dem Schrägstrich, ohne Domain, ohne „?“ und "
                                 f"Anführungszeichen, z. B. {EXAMPLE}.")
        if not NEW_ADDRESS.match(new):
            raise RedirectsError(name, line, f"„{new}“ ist keine Adresse dieser Website",
                                 f"schreiben Sie den Pfad ab dem Schrägstrich, z. B. {EXAMPLE}.")
        if old in seen:
            raise RedirectsError(name, line, f"„{old}“ steht schon in Zeile {seen[old]}",
                                 "löschen Sie eine der beiden Zeilen.")
        if old.rstrip("/") == new.rstrip("/"):
            raise RedirectsError(name, line, f"„{old}“ leitet auf sich selbst weiter", "löschen Sie die Zeile.")
        seen[old] = line
        redirects.append(Redirect(old, new, line))
    return redirects


def lines(redirects, with_header):
    """The file's lines for ``redirects`` ((old, new) pairs)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if with_header:
        writer.writerow(HEADER)
    writer.writerows(redirects)
    return out.getvalue()
