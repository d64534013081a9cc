"""Cases are Markdown text, never HTML.

Authors write no HTML, so anything that looks like a tag is shown as
text: a case that quotes ``<script>`` cannot run it on the site.
"""

from markdown.extensions import Extension


class PlainTextMarkdown(Extension):
    def extendMarkdown(self, md):
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
