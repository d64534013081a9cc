"""The sitemap's lastmod dates name their offset and are right in UTC,
whatever time zone the building machine is in."""

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from sitebuild import build, published_cases

SITEURL = "https://www.der-eingebaute-kunde.de"
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
WITH_OFFSET = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)")


@pytest.mark.parametrize("zone", ["Europe/Berlin", "Pacific/Kiritimati"])
def test_sitemap_dates_are_right_in_utc_in_every_time_zone(tmp_path, zone):
    before = datetime.now(timezone.utc).replace(microsecond=0)
    result = build(tmp_path / "out", settings="publishconf.py", strict=True, env={"TZ": zone},
                   overrides={"SEARCH_INDEX": False, "BOOKLET": False})
    after = datetime.now(timezone.utc) + timedelta(seconds=1)
    assert result.returncode == 0, result.stdout + result.stderr

    sitemap = ET.parse(tmp_path / "out" / "sitemap.xml").getroot()
    dates = {url.findtext(f"{NS}loc").removeprefix(SITEURL): url.findtext(f"{NS}lastmod") for url in sitemap.iter(f"{NS}url")}
    assert dates
    for address, text in dates.items():
        assert WITH_OFFSET.fullmatch(text) and not text.endswith("-00:00"), (address, text)
    berlin = ZoneInfo("Europe/Berlin")  # the site's TIMEZONE: what the authors' dates mean
    for case in published_cases():
        written = datetime.strptime(case.metadata["date"], "%Y-%m-%d %H:%M").replace(tzinfo=berlin)
        assert datetime.fromisoformat(dates[f"/fall/{case.number}/"]) == written
    # Pages without a date of their own: the time of the build.
    built = datetime.fromisoformat(dates["/"])
    assert before <= built <= after, (built, before, after)
