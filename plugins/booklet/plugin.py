import hashlib
import logging
import os
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

import background
from buildcache import stored
from cards.theme import theme_design
from german.dates import german_date

from . import layout

logger = logging.getLogger(__name__)

DEFAULT_SETTINGS = {
    # Typesetting takes seconds on a large site, too long for every
    # preview build: pelicanconf.py turns it off, publishconf.py on.
    "BOOKLET": True,
    "BOOKLET_SAVE_AS": "tipps/alle-tipps.pdf",
}


class BookletGenerator(Generator):
    """The booklet is typeset in a process of its own, begun once the tips
    are known (``start_typesetting``), beside the rendering of the pages;
    its PDF is kept in the cache and put into the output when the pages
    are written."""

    _planned = None  # (cached PDF, its future bytes or None when cached)

    def start_typesetting(self):
        self._planned = None
        save_as = self.settings["BOOKLET_SAVE_AS"]
        if not (self.settings["BOOKLET"] and save_as):
            return
        # Only published cases have tips in the context; drafts never do.
        tips = self.context.get("tips", [])
        siteurl = self.settings["SITEURL"]
        entries = [
            layout.Entry(
                case_number=tip.case_number,
                case_title=tip.case_title,
                case_address=f"{siteurl}/{tip.case_url}",
                heading=tip.heading,
                html=str(tip.html),
                date=german_date(tip.date),
                position=tip.position,
                tips_in_case=tip.count,
            )
            for tip in tips
        ]
        # The newest case's date: the booklet changes only with the tips.
        stand = german_date(max((tip.date for tip in tips), default=None))
        theme = theme_design(self)
        if not theme.usable:  # reported once for the build
            return
        fonts, colours = theme.fonts, layout.Colours.from_palette(theme.palette)
        site_name = self.settings["SITENAME"]
        key = _key(entries, site_name, siteurl, fonts, colours, stand)
        cached = os.path.join(self.settings["CACHE_PATH"], "booklet", f"{key}.pdf")
        typesetting = None
        if not stored.reusable(cached, self.settings.get("BUILD_CACHE_REUSE", True)):
            typesetting = background.start_apart(self.settings, layout.write, entries, site_name, siteurl, fonts,
                                                 colours, stand)
            logger.debug("Tipp-Heft: %d Tipps zu setzen, %s", len(entries),
                         "in einem eigenen Prozess" if background.allowed(self.settings) else "in diesem Prozess")
        self._planned = (cached, typesetting)

    def generate_output(self, writer):
        if self._planned is None:
            return
        (cached, typesetting), self._planned = self._planned, None
        save_as = self.settings["BOOKLET_SAVE_AS"]
        if typesetting is not None:
            try:
                pdf = typesetting.result()
            except Exception as error:  # noqa: BLE001 - whatever fails, the site is built
                logger.error(
                    "Das Tipp-Heft %s ließ sich nicht setzen (%s: %s). Die übrige Website ist gebaut; "
                    "bitte melden Sie den Fehler mit dieser Meldung.", save_as, type(error).__name__, error,
                )
                return
            stored.keep(cached, lambda part: Path(part).write_bytes(pdf))
        stored.place(cached, os.path.join(self.output_path, save_as))


def start_typesetting(generators):
    for generator in generators:
        if isinstance(generator, BookletGenerator):
            generator.start_typesetting()


def _key(entries, site_name, siteurl, fonts, colours, stand):
    """Changes with everything the booklet shows, and with the code and
    typeface that make it."""
    digest = hashlib.sha256()
    for path in (layout.__file__, fonts.regular, fonts.bold):
        digest.update(Path(path).read_bytes())
    digest.update(repr((entries, site_name, siteurl, colours, stand)).encode())
    return digest.hexdigest()[:16]


def add_default_settings(pelican):
    for key, value in DEFAULT_SETTINGS.items():
        pelican.settings.setdefault(key, value)


def get_generators(pelican):
    return BookletGenerator


def register():
    signals.initialized.connect(add_default_settings)
    signals.get_generators.connect(get_generators)
    # Once every generator has read its content: the tips are known.
    signals.all_generators_finalized.connect(start_typesetting)
