"""Bring cases over from the old website builder's exports.

``import_paths`` takes one export, a folder of exports or a glob pattern,
reads each file (plain text or saved HTML), and writes one case file per
export into the site's content folder. It never overwrites a case unless
told to, and reports for each file what it wrote or what was missing.
"""

import glob
import os
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path

from cases.model import case_filename

from .markdown import case_markdown
from .parsing import decode, parse_html, parse_text

EXPORT_SUFFIXES = (".txt", ".html", ".htm")


@dataclass
class ImportResult:
    source: Path
    written: Path | None = None
    messages: list = field(default_factory=list)

    @property
    def ok(self):
        return self.written is not None


def export_files(pattern):
    path = Path(pattern)
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix.lower() in EXPORT_SUFFIXES)
    if path.is_file():
        return [path]
    return sorted(Path(p) for p in glob.glob(pattern) if Path(p).suffix.lower() in EXPORT_SUFFIXES)


def parse_export(path):
    raw = Path(path).read_bytes()
    text, note = decode(raw)
    is_html = Path(path).suffix.lower() in (".html", ".htm") or text.lstrip()[:15].lower().startswith(("<!doctype", "<html"))
    case = parse_html(text) if is_html else parse_text(text)
    if note:
        case.notes.append(note)
    return case


def import_paths(pattern, content_dir, existing_numbers=None, date=None, force=False, today=None):
    """Import every export ``pattern`` names; one ImportResult per file.

    ``existing_numbers`` maps case numbers already in the site to their
    files, so an import cannot silently take a number twice.
    """
    existing = dict(existing_numbers or {})
    target_dir = Path(content_dir) / "faelle"
    files = export_files(pattern)
    if not files:
        return [ImportResult(Path(pattern), messages=["keine .txt- oder .html-Datei gefunden"])]
    results = []
    for source in files:
        result = ImportResult(source)
        results.append(result)
        try:
            case = parse_export(source)
        except OSError as error:
            result.messages.append(f"nicht lesbar: {error.strerror}")
            continue
        result.messages += case.notes
        if case.missing:
            result.messages += [f"nicht übernommen: {m}" for m in case.missing]
            continue
        if date:
            when, said = date, "aus --date"
        elif case.date:
            when, said = case.date, "aus der Exportdatei"
        else:
            when, said = today or Date.today(), "heute, kein Datum in der Datei – mit --date festlegen"
        target = target_dir / case_filename(case.number, case.title)
        owner = existing.get(case.number)
        if not force and owner and Path(owner).resolve() != target.resolve():
            result.messages.append(
                f"nicht übernommen: die Fallnummer {case.number} hat schon {os.path.relpath(owner)} "
                "(mit --force trotzdem schreiben)"
            )
            continue
        if target.exists() and not force:
            result.messages.append(f"nicht übernommen: {os.path.relpath(target)} gibt es schon (mit --force überschreiben)")
            continue
        target_dir.mkdir(parents=True, exist_ok=True)
        target.write_text(case_markdown(case, when), encoding="utf-8", newline="\n")
        existing[case.number] = target
        result.written = target
        result.messages.append(f"Datum {when.isoformat()} ({said})")
        if case.image_credit:
            result.messages.append(
                "Foto-Angabe übernommen; das Bild selbst fehlt: legen Sie es nach content/images/ "
                "und ergänzen Sie „Image:“ und „Image_alt:“"
            )
    return results
