"""Write a ParsedCase as a case file in the site's Markdown format.

The author's words stay words: whatever in them Markdown would read as
markup gets a backslash where Markdown takes one away again, or a
character reference where it has none (a line of "~~~" or "==="), so
nothing shows a stray backslash. Tags stay as typed: the site shows
them as text.
"""

import re
from urllib.parse import quote, unquote

# Line starts Markdown would read as a heading, quote or list.
_LINE_START = re.compile(r"^(#|>|[-+*](\s|$))")
_ORDERED = re.compile(r"^(\d+)([.)])(\s|$)")
# A line of rule, setext or fence characters only ("---", "===", "~~~", "* * *"),
# as escape_inline leaves it.
_RULE_ONLY = re.compile(r"^(?:\\?[-=~*_+]|\s)+$")
_FENCE_START = re.compile(r"^(~{3,})")
# Characters that would make emphasis, links, tables or attribute lists.
_INLINE = re.compile(r"([\\*_\[\]{}|])")
# "<" only where it would start an automatic link (<https://…>, <a@b.de>),
# "&" only where it would start a character reference.
_AUTOLINK = re.compile(r"<(?=[A-Za-z][A-Za-z0-9.+-]*:|[^\s<>@]+@[^\s<>@]+>)")
_ENTITY = re.compile(r"&(?=#?\w+;)")
# Controls never belong in a case file (Pelican refuses a NUL byte).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A link the importer wrote to another page of the same export.
EXPORT_LINK = re.compile(r"\[((?:\\.|[^\]\\])*)\]\(export:([^)\s]*)\)")


def escape_inline(text):
    """Text inside a line: no emphasis, code, link or reference of its own."""
    text = _INLINE.sub(r"\\\1", text)
    text = _ENTITY.sub("&amp;", text)
    # A backtick as a character reference: escaped, "``" would still become
    # an opening quote in the site's typography.
    text = text.replace("`", "&#96;")
    return _AUTOLINK.sub("&lt;", text)


def escape_line_start(line):
    """What only the start of a line makes Markdown: headings, quotes,
    lists, rules, fences and definition lists."""
    if _RULE_ONLY.match(line):
        return "".join(c if c.isspace() else f"&#{ord(c)};" for c in line.replace("\\", ""))
    if _FENCE_START.match(line):
        return "&#126;" + line[1:]
    if _ORDERED.match(line):
        return _ORDERED.sub(r"\1\\\2\3", line, count=1)
    if line.startswith(":"):
        return "&#58;" + line[1:]  # a definition list otherwise; ":" has no escape
    return "\\" + line if _LINE_START.match(line) else line


def escape(text):
    """Keep one line of the author's text literal: nothing in it may turn into Markdown."""
    return escape_line_start(escape_inline(text))


_URL_SAFE = ":/?#[]@!$&'*+,;=%~.-_"


def link(text_markdown, url):
    """[text](url), with what would end the URL early percent-encoded."""
    return f"[{text_markdown}]({quote(url, safe=_URL_SAFE)})"


def export_link(text_markdown, key):
    """A link to another page of the export, resolved once every page is read."""
    return f"[{text_markdown}](export:{quote(key, safe='/')})"


def resolve_export_links(markdown, url_for):
    """Links to other pages of the export become links to their cases;
    ``url_for(key)`` gives the URL, or None: then only the text stays."""
    def replace(match):
        url = url_for(unquote(match.group(2)))
        return f"[{match.group(1)}]({url})" if url else match.group(1)

    return EXPORT_LINK.sub(replace, markdown)


def format_date(case_date, has_time):
    # Four digits always: "%Y" writes the year 1 as "1".
    return f"{case_date.year:04d}-{case_date:%m-%d} " + (f"{case_date:%H:%M}" if has_time else "09:00")


def _paragraph_markdown(paragraph, prefix=""):
    if getattr(paragraph, "markdown", None) is not None:
        return prefix + paragraph.markdown
    return prefix + escape(paragraph)


def _section_body(paragraphs):
    """Paragraphs, with the items of one list on consecutive lines."""
    parts = []
    previous = None
    for paragraph in paragraphs:
        kind = getattr(paragraph, "list_kind", None)
        if kind:
            marker = "1. " if kind == "ol" else "- "
            line = _paragraph_markdown(paragraph, marker)
            if previous is not None and previous == (kind, paragraph.list_id):
                parts[-1] += "\n" + line
            else:
                parts.append(line)
            previous = (kind, paragraph.list_id)
        else:
            parts.append(_paragraph_markdown(paragraph))
            previous = None
    return parts


def heading_markdown(heading):
    # A "#" at the end of a heading line would be taken for a closing mark.
    return "## " + re.sub(r"#(\s*)$", r"\\#\1", escape_inline(heading))


def header_value(text):
    """One line of the header: no line break can start another header line."""
    return " ".join(text.split())


def case_markdown(case, when, has_time, image=None, image_alt="", draft=False):
    """The case file. ``image`` is the photo's path under content/ (or None)."""
    header = [f"Title: {header_value(case.title)}", f"Fall: {case.number}",
              f"Date: {format_date(when, has_time)}"]
    if case.tags:
        header.append(f"Tags: {header_value(', '.join(case.tags))}")
    if case.summary:
        # Pelican renders the summary as Markdown, too.
        header.append(f"Summary: {header_value(_paragraph_markdown(case.summary))}")
    if image:
        header.append(f"Image: {image}")
        if image_alt:
            header.append(f"Image_alt: {header_value(image_alt)}")
    if case.image_credit:
        header.append(f"Image_credit: {header_value(case.image_credit)}")
    if draft:
        header.append("Status: draft")
    parts = ["\n".join(header)]
    for heading, paragraphs in case.sections:
        if heading is not None:
            parts.append(heading_markdown(heading))
        parts += _section_body(paragraphs)
    return _CONTROL.sub("", "\n\n".join(parts) + "\n")
