"""Make the resized versions of one photo, once, with Pillow."""

import hashlib
import os
import shutil
from dataclasses import dataclass

from PIL import ExifTags, Image, ImageOps

WIDTHS = (480, 800, 1200)
FORMATS = {"webp": ("WEBP", {"quality": 72, "method": 6}), "jpg": ("JPEG", {"quality": 78, "optimize": True, "progressive": True})}


@dataclass(frozen=True)
class Variant:
    path: str  # relative to the output folder, e.g. images/fall-02-480.webp
    width: int
    height: int
    format: str  # "webp" or "jpg"


def source_key(path):
    """Changes whenever the photo's bytes change."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def plan_variants(source, relative, cache_dir):
    """The versions of ``source`` (at ``relative`` in content), made if not cached.

    Returns [(Variant, cached file)]; widths above the original's are left out.
    """
    key = source_key(source)
    stem, _ = os.path.splitext(relative)
    with Image.open(source) as image:
        original_width, original_height = image.size
        # Turned by its EXIF orientation, a portrait shot from a camera is
        # stored lying on its side. Read from the header: decoding the
        # pixels is only needed for a version not yet in the cache.
        if image.getexif().get(ExifTags.Base.Orientation, 1) in (5, 6, 7, 8):
            original_width, original_height = original_height, original_width
        upright = None
        widths = [w for w in WIDTHS if w < original_width] or [original_width]
        if original_width > widths[-1] and len(widths) < len(WIDTHS):
            widths.append(original_width)
        planned = []
        for width in widths:
            height = round(original_height * width / original_width)
            for extension, (pil_format, options) in FORMATS.items():
                variant = Variant(f"{stem}-{width}.{extension}", width, height, extension)
                cached = os.path.join(cache_dir, f"{key}-{width}.{extension}")
                if not os.path.exists(cached):
                    os.makedirs(cache_dir, exist_ok=True)
                    if upright is None:
                        upright = ImageOps.exif_transpose(image)
                    resized = upright.convert("RGB").resize((width, height), Image.Resampling.LANCZOS)
                    # A name of this build's own: a second build making the
                    # same version at the same time must not finish ours.
                    part = f"{cached}.{os.getpid()}.part"
                    resized.save(part, pil_format, **options)
                    os.replace(part, cached)
                planned.append((variant, cached))
    return planned


def copy_variants(planned, output_path):
    for variant, cached in planned:
        target = os.path.join(output_path, variant.path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(cached, target)
