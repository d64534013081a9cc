"""Write a ParsedCase as a case file in the site's Markdown format."""

import re

# Line starts Markdown would read as a heading, quote, list or rule.
_LINE_START = re.compile(r"^(#|>|[-+*](\s|$)|=+\s*$|-+\s*$)")
_ORDERED = re.compile(r"^(\d+)([.)])(\s|$)")
# Characters that would make emphasis, code, links or attribute lists.
_INLINE = re.compile(r"([\\`*_\[\]{}])")


def escape(text):
    """Keep the author's text literal: nothing in it may turn into Markdown.

    Only characters Markdown can escape get a backslash; in front of a
    digit it would stay visible, so "1. Januar" becomes "1\\. Januar".
    """
    text = _INLINE.sub(r"\\\1", text)
    if _ORDERED.match(text):
        return _ORDERED.sub(r"\1\\\2\3", text, count=1)
    if text.startswith(":"):
        return "&#58;" + text[1:]  # a definition list otherwise; ":" has no escape
    return "\\" + text if _LINE_START.match(text) else text


def format_date(case_date, has_time):
    return case_date.strftime("%Y-%m-%d %H:%M" if has_time else "%Y-%m-%d 09:00")


def case_markdown(case, when, has_time):
    header = [f"Title: {case.title}", f"Fall: {case.number}", f"Date: {format_date(when, has_time)}"]
    if case.tags:
        header.append(f"Tags: {', '.join(case.tags)}")
    if case.summary:
        # Pelican renders the summary as Markdown, too.
        header.append(f"Summary: {escape(case.summary)}")
    if case.image_credit:
        header.append(f"Image_credit: {case.image_credit}")
    parts = ["\n".join(header)]
    for heading, paragraphs in case.sections:
        if heading is not None:
            parts.append(f"## {escape(heading)}")
        parts += [escape(paragraph) for paragraph in paragraphs]
    return "\n\n".join(parts) + "\n"
