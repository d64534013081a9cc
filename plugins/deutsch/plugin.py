from pelican import signals

from .datum import MONTH_YEAR, datum, iso_datum
from .typografie import germanize_quotes


def add_jinja_filters(generator):
    generator.env.filters.setdefault("datum", datum)
    generator.env.filters.setdefault("iso_datum", iso_datum)
    generator.env.globals.setdefault("MONAT_JAHR", MONTH_YEAR)


def germanize_content(content):
    """Runs on every article and page, after typogrify."""
    if content.settings.get("TYPOGRIFY"):
        content._content = germanize_quotes(content._content)
        if "title" in content.metadata:
            content.title = germanize_quotes(content.title)
            content.metadata["title"] = content.title
        if "summary" in content.metadata:
            content.metadata["summary"] = germanize_quotes(content.metadata["summary"])
            content._summary = content.metadata["summary"]
    if hasattr(content, "date"):
        content.locale_date = datum(content.date)
    if hasattr(content, "modified"):
        content.locale_modified = datum(content.modified)


def register():
    signals.generator_init.connect(add_jinja_filters)
    signals.content_object_init.connect(germanize_content)
