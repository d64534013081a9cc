"""HTML pages of the old site: a Mobirise export, or any saved page.

Page chrome (navigation, the site's header and footer, cookie banners,
builder badges, buttons, scripts, forms) is removed by what it is: for
Mobirise by its block markup (``once="menus"``, ``once="footers"``, the
badge section), for other builders by roles and class names. The case is
looked for in <article> or <main>, else the whole page, and flattened
into blocks in reading order, each with its Markdown (bold, italics,
links); a <br> starts a new paragraph as a line break does in a text
export. The walk over the page keeps its own stack, so no nesting depth
of a broken page can exhaust Python's.
"""

import posixpath
import re
from datetime import datetime
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from .case import (
    BUILDER_LINE,
    NUMBER_ANYWHERE,
    NUMBER_LINE,
    SHORT,
    TIP_HEADING,
    Block,
    ParsedCase,
    assemble,
    clean,
    is_heading,
    parse_datetime,
)
from .markdown import escape_inline, escape_line_start, export_link, link

# The column is German: an offset in the page is turned into German local time.
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
# Mobirise names each block by its kind and a number ("menu1", "footer3",
# "form5"); these kinds are the site's frame, never a case's text.
MOBIRISE_FRAME_BLOCK = re.compile(r"^(menu|footer|form|contacts|map|social|share|cookies|subscribe)\d+$", re.I)
MOBIRISE_FRAME_CLASSES = {"engine", "mbr-section-btn", "mbr-arrow", "dropdown-menu", "navbar-buttons"}
BUILDER_HOSTS = re.compile(r"(^|\.)(mobiri\.se|mobirise\.com|mobirise\.info|mobirise\.co)$", re.I)
BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "div", "section", "article",
          "main", "header", "footer", "figure", "figcaption", "ul", "ol", "dl", "dt", "dd", "table",
          "tr", "td", "th", "pre", "address", "hr", "body"}
SITE_FOOTER = re.compile(r"(?:^|[-_])(footer|foot|copyright)(?:[-_]|$)", re.I)
EMPHASIS = {"strong": "**", "b": "**", "em": "*", "i": "*"}
# What Mobirise writes when the author typed no description of a photo.
PLACEHOLDER_ALT = re.compile(r"^(|mobirise|mobirise website builder|image|bild|foto)$", re.I)
LINK_SCHEMES = ("http", "https", "mailto")
PAGE_SUFFIXES = (".html", ".htm")
# Pages of a site that are no case, by the words of their file name or title.
PAGE_KINDS = [
    (re.compile(r"^(index|home|start(seite)?)$", re.I), "die Startseite"),
    (re.compile(r"impressum|imprint", re.I), "das Impressum"),
    (re.compile(r"datenschutz|privacy", re.I), "die Datenschutzerklärung"),
    (re.compile(r"kontakt|contact", re.I), "die Kontaktseite"),
]
# The kinds that become pages of the new site, with the page's slug.
PAGE_SLUGS = {"das Impressum": "impressum", "die Datenschutzerklärung": "datenschutz",
              "die Kontaktseite": "kontakt"}


def parse_html(markup, page="", timezone=None):
    """The case on one page. ``page`` is the page's path inside the export
    (e.g. "fall-8.html"): links to other pages are kept relative to it.
    A date with an offset is read in ``timezone`` (the site's TIMEZONE;
    None: as written, its offset dropped)."""
    zone = ZoneInfo(timezone) if timezone else None
    soup = BeautifulSoup(markup, "html.parser")
    case = ParsedCase()
    had_form = soup.find("form") is not None
    _metadata(soup, case, zone)
    page_title = _page_title(soup)
    description = soup.find("meta", attrs={"name": "description"})
    description = description.get("content", "") if description else ""
    case.addresses = _mail_addresses(soup)
    _remove_chrome(soup)
    root = _case_root(soup)
    flattener = _Flattener(page, case)
    blocks = flattener.blocks(root)
    if reason := _not_a_case(blocks, page, page_title, had_form):
        case.skip_reason = reason
        kind = next((kind for kind in PAGE_SLUGS if reason.startswith(kind)), None)
        if kind:
            case.page_slug, case.page_title, case.page_blocks = PAGE_SLUGS[kind], page_title, blocks
            case.had_form = had_form
            case.page_images = [image["src"] for _, image in flattener.images]
        return case
    # Not the whole page: its navigation may name the neighbouring cases.
    number_fallback = " ".join([page_title, description, " ".join(b.text for b in blocks)])
    title, start = _title(blocks, page_title, case)
    _choose_photo(flattener.images, start, case)
    blocks = blocks[start:]
    if (time := root.find("time", attrs={"datetime": True})) and (found := _iso(time["datetime"], zone)):
        case.set_date(found, "aus <time datetime> der Seite")
    return assemble(blocks, case, title=title, number_fallback=number_fallback)


