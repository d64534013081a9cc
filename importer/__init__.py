"""Bring cases over from the old website's export.

``import_paths`` takes a Mobirise export folder (or single saved pages,
text exports, a glob pattern), finds the case pages among all pages,
and writes one case file per case into ``content/faelle/`` with its
photo in ``content/images/``. Every page is read before any is written,
so links between case pages can point to the cases' new addresses.

The Impressum, Datenschutz and Kontakt pages of the export become pages
in ``content/pages/``; every old address that has a new one (cases,
those pages, the home page and the overview) is added to the redirects
file ``content/weiterleitungen.csv`` (see plugins/redirects).

It never overwrites a case or page or takes a case number twice unless
told to (``force``); the same import run again changes nothing. Whatever is
wrong with one page is reported for that page, and the others are
imported all the same.

File names come from ``cases.model.case_filename`` (the case model of
plugins/cases), so imported cases are named like the ones
``invoke new-case`` starts.
"""

import glob
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date as Date, datetime, time
from pathlib import Path

from cases.checks import read_header
from cases.model import CaseError, case_filename, display_path, parse_case_number

from .case import Paragraph, ParsedCase
from .dates import GivenDate, ImportOptionError, parse_date, read_dates_file
from .decoding import NotText, decode
from .markdown import case_markdown, format_date, resolve_export_links
from .pages import KEPT_ADDRESSES, add_redirects, page_markdown
from .parse_html import parse_html
from .parse_text import parse_text
from .photos import copy_photo, find_photo, shown_name

__all__ = ["ImportOptionError", "ImportReport", "ImportResult", "ParsedCase", "export_files",
           "import_paths", "parse_export"]

EXPORT_SUFFIXES = (".txt", ".html", ".htm")
# A page of the old site is a few hundred kilobytes; a larger file is no page.
LARGEST_PAGE = 20 * 1024 * 1024
NEW, UNCHANGED, REPLACED, SKIPPED, FAILED = "neu", "unverändert", "ersetzt", "übersprungen", "Fehler"


@dataclass
class ImportResult:
    source: Path
    key: str = ""  # the page's path inside the export, as links name it
    case: ParsedCase | None = None
    status: str = ""
    target: Path | None = None  # the case file
    photo: str = ""  # "Image:" as written, e.g. images/fall-08.jpg
    date: str = ""  # "Date:" as written
    draft: bool = False
    skip_reason: str = ""
    messages: list = field(default_factory=list)  # notes on a case that was imported
    problems: list = field(default_factory=list)  # why a page was not imported
    is_page: bool = False  # an Impressum, Datenschutz or Kontakt page, not a case

    @property
    def ok(self):
        return self.status in (NEW, UNCHANGED, REPLACED)

    def fail(self, problem):
        self.status = FAILED
        self.problems.append(problem)


@dataclass
class ImportReport:
    results: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # about the import as a whole
    dry_run: bool = False

    def __iter__(self):
        return iter(self.results)

    def count(self, status, pages=False):
        return sum(r.status == status and r.is_page == pages for r in self.results)

    @property
    def failed(self):
        return any(r.status == FAILED for r in self.results) or not self.results


def export_files(pattern):
    """(files, export root) one argument names: a file, every page of an
    export folder, or a glob."""
    path = Path(pattern).expanduser()
    try:
        path.is_dir()
    except (OSError, ValueError):  # a name with a NUL byte, or one too long
        return [], Path(".")
    if path.is_dir():
        files = sorted((p for p in path.iterdir() if p.is_file() and p.suffix.lower() in EXPORT_SUFFIXES),
                       key=_natural)
        return files, path
    if path.is_file():
        return [path], path.parent
    matches = glob.glob(os.path.expanduser(str(pattern)), recursive=True)
    files = sorted((Path(p) for p in matches if Path(p).is_file() and Path(p).suffix.lower() in EXPORT_SUFFIXES),
                   key=_natural)
    root = Path(os.path.commonpath([p.parent.resolve() for p in files])) if files else Path(".")
    return files, root


def _natural(path):
    """fall-8.html before fall-10.html."""
    return [int(part) if part.isdigit() else part for part in re.split(r"([0-9]+)", str(path))]


