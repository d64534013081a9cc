"""Settings for the local build and the live-reload preview.

publishconf.py imports everything from here and changes what differs
for the published site.
"""

from german import spelling

AUTHOR = "Der »eingebaute« Kunde"
SITENAME = "Der »eingebaute« Kunde"
SITESUBTITLE = (
    "Fall für Fall: wie Unternehmen mit ihren Kunden umgehen – "
    "und ein Tipp, wie es besser geht."
)
# Feeds need absolute links, so even the preview has a real URL. The
# preview tasks replace the port when the server runs on another one.
SITEURL = "http://127.0.0.1:8000"
RELATIVE_URLS = False

PATH = "content"
ARTICLE_PATHS = ["faelle"]
PAGE_PATHS = ["pages"]
# Photos are not copied as they are: plugins/photos writes resized
# versions (the originals can be several megabytes).
STATIC_PATHS = []
# robots.txt names the sitemap, whose address differs between preview and
# published site, so it is a template.
TEMPLATE_PAGES = {"extra/robots.txt": "robots.txt"}

TIMEZONE = "Europe/Berlin"
DEFAULT_LANG = "de"
DEFAULT_DATE_FORMAT = "%d.%m.%Y"  # replaced by German Babel dates (plugin german)

THEME = "theme"
# The theme's typeface for what the build draws itself (share cards, the
# tips booklet), relative to THEME; OFL, see theme/fonts/OFL.txt.
THEME_FONTS = {"regular": "fonts/Vollkorn-Regular.ttf", "bold": "fonts/Vollkorn-Bold.ttf"}
# Everything a template prints is escaped, unless it is HTML the build
# made itself (see docs/security.md).
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "extensions": [], "autoescape": True}
PLUGIN_PATHS = ["plugins"]
# "reading" converts the Markdown on every core; it must come after
# "cases", whose Markdown reader it runs.
PLUGINS = ["buildcache", "german", "cases", "reading", "feeds", "tips", "search", "photos", "cards", "booklet", "pelican.plugins.sitemap",
           "sitemapdates"]
# Pages rendered only when what they show changed (the writer of builds that replace a site).
PLUGINS += ["pagekeys"]
# Last: the old addresses' pages are written when the site is complete.
PLUGINS += ["redirects"]
# What the theme's templates use of the plugins: german's date and
# hyphenation filters, the cases' numbers and body_after_lead. A plugin
# that needs another says so itself (NEEDS in its package); both are
# checked at start-up (plugins/needs).
THEME_NEEDS = ["german", "cases"]
SITEMAP = {
    "format": "xml",
    # Pages that only repeat others or have nothing to index.
    "exclude": [r"^404\.html$", r"^tipps/aelteste-zuerst/", r"^suche/", r"/seite/\d+/$"],
}

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.toc": {},
        "markdown.extensions.meta": {},
    },
    "output_format": "html5",
}

# typogrify plus German quotes, done by plugins/german where each source is
# converted (on every core, see plugins/reading). Pelican's own TYPOGRIFY
# would typeset everything a second time, one source after another.
GERMAN_TYPOGRAPHY = True
TYPOGRIFY = False
# "--" becomes an en dash (German Gedankenstrich), "---" an em dash.
TYPOGRIFY_DASHES = "oldschool"

# Case URLs hang on the case number only, so editing a title never breaks a link.
ARTICLE_URL = "fall/{fall}/"
ARTICLE_SAVE_AS = "fall/{fall}/index.html"
ARTICLE_ORDER_BY = "reversed-fall"
# Drafts are previewed under /entwurf/N/ but never linked or put in feeds;
# publishconf.py does not write them at all.
# A German-only site: two cases with the same title are two cases, not
# translations of each other.
ARTICLE_TRANSLATION_ID = None
PAGE_TRANSLATION_ID = None
DRAFT_URL = "entwurf/{fall}/"
DRAFT_SAVE_AS = "entwurf/{fall}/index.html"

PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"

