"""Write a ParsedCase as a case file in the site's Markdown format."""

import re

_LINE_START = re.compile(r"^(#|>|[-+*]\s|\d+[.)]\s|=+\s*$|-+\s*$)")
_INLINE = re.compile(r"([\\`*_\[\]])")


def escape(text):
    """Keep the author's text literal: nothing in it may turn into Markdown."""
    text = _INLINE.sub(r"\\\1", text)
    return "\\" + text if _LINE_START.match(text) else text


def case_markdown(case, date):
    header = [
        f"Title: {case.title}",
        f"Fall: {case.number}",
        f"Date: {date.isoformat()} 09:00",
    ]
    if case.summary:
        header.append(f"Summary: {case.summary}")
    if case.image_credit:
        header.append(f"Image_credit: {case.image_credit}")
    parts = ["\n".join(header)]
    parts += [escape(paragraph) for paragraph in case.story]
    for heading, paragraphs in case.sections:
        parts.append(f"## {escape(heading)}")
        parts += [escape(paragraph) for paragraph in paragraphs]
    return "\n\n".join(parts) + "\n"
