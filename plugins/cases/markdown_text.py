"""Cases are Markdown text, never HTML.

Authors write no HTML, so anything that looks like a tag is shown as
text: a case that quotes ``<script>`` cannot run it on the site. That
holds for the body and the summary (Markdown) and for the title, which
Pelican passes to the templates as HTML.
"""

import html

from markdown.extensions import Extension
from pelican.readers import MarkdownReader

from .sources import check_source


class PlainTextMarkdown(Extension):
    def extendMarkdown(self, md):
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


class PlainTextMarkdownReader(MarkdownReader):
    def read(self, source_path):
        # A source the checks refused is left out (CaseError: Pelican skips
        # it); the checks have told the author why.
        check_source(source_path, self.settings["PATH"])
        content, metadata = super().read(source_path)
        if "title" in metadata:
            # Escaped before typogrify runs, which then sees text, not tags.
            metadata["title"] = html.escape(metadata["title"], quote=False)
        return content, metadata


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