def parse_export(path, key="", timezone=None):
    """The case (or why it is none) in one export file; dates with an
    offset are read in ``timezone`` (see parse_html)."""
    if Path(path).stat().st_size > LARGEST_PAGE:
        raise NotText(f"Die Datei ist größer als {LARGEST_PAGE // 2**20} MB und damit keine Seite der alten "
                      "Website – löschen Sie sie aus dem Exportordner.")
    text, notes = decode(Path(path).read_bytes())
    start = text.lstrip("\ufeff \t\r\n")[:200].lower()
    is_html = Path(path).suffix.lower() in (".html", ".htm") or start.startswith(("<!doctype", "<html"))
    case = parse_html(text, key or Path(path).name, timezone) if is_html else parse_text(text)
    case.notes[:0] = notes
    return case


def import_paths(pattern_or_path, content_dir, date=None, dates=None, force=False, dry_run=False, today=None,
                 timezone=None):
    """Import every page ``pattern_or_path`` names; an ImportReport.

    Raises ImportOptionError (before anything is read) for an unreadable
    ``date`` or ``dates`` file.
    """
    forced_date = parse_date(date) if date else None
    dated = read_dates_file(dates) if dates else {}
    report = ImportReport(dry_run=dry_run)
    try:
        files, root = export_files(pattern_or_path)
    except OSError as error:
        files, root = [], Path(".")
        report.notes.append(f"Der Ordner {pattern_or_path} ist nicht lesbar ({error.strerror or error}).")
    if not files:
        report.notes.append(
            "Keine Exportdatei gefunden – nennen Sie den Ordner des Mobirise-Exports, eine .html- oder "
            ".txt-Datei oder ein Muster in Anführungszeichen wie \"../archiv/*.html\"."
        )
        return report
    content_dir = Path(content_dir)
    run = _Run(report, content_dir / "faelle", content_dir / "images", root, forced_date, dated, force,
               dry_run, today or Date.today(), timezone=timezone)
    run.taken = _taken_numbers(run.cases_dir, report)
    report.results = [run.read(source) for source in files]
    run.pages = {r.key: f"/fall/{r.case.number}/" for r in report.results if r.status == "" and r.case.number}
    run.pages.update({r.key: f"/{r.case.page_slug}/" for r in report.results
                      if r.status == SKIPPED and r.case is not None and r.case.page_slug})
    # A link to the old home page or overview leads to the new one.
    run.pages.update({r.key: url for r in report.results if r.status == SKIPPED
                      for kind, url in KEPT_ADDRESSES.items() if r.skip_reason.startswith(kind)})
    for result in report.results:
        if result.status == "":
            run.import_case(result)
    # A contact form's page names the address the export gives anywhere (the Impressum's).
    run.addresses = [a for r in report.results if r.case is not None for a in r.case.addresses]
    for result in report.results:
        if result.status == SKIPPED and result.case is not None and result.case.page_slug:
            run.import_page(result)
    report.notes += add_redirects(content_dir, _redirects(report), force, dry_run)
    unused = sorted(set(dated) - {r.case.number for r in report.results if r.ok})
    if unused:
        report.notes.append("In der Datumsliste, aber nicht übernommen: Fall " + ", ".join(map(str, unused)))
    return report


def _redirects(report):
    """(old address, new address) of every page of the export that has a new one."""
    wanted = []
    for result in report.results:
        new = None
        if result.ok:
            new = f"/{result.case.page_slug}/" if result.is_page else f"/fall/{result.case.number}/"
        elif result.status == SKIPPED:
            new = next((url for kind, url in KEPT_ADDRESSES.items() if result.skip_reason.startswith(kind)), None)
        if new is not None:
            wanted.append(("/" + result.key, new))
    return wanted


def _taken_numbers(folder, report):
    """Case number -> file of the cases already there; a file whose number
    cannot be read is named and does not stop the import."""
    numbers = {}
    for path in sorted(Path(folder).glob("*.md")):
        try:
            header = read_header(path)
            numbers.setdefault(parse_case_number(header.value("fall"), path, header.line("fall")), path)
        except CaseError as error:
            report.notes.append(f"{error} (Diese Datei zählt beim Import nicht mit.)")
        except ValueError:  # "Fall: ²": isdigit() but no int()
            report.notes.append(f"{display_path(path)}: Die Fallnummer ist keine Zahl aus den Ziffern 0 bis 9 "
                                "– diese Datei zählt beim Import nicht mit; korrigieren Sie die Zeile „Fall:“.")
        except OSError as error:
            report.notes.append(f"{display_path(path)}: nicht lesbar ({error.strerror or error}) – diese Datei "
                                "zählt beim Import nicht mit.")
    return numbers


