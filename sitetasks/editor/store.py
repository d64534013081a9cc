"""The editor's cases on disk: the list with states and problems, a case
as form fields, saving a form back into its file, photos on arrival.

Nothing here knows the web: each function takes the content folder and
returns data or raises EditorError with a German message. Files are
written only into content/ (case files, photos) and the cache folder
(uploads waiting for their case to be saved).
"""

import errno
import hashlib
import io
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from cases.casefile import compose, parse, splice
from cases.checks import case_numbers, read_header
from cases.model import CaseError, case_filename, display_path, parse_case_number
from german.dates import german_date

# Photos larger than this are refused on arrival (docs/autorenhandbuch.md).
MAX_PHOTO_BYTES = 25 * 1024 * 1024
# Photos wider or taller are scaled down once, on arrival, to this many
# pixels on their longer side (the site shows at most 1200 px).
MAX_PHOTO_PIXELS = 3000
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
NEW = "neu"  # the version of a case not saved yet


class EditorError(Exception):
    """What went wrong, for the author (``status``: the HTTP status)."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Listed:
    file: str
    number: int | None
    title: str
    date: str
    state: str  # "entwurf", "geplant", "veroeffentlicht"
    state_label: str
    problems: list


def version_of(raw):
    return hashlib.sha256(raw).hexdigest()


def case_date(value, timezone):
    """The header's date as an aware datetime, or None if unreadable."""
    from pelican.utils import get_date

    try:
        when = get_date(value)
    except (ValueError, TypeError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=ZoneInfo(timezone))


def state_of(header, timezone, now=None):
    """(state, German label) of a case, as the list shows it."""
    if header.is_draft:
        return "entwurf", "Entwurf"
    when = case_date(header.value("date") or "", timezone)
    now = now or datetime.now(ZoneInfo(timezone))
    if when is not None and when > now:
        return "geplant", f"geplant für {german_date(when)}"
    return "veroeffentlicht", "veröffentlicht"


def list_cases(content, timezone, problems=(), now=None):
    """Every case file in content/faelle, newest number first, each with
    its problems (Problems from the build's checks, by file)."""
    by_file = {}
    for problem in problems:
        by_file.setdefault(problem.path, []).append(problem)
    listed = []
    for path in sorted((Path(content) / "faelle").glob("*.md")):
        try:
            header = read_header(path)
        except CaseError:
            listed.append(Listed(path.name, None, path.name, "", "entwurf", "unlesbar",
                                 by_file.get(display_path(path), [])))
            continue
        try:
            number = parse_case_number(header.value("fall"), path)
        except CaseError:
            number = None
        when = case_date(header.value("date") or "", timezone)
        state, label = state_of(header, timezone, now)
        listed.append(Listed(path.name, number, header.value("title") or "(ohne Titel)",
                             german_date(when) if when else (header.value("date") or ""), state, label,
                             by_file.get(display_path(path), [])))
    listed.sort(key=lambda c: (c.number is None, -(c.number or 0), c.file))
    return listed


def case_path(content, name):
    """The case file ``name`` in content/faelle; nothing outside it."""
    folder = (Path(content) / "faelle").resolve()
    path = (folder / name).resolve()
    if path.parent != folder or path.suffix != ".md" or not path.is_file():
        raise EditorError(404, f"Den Fall „{name}“ gibt es nicht (mehr) in content/faelle/.")
    return path


def form_of(content, name):
    """The form fields of the case file ``name`` and its version."""
    path = case_path(content, name)
    raw = path.read_bytes()
    try:
        case = parse(raw.decode("utf-8"))
    except UnicodeDecodeError:
        # Saving would have to change bytes the form never showed.
        raise EditorError(422, (
            f"„{name}“ ist nicht als UTF-8 gespeichert; so kann die Redaktion den Fall nicht öffnen, ohne ihn zu "
            "verändern. Öffnen Sie die Datei in einem Texteditor und speichern Sie sie als UTF-8, dann hier neu "
            "laden.")) from None
    fields = {key: case.value(key) for key in ("title", "fall", "tags", "summary", "image", "image_alt",
                                                "image_credit")}
    fields["date"] = form_date(case.value("date"))
    fields["status"] = "draft" if case.value("status").lower() == "draft" else "published"
    fields["text"] = case.story_text
    fields["tips"] = [list(pair) for pair in case.tip_pairs]
    return {"file": path.name, "version": version_of(raw), "fields": fields}


