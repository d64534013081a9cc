import os

from pelican import signals
from pelican.generators import Generator

from cases.checklist import CHECKS_ONLY, Stage, register_check
from cases.checks import LEFT_OUT
from cases.model import Problem, display_path
from cases.plugin import leave_out
from cases.sources import NotInContent, content_file

from .variants import PhotoError, place_variants, plan_variants

# The column's text is at most 40rem wide; on phones the photo fills the screen.
SIZES = "(min-width: 44rem) 40rem, 100vw"


class Photo:
    """What the templates need to show a case's photo."""

    def __init__(self, planned):
        self.planned = planned  # [(Variant, cached file)]

    @property
    def variants(self):
        return [variant for variant, _ in self.planned]

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


def plan_photos(generator):
    """Check (Stage.CASES_ON_SITE): give every case its photo's versions,
    before Pelican files the cases under tags and dates; a case whose
    photo cannot be shown is left out, as a case with a fault in its text
    is. A run that only checks makes no versions (it reads the photo)."""
    cache_dir = os.path.join(generator.settings["CACHE_PATH"], "photos")
    make = not generator.settings.get(CHECKS_ONLY, False)
    problems = []
    failed = []
    for case in generator.articles + generator.drafts + generator.hidden_articles:
        case.photo = None
        image = getattr(case, "image", None)
        if not image:
            continue
        try:
            relative = content_file(image, generator.path)
        except (NotInContent, FileNotFoundError):
            failed.append(case)  # reported by the cases plugin's checks
            continue
        try:
            case.photo = Photo(plan_variants(os.path.join(generator.path, relative), relative, cache_dir,
                                             generator.settings.get("BUILD_CACHE_REUSE", True), make=make))
        except PhotoError as error:
            failed.append(case)
            problems.append(photo_problem(case, error))
    leave_out(generator, failed)
    return problems


def photo_problem(case, error):
    """The Problem of a case whose photo Pillow cannot read (PhotoError)."""
    return Problem(
        display_path(case.source_path),
        f"Das Bild „{case.image}“ {error.message} {LEFT_OUT}",
        error.hint,
        getattr(case, "header_lines", {}).get("image"),
    )


class PhotoGenerator(Generator):
    def generate_output(self, writer):
        cases = self.context.get("articles", []) + self.context.get("drafts", [])
        place_variants([planned for case in cases if case.photo for planned in case.photo.planned], self.output_path)


def get_generators(pelican):
    return PhotoGenerator


def register():
    register_check(Stage.CASES_ON_SITE, plan_photos)
    signals.get_generators.connect(get_generators)
