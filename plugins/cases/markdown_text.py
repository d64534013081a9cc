"""Cases are Markdown text, never HTML.

Authors write no HTML, so anything that looks like a tag is shown as
text: a case that quotes ``<script>`` cannot run it on the site. That
holds for the body and the summary (Markdown) and for the title, which
Pelican passes to the templates as HTML.

What Markdown itself lets an author put into an attribute passes an allow
list: attribute lists (``{: … }``) may set a class or an id, nothing else;
links and images may point to http, https, mailto, tel or a relative
address. Anything else is dropped from the page and reported, with its
line, as a problem of the file (``markup_problems`` of the content).
"""

import html
import os
import re

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.attr_list import AttrListTreeprocessor, get_attrs_and_remainder
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup
from pelican.readers import MarkdownReader

from needs.markdown_order import PRIORITIES

from .checks import CASE_FIELDS, PAGE_FIELDS, PAGE_SLUG, publication_status
from .record import Conversion, read_record
from .sources import is_inside

# Right after the "meta" extension has read the header; typography
# takes the title after it (plugins/german; see needs/markdown_order.py).
TITLE_PRIORITY = PRIORITIES["title_as_text"]
ALLOWED_ATTRIBUTES = {".", "class", "id"}  # "." is attr_list's {.name}
ALLOWED_SCHEMES = {"http", "https", "mailto", "tel"}
# Browsers ignore ASCII whitespace and control characters inside a scheme
# ("java\tscript:"), so they are ignored here as well.
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def is_allowed_url(url):
    """True for the schemes in ALLOWED_SCHEMES and for relative addresses
    (including Pelican's ``{filename}`` links)."""
    match = _SCHEME.match(_IGNORED_IN_SCHEME.sub("", html.unescape(url)))
    return match is None or match.group(1).lower() in ALLOWED_SCHEMES


class _AllowedAttrList(AttrListTreeprocessor):
    def assign_attrs(self, elem, attrs_string, *, strict=False):
        attrs, remainder = get_attrs_and_remainder(attrs_string)
        if strict and remainder:
            return remainder
        refused = [name for name, _ in attrs if name not in ALLOWED_ATTRIBUTES]
        if refused:
            self.md.refused_markup.append(
                (attrs_string, f"Im Attribut-Block „{{: {attrs_string.strip()} }}“ ist "
                 f"„{', '.join(refused)}“ nicht erlaubt und wurde weggelassen.",
                 "Erlaubt sind nur Klassen („.tipp“) und Anker („#name“).")
            )
        for name, value in attrs:
            if name == "." and value:
                elem.set("class", f"{elem.get('class')} {value}" if elem.get("class") else value)
            elif name in ALLOWED_ATTRIBUTES and value:
                elem.set(name, value)
        return remainder


class _AllowedUrls(Treeprocessor):
    """Links and images with another scheme (javascript:, data:, …) lose it:
    the link becomes its text, the image its description."""

    def run(self, root):
        for element in root.iter():
            attribute = {"a": "href", "img": "src"}.get(element.tag)
            url = element.get(attribute) if attribute else None
            if url is None or is_allowed_url(url):
                continue
            self.md.refused_markup.append(
                (url, f"Die Adresse „{url}“ ist nicht erlaubt und wurde entfernt.",
                 "Verlinken Sie nur auf http(s)-Adressen, E-Mail („mailto:“), Telefon („tel:“) "
                 "oder Seiten dieser Website.")
            )
            if element.tag == "img":
                element.text = element.get("alt", "")
            element.tag = "span"
            element.attrib.clear()


class _TitleAsText(Preprocessor):
    """The title of the metadata header is text: escaped as soon as the
    header is read (TITLE_PRIORITY), before typography (plugins/german)
    sees it, which then sees text, not tags."""

    def run(self, lines):
        meta = getattr(self.md, "Meta", None) or {}
        if "title" in meta:
            meta["title"] = [html.escape(title, quote=False) for title in meta["title"]]
        return lines


class PlainTextMarkdown(Extension):
    def extendMarkdown(self, md):
        md.refused_markup = []  # (text as written, message, hint)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        if "attr_list" in md.treeprocessors:
            md.treeprocessors.register(_AllowedAttrList(md), "attr_list", PRIORITIES["attr_list"])
        # After every other treeprocessor: footnotes, toc and attr_list add
        # or change links late.
        md.treeprocessors.register(_AllowedUrls(md), "allowed_urls", PRIORITIES["allowed_urls"])
        md.preprocessors.register(_TitleAsText(md), "title_as_text", TITLE_PRIORITY)


