"""German dates with Babel, independent of the operating system's locale."""

from babel.dates import format_date

LONG_DATE = "d. MMMM y"  # 14. Mai 2024


def german_date(value, pattern=LONG_DATE):
    """Format a date or datetime the German way, e.g. "14. Mai 2024"."""
    if value is None:
        return ""
    return format_date(value, format=pattern, locale="de_DE")


def iso_date(value):
    """Machine-readable date for <time datetime="…">."""
    return value.isoformat()
