"""HTML pages saved from the old site.

The old builder's markup is not known, so nothing here depends on one
page's classes: page chrome (navigation, site header and footer, cookie
banners, builder badges, scripts, forms) is removed by what it is, the
case is looked for in <article> or <main>, and what is left is flattened
into blocks in reading order, a <br> starting a new paragraph as a line
break does in a text export.
"""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from .case import BUILDER_LINE, NUMBER_ANYWHERE, Block, ParsedCase, assemble, clean, parse_datetime

# The column is German: an offset in the page is turned into German local time.
TIMEZONE = ZoneInfo("Europe/Berlin")
NEVER_CONTENT = ["script", "style", "noscript", "template", "svg", "iframe", "canvas", "form",
                 "button", "input", "select", "textarea", "nav", "aside", "dialog", "head"]
CHROME_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alertdialog"}
# Class or id words of page chrome, matched as whole words of a class name
# ("main-menu", "cookie_banner"), so "menuekarte" or "canvas" do not count.
CHROME_WORDS = re.compile(
    r"(?:^|[-_])(nav|navbar|navigation|menu|cookies?|consent|gdpr|dsgvo|banner|badge|share|sharing|"
    r"social|breadcrumbs?|skip|sidebar|widget|related|comments?|newsletter|pagination|pager|"
    r"powered|watermark|builder|masthead|topbar|toolbar|site-header|site-footer|page-footer)(?:[-_]|$)",
    re.I,
)
BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "div", "section", "article",
          "main", "header", "footer", "figure", "figcaption", "ul", "ol", "dl", "dt", "dd", "table",
          "tr", "td", "th", "pre", "address", "hr", "body"}
SITE_FOOTER = re.compile(r"(?:^|[-_])(footer|foot|copyright)(?:[-_]|$)", re.I)


def parse_html(markup):
    soup = BeautifulSoup(markup, "html.parser")
    case = ParsedCase()
    _metadata(soup, case)
    page_title = _page_title(soup)
    description = soup.find("meta", attrs={"name": "description"})
    _remove_chrome(soup)
    root = _case_root(soup)
    # Not the whole page: its navigation may name the neighbouring cases.
    number_fallback = " ".join([page_title, description.get("content", "") if description else "",
                                root.get_text(" ")])
    blocks = _blocks(root)
    title = None
    if not any(b.level == 1 for b in blocks):
        title = page_title  # no <h1> in the case: the page's own title
    else:
        first = next(b for b in blocks if b.level == 1)
        blocks.remove(first)
        title = first.text
    if (time := root.find("time", attrs={"datetime": True})) and (found := _iso(time["datetime"])):
        case.set_date(found, "aus <time datetime> der Seite")
    if (image := root.find("img", src=True)) is not None:
        case.image = (image["src"], clean(image.get("alt", "")))
    return assemble(blocks, case, title=title, number_fallback=number_fallback)


def _metadata(soup, case):
    for attrs in ({"property": "article:published_time"}, {"itemprop": "datePublished"},
                  {"name": "date"}, {"name": "DC.date"}):
        meta = soup.find("meta", attrs=attrs)
        if meta and (found := _iso(meta.get("content", ""))):
            name = next(iter(attrs.values()))
            case.set_date(found, f"aus <meta {name}> der Seite")
    case.tags += [clean(m.get("content", "")) for m in soup.find_all("meta", attrs={"property": "article:tag"})
                  if clean(m.get("content", ""))]
    for link in soup.find_all("a", rel="tag"):
        if link.decomposed:
            continue
        if clean(link.get_text()) not in case.tags:
            case.tags.append(clean(link.get_text()))
        parent = link.parent
        link.decompose()
        # "Themen:" with its links gone is no paragraph of the case.
        if parent is not None and re.fullmatch(r"[\w ]{0,20}:?[\s,·|]*", parent.get_text()):
            parent.decompose()


def _iso(value):
    """(datetime in German local time, has_time) from an ISO date."""
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return parse_datetime(value)
    if moment.tzinfo:
        moment = moment.astimezone(TIMEZONE).replace(tzinfo=None)
    return moment, "T" in value or " " in value.strip()


def _page_title(soup):
    meta = soup.find("meta", attrs={"property": "og:title"})
    text = clean(meta.get("content", "")) if meta else ""
    if not text and soup.title:
        text = clean(soup.title.get_text())
    # "Der »eingebaute« Kunde und … | Beispiel-Berater": the site's name goes.
    # A dash may belong to the title itself, so it only counts before the
    # site's name as the page states it.
    site = soup.find("meta", attrs={"property": "og:site_name"}) or soup.find("meta", attrs={"name": "application-name"})
    site_name = clean(site.get("content", "")) if site else ""
    if site_name and (match := re.search(r"\s+[|–—·:-]\s+" + re.escape(site_name) + "$", text)):
        return text[: match.start()]
    return re.sub(r"\s+[|·]\s+[^|·]+$", "", text)


def _remove_chrome(soup):
    for tag in soup.find_all(NEVER_CONTENT):
        tag.decompose()
    for node in soup.find_all(string=lambda s: isinstance(s, Comment)):
        node.extract()
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        words = [*(tag.get("class") or []), tag.get("id") or ""]
        if (
            tag.get("role") in CHROME_ROLES
            or tag.has_attr("hidden")
            or tag.get("aria-hidden") == "true"
            or re.search(r"display\s*:\s*none", tag.get("style", ""))
            or any(CHROME_WORDS.search(word) for word in words if word)
            or "cookie" in (tag.get("aria-label") or "").lower()
            # The site's header and footer; an article's own header holds its title.
            or ((tag.name in ("header", "footer") or any(SITE_FOOTER.search(word) for word in words if word))
                and not tag.find_parent(["article", "main"]))
            or _is_badge(tag)
        ):
            tag.decompose()


def _is_badge(tag):
    if tag.name not in ("a", "div", "span", "p", "small", "section"):
        return False
    # A few words at most: "Erstellt mit viel Geduld …" in the story stays.
    text = clean(tag.get_text())
    return bool(text) and len(text.split()) <= 8 and bool(BUILDER_LINE.search(text))


def _case_root(soup):
    """The element that holds the case: the article with the case number,
    else <main>, else the only article, else the whole page."""
    articles = soup.find_all("article")
    numbered = [a for a in articles if NUMBER_ANYWHERE.search(a.get_text(" "))]
    main = soup.find("main") or soup.find(attrs={"role": "main"})
    if numbered:
        return numbered[0]
    if main is not None:
        return main
    if len(articles) == 1:
        return articles[0]
    return soup.body or soup


def _blocks(root):
    blocks, buffer = [], []

    def flush(level):
        for line in "".join(buffer).split("\n"):
            if clean(line):
                blocks.append(Block(clean(line), heading=bool(level), level=level))
        buffer.clear()

    def walk(node, level):
        for child in node.children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:  # not a doctype or CDATA
                    buffer.append(re.sub(r"\s+", " ", str(child)))
            elif not isinstance(child, Tag):
                continue
            elif child.name == "br":
                buffer.append("\n")
            elif child.name in BLOCKS:
                flush(level)
                inner = int(child.name[1]) if re.fullmatch(r"h[1-6]", child.name) else level
                walk(child, inner)
                flush(inner)
            else:
                walk(child, level)

    walk(root, 0)
    flush(0)
    return blocks