def _is_title_line(block):
    return not block.list_kind and clean(block.text).endswith("•")


def _title(blocks, page_title, case):
    """(title, index of the first block after it). The article's own title
    line: the one that ends in "•" (what comes before it is the page's
    frame), else the first <h1>, else the page's <title>."""
    for index, block in enumerate(blocks):
        if _is_title_line(block):
            for dropped in blocks[:index]:
                case.notes.append(f"„{clean(dropped.text)[:60]}“ vor der Titelzeile weggelassen")
            return block.text, index + 1
    if first := next((b for b in blocks if b.level == 1), None):
        blocks.remove(first)
        return first.text, 0
    return page_title, 0


def _choose_photo(images, start, case):
    """The case's photo: the first image after the title line (one before
    it belongs to the page's header)."""
    after = [image for position, image in images if position >= start]
    if not after:
        if images:
            case.notes.append(f"Das Bild vor der Titelzeile ({images[0][1]['src']}) gehört zum Kopf der "
                              "Seite und ist nicht übernommen")
        return
    image = after[0]
    alt = clean(image.get("alt", ""))
    case.image = (image["src"], "" if PLACEHOLDER_ALT.match(alt) else alt)
    if len(after) > 1:
        case.notes.append(f"Die Seite zeigt {len(after)} Bilder; übernommen ist das erste "
                          f"({image['src']}), die anderen nicht")


def _not_a_case(blocks, page, page_title, had_form):
    """Why a page is no case (the home page, Impressum, an overview), or "".

    A title line ending in "•" makes a case page, even one that names
    other cases further down; without one, a page naming several cases is
    an overview.
    """
    if any(_is_title_line(b) for b in blocks):
        return ""
    numbers = sorted({int(m.group(1) or m.group(2)) for b in blocks
                      if len(b.text) <= SHORT and (m := NUMBER_LINE.match(clean(b.text)))})
    if len(numbers) >= 2:
        shown = ", ".join(str(n) for n in numbers[:5]) + (" …" if len(numbers) > 5 else "")
        return f"eine Übersicht, sie nennt mehrere Fälle ({shown})"
    if numbers or any(TIP_HEADING.match(clean(b.text)) and is_heading(clean(b.text)) for b in blocks):
        return ""
    name = posixpath.splitext(posixpath.basename(page))[0] if page else ""
    for pattern, kind in PAGE_KINDS:
        if (name and pattern.search(name)) or (page_title and pattern.search(page_title)):
            return f"{kind}, keine Fallseite"
    if had_form:
        return "ein Formular, keine Fallseite"
    return "keine Fallseite (keine Zeile „Der N. Fall“, keine Titelzeile mit „•“, kein Tipp)"


MAIL_ADDRESS = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")


def _mail_addresses(soup):
    """The e-mail addresses a page links to, in page order, each once."""
    found = []
    for anchor in soup.find_all("a", href=True):
        href = anchor["href"].strip()
        if href.lower().startswith("mailto:"):
            address = unquote(href[7:].split("?", 1)[0]).strip()
            if MAIL_ADDRESS.match(address) and address not in found:
                found.append(address)
    return found


