"""The photo of a case: found in the export, copied into content/images/
under a name that follows the case number."""

import filecmp
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from PIL import Image, UnidentifiedImageError

SUFFIXES = {".jpg": ".jpg", ".jpeg": ".jpg", ".png": ".png", ".webp": ".webp", ".gif": ".gif"}


@dataclass
class PhotoPlan:
    source: Path
    target: Path  # under content/images/
    header_path: str  # as written after "Image:", e.g. images/fall-08.jpg

    def is_in_place(self):
        return self.target.is_file() and filecmp.cmp(self.source, self.target, shallow=False)


def shown_name(src):
    """A photo's address as the author knows the file: "telefon warten.png",
    not "telefon%20warten.png"."""
    try:
        parts = urlsplit(src.strip())
    except ValueError:
        return src
    name = unquote(parts.path)
    return src if parts.scheme or parts.netloc or not name.isprintable() else name


def find_photo(src, page, export_root, number, images_dir):
    """(PhotoPlan or None, note): the file ``src`` of ``page`` names, if it
    is a readable image inside the export."""
    try:
        parts = urlsplit(src.strip())
    except ValueError:
        return None, f"Das Foto „{src}“ hat keine gültige Adresse – der Fall ist ohne Foto übernommen."
    if parts.scheme or parts.netloc or src.strip().startswith("/"):
        return None, (f"Das Foto „{src}“ liegt nicht im Export – der Fall ist ohne Foto übernommen; "
                      "legen Sie es selbst nach content/images/ und ergänzen Sie „Image:“ und „Image_alt:“.")
    root = Path(export_root).resolve()
    try:
        source = (Path(page).parent / unquote(parts.path)).resolve()
        inside, found = source.is_relative_to(root), source.is_file()
    except (OSError, ValueError):  # "%00" in the address, a name too long
        inside, found = True, False
    if not inside:
        return None, (f"Das Foto „{src}“ liegt außerhalb des Exportordners und wurde nicht gelesen – "
                      "der Fall ist ohne Foto übernommen.")
    src = shown_name(src)
    if not found:
        return None, (f"Das Foto „{src}“ fehlt im Export – der Fall ist ohne Foto übernommen; "
                      "legen Sie es selbst nach content/images/ und ergänzen Sie „Image:“ und „Image_alt:“.")
    suffix = SUFFIXES.get(source.suffix.lower())
    if suffix is None:
        return None, (f"Das Foto „{src}“ ist kein JPEG-, PNG-, WebP- oder GIF-Bild – der Fall ist ohne "
                      "Foto übernommen.")
    try:
        with Image.open(source) as image:
            image.verify()
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None, (f"Das Foto „{src}“ ist beschädigt oder kein Bild – der Fall ist ohne Foto "
                      "übernommen; exportieren Sie das Foto neu.")
    name = f"fall-{number:02d}{suffix}"
    return PhotoPlan(source, Path(images_dir) / name, f"images/{name}"), None


def copy_photo(plan):
    """Copy in one step: a reader never sees half a photo."""
    plan.target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".import-", dir=plan.target.parent)
    os.close(handle)
    try:
        shutil.copyfile(plan.source, temporary)
        os.replace(temporary, plan.target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
