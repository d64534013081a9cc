"""Feed the site's cases and tips to Pagefind, in German.

Every case and every tip becomes a custom record, so a tip can be found
as itself (its URL points to the tip's box) and a filter tells tips from
cases. Words a reader may type but the text does not spell out (parts of
compounds, umlauts written as ae/oe/ue/ss) are appended after a marker;
the search scripts cut the marker and what follows from every excerpt.
"""

import asyncio
import logging
import os
import re
import shutil

from bs4 import BeautifulSoup
from .compounds import extra_search_words

logger = logging.getLogger(__name__)

# Must match EXTRA_WORDS_MARKER in theme/static/js/search-core.js.
EXTRA_WORDS_MARKER = "⁂"
KIND_CASE = "Fall"
KIND_TIP = "Tipp"


def plain_text(html):
    return " ".join(BeautifulSoup(html or "", "html.parser").get_text(" ").split())


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
            "content": self._content(title, plain_text(case.summary), plain_text(case.content)),
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


def write_search_index(output_path, records, language):
    """Write the Pagefind bundle to ``output_path``/pagefind."""
    from pagefind.index import PagefindIndex

    bundle = os.path.join(output_path, "pagefind")

    async def write():
        config = {"force_language": language, "output_path": bundle}
        async with PagefindIndex(config=config) as index:
            for record in records:
                await index.add_custom_record(language=language, **record)
            # Files of an earlier build must not mix with this one's.
            if os.path.isdir(bundle):
                shutil.rmtree(bundle)

    asyncio.run(write())
    logger.info("Search index: %d records in %s", len(records), bundle)
