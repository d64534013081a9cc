"""Feed the site's cases and tips to Pagefind, in German.

Every case and every tip becomes a record of its own, so a tip can be found
as itself (its URL points to the tip's box) and a filter tells tips from
cases. Words a reader may type but the text does not spell out (parts of
compounds, umlauts written as ae/oe/ue/ss) are appended after a marker;
the search scripts cut the marker and what follows from every excerpt.
"""

import asyncio
import html
import logging
import os
import re
import shutil
import tempfile

from markupsafe import Markup

from .compounds import extra_search_words

logger = logging.getLogger(__name__)

# Must match EXTRA_WORDS_MARKER in theme/static/js/search-core.js.
EXTRA_WORDS_MARKER = "⁂"
KIND_CASE = "Fall"
KIND_TIP = "Tipp"
# Must match TIP_FILTER in theme/static/js/tips-filter.js.
TIP_FILTER = "tipp"


def plain_text(html):
    """Text of a title or summary: tags dropped, entities decoded."""
    return " ".join(Markup(html or "").striptags().split())


class RecordMaker:
    """Turns cases and tips into Pagefind records.

    Pagefind searches the metadata too, so the phrases every case repeats
    (the column's name in each title, the standard tip heading) are left
    out of titles and text alike: otherwise every record would match
    "Kunde", and that query would tell the reader nothing.
    """

    def __init__(self, splitter, ignored_phrases=()):
        self.splitter = splitter
        self.ignored = [re.compile(r"\s*".join(map(re.escape, p.split())), re.I) for p in ignored_phrases]

    def _strip(self, text):
        text = " ".join(text.split())
        for phrase in self.ignored:
            text = phrase.sub(" ", text)
        text = " ".join(text.split())
        return text[:1].upper() + text[1:]

    def _content(self, *parts):
        text = self._strip(" ".join(parts))
        extra = extra_search_words(text, self.splitter)
        return f"{text} {EXTRA_WORDS_MARKER} {' '.join(extra)}" if extra else text

    def case(self, case):
        title = plain_text(case.title)
        return {
            "url": "/" + case.url,
            "content": self._content(title, plain_text(case.summary), case.search_text),
            "meta": {"title": f"Der {case.fall}. Fall: {self._strip(title)}"},
            "filters": {"typ": [KIND_CASE], "thema": [str(t) for t in getattr(case, "tags", [])]},
        }

    def tip(self, tip):
        title = f"Tipp aus Fall {tip.case_number}: {self._strip(plain_text(tip.case.title))}"
        heading = self._strip(tip.heading)
        if tip.count > 1 and heading:
            title += f" – {heading}"
        return {
            "url": "/" + tip.url,
            "content": self._content(tip.heading, tip.text),
            "meta": {"title": title},
            "filters": {"typ": [KIND_TIP], "thema": [str(t) for t in tip.tags]},
        }


def record_page(record):
    """One record as a small HTML page for Pagefind to index.

    Pagefind's Python API answers one custom record per 0.1 s, which made
    a thousand cases take minutes; a folder of pages is indexed in one
    call. The record's real address travels as the "url" meta field.
    """
    escape = html.escape
    heads = [f'<meta data-pagefind-meta="title[content]" content="{escape(record["meta"]["title"])}">']
    heads.append(f'<meta data-pagefind-meta="url[content]" content="{escape(record["url"])}">')
    for name, values in record["filters"].items():
        heads += [f'<meta data-pagefind-filter="{escape(name)}[content]" content="{escape(v)}">' for v in values]
    return (
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title></title>'
        + "".join(heads)
        + f'</head><body><main data-pagefind-body><p>{escape(record["content"])}</p></main></body></html>'
    )


def tips_page_record(record):
    """A tip's record for the bundle behind the tips page.

    That page already shows every tip; its search only has to say which
    ones match. Each tip is a filter value of its own, so Pagefind's filter
    counts name the matching tips without a fragment download per match.
    """
    return {**record, "filters": {TIP_FILTER: [record["url"]]}}


def write_search_index(bundle, records, language):
    """Write a Pagefind bundle of ``records`` into the folder ``bundle``."""
    from pagefind.index import PagefindIndex

    async def write(pages):
        config = {"force_language": language, "output_path": bundle}
        async with PagefindIndex(config=config) as index:
            await index.add_directory(pages)
            # Files of an earlier build must not mix with this one's.
            if os.path.isdir(bundle):
                shutil.rmtree(bundle)

    with tempfile.TemporaryDirectory() as pages:
        for number, record in enumerate(records):
            with open(os.path.join(pages, f"{number}.html"), "w", encoding="utf-8") as handle:
                handle.write(record_page(record))
        asyncio.run(write(pages))
    logger.info("Search index: %d records in %s", len(records), bundle)
