"""What an import says: a line per page (or, for --dry-run, a table),
the problems, and always a summary."""

import os

from cases.model import SERIES_PREFIX

from . import FAILED, NEW, REPLACED, SKIPPED, UNCHANGED

TITLE_WIDTH = 38


def shown(text):
    """Text as a terminal can print it, also a file name that is not UTF-8."""
    return str(text).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def format_report(report):
    """(lines, problems, summary): what was done, what went wrong (for
    stderr), and the one line that is always there."""
    out, err = [], []
    if report.dry_run:
        out += _table(report)
    else:
        for result in report.results:
            if result.ok:
                out.append(f"{shown(result.source.name)} → {os.path.relpath(result.target)} ({result.status})")
                out += [f"    {message}" for message in result.messages]
            elif result.status == SKIPPED:
                out.append(f"{shown(result.source.name)}: übersprungen – {result.skip_reason}")
    for result in report.results:
        if result.status == FAILED:
            err += [f"{shown(result.source)}: {problem}" for problem in result.problems]
    err += report.notes if not report.results else []
    out += [f"Hinweis: {note}" for note in report.notes] if report.results else []
    return [shown(line) for line in out], [shown(line) for line in err], summary(report)


def summary(report):
    counts = [f"{report.count(status)} {status}" for status in (NEW, UNCHANGED, REPLACED)]
    pages = [f"{report.count(status, pages=True)} {status}" for status in (NEW, UNCHANGED, REPLACED)]
    skipped, files = report.count(SKIPPED), len(report.results)
    failed = report.count(FAILED) + report.count(FAILED, pages=True)
    text = (f"Fälle: {', '.join(counts)}; Seiten: {', '.join(pages)}; "
            f"{skipped} {'Seite' if skipped == 1 else 'Seiten'} übersprungen "
            f"(keine Fälle); {failed} mit Fehlern – {files} {'Datei' if files == 1 else 'Dateien'} "
            "gelesen.")
    return ("Probelauf, nichts wurde geschrieben. " if report.dry_run else "") + text


def _short_title(title):
    title = SERIES_PREFIX.sub("… ", title, count=1) if SERIES_PREFIX.match(title) else title
    return title if len(title) <= TITLE_WIDTH else title[: TITLE_WIDTH - 1] + "…"


def _table(report):
    rows = [("Datei", "Fall", "Titel", "Datum", "Tipps", "Foto", "Ergebnis")]
    notes = []
    for result in report.results:
        case = result.case
        name = shown(result.source.name)
        if result.status == SKIPPED:
            rows.append((name, "–", "", "", "", "", f"übersprungen: {result.skip_reason}"))
            continue
        if result.is_page:
            status = "Fehler (siehe unten)" if result.status == FAILED else result.status
            rows.append((name, "–", _short_title(case.page_title), "", "", "",
                         f"Seite {os.path.relpath(result.target)}: {status}"))
            notes.append((name, result.messages))
            continue
        if result.status == FAILED and (case is None or case.number is None or not case.title):
            rows.append((name, "–", "", "", "", "", "Fehler (siehe unten)"))
            continue
        date = "Entwurf" if result.draft else (result.date or "–")
        status = "Fehler (siehe unten)" if result.status == FAILED else result.status
        rows.append((name, str(case.number), _short_title(case.title), date, str(len(case.tips)),
                     result.photo or "–", status))
        notes.append((name, result.messages))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1] for row in rows]
    lines = [line.rstrip() for line in lines]
    lines.insert(1, "-" * len(lines[0]))
    for name, messages in notes:
        if messages:
            lines.append(f"{name}:")
            lines += [f"    {message}" for message in messages]
    return lines
