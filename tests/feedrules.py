"""The rules of the W3C Feed Validation Service (github.com/w3c/feedvalidator,
src/feedvalidator) that apply to the feeds Pelican writes, restated for the
tests: the service is not on PyPI. Each rule names the validator's message;
errors and warnings alike are failures here.

``problems(path, url)`` returns what the service would report for the
feed at ``path``, published at ``url``.
"""

import html
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from html.entities import name2codepoint
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# validators.py: rfc2396.tag_re
TAG_URI = re.compile(
    r"^tag:([a-z0-9\-\._]+?@)?[a-z0-9\.\-]+?,\d{4}(-\d{2}(-\d{2})?)?:"
    r"[0-9a-zA-Z;/\?:@&=+$\.\-_!~*'\(\)%,]*(#[0-9a-zA-Z;/\?:@&=+$\.\-_!~*'\(\)%,]*)?$"
)
# validators.py: rfc2396_full.rfc2396_re
FULL_URI = re.compile(r"^[a-zA-Z][0-9a-zA-Z+\-.]*:(//)?[0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,#]+$")
# validators.py: rfc3339
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*)?(Z|[+-]\d\d:\d\d)$")
# validators.py: rfc822 (the strict form)
RFC822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d\d:\d\d(:\d\d)? ([+-]\d\d[03]0|UT|GMT|Z)$"
)
# validators.py: HTMLValidator.acceptable_elements (the part any page can
# produce); everything else (script, style, iframe, object, meta, …) is a
# "SecurityRisk".
ACCEPTABLE_ELEMENTS = set(
    "a abbr acronym address article aside audio b bdi big blockquote br button caption center cite code "
    "col colgroup data dd del details dfn dir div dl dt em figcaption figure font footer h1 h2 h3 h4 h5 "
    "h6 header hr i img ins kbd label li main map mark nav ol p picture pre q s samp section small source "
    "span strike strong sub summary sup table tbody td tfoot th thead time tr tt u ul var video wbr".split()
)
# HTMLValidator.acceptable_attributes (again the part a page can produce);
# any other attribute, aria-* and role included, is a "SecurityRiskAttr".
ACCEPTABLE_ATTRIBUTES = set(
    "abbr align alt border cite class clear colspan color datetime dir headers height hidden href hreflang "
    "id lang loading decoding name rel rev rowspan scope sizes span src srcset start summary tabindex "
    "target title type valign value width xml:lang".split()
)
HTML_TAGS = ACCEPTABLE_ELEMENTS | {"script", "style", "iframe", "object", "embed", "meta", "link", "title"}
_END_TAG = re.compile(r"</(\w+)")
_ENTITY_LIKE = re.compile(r"&(#?\w+)")


def _uri_problems(value, where):
    if TAG_URI.match(value):
        return []
    if value.startswith("tag:"):
        return [f"{where}: InvalidTAG {value}"]
    if not FULL_URI.match(value):
        return [f"{where}: InvalidFullLink {value}"]
    return []


def _date_problems(value, pattern, parse, where):
    if not pattern.match(value or ""):
        return [f"{where}: invalid date {value!r}"]
    date = parse(value)
    if date.year < 1990 or date > datetime.now(timezone.utc) + timedelta(days=1):
        return [f"{where}: ImplausibleDate {value}"]
    return []


def _plain_text_problems(value, where, rss=False):
    """validators.nonhtml: text that looks like markup or an escape."""
    value = value or ""
    for name in _END_TAG.findall(value):
        if name.lower() in HTML_TAGS:
            return [f"{where}: ContainsHTML </{name}>"]
    for name in _ENTITY_LIKE.findall(value):
        if name in name2codepoint or name == "apos" or not name.isalpha():
            return [f"{where}: ContainsHTML &{name};"]
    if rss and re.search(r"&#[x0-9]|<[/a-zA-Z]", value):
        return [f"{where}: CharacterData"]
    if not value.strip():
        return [f"{where}: NotBlank"]
    return []


def _html_problems(markup, where, rss=False):
    """HTMLValidator, and for RSS absUrlMixin (ContainsRelRef)."""
    found = []
    if "<?import " in markup.lower():
        found.append(f"{where}: SecurityRisk <?import")
    for element in BeautifulSoup(markup, "html.parser").find_all(True):
        if element.name not in ACCEPTABLE_ELEMENTS:
            found.append(f"{where}: SecurityRisk <{element.name}>")
            continue
        for name in element.attrs:
            if name == "style" or (name not in ACCEPTABLE_ATTRIBUTES and not name.startswith("data-")):
                found.append(f"{where}: SecurityRiskAttr {name} on <{element.name}>")
        for name in ("href", "src"):
            ref = html.unescape(element.get(name, "")).strip()
            if rss and element.has_attr(name) and not re.match(r"^\w+:", ref):
                found.append(f"{where}: ContainsRelRef {name}={ref!r}")
    return found


