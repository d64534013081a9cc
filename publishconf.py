"""Settings for the published site: everything from pelicanconf.py,
plus the real address and a stricter build."""

from pelicanconf import *  # noqa: F403

SITEURL = "https://www.der-eingebaute-kunde.de"
FEED_DOMAIN = SITEURL
RELATIVE_URLS = False

# Drafts are never part of the published site.
DRAFT_URL = ""
DRAFT_SAVE_AS = ""
# Nor are draft pages (Pelican's default writes them to drafts/pages/).
DRAFT_PAGE_URL = ""
DRAFT_PAGE_SAVE_AS = ""

DELETE_OUTPUT_DIRECTORY = True
SHOW_BUILD_PROBLEMS = False
# All tips as a PDF booklet, linked from /tipps/.
BOOKLET = True
