"""Make the resized versions of one photo, once, with Pillow."""

import hashlib
import os
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import quote

from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from buildcache import stored

WIDTHS = (480, 800, 1200)
FORMATS = {"webp": ("WEBP", {"quality": 72, "method": 6}), "jpg": ("JPEG", {"quality": 78, "optimize": True, "progressive": True})}


@dataclass(frozen=True)
class Variant:
    path: str  # relative to the output folder, e.g. images/fall-02-480.webp
    width: int
    height: int
    format: str  # "webp" or "jpg"

    @property
    def url(self):
        """The path as a URL: a space or a quote in the author's file name
        cannot end the attribute or split a srcset entry."""
        return quote(self.path)


class PhotoError(ValueError):
    """A photo Pillow cannot make versions of; says why and what to do."""

    def __init__(self, message, hint):
        super().__init__(message)
        self.message = message
        self.hint = hint


def source_key(path):
    """Changes whenever the photo's bytes change."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def plan_variants(source, relative, cache_dir, reuse=True, make=True):
    """The versions of ``source`` (at ``relative`` in content), made if not
    cached intact (or ``reuse`` is False: all made again); with ``make``
    False only its pixels are read, as making them would.

    Returns [(Variant, cached file)]; widths above the original's are left
    out. Raises PhotoError if ``source`` is no photo Pillow can read whole.
    """
    key = source_key(source)
    stem, _ = os.path.splitext(relative)
    with _photo_errors(), Image.open(source) as image:
        original_width, original_height = image.size
        # Turned by its EXIF orientation, a portrait shot from a camera is
        # stored lying on its side. Read from the header: decoding the
        # pixels is only needed for a version not yet in the cache.
        if image.getexif().get(ExifTags.Base.Orientation, 1) in (5, 6, 7, 8):
            original_width, original_height = original_height, original_width
        widths = [w for w in WIDTHS if w < original_width] or [original_width]
        if original_width > widths[-1] and len(widths) < len(WIDTHS):
            widths.append(original_width)
        planned = []
        for width in widths:
            height = round(original_height * width / original_width)
            for extension in FORMATS:
                variant = Variant(f"{stem}-{width}.{extension}", width, height, extension)
                planned.append((variant, os.path.join(cache_dir, f"{key}-{width}.{extension}")))
        missing = [(variant, cached) for variant, cached in planned if not stored.reusable(cached, reuse)]
        if missing and not make:
            # Whatever making them would find wrong is in the pixels.
            ImageOps.exif_transpose(image).load()
            missing = []
        upright = ImageOps.exif_transpose(image).convert("RGB") if missing else None
    for variant, cached in missing:
        resized = upright.resize((variant.width, variant.height), Image.Resampling.LANCZOS)
        pil_format, options = FORMATS[variant.format]
        # Written under a name of this build's own: a second build making
        # the same version at the same time must not finish ours.
        stored.keep(cached, lambda part, resized=resized, pil_format=pil_format, options=options:
                    resized.save(part, pil_format, **options))
    return planned


def check_photo(source):
    """Raises PhotoError, as plan_variants would, unless Pillow can read
    every pixel of ``source``; makes no versions."""
    with _photo_errors(), Image.open(source) as image:
        ImageOps.exif_transpose(image).load()


@contextmanager
def _photo_errors():
    """Pillow's errors as PhotoError, worded for the author."""
    try:
        yield
    except Image.DecompressionBombError:
        raise PhotoError(
            f"ist zu groß: mehr als {Image.MAX_IMAGE_PIXELS * 2 // 1_000_000} Millionen Pixel.",
            "Verkleinern Sie es vorher in einem Bildprogramm, z. B. auf 4000 Pixel Breite.",
        ) from None
    except UnidentifiedImageError:
        raise PhotoError(
            "ist kein Bild, das die Website lesen kann (JPEG, PNG, WebP oder GIF).",
            "Speichern Sie das Foto in einem Bildprogramm als JPEG und legen Sie es neu ab.",
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        # Pillow's ways of saying the pixels cannot be read, e.g. "image
        # file is truncated" for a photo copied only halfway.
        raise PhotoError(
            "ist beschädigt oder unvollständig (etwa nur halb kopiert).",
            "Kopieren Sie das Foto noch einmal vom Original.",
        ) from None


def place_variants(planned, output_path):
    """Put the versions ``planned`` into the output, each once: cases
    showing the same photo share its versions."""
    for path, cached in dict((variant.path, cached) for variant, cached in planned).items():
        stored.place(cached, os.path.join(output_path, path))