def new_form(content, timezone, now=None):
    """Fields of a new case: the next free number, today's date."""
    number = max(case_numbers(Path(content) / "faelle"), default=0) + 1
    now = now or datetime.now(ZoneInfo(timezone))
    return {"file": None, "version": NEW, "fields": {
        "title": "", "fall": str(number), "date": now.strftime("%Y-%m-%dT%H:%M"), "tags": "", "summary": "",
        "image": "", "image_alt": "", "image_credit": "", "status": "draft", "text": "",
        "tips": [["Der Tipp des »eingebauten« Kunden", ""]],
    }}


def form_date(value):
    """The header's date for <input type=datetime-local>, if it reads so."""
    from pelican.utils import get_date

    try:
        return get_date(value).strftime("%Y-%m-%dT%H:%M") if value else ""
    except (ValueError, TypeError):
        return value


def header_date(form_value, old_value):
    """The form's date as the header writes it; the old text if the form
    shows the same moment (so "2024-01-16" stays as written)."""
    if old_value and form_date(old_value) == form_value:
        return old_value
    return form_value.replace("T", " ")


def case_text(content, fields, name=None, photo=None):
    """(file name, text) of the case as the form has it: spliced into the
    file ``name`` (only what differs changes) or composed anew; ``photo``:
    the photo's path under content/ if one was just added."""
    old = parse(case_path(content, name).read_text(encoding="utf-8", errors="replace")) if name else None
    header = {
        "title": fields.get("title", ""), "fall": str(fields.get("fall", "")).strip(),
        "date": header_date(fields.get("date", ""), old.value("date") if old else ""),
        "tags": fields.get("tags", ""), "summary": fields.get("summary", ""),
        "image": photo or fields.get("image", ""), "image_alt": fields.get("image_alt", ""),
        "image_credit": fields.get("image_credit", ""),
    }
    draft = fields.get("status") == "draft"
    tips = [(str(h), str(t)) for h, t in fields.get("tips", [])]
    if old is None:
        return None, compose({**header, "status": "draft" if draft else ""}, fields.get("text", ""), tips)
    old_status = old.value("status")
    # "published" leaves any other status (e.g. "hidden") as written.
    header["status"] = "draft" if draft else ("" if old_status.lower() == "draft" else old_status)
    return name, splice(old, header=header, text=fields.get("text", ""), tips=tips)


def save_case(content, cache, fields, name=None, version=NEW, upload=None):
    """Write the form into its case file; return its form again (with the
    new version). Refuses when the file changed since ``version``."""
    number = parse_number(fields)
    photo_target = None
    if upload:
        source = uploaded(cache, upload)
        photo_target = Path(content) / "images" / f"fall-{number:02d}{source.suffix}"
    if name:
        path = case_path(content, name)
        if version_of(path.read_bytes()) != version:
            raise EditorError(409, (
                f"„{name}“ wurde geändert, seit Sie den Fall geöffnet haben (in einem Texteditor oder einem "
                "anderen Fenster). Nichts wurde gespeichert; Ihr Text steht weiter im Formular. Kopieren Sie "
                "Ihre Änderung, laden Sie die Seite neu und fügen Sie sie wieder ein."))
    photo = f"images/{photo_target.name}" if photo_target else None
    name, text = case_text(content, fields, name, photo)
    try:
        if photo_target:
            photo_target.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(photo_target, source.read_bytes(), cache)
        if name:
            path = Path(content) / "faelle" / name
            write_atomically(path, text.encode("utf-8"), cache)
        else:
            name = case_filename(number, fields.get("title", "") or "ohne Titel")
            path = Path(content) / "faelle" / name
            try:
                with open(path, "xb") as handle:  # never over another case
                    handle.write(text.encode("utf-8"))
            except FileExistsError:
                raise EditorError(409, (
                    f"content/faelle/{name} gibt es schon; nichts wurde überschrieben. Geben Sie dem Fall eine "
                    "andere Nummer oder einen anderen Titel.")) from None
    except OSError as error:
        raise EditorError(507 if error.errno in (errno.ENOSPC, errno.EDQUOT) else 500, disk_message(error)) from None
    if upload:
        source.unlink(missing_ok=True)
    return form_of(content, name)


