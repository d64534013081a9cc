"""Scheduled cases: a case dated in the future is "geplant". It stays off
the site until a build on or after its date; the preview shows it as a
draft, marked with the moment it goes online.

Decided after reading, on the cases Pelican has read or taken from its
content cache (article_generator_pretaxonomy), never while reading: a
case cached while it lay in the future must appear once its date has
passed, with the same cache. That is also why Pelican's own
``WITH_FUTURE_DATES = False`` does not fit: it turns a case into a draft
as it is read, so the cache keeps it a draft (Pelican refuses it with the
generator caching layer for that reason), and it reads the clock itself.

``SCHEDULE_NOW`` (ISO date and time, in TIMEZONE unless it says
otherwise; None: the clock) is the moment a build counts as now — for
tests and for trying out a schedule. It is left out of the build cache's
key (plugins/buildcache/key.py): nothing cached depends on it.
"""

import copy
import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

logger = logging.getLogger(__name__)


def build_time(settings):
    """The moment this build counts as now, in the site's time zone."""
    zone = ZoneInfo(settings.get("TIMEZONE") or "UTC")
    given = settings.get("SCHEDULE_NOW")
    if not given:
        return datetime.now(zone)
    try:
        moment = datetime.fromisoformat(str(given))
    except ValueError:
        logger.error("SCHEDULE_NOW = „%s“ ist kein Zeitpunkt. Schreiben Sie ihn wie 2025-05-14T09:00 (oder "
                     "None für die Uhr des Rechners); bis dahin zählt die Uhr des Rechners.", given)
        return datetime.now(zone)
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


def is_scheduled(date, now):
    """Whether a case dated ``date`` is still to come at ``now``."""
    if date.tzinfo is None:
        date = date.replace(tzinfo=now.tzinfo)
    return date > now


def scheduled_label(date):
    """"geplant für 14. Mai 2025, 09:00 Uhr": the state of a scheduled case."""
    return f"geplant für {format_datetime(date, 'd. MMMM y, HH:mm', tzinfo=date.tzinfo, locale='de_DE')} Uhr"


def hold_back_scheduled(generator):
    """Take the cases still to come off the site. Where drafts are shown
    (the preview) each is shown as one, marked; the cached case itself is
    left as read, so the next build decides afresh."""
    now = build_time(generator.settings)
    scheduled = [case for case in generator.articles if is_scheduled(case.date, now)]
    if not scheduled:
        return
    held_back = set(map(id, scheduled))
    generator.articles = [case for case in generator.articles if id(case) not in held_back]
    for case in scheduled:
        logger.info("Fall %s ist %s und noch nicht auf der Website.", getattr(case, "fall", "?"), scheduled_label(case.date))
    if generator.settings.get("DRAFT_SAVE_AS"):
        generator.drafts = generator.drafts + [_shown_as_draft(case) for case in scheduled]


def is_scheduled_copy(case):
    """Whether ``case`` is a scheduled case shown as a draft (the preview):
    it is to be published, so it is checked as a published case is."""
    return getattr(case, "schedule_note", None) is not None


def _shown_as_draft(case):
    shown = copy.copy(case)  # the cached case keeps its status
    shown.status = "draft"
    label = scheduled_label(case.date)
    shown.schedule_note = f"{label[0].upper()}{label[1:]}: erst dann erscheint dieser Fall auf der veröffentlichten Website."
    return shown
