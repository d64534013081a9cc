import hashlib
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from buildcache import stored
from cases.markdown_text import html_to_text

from . import drawing

logger = logging.getLogger(__name__)

DEFAULT_SETTINGS = {
    # {fall} is the case number, {key} changes with what the card shows:
    # a network that keeps an old card fetches the new one under its new name.
    "CARD_SAVE_AS": "karten/fall-{fall}-{key}.png",
}


@dataclass(frozen=True)
class Card:
    """What the templates need to name a case's card."""

    path: str  # relative to the output folder
    alt: str
    width: int = drawing.WIDTH
    height: int = drawing.HEIGHT

    @property
    def url(self):
        return self.path


class CardGenerator(Generator):
    def generate_context(self):
        save_as = self.settings["CARD_SAVE_AS"]
        self.planned = []
        if not save_as:
            return
        fonts = theme_fonts(self, "die Vorschaukarten")
        if fonts is None:
            return
        stylesheet = Path(self.theme, "static", "css", "site.css").read_text(encoding="utf-8")
        colours = drawing.theme_colours(stylesheet)
        site_name = self.settings["SITENAME"]
        design = _design_key(fonts, colours, site_name)
        cache_dir = os.path.join(self.settings["CACHE_PATH"], "cards")
        cases = list(self.context.get("articles", []))
        # A draft's card only where the draft itself is written (the
        # preview); the published site names no draft anywhere.
        if self.settings.get("DRAFT_SAVE_AS"):
            cases += self.context.get("drafts", [])
        for case in cases:
            number = getattr(case, "fall", None)
            if number is None:
                continue
            title = html_to_text(case.title)
            key = hashlib.sha256(f"{design}\0{number}\0{title}".encode()).hexdigest()[:12]
            cached = os.path.join(cache_dir, f"{key}.png")
            if not stored.reusable(cached, self.settings.get("BUILD_CACHE_REUSE", True)):
                card = drawing.draw(number, title, site_name, fonts, colours)
                stored.keep(cached, lambda part, card=card: Path(part).write_bytes(card))
            case.card = Card(save_as.format(fall=number, key=key), f"Der {number}. Fall: {title}")
            self.planned.append((case.card, cached))

    def generate_output(self, writer):
        for card, cached in self.planned:
            target = os.path.join(self.output_path, card.path)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(cached, target)


def theme_fonts(generator, made):
    """The theme's typeface (THEME_FONTS), or None, reported, if a file is missing."""
    fonts = drawing.Fonts(**{
        weight: os.path.join(generator.theme, path) for weight, path in generator.settings["THEME_FONTS"].items()
    })
    missing = [path for path in (fonts.regular, fonts.bold) if not os.path.isfile(path)]
    if missing:
        logger.error(
            "Die Schrift für %s fehlt: %s. Legen Sie die Datei wieder an oder ändern Sie "
            "THEME_FONTS in pelicanconf.py; bis dahin entsteht nichts davon.", made, ", ".join(missing),
        )
        return None
    return fonts


def _design_key(fonts, colours, site_name):
    """Changes with everything a card shows apart from number and title:
    the drawing code, the typeface, the colours, the site's name."""
    digest = hashlib.sha256()
    for path in (drawing.__file__, fonts.regular, fonts.bold):
        digest.update(Path(path).read_bytes())
    digest.update(repr((colours, site_name)).encode())
    return digest.hexdigest()


def add_default_settings(pelican):
    for key, value in DEFAULT_SETTINGS.items():
        pelican.settings.setdefault(key, value)


def get_generators(pelican):
    return CardGenerator


def register():
    signals.initialized.connect(add_default_settings)
    signals.get_generators.connect(get_generators)