def _metadata(soup, case, zone):
    for attrs in ({"property": "article:published_time"}, {"itemprop": "datePublished"},
                  {"name": "date"}, {"name": "DC.date"}):
        meta = soup.find("meta", attrs=attrs)
        if meta and (found := _iso(meta.get("content", ""), zone)):
            name = next(iter(attrs.values()))
            case.set_date(found, f"aus <meta {name}> der Seite")
    case.tags += [clean(m.get("content", "")) for m in soup.find_all("meta", attrs={"property": "article:tag"})
                  if clean(m.get("content", ""))]
    for tag_link in soup.find_all("a", rel="tag"):
        if tag_link.decomposed:
            continue
        if clean(tag_link.get_text()) not in case.tags:
            case.tags.append(clean(tag_link.get_text()))
        parent = tag_link.parent
        tag_link.decompose()
        # "Themen:" with its links gone is no paragraph of the case.
        if parent is not None and re.fullmatch(r"[\w ]{0,20}:?[\s,·|]*", parent.get_text()):
            parent.decompose()


def _iso(value, zone):
    """(datetime in the site's local time, has_time) from an ISO date."""
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return parse_datetime(value)
    if moment.year < 1000:
        return None
    if moment.tzinfo:
        moment = (moment.astimezone(zone) if zone else moment).replace(tzinfo=None)
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
    # Top down, with a stack of our own: what is removed is not looked into.
    stack = [(soup, False)]
    while stack:
        parent, in_article = stack.pop()
        for tag in [child for child in parent.children if isinstance(child, Tag)]:
            if _is_chrome(tag, in_article):
                tag.decompose()
            else:
                stack.append((tag, in_article or tag.name in ("article", "main")))


def _is_chrome(tag, in_article):
    classes = tag.get("class") or []
    words = [*classes, tag.get("id") or ""]
    return bool(
        tag.get("role") in CHROME_ROLES
        or tag.has_attr("hidden")
        or tag.has_attr("once")  # Mobirise's shared menu and footer
        or tag.has_attr("data-form-type")
        or MOBIRISE_FRAME_CLASSES.intersection(classes)
        or (tag.name == "section" and classes and MOBIRISE_FRAME_BLOCK.match(classes[0]))
        or tag.get("aria-hidden") == "true"
        or re.search(r"display\s*:\s*none", tag.get("style", ""))
        or any(CHROME_WORDS.search(word) for word in words if word)
        or "cookie" in (tag.get("aria-label") or "").lower()
        # The site's header and footer; an article's own header holds its title.
        or ((tag.name in ("header", "footer") or any(SITE_FOOTER.search(word) for word in words if word))
            and not in_article)
        or _is_badge(tag)
    )


def _split(url):
    """The parts of a URL, or None for one that is no URL ("http://[x")."""
    try:
        parts = urlsplit(url)
        parts.hostname  # noqa: B018 (reading it checks the brackets of an IPv6 address)
    except ValueError:
        return None
    return parts


def _is_builder_link(tag):
    parts = _split(tag.get("href", ""))
    return bool(parts and BUILDER_HOSTS.search(parts.hostname or ""))


def _short_text(tag, words=8, nodes=60):
    """The text of a small element (a badge has a handful of nodes and
    words), or None; stops early, so a page of nested elements stays linear."""
    parts = []
    stack = list(reversed(tag.contents))
    for _ in range(nodes):
        if not stack:
            return clean(" ".join(parts))
        node = stack.pop()
        if isinstance(node, Tag):
            stack.extend(reversed(node.contents))
        elif type(node) is NavigableString:
            parts.append(str(node))
            if len(" ".join(parts).split()) > words:
                return None
    return None


def _is_badge(tag):
    if tag.name not in ("a", "div", "span", "p", "small", "section"):
        return False
    # A few words at most: "Erstellt mit viel Geduld …" in the story stays.
    text = _short_text(tag)
    if text is None:
        return False
    if tag.name == "a" and _is_builder_link(tag):
        return True
    # Mobirise's badge: a section whose links all go to the builder.
    links = tag.find_all("a", href=True) if tag.name != "a" else []
    if links and all(_is_builder_link(a) for a in links):
        return True
    return bool(text) and bool(BUILDER_LINE.search(text))


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


