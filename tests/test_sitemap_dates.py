"""The sitemap's lastmod dates name their offset and are right in UTC,
whatever time zone the building machine is in."""

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from sitebuild import build, fixture_project, published_cases

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


# Two builds by one Pelican (as --autoreload and the preview's builder run
# them), a second apart; the home page's lastmod in each sitemap, and the
# moments each build started and ended.
TWO_BUILDS = """
import json, os, sys, time
from datetime import datetime, timezone
import xml.etree.ElementTree as ET
from pelican import Pelican
from pelican.settings import read_settings

project, output, cache = sys.argv[1:4]
settings = read_settings(os.path.join(project, "pelicanconf.py"), override={
    "PATH": os.path.join(project, "content"), "OUTPUT_PATH": output, "CACHE_PATH": cache,
    "SEARCH_INDEX": False, "SITEURL": "https://example.org"})
pelican = Pelican(settings)
seen = []
for build in range(2):
    if build:
        time.sleep(1.1)  # the sitemap's dates are to the second
    started = datetime.now(timezone.utc).replace(microsecond=0)
    pelican.run()
    ended = datetime.now(timezone.utc)
    dates = {url.findtext("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"): url.findtext("{http://www.sitemaps.org/schemas/sitemap/0.9}lastmod")
             for url in ET.parse(os.path.join(output, "sitemap.xml")).getroot()}
    seen.append([started.isoformat(), ended.isoformat(), dates["https://example.org/"]])
print(json.dumps(seen))
"""


def test_a_pelican_that_builds_again_dates_each_build_by_its_own_time(tmp_path):
    project = fixture_project()
    result = subprocess.run([sys.executable, "-c", TWO_BUILDS, str(project), str(tmp_path / "out"), str(tmp_path / "cache")],
                            cwd=project, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for started, ended, built in json.loads(result.stdout.splitlines()[-1]):
        assert datetime.fromisoformat(started) <= datetime.fromisoformat(built) <= datetime.fromisoformat(ended), (started, built, ended)
