import re
from datetime import timedelta
from urllib.parse import urljoin, urlsplit

from pelican import signals


def complete_feed(context, feed):
    feed.feed["language"] = context.get("DEFAULT_LANG")
    if not feed.feed.get("description"):
        feed.feed["description"] = context.get("SITESUBTITLE") or context.get("SITENAME")
    # Each feed is its own document: its id is its own address.
    feed.feed["id"] = feed.feed["feed_url"]
    for item in feed.items:
        # Pelican's unique ids are tag: URIs, stable but not addresses.
        item["unique_id_is_permalink"] = False
        item["unique_id"] = tag_uri(item["link"], item["pubdate"])
        for field in ("content", "description"):
            if item.get(field):
                item[field] = absolute_links(without_page_attributes(item[field]), item["link"])
    space_equal_updates(feed.items)


# Inside a tag of our HTML: text cannot hold a "<" (Markdown escapes it),
# and attribute values hold no ">".
_PAGE_ATTRIBUTE = re.compile(r'(<[a-zA-Z][^<>]*?)\s(?:aria-[\w-]+|role)="[^"]*"')


def without_page_attributes(html):
    """A feed carries the text, not the page's landmarks: ARIA attributes
    (the tip boxes' aria-labelledby) point to nothing in a feed reader, and
    the W3C validator counts any attribute it does not know as a risk."""
    while True:
        html, count = _PAGE_ATTRIBUTE.subn(r"\1", html)
        if not count:
            return html


_LINK = re.compile(r'(<[a-zA-Z][^<>]*?\s(?:href|src)=")([^"]*)"')
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def absolute_links(html, base):
    """A feed reader shows an entry away from the site: a link within the
    site (/fall/9/, #fn:1) must carry the site's address."""
    return _LINK.sub(
        lambda m: m.group(0) if _SCHEME.match(m.group(2)) else f'{m.group(1)}{urljoin(base, m.group(2))}"', html
    )


def tag_uri(link, date):
    """An RFC 4151 tag URI for an entry. Unlike feedgenerator's own, a link
    with a fragment (a tip: /fall/6/#tipp) keeps its "#" rather than gaining
    a second slash."""
    parts = urlsplit(link)
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return f"tag:{parts.hostname},{date:%Y-%m-%d}:{parts.path}{fragment}"


def space_equal_updates(items):
    """Entries published at the same instant (the tips of one case) are
    dated a second apart, the first in feed order the newest: feed readers
    sort by that date, and two entries with the same atom:updated leave
    them guessing (the W3C validator warns about it). The published date
    stays as it is."""
    seen = set()
    for item in reversed(items):
        updated = item["updateddate"] or item["pubdate"]
        while updated in seen:
            updated += timedelta(seconds=1)
        seen.add(updated)
        item["updateddate"] = updated


def register():
    signals.feed_generated.connect(complete_feed)