class PlainTextMarkdownReader(MarkdownReader):
    """Pelican's Markdown reader, reading each source once into its record
    (record.py) and converting the Markdown from that text: Pelican's own
    ``MarkdownReader.read`` would open the file again."""

    _converted = None  # the Conversion of the source being read

    def read(self, source_path):
        is_case = is_case_source(source_path, self.settings)
        record = read_record(source_path, self.settings["PATH"], is_case=is_case, convert=self._convert,
                             settings=self.settings)
        if record.left_out:
            # Pelican passes over a source whose status is "skip" quietly
            # (a SkipStub, never cached): the checks have told the author
            # why (cases.plugin reports the record's problems). Nothing is
            # written into the settings, so a fixed file is read again by
            # the next build of the same Pelican (autoreload, warm preview).
            return "", {"status": "skip", "record": record}
        metadata = dict(self._converted.metadata)
        self._converted = None
        keep_known_fields(metadata, is_case)
        # Where each header field was written, for problems found later
        # (photos, page addresses).
        metadata["header_lines"] = record.header_lines
        if record.markup_problems:
            metadata["markup_problems"] = list(record.markup_problems)
        metadata["record"] = record
        return record.html, metadata

    def _convert(self, text):
        """Pelican's MarkdownReader.read on ``text``, the source as read."""
        self._md = Markdown(**self.settings["MARKDOWN"])
        html = self._md.convert(text)
        metadata = self._parse_metadata(self._md.Meta) if hasattr(self._md, "Meta") else {}
        self._converted = Conversion(html, metadata, list(getattr(self._md, "refused_markup", [])))
        return self._converted


def is_case_source(source_path, settings):
    """Whether ``source_path`` is a case (below ARTICLE_PATHS), not a page."""
    return any(is_inside(source_path, os.path.join(settings["PATH"], folder)) for folder in settings["ARTICLE_PATHS"])


def keep_known_fields(metadata, is_case):
    """Drop from a source's header what the site does not know (see
    checks.CASE_FIELDS; the checks report each line), so no header line
    chooses an output path, a template or a language; a Status beyond
    checks.STATUSES makes a draft."""
    fields = CASE_FIELDS if is_case else PAGE_FIELDS
    for key in list(metadata):
        if key not in fields:
            del metadata[key]
    if "status" in metadata:
        metadata["status"] = publication_status(str(metadata["status"]))
    slug = metadata.get("slug")
    if slug is not None and not PAGE_SLUG.fullmatch(str(slug)):
        del metadata["slug"]


def mark_html(content):
    """The title was escaped by the reader and typeset, the content and the
    summary made by Markdown: HTML we produced, so the templates print them
    as they are. Everything else reaches the templates as text."""
    if hasattr(content, "title"):
        content.title = Markup(content.title)


def add_text_versions(generators):
    """Plain text for <title>, descriptions and JSON-LD, as read (record.py)."""
    for generator in generators:
        for content in _contents_of(generator):
            content.title_text = content.record.title_text
            content.description = content.record.summary_text


def _contents_of(generator):
    for name in ("articles", "drafts", "hidden_articles", "pages", "hidden_pages", "draft_pages"):
        yield from getattr(generator, name, [])


def use_plain_text_markdown(pelican):
    markdown = pelican.settings.setdefault("MARKDOWN", {})
    extensions = markdown.setdefault("extensions", [])
    # Markdown runs extensions in list order; ours must come after
    # "extra", which registers an HTML block processor of its own.
    for name in markdown.get("extension_configs", {}):
        if name not in extensions:
            extensions.append(name)
    if not any(isinstance(e, PlainTextMarkdown) for e in extensions):
        extensions.append(PlainTextMarkdown())


def register_reader(readers):
    for extension in PlainTextMarkdownReader.file_extensions:
        readers.reader_classes[extension] = PlainTextMarkdownReader
    # Cases and pages are Markdown. An HTML (or reST) source would bring
    # markup of its own and Pelican's fields (<meta name="save_as">) past
    # the header checks; such files are not read at all.
    for extension in ("html", "htm", "rst"):
        readers.reader_classes[extension] = None