def _events(root):
    """("start", tag), ("end", tag) and ("text", string) in document order,
    from a stack of our own rather than Python's."""
    stack = [(root, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            yield "end", node
        elif isinstance(node, Tag):
            yield "start", node
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.contents))
        elif type(node) is NavigableString:  # not a comment, doctype or CDATA
            yield "text", str(node)


class _Flattener:
    """Blocks from the events of a page: the text of each paragraph,
    heading, list item or caption, with its Markdown."""

    def __init__(self, page, case):
        self.page = page
        self.case = case
        self.result = []
        self.tokens = []  # ("text", s) | ("open", mark) | ("close", mark)
        self.inline = []  # open emphasis and links, to carry across a <br>
        self.levels = [0]  # heading level of each open block element
        self.lists = []  # (kind, id) of each open list
        self.list_ids = 0
        self.items = []  # (kind, id) of each open list item
        self.captions = 0
        self.images = []  # (number of blocks before it, <img>)
        self.after_break = False  # the next block follows a <br>

    def blocks(self, root):
        for kind, node in _events(root):
            if kind == "text":
                self.tokens.append(("text", node))
            elif kind == "start":
                self.start(node)
            else:
                self.end(node)
        self.flush()
        return self.result

    def start(self, tag):
        name = tag.name
        if name == "br":
            if self.levels[-1]:
                self.tokens.append(("text", " "))  # a heading set on two lines is one heading
            else:
                self.flush()
                self.after_break = True
        elif name in EMPHASIS:
            self.open(EMPHASIS[name])
        elif name == "a":
            self.open(self.link_target(tag))
        elif name == "img":
            if tag.get("src", "").strip() and not tag["src"].strip().lower().startswith("data:"):
                self.images.append((len(self.result), tag))
        elif name in BLOCKS:
            self.flush()
            self.after_break = False
            level = int(name[1]) if re.fullmatch(r"h[1-6]", name) else self.levels[-1]
            self.levels.append(level)
            if name in ("ul", "ol"):
                self.list_ids += 1
                nested = "Eine Liste in einer Liste ist als eine Ebene übernommen"
                if self.lists and nested not in self.case.notes:
                    self.case.notes.append(nested)
                self.lists.append(("ol" if name == "ol" else "ul", self.list_ids))
            elif name == "li":
                # Nested lists become items of the outermost one.
                self.items.append(self.lists[0] if self.lists else ("ul", 0))
            elif name == "figcaption":
                self.captions += 1

    def end(self, tag):
        name = tag.name
        if name in EMPHASIS:
            self.close(EMPHASIS[name])
        elif name == "a":
            self.close(next((m for m in reversed(self.inline) if isinstance(m, tuple)), None))
        elif name in BLOCKS and name != "br":
            self.flush()
            self.after_break = False
            self.levels.pop()
            if name in ("ul", "ol") and self.lists:
                self.lists.pop()
            elif name == "li" and self.items:
                self.items.pop()
            elif name == "figcaption":
                self.captions -= 1

    def open(self, mark):
        self.inline.append(mark)
        self.tokens.append(("open", mark))

    def close(self, mark):
        if mark in self.inline:
            # The last one opened: emphasis and links close in order on a page
            # html.parser has balanced.
            del self.inline[len(self.inline) - 1 - self.inline[::-1].index(mark)]
            self.tokens.append(("close", mark))

    def link_target(self, tag):
        """("url", …) to keep, ("page", …) for another page of the export,
        or ("text", None): the text without a link."""
        href = (tag.get("href") or "").strip()
        parts = _split(href)
        if parts is None:
            self.case.notes.append(f"Link auf „{href}“ entfernt (keine gültige Adresse); der Text steht noch da")
            return ("text", None)
        if parts.scheme.lower() in LINK_SCHEMES and (parts.netloc or parts.scheme.lower() == "mailto"):
            if _is_builder_link(tag):
                return ("text", None)
            return ("url", href)
        if not href or href.startswith("#") or parts.scheme or href.startswith("/"):
            if href and not href.startswith("#"):
                self.case.notes.append(f"Link auf „{href}“ entfernt (nur Adressen mit http(s) oder "
                                       "mailto bleiben Links); der Text steht noch da")
            return ("text", None)
        path = unquote(parts.path)
        if path.lower().endswith(PAGE_SUFFIXES):
            return ("page", posixpath.normpath(posixpath.join(posixpath.dirname(self.page), path)))
        self.case.notes.append(f"Link auf „{href}“ entfernt (eine Datei des alten Exports, keine "
                               "Seite); der Text steht noch da")
        return ("text", None)

    def flush(self):
        tokens, self.tokens = self.tokens, []
        # Emphasis and links still open go on in the next paragraph.
        tokens += [("close", mark) for mark in reversed(self.inline)]
        self.tokens = [("open", mark) for mark in self.inline]
        text, markdown = _render(tokens, self.case)
        if not text:
            return
        kind, list_id = self.items[-1] if self.items else (None, None)
        level = self.levels[-1]
        self.result.append(Block(text, heading=bool(level), level=level, markdown=markdown,
                                 list_kind=kind, list_id=list_id, caption=self.captions > 0,
                                 after_break=self.after_break))
        self.after_break = False