def atom_problems(path, url):
    root = ET.parse(path).getroot()
    found = []
    for name in ("title", "id", "updated"):
        if root.find(f"{ATOM}{name}") is None:
            found.append(f"feed: MissingElement {name}")
    found += _uri_problems(root.findtext(f"{ATOM}id") or "", "feed id")
    found += _date_problems(root.findtext(f"{ATOM}updated"), RFC3339, datetime.fromisoformat, "feed updated")
    self_links = [link.get("href") for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    if self_links != [url]:
        found.append(f"feed: MissingSelf or SelfDoesntMatchLocation {self_links}")
    feed_author = root.find(f"{ATOM}author") is not None
    seen_updated, seen_ids = set(), set()
    for number, entry in enumerate(root.findall(f"{ATOM}entry"), start=1):
        where = f"entry {number}"
        for name in ("title", "id", "updated"):
            if entry.find(f"{ATOM}{name}") is None:
                found.append(f"{where}: MissingElement {name}")
        if not feed_author and entry.find(f"{ATOM}author/{ATOM}name") is None:
            found.append(f"{where}: MissingElement author")
        updated = (entry.findtext(f"{ATOM}updated") or "").strip()
        if updated in seen_updated:
            found.append(f"{where}: DuplicateUpdated {updated}")
        seen_updated.add(updated)
        entry_id = (entry.findtext(f"{ATOM}id") or "").strip()
        if entry_id in seen_ids:
            found.append(f"{where}: DuplicateEntries {entry_id}")
        seen_ids.add(entry_id)
        found += _uri_problems(entry_id, f"{where} id")
        for name in ("updated", "published"):
            if entry.find(f"{ATOM}{name}") is not None:
                found += _date_problems(entry.findtext(f"{ATOM}{name}"), RFC3339, datetime.fromisoformat, f"{where} {name}")
        title = entry.find(f"{ATOM}title")
        if title is not None and title.get("type", "text") == "text":
            found += _plain_text_problems(title.text, f"{where} title")
        for name in ("content", "summary"):
            element = entry.find(f"{ATOM}{name}")
            if element is not None and element.get("type") == "html":
                found += _html_problems(element.text or "", f"{where} {name}")
        if entry.find(f"{ATOM}content") is None and entry.find(f"{ATOM}summary") is None:
            found.append(f"{where}: MissingTextualContent")
        for category in entry.findall(f"{ATOM}category"):
            if not (category.get("term") or "").strip():
                found.append(f"{where}: category MissingAttribute term")
    return found


def rss_problems(path, url):
    from email.utils import parsedate_to_datetime

    channel = ET.parse(path).getroot().find("channel")
    found = []
    for name in ("title", "link", "description"):
        if not (channel.findtext(name) or "").strip():
            found.append(f"channel: Missing{name.capitalize()}")
    found += _plain_text_problems(channel.findtext("title"), "channel title", rss=True)
    found += _plain_text_problems(channel.findtext("description"), "channel description", rss=True)
    self_links = [link.get("href") for link in channel.findall(f"{ATOM}link") if link.get("rel") == "self"]
    if self_links != [url]:
        found.append(f"channel: MissingAtomSelfLink or SelfDoesntMatchLocation {self_links}")
    seen_guids = set()
    for number, item in enumerate(channel.findall("item"), start=1):
        where = f"item {number}"
        if item.find("title") is None and item.find("description") is None:
            found.append(f"{where}: ItemMustContainTitleOrDescription")
        if item.find("title") is not None:
            found += _plain_text_problems(item.findtext("title"), f"{where} title", rss=True)
        guid = item.find("guid")
        if guid is None:
            found.append(f"{where}: MissingGuid")
        else:
            if guid.text in seen_guids:
                found.append(f"{where}: DuplicateValue guid {guid.text}")
            seen_guids.add(guid.text)
            permalink = guid.get("isPermaLink", "true")
            if permalink not in ("true", "false"):
                found.append(f"{where}: InvalidBooleanAttribute isPermaLink")
            elif permalink == "true" and (guid.text.startswith(("tag:", "urn:uuid:")) or not FULL_URI.match(guid.text)):
                found.append(f"{where}: InvalidPermalink {guid.text}")
        if item.find("pubDate") is not None:
            found += _date_problems(item.findtext("pubDate"), RFC822, parsedate_to_datetime, f"{where} pubDate")
        if not urlsplit(item.findtext("link") or "").netloc:
            found.append(f"{where}: link is not a full URI")
        for category in item.findall("category"):
            found += _plain_text_problems(category.text, f"{where} category", rss=True)
        found += _html_problems(item.findtext("description") or "", f"{where} description", rss=True)
    return found


def problems(path, url):
    return atom_problems(path, url) if str(path).endswith(".atom.xml") else rss_problems(path, url)
