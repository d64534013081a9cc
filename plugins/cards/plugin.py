import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

import background
from buildcache import stored

from . import drawing
from .theme import theme_design

logger = logging.getLogger(__name__)

DEFAULT_SETTINGS = {
    # {fall} is the case number, {key} changes with what the card shows:
    # a network that keeps an old card fetches the new one under its new name.
    "CARD_SAVE_AS": "karten/fall-{fall}-{key}.png",
    # Cards missing from the cache are drawn in a pool of processes while
    # Pelican writes the pages; starting the workers costs more than a few
    # cards take, so fewer are drawn in the build's own process.
    "CARD_PROCESSES": os.cpu_count() or 1,
    "CARD_MIN_PARALLEL": 50,
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
        self._drawing = []  # (cached paths, future of their cards' bytes)
        if not save_as:
            return
        theme = theme_design(self)
        if not theme.usable:  # reported once for the build
            return
        fonts, colours = theme.fonts, drawing.Colours.from_palette(theme.palette)
        site_name = self.settings["SITENAME"]
        design = _design_key(fonts, colours, site_name)
        cache_dir = os.path.join(self.settings["CACHE_PATH"], "cards")
        cases = list(self.context.get("articles", []))
        # A draft's card only where the draft itself is written (the
        # preview); the published site names no draft anywhere.
        if self.settings.get("DRAFT_SAVE_AS"):
            cases += self.context.get("drafts", [])
        missing = {}
        for case in cases:
            number = getattr(case, "fall", None)
            if number is None:
                continue
            title = case.record.title_text
            key = hashlib.sha256(f"{design}\0{number}\0{title}".encode()).hexdigest()[:12]
            cached = os.path.join(cache_dir, f"{key}.png")
            if cached not in missing and not stored.reusable(cached, self.settings.get("BUILD_CACHE_REUSE", True)):
                missing[cached] = (number, title)
            case.card = Card(save_as.format(fall=number, key=key), f"Der {number}. Fall: {title}")
            self.planned.append((case.card, cached))
        self._start_drawing(missing, (site_name, fonts, colours))

    def _start_drawing(self, missing, design):
        """Draw the cards ``missing`` from the cache ({cached path: (number,
        title)}): in worker processes, kept when the cards are copied, or
        at once in this one. The same function either way, so the bytes do
        not depend on where a card was drawn."""
        paths, cases = list(missing), list(missing.values())
        processes = min(self.settings["CARD_PROCESSES"], len(cases))
        pool = None
        if len(cases) >= self.settings["CARD_MIN_PARALLEL"]:
            pool = background.pool(self.settings, processes)
        if pool is None:
            _keep(paths, drawing.draw_many(cases, *design))
            return
        logger.debug("Vorschaukarten: %d zu zeichnen, von %d Prozessen", len(cases), processes)
        chunk = max(1, len(cases) // (processes * 8))
        for start in range(0, len(cases), chunk):
            batch = cases[start : start + chunk]
            self._drawing.append((paths[start : start + chunk],
                                  pool.submit(_draw_and_keep, paths[start : start + chunk], batch, *design)))
        # The workers go on with what they were given while this process
        # goes on to the pages; they end when they are done.
        pool.shutdown(wait=False)

    def generate_output(self, writer):
        for _paths, drawn in self._drawing:
            drawn.result()  # kept in the cache by the worker (_draw_and_keep)
        self._drawing = []
        for card, cached in self.planned:
            stored.place(cached, os.path.join(self.output_path, card.path))


def _draw_and_keep(paths, cases, *design):
    """A worker's task: draw the cards and keep them in the cache itself.
    Nothing drawn goes back: at 10,000 cases the cards' bytes (some 270 MB)
    waited in the build's memory until the pages were written."""
    _keep(paths, drawing.draw_many(cases, *design))


def _keep(paths, cards):
    for cached, card in zip(paths, cards, strict=True):
        stored.keep(cached, lambda part, card=card: Path(part).write_bytes(card))


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
