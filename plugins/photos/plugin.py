import os

from pelican import signals
from pelican.generators import Generator

from .variants import copy_variants, plan_variants

# The column's text is at most 40rem wide; on phones the photo fills the screen.
SIZES = "(min-width: 44rem) 40rem, 100vw"


class Photo:
    """What the templates need to show a case's photo."""

    def __init__(self, variants):
        self.variants = variants

    def srcset(self, siteurl, extension):
        return ", ".join(
            f"{siteurl}/{v.url} {v.width}w" for v in self.variants if v.format == extension
        )

    @property
    def fallback(self):
        """The middle-sized JPEG: for img src, Open Graph and JSON-LD."""
        jpegs = [v for v in self.variants if v.format == "jpg"]
        return jpegs[min(1, len(jpegs) - 1)]

    @property
    def largest(self):
        return max((v for v in self.variants if v.format == "jpg"), key=lambda v: v.width)

    sizes = SIZES


class PhotoGenerator(Generator):
    def generate_context(self):
        self.planned = []
        cache_dir = os.path.join(self.settings["CACHE_PATH"], "photos")
        cases = self.context.get("articles", []) + self.context.get("drafts", [])
        for case in cases:
            image = getattr(case, "image", None)
            if not image:
                continue
            source = os.path.join(self.path, image)
            if not os.path.isfile(source):
                continue  # reported by the cases plugin's checks
            planned = plan_variants(source, image, cache_dir)
            case.photo = Photo([variant for variant, _ in planned])
            self.planned += planned

    def generate_output(self, writer):
        copy_variants(self.planned, self.output_path)


def get_generators(pelican):
    return PhotoGenerator


def register():
    signals.get_generators.connect(get_generators)
