"""Bring cases over from the old website builder's exports.

``import_paths`` takes one export, a folder of exports or a glob pattern,
reads each file (plain text or a saved HTML page), and writes one case
file per export into ``content/faelle/``. It never overwrites a case or
takes a case number twice unless told to (``force``), and reports for
each file what it wrote, where the date came from, or what was missing.

File names come from ``cases.model.case_filename`` (plugins/ must be on
``sys.path``, as tasks.py and the tests arrange), so imported cases are
named like the ones ``invoke new-case`` starts.
"""

import glob
import os
from dataclasses import dataclass, field
from datetime import date as Date, datetime
from pathlib import Path

from cases.checks import case_numbers
from cases.model import case_filename

from .case import ParsedCase
from .markdown import case_markdown, format_date
from .parse_html import parse_html
from .parse_text import decode, parse_text

__all__ = ["ImportResult", "ParsedCase", "import_paths", "parse_export", "export_files"]

EXPORT_SUFFIXES = (".txt", ".html", ".htm")


@dataclass
class ImportResult:
    source: Path
    written: Path | None = None
    messages: list = field(default_factory=list)  # notes on a file that was written
    problems: list = field(default_factory=list)  # why a file was not written

    @property
    def ok(self):
        return self.written is not None


def export_files(pattern):
    """The exports one argument names: a file, every export in a folder, or a glob."""
    path = Path(pattern).expanduser()
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in EXPORT_SUFFIXES)
    if path.is_file():
        return [path]
    matches = glob.glob(os.path.expanduser(str(pattern)), recursive=True)
    return sorted(Path(p) for p in matches if Path(p).is_file() and Path(p).suffix.lower() in EXPORT_SUFFIXES)


def parse_export(path):
    text, note = decode(Path(path).read_bytes())
    start = text.lstrip("\ufeff \t\r\n")[:200].lower()
    is_html = Path(path).suffix.lower() in (".html", ".htm") or start.startswith(("<!doctype", "<html"))
    case = parse_html(text) if is_html else parse_text(text)
    if note:
        case.notes.insert(0, note)
    return case


def _as_datetime(value):
    """--date as given: a date, a datetime or text like 2024-05-14 or "2024-05-14 10:30"."""
    if isinstance(value, datetime):
        return value, True
    if isinstance(value, Date):
        return datetime(value.year, value.month, value.day, 9, 0), False
    try:
        moment = datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(
            f"Das Datum „{value}“ ist nicht lesbar – schreiben Sie es wie 2024-05-14 "
            "(oder mit Uhrzeit: \"2024-05-14 10:30\")."
        ) from None
    return moment.replace(tzinfo=None), ":" in str(value)


def import_paths(pattern_or_path, content_dir, date=None, force=False, today=None):
    """Import every export ``pattern_or_path`` names; one ImportResult per file."""
    forced_date = _as_datetime(date) if date else None
    target_dir = Path(content_dir) / "faelle"
    files = export_files(pattern_or_path)
    if not files:
        return [ImportResult(Path(pattern_or_path), problems=[
            "Keine Exportdatei gefunden – nennen Sie eine .txt- oder .html-Datei, einen Ordner "
            "mit solchen Dateien oder ein Muster in Anführungszeichen wie \"../archiv/*.txt\"."
        ])]
    taken = case_numbers(target_dir)
    return [_import_one(source, target_dir, taken, forced_date, force, today) for source in files]


def _import_one(source, target_dir, taken, forced_date, force, today):
    result = ImportResult(source)
    try:
        case = parse_export(source)
    except OSError as error:
        result.problems.append(f"Die Datei ist nicht lesbar ({error.strerror}) – prüfen Sie Pfad und Rechte.")
        return result
    result.messages += case.notes
    if case.problems:
        result.problems += case.problems
        return result
    target = target_dir / case_filename(case.number, case.title)
    owner = taken.get(case.number)
    if owner and Path(owner).resolve() != target.resolve():
        if not force:
            result.problems.append(
                f"Die Fallnummer {case.number} hat schon {os.path.relpath(owner)} – nichts wurde "
                "geschrieben. Geben Sie einem der beiden Fälle eine andere Nummer oder schreiben "
                "Sie mit --force trotzdem (dann gibt es die Nummer zweimal)."
            )
            return result
        result.messages.append(
            f"Achtung: die Fallnummer {case.number} hat auch {os.path.relpath(owner)} – "
            "löschen Sie eine der beiden Dateien oder ändern Sie eine Nummer."
        )
    if target.exists() and not force:
        result.problems.append(
            f"{os.path.relpath(target)} gibt es schon; nichts wurde überschrieben – "
            "mit --force überschreiben."
        )
        return result
    if forced_date:
        (when, has_time), said = forced_date, "aus --date"
    elif case.date:
        when, has_time, said = case.date, case.has_time, case.date_source
    else:
        when = datetime.combine(today or Date.today(), datetime.min.time())
        has_time, said = False, "heute – die Datei nennt kein Datum; mit --date festlegen"
    target_dir.mkdir(parents=True, exist_ok=True)
    existed = target.exists()
    try:
        # "x": a file that appeared since the check above is not overwritten either.
        with open(target, "w" if force else "x", encoding="utf-8", newline="\n") as handle:
            handle.write(case_markdown(case, when, has_time))
    except FileExistsError:
        result.problems.append(f"{os.path.relpath(target)} gibt es schon; nichts wurde überschrieben – "
                               "mit --force überschreiben.")
        return result
    taken.setdefault(case.number, target)
    result.written = target
    if existed:
        result.messages.append("überschrieben (--force)")
    result.messages.append(f"Datum {format_date(when, has_time)} ({said})")
    result.messages.append(_photo_hint(case))
    return result


def _photo_hint(case):
    hint = ("Das Foto ist nicht im Export: legen Sie es nach content/images/ und ergänzen Sie "
            "„Image: images/…“ und „Image_alt: …“ von Hand")
    if case.image:
        src, alt = case.image
        hint += f" (auf der alten Seite: {src}" + (f", Beschreibung „{alt}“" if alt else "") + ")"
    return hint + "."
