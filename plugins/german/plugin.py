import logging

from blinker import signal
from pelican import signals

from .dates import german_date, iso_date
from .quotes import germanize_quotes
from .typography import typeset_source

logger = logging.getLogger(__name__)

# Sent by plugins/reading for every converted source; named rather than
# imported, so the plugins load in any order.
source_converted = signal("reading.source_converted")


def add_default_settings(pelican):
    settings = pelican.settings
    settings.setdefault("GERMAN_TYPOGRAPHY", True)
    if settings["GERMAN_TYPOGRAPHY"] and "reading" not in {plugin.__name__.rpartition(".")[2] for plugin in pelican.plugins}:
        logger.warning(
            "GERMAN_TYPOGRAPHY wirkt nur mit dem Plugin „reading“ (dort wird der Text gesetzt). "
            "Nehmen Sie „reading“ in PLUGINS auf."
        )
    if settings["GERMAN_TYPOGRAPHY"] and settings.get("TYPOGRIFY"):
        logger.warning(
            "TYPOGRIFY und GERMAN_TYPOGRAPHY sind beide an; der Text würde zweimal gesetzt. "
            "Setzen Sie TYPOGRIFY = False (GERMAN_TYPOGRAPHY macht typogrify mit)."
        )


def add_jinja_filters(generator):
    generator.env.filters.setdefault("german_date", german_date)
    generator.env.filters.setdefault("iso_date", iso_date)


def germanize_content(content):
    """Runs on every article and page. German quotes are GERMAN_TYPOGRAPHY's
    job; only after Pelican's own TYPOGRIFY are they put in here."""
    if content.settings.get("TYPOGRIFY"):
        content._content = germanize_quotes(content._content)
        if "title" in content.metadata:
            content.title = germanize_quotes(content.title)
            content.metadata["title"] = content.title
        if "summary" in content.metadata:
            content.metadata["summary"] = germanize_quotes(content.metadata["summary"])
            content._summary = content.metadata["summary"]
    if hasattr(content, "date"):
        content.locale_date = german_date(content.date)


def register():
    signals.initialized.connect(add_default_settings)
    source_converted.connect(typeset_source)
    signals.generator_init.connect(add_jinja_filters)
    signals.content_object_init.connect(germanize_content)
