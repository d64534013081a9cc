from pelican import signals

from .dates import german_date, iso_date
from .quotes import germanize_quotes


def add_jinja_filters(generator):
    generator.env.filters.setdefault("german_date", german_date)
    generator.env.filters.setdefault("iso_date", iso_date)


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
        content.locale_date = german_date(content.date)
    if hasattr(content, "modified"):
        content.locale_modified = german_date(content.modified)


def register():
    signals.generator_init.connect(add_jinja_filters)
    signals.content_object_init.connect(germanize_content)
