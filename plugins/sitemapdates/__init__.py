"""The sitemap's dates with their real offset.

pelican-sitemap dates a page without a date of its own (the overviews,
tag and tips pages) with the time of the build, taken as naive local
time and labelled "-00:00" (offset unknown): an hour or two off in
Berlin, 14 hours with TZ=Pacific/Kiritimati. Its build time is set here
to the same moment in UTC, which it writes with "+00:00". Cases and
pages carry their own dates, with the site's TIMEZONE.
"""

from datetime import datetime, timezone

from pelican import signals

import needs

NEEDS = ("pelican.plugins.sitemap",)


def build_time_in_utc(pelican):
    # pelican-sitemap has no setting for the time it dates undated pages
    # with; its one SitemapGenerator (``sitemap.generator``) keeps it as
    # ``now``, made naive when the module is imported. Set for every build
    # (get_generators, as the sitemap itself starts each build there), so
    # a Pelican run again (--autoreload, the preview) dates its own build.
    # Pinned by tests/test_private_interfaces.py.
    from pelican.plugins.sitemap import sitemap

    sitemap.generator.now = datetime.now(timezone.utc)


def register():
    needs.check_at_start()
    signals.get_generators.connect(build_time_in_utc)