@dataclass
class _Run:
    report: ImportReport
    cases_dir: Path
    images_dir: Path
    root: Path
    forced_date: GivenDate | None
    dated: dict
    force: bool
    dry_run: bool
    today: Date
    taken: dict = field(default_factory=dict)
    pages: dict = field(default_factory=dict)  # page key -> its new address (a case, page, home or overview)
    claimed: dict = field(default_factory=dict)  # case number (or page slug) -> result, in this import
    timezone: str | None = None  # the site's TIMEZONE, for dates with an offset
    addresses: list = field(default_factory=list)  # e-mail addresses anywhere in the export

    def read(self, source):
        try:
            key = source.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            key = source.name
        result = ImportResult(source, key)
        try:
            case = parse_export(source, key, self.timezone)
        except OSError as error:
            result.fail(f"Die Datei ist nicht lesbar ({error.strerror or error}) – prüfen Sie Pfad und Rechte.")
            return result
        except NotText as error:
            result.fail(str(error))
            return result
        except Exception as error:  # a page no rule foresaw: the other pages still come over
            result.fail(_unforeseen(error))
            return result
        result.case = case
        if case.skip_reason:
            result.status, result.skip_reason = SKIPPED, case.skip_reason
            return result
        result.messages += case.notes
        if case.problems:
            result.status = FAILED
            result.problems += case.problems
        return result

    def import_case(self, result):
        try:
            self._import_case(result)
        except OSError as error:
            result.fail(f"Schreiben fehlgeschlagen ({error.strerror or error}) – prüfen Sie, ob "
                        "content/ beschreibbar ist und genug Platz hat.")
        except Exception as error:
            result.fail(_unforeseen(error))

    def _import_case(self, result):
        case = result.case
        first = self.claimed.get(case.number)
        if first is not None:
            result.fail(f"Die Fallnummer {case.number} hat in diesem Import schon {first.source.name} "
                        f"({display_path(first.target)}) – nichts wurde geschrieben. Korrigieren Sie die "
                        "Nummer in einer der beiden Seiten.")
            return
        self.claimed[case.number] = result
        target = self.cases_dir / case_filename(case.number, case.title)
        result.target = target
        owner = self.taken.get(case.number)
        replaces = owner if owner and Path(owner).resolve() != target.resolve() else None
        if replaces and not self.force:
            result.fail(f"Die Fallnummer {case.number} hat schon {display_path(owner)} – nichts wurde "
                        "geschrieben. Mit --force wird diese Datei durch den Import ersetzt.")
            return

        photo, alt = None, ""
        if case.image:
            src, alt = case.image
            photo, note = find_photo(src, result.source, self.root, case.number, self.images_dir)
            if note:
                result.messages.append(note)
            elif alt:
                result.messages.append(f"Foto content/{photo.header_path} (aus {shown_name(src)})")
            else:
                result.messages.append(
                    f"Das Foto hat auf der alten Seite keine Bildbeschreibung (alt) – es liegt unter "
                    f"content/{photo.header_path}, ist aber nicht eingetragen. Ergänzen Sie im Fall "
                    f"„Image: {photo.header_path}“ und „Image_alt: …“ (was auf dem Foto zu sehen ist)."
                )
        given = self._date(case)
        result.draft = given is None
        if given is None:
            given = GivenDate(self._placeholder_date(target), False, "")
            result.messages.append(
                "Kein Datum (weder in --dates noch --date noch auf der Seite) – als Entwurf übernommen. "
                "Tragen Sie bei „Date:“ das echte Datum ein und löschen Sie „Status: draft“, oder "
                "importieren Sie erneut mit --dates."
            )
        result.date = format_date(given.moment, given.has_time)
        if given.source:
            result.messages.append(f"Datum {result.date} ({given.source})")
        self._resolve_links(result)
        image = photo.header_path if photo and alt else None
        result.photo = image or ""
        text = case_markdown(case, given.moment, given.has_time, image=image, image_alt=alt,
                             draft=result.draft)

        photo_changes = photo is not None and not photo.is_in_place()
        if photo_changes and photo.target.exists() and not self.force:
            result.fail(f"{display_path(photo.target)} gibt es schon, mit einem anderen Bild – nichts wurde "
                        "geschrieben. Mit --force wird es durch das Foto aus dem Export ersetzt.")
            return
        if target.exists():
            if _read(target) == text and not photo_changes and not replaces:
                result.status = UNCHANGED
                return
            if not self.force:
                result.fail(f"{display_path(target)} gibt es schon und weicht vom Export ab – nichts wurde "
                            "überschrieben. Mit --force wird die Datei durch den Import ersetzt.")
                return
        result.status = REPLACED if target.exists() or replaces else NEW
        if replaces:
            result.messages.append(f"ersetzt {display_path(replaces)}")
        if self.dry_run:
            return
        if photo_changes:
            copy_photo(photo)
        _write(target, text, overwrite=self.force)
        if replaces:
            Path(replaces).unlink(missing_ok=True)
        self.taken[case.number] = target

    def import_page(self, result):
        try:
            self._import_page(result)
        except OSError as error:
            result.fail(f"Schreiben fehlgeschlagen ({error.strerror or error}) – prüfen Sie, ob "
                        "content/ beschreibbar ist und genug Platz hat.")

    def _import_page(self, result):
        case = result.case
        result.is_page = True
        first = self.claimed.get(case.page_slug)
        if first is not None:
            result.fail(f"Die Seite „{case.page_slug}“ kommt in diesem Import schon aus {first.source.name} – "
                        "nichts wurde geschrieben. Übernehmen Sie den Text dieser Seite von Hand.")
            return
        self.claimed[case.page_slug] = result
        target = self.cases_dir.parent / "pages" / f"{case.page_slug}.md"
        result.target = target
        text, notes = page_markdown(case, lambda key: self._url_for(result, key), self.addresses)
        result.messages += notes
        if target.exists():
            if _read(target) == text:
                result.status = UNCHANGED
                return
            if not self.force:
                result.fail(f"{display_path(target)} gibt es schon und weicht vom Export ab – nichts wurde "
                            "überschrieben. Mit --force wird die Datei durch den Import ersetzt (löschen Sie die "
                            "Seiten der Demo zuerst mit „invoke demo-entfernen“).")
                return
        result.status = REPLACED if target.exists() else NEW
        if not self.dry_run:
            _write(target, text, overwrite=self.force)

    def _url_for(self, result, key):
        url = self.pages.get(key)
        if url is None:
            result.messages.append(f"Link auf „{key}“ entfernt (keine Seite dieses Exports, die die neue Website hat); "
                                   "der Text steht noch da")
        return url

    def _date(self, case):
        if case.number in self.dated:
            return self.dated[case.number]
        if self.forced_date:
            return self.forced_date
        if case.date:
            return GivenDate(case.date, case.has_time, case.date_source)
        return None

    def _placeholder_date(self, target):
        """A draft's date until the author gives the real one; the one the
        draft already has, so a second import changes nothing."""
        if target.is_file():
            try:
                header = read_header(target)
                if header.is_draft and header.value("date"):
                    return parse_date(header.value("date")).moment
            except (CaseError, ImportOptionError, OSError):
                pass
        return datetime.combine(self.today, time(9, 0))

    def _resolve_links(self, result):
        case = result.case

        def resolved(paragraph):
            if getattr(paragraph, "markdown", None) is None or "](export:" not in paragraph.markdown:
                return paragraph
            return Paragraph(str(paragraph), resolve_export_links(paragraph.markdown,
                                                                  lambda key: self._url_for(result, key)),
                             paragraph.list_kind, paragraph.list_id)

        case.summary = resolved(case.summary) if case.summary else case.summary
        case.sections = [(heading, [resolved(p) for p in paragraphs]) for heading, paragraphs in case.sections]


def _unforeseen(error):
    return (f"Die Seite ließ sich nicht lesen ({type(error).__name__}: {error}) – sie wurde "
            "übersprungen. Das ist ein Fehler des Importers; bitte melden Sie ihn mit dieser Datei.")


def _read(path):
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _write(target, text, overwrite):
    target.parent.mkdir(parents=True, exist_ok=True)
    if not overwrite:
        # "x": a file that appeared since the check is not overwritten either.
        with open(target, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        return
    handle, temporary = tempfile.mkstemp(prefix=".import-", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