TAG_URL = "thema/{slug}/"
TAG_SAVE_AS = "thema/{slug}/index.html"
TAGS_URL = "themen/"
TAGS_SAVE_AS = "themen/index.html"
ARCHIVES_URL = "archiv/"
ARCHIVES_SAVE_AS = "archiv/index.html"
YEAR_ARCHIVE_URL = "archiv/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = "archiv/{date:%Y}/index.html"
INDEX_URL = ""
FAELLE_URL = "faelle/"
FAELLE_SAVE_AS = "faelle/index.html"

# The column has no categories or authors of its own.
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
USE_FOLDER_AS_CATEGORY = False
# Pelican 4.12 gives drafts no category when CATEGORY_SAVE_AS is empty,
# and then fails writing them; an explicit default category avoids that.
DEFAULT_METADATA = {"category": "Fälle"}

DIRECT_TEMPLATES = ["index", "faelle", "tags", "archives", "404"]

DEFAULT_PAGINATION = 10
# /faelle/ lists the cases with their teasers, 100 to a page: a thousand on
# one page were 500 KB of HTML, too much for a phone (Lighthouse 86).
PAGINATED_TEMPLATES = {"index": None, "tag": None, "category": None, "author": None, "faelle": 100}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/seite/{number}/", "{base_name}/seite/{number}/index.html"),
)

FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/alle.atom.xml"
FEED_ALL_RSS = "feeds/alle.rss.xml"
TAG_FEED_ATOM = "feeds/thema/{slug}.atom.xml"
TAG_FEED_RSS = "feeds/thema/{slug}.rss.xml"
FEED_ATOM = None
FEED_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None
# A feed carries the newest cases (every tag feed, the tips feed too);
# the archive is the site. A thousand full cases in one feed would be
# megabytes for every subscriber's reader to fetch again and again.
FEED_MAX_ITEMS = 50
RSS_FEED_SUMMARY_ONLY = False

# Slugs spell umlauts the German way: "Wertschätzung" -> "wertschaetzung"
# (Pelican substitutes ignoring case, then lowers the slug).
SLUGIFY_USE_UNICODE = True
SLUG_REGEX_SUBSTITUTIONS = [
    *spelling.lower_case_spellings().items(),
    (r"[^\w\s-]", ""),
    (r"(?u)\A\s*", ""),
    (r"(?u)\s*\Z", ""),
    (r"[-\s]+", "-"),
]
TAG_REGEX_SUBSTITUTIONS = SLUG_REGEX_SUBSTITUTIONS

# The tips booklet (PDF) is made by `invoke publish` and `invoke booklet`;
# typesetting it would slow down every preview build.
BOOKLET = False

# The preview lists the author's mistakes on every page (see base.html).
SHOW_BUILD_PROBLEMS = True

# Cases are read once and kept in Pelican's content cache (in CACHE_PATH),
# under a key of everything else the output depends on (plugins/buildcache).
# `invoke rebuild` (pelican --ignore-cache) reads nothing cached.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CONTENT_CACHING_LAYER = "generator"
# By content, not time: a case put back as it was is not read again.
CHECK_MODIFIED_METHOD = "sha256"
# Compressing the cache cost more than reading it back uncompressed saves.
GZIP_CACHE = False
DELETE_OUTPUT_DIRECTORY = False

# The build's background processes (Markdown workers, share cards, the
# compound splitter: plugins/background) start from a small server
# process, not as copies of the build: a copy made after reading holds on
# to the build's pages while the build goes on changing them (at 10,000
# cases the card workers and the compound splitter held some 400 MB so).
BACKGROUND_START_METHOD = "forkserver"

# A case without a Summary is introduced by its first paragraph.
SUMMARY_MAX_PARAGRAPHS = 1
SUMMARY_MAX_LENGTH = None

# A case dated in the future is "geplant": off the site until a build on
# or after its date, marked in the preview (plugins/cases/schedule.py).
# The moment a build counts as now (ISO, e.g. "2025-05-14T09:00"); None:
# the clock. For tests and for trying out a schedule.
SCHEDULE_NOW = None
