import logging

from pelican import signals

from .dates import german_date, iso_date
from .headings import DEFAULT_GLUE_MAX, hyphenate, unglue_long
from .quotes import germanize_quotes
from .typography import SETTINGS, GermanTypography

logger = logging.getLogger(__name__)


def add_default_settings(pelican):
    settings = pelican.settings
    settings.setdefault("GERMAN_TYPOGRAPHY", True)
    # Two words longer than this are not glued at the end of a heading (plugins/german/headings.py).
    settings.setdefault("GERMAN_HEADING_GLUE_MAX", DEFAULT_GLUE_MAX)
    if settings["GERMAN_TYPOGRAPHY"]:
        extensions = settings.setdefault("MARKDOWN", {}).setdefault("extensions", [])
        if not any(isinstance(e, GermanTypography) for e in extensions):
            extensions.append(GermanTypography(settings={name: settings[name] for name in SETTINGS}))
    if settings["GERMAN_TYPOGRAPHY"] and settings.get("TYPOGRIFY"):
        logger.warning(
            "TYPOGRIFY und GERMAN_TYPOGRAPHY sind beide an; der Text würde zweimal gesetzt. "
            "Setzen Sie TYPOGRIFY = False (GERMAN_TYPOGRAPHY macht typogrify mit)."
        )


def add_jinja_filters(generator):
    generator.env.filters.setdefault("german_date", german_date)
    generator.env.filters.setdefault("iso_date", iso_date)
    generator.env.filters.setdefault("hyphenate", hyphenate)


def germanize_content(content):
    """Runs on every article and page. German quotes are GERMAN_TYPOGRAPHY's
    job; only after Pelican's own TYPOGRIFY are they put in here."""
    if content.settings.get("TYPOGRIFY"):
        # As GERMAN_TYPOGRAPHY sets it: German quotes, and glue only where it fits.
        # Private to Pelican: its TYPOGRIFY runs after the reader, and the
        # HTML as read (``_content``, before links are resolved; ``content``
        # resolves them, too early here) has no public setter, nor has the
        # summary Pelican writes back from ``_summary`` (which it calls
        # "an internal variable that some plugins may be writing to").
        # Pinned by tests/test_private_interfaces.py.
        glue_max = content.settings.get("GERMAN_HEADING_GLUE_MAX", DEFAULT_GLUE_MAX)
        content._content = unglue_long(germanize_quotes(content._content), glue_max)
        if "title" in content.metadata:
            content.title = unglue_long(germanize_quotes(content.title), glue_max)
            content.metadata["title"] = content.title
        if "summary" in content.metadata:
            content.metadata["summary"] = unglue_long(germanize_quotes(content.metadata["summary"]), glue_max)
            content._summary = content.metadata["summary"]
    if hasattr(content, "date"):
        content.locale_date = german_date(content.date)


def register():
    signals.initialized.connect(add_default_settings)
    signals.generator_init.connect(add_jinja_filters)
    signals.content_object_init.connect(germanize_content)
