"""Markdown converted on every core (parallel.py), Pelican's reading
otherwise unchanged."""

import needs

from .plugin import register as register_signals

LISTED_AFTER = ("cases",)  # it runs the Markdown reader cases registers, so it registers after it


def register():
    needs.check_at_start()
    register_signals()