def _render(tokens, case):
    """(plain text, Markdown) of one block's tokens."""
    items = []  # strings, or (open|close, mark)
    for kind, value in tokens:
        if kind == "text":
            items.append(re.sub(r"\s+", " ", value.replace("\u200b", "").replace("\u200c", "")))
        else:
            items.append((kind, value))
    # Emphasis and links hug their words: "** fett**" is no emphasis in Markdown.
    hugged = []
    for item in items:
        if isinstance(item, str) and hugged and isinstance(hugged[-1], tuple) and hugged[-1][0] == "open" \
                and item.startswith(" "):
            index = len(hugged)
            while index and isinstance(hugged[index - 1], tuple) and hugged[index - 1][0] == "open":
                index -= 1
            hugged.insert(index, " ")
            item = item[1:]
        elif isinstance(item, tuple) and item[0] == "close" and hugged and isinstance(hugged[-1], str) \
                and hugged[-1].endswith(" "):
            hugged[-1] = hugged[-1][:-1]
            hugged.append(item)
            item = " "
        hugged.append(item)
    items = hugged
    plain = clean("".join(i for i in items if isinstance(i, str)))
    if not plain:
        return "", ""
    out = []
    depth = {}
    link_text_start = []
    first_is_text = None
    for item in items:
        if isinstance(item, str):
            if item.strip() and first_is_text is None:
                first_is_text = True
            out.append(escape_inline(item))
            continue
        kind, mark = item
        if isinstance(mark, tuple):  # a link
            if kind == "open":
                link_text_start.append(len(out))
                if first_is_text is None:
                    first_is_text = False
            elif link_text_start:
                start = link_text_start.pop()
                inner = "".join(p if isinstance(p, str) else p[1] for p in out[start:]).strip()
                del out[start:]
                target_kind, target = mark
                if inner and target_kind == "url":
                    out.append(link(inner, target))
                elif inner and target_kind == "page":
                    out.append(export_link(inner, target))
                    if target not in case.links:
                        case.links.append(target)
                else:
                    out.append(inner)
            continue
        # Emphasis inside the same emphasis adds nothing.
        if kind == "open":
            depth[mark] = depth.get(mark, 0) + 1
            if depth[mark] == 1:
                out.append(("open", mark))
                if first_is_text is None:
                    first_is_text = False
        else:
            depth[mark] = depth.get(mark, 0) - 1
            if depth[mark] == 0:
                out.append(("close", mark))
    # Emphasis around nothing ("****") is dropped.
    rendered = []
    for piece in out:
        if isinstance(piece, tuple):
            kind, mark = piece
            if kind == "close" and rendered and rendered[-1] == ("open", mark):
                rendered.pop()
            else:
                rendered.append(piece)
        else:
            rendered.append(piece)
    markdown = "".join(p if isinstance(p, str) else p[1] for p in rendered)
    markdown = " ".join(markdown.split())
    if first_is_text:
        markdown = escape_line_start(markdown)
    return plain, markdown