def disk_message(error):
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        reason = "Auf dem Datenträger ist kein Platz mehr."
    elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        reason = "Die Datei darf nicht geschrieben werden (keine Schreibrechte)."
    else:
        reason = f"Die Datei ließ sich nicht schreiben ({error.strerror or error})."
    return (f"Nicht gespeichert: {reason} Ihr Text steht weiter im Formular; schaffen Sie Platz bzw. "
            "beheben Sie die Ursache und speichern Sie noch einmal.")


def write_atomically(path, data, cache):
    """Write ``data`` to ``path`` in one step: a half-written case never
    reaches the build (the part is written in the cache folder)."""
    scratch = Path(cache) / "redaktion"
    scratch.mkdir(parents=True, exist_ok=True)
    part = scratch / f"{path.name}.{os.getpid()}.part"
    try:
        part.write_bytes(data)
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)


def parse_number(fields):
    try:
        return parse_case_number(str(fields.get("fall", "")), "Formular")
    except CaseError as error:
        raise EditorError(422, f"Nicht gespeichert: {error.problem.message} {error.problem.hint}") from None


def uploaded(cache, token):
    """The waiting upload ``token`` (a name we gave it)."""
    folder = (Path(cache) / "redaktion" / "fotos").resolve()
    matches = [p for p in folder.glob(f"{token}.*") if p.parent == folder] if token.isalnum() else []
    if not matches:
        raise EditorError(410, "Das hochgeladene Foto ist nicht mehr da. Ziehen Sie es bitte noch einmal auf das Feld „Foto“.")
    return matches[0]


def receive_photo(cache, data):
    """Keep an uploaded photo until its case is saved; return its token.

    Only JPEG, PNG and WebP that Pillow decodes whole; a photo over
    MAX_PHOTO_PIXELS on its longer side is scaled down once, here."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    from photos.variants import PhotoError, check_photo

    if len(data) > MAX_PHOTO_BYTES:
        raise EditorError(413, (f"Das Foto ist {len(data) / 1024 / 1024:.0f} MB groß; erlaubt sind bis "
                                f"{MAX_PHOTO_BYTES // 1024 // 1024} MB. Verkleinern Sie es vorher in einem Bildprogramm."))
    refused = EditorError(415, "Das ist kein Foto, das die Website zeigen kann. Erlaubt sind JPEG, PNG und WebP.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            if kind not in PHOTO_FORMATS:
                raise refused
            image = ImageOps.exif_transpose(image)
            image.load()
            if max(image.size) > MAX_PHOTO_PIXELS:
                image.thumbnail((MAX_PHOTO_PIXELS, MAX_PHOTO_PIXELS), Image.Resampling.LANCZOS)
                out = io.BytesIO()
                if kind == "JPEG" and image.mode not in ("RGB", "L"):
                    image = image.convert("RGB")
                image.save(out, kind, **({"quality": 90} if kind in ("JPEG", "WEBP") else {}))
                data = out.getvalue()
    except EditorError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        raise refused from None
    folder = Path(cache) / "redaktion" / "fotos"
    token = secrets.token_hex(16)
    path = folder / f"{token}.{PHOTO_FORMATS[kind]}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        check_photo(path)  # the build's own check
    except PhotoError as error:
        path.unlink(missing_ok=True)
        raise EditorError(415, f"Das Foto {error.message} {error.hint}") from None
    except OSError as error:
        path.unlink(missing_ok=True)
        raise EditorError(507, disk_message(error).replace("Ihr Text", "Das Foto ist nicht angekommen; ihr Text")) from None
    return token, path
