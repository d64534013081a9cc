"""Feed the site's cases and tips to Pagefind, in German.

Every case and every tip becomes a record of its own, so a tip can be found
as itself (its meta.url points to the tip's box) and a filter tells tips
from cases. Cases and tips go into bundles of their own: the tips page
searches the tips alone, the search page merges both. A tip's topics are
a filter, so the tips page's topic choice reaches every tip, also those on
its later pages.

A record's content is the text the reader sees, then a marker and the
words for matching alone (see RecordMaker); the search scripts never show
what follows the marker (theme/static/js/search-core.js, docs/suche.md).
"""

import bisect
import collections
import html
import itertools
import re

from cases.plugin import lead_is_first_paragraph
from tips.records import tip_title

from .compounds import WORD, extra_search_words

# The pages pass both to their scripts (data-extra-words-marker,
# data-topic-filter: plugins/search/generator.py puts them in the context).
EXTRA_WORDS_MARKER = "⁂"
KIND_CASE = "Fall"
KIND_TIP = "Tipp"
# The tips page's topic choice searches every tip, not only those on its page.
TOPIC_FILTER = "thema"
# Names the bundle a record is in: the scripts search each bundle on its
# own (Pagefind's fallback to a shorter word is decided per bundle).
BUNDLE_FILTER = "buendel"


class RecordMaker:
    """Turns cases and tips into Pagefind records.

    A record's content is the text the reader sees at its place, word for
    word (the search shows excerpts of it), then the marker and the words
    kept for matching alone: the title (a case's) or heading (a tip's),
    which the result shows as its title, not run into the text; parts of
    compounds and umlauts spelt out. A case's record leaves out its tips,
    which are records of their own: one place, one result.

    The phrases every case repeats (the column's name in each title, the
    standard tip heading) are left out of the words for matching:
    otherwise every record would match "Kunde", and that query would tell
    the reader nothing.
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

    def _case_texts(self, case):
        """(visible text, title) of a case's record: the lead, then the
        text under it as the page shows it (a first paragraph that is the
        lead only once), without the tips; all of it as the case was read
        (its record)."""
        lead = case.record.summary_text
        body = without_tips(case.record.search_text, getattr(case, "tip_records", ()))
        if lead_is_first_paragraph(case):
            body = without_lead(body, lead)
        return " ".join(f"{lead} {body}".split()), self._strip(case.record.title_text)

    def _tip_texts(self, tip):
        return " ".join(tip.text.split()), self._strip(tip.heading)

    def _content(self, visible, title):
        extra = extra_search_words(f"{visible} {title}", self.splitter)
        hidden = " ".join(filter(None, (title, " ".join(extra))))
        return f"{visible} {EXTRA_WORDS_MARKER} {hidden}" if hidden else visible

    def learn_words(self, cases, tips):
        """Have the splitter split the new compounds of every text at once,
        before the records are made (see CompoundSplitter.learn)."""
        texts = itertools.chain(map(self._case_texts, cases), map(self._tip_texts, tips))
        self.splitter.learn(word for pair in texts for text in pair for word in WORD.findall(text))

    def case(self, case):
        visible, title = self._case_texts(case)
        return {
            "url": "/" + case.url,
            "content": self._content(visible, title),
            "meta": {"title": f"Der {case.fall}. Fall: {title}"},
            "filters": {"typ": [KIND_CASE]},
        }

    def tip(self, tip):
        visible, heading = self._tip_texts(tip)
        title = tip_title(tip.case_number, self._strip(tip.case_title), heading if tip.count > 1 and heading else None)
        url = "/" + tip.url
        return {
            "url": url,
            "content": self._content(visible, heading),
            "meta": {"title": title},
            "filters": {"typ": [KIND_TIP], TOPIC_FILTER: [str(tag) for tag in tip.tags]},
        }


def without_lead(text, lead):
    """``text`` without ``lead`` where it begins with it word for word: the
    page shows a first paragraph that is the lead once, as the lead
    (cases.plugin.body_after_lead)."""
    words, lead_words = text.split(), lead.split()
    if lead_words and words[: len(lead_words)] == lead_words:
        return " ".join(words[len(lead_words) :])
    return text


def without_tips(text, tips):
    """A case's plain text without its tips' boxes (heading and text), which
    come in the order of the tips; a box not found word for word stays."""
    words = text.split()
    starts = collections.defaultdict(list)  # word -> where it stands, in order
    for index, word in enumerate(words):
        starts[word].append(index)
    kept, at = [], 0
    for tip in tips:
        box = f"{tip.heading} {tip.text}".split()
        found = _find(words, starts, box, at)
        if found is None:
            continue
        kept += words[at:found]
        at = found + len(box)
    return " ".join(kept + words[at:])


def _find(words, starts, run, start):
    """Where ``run`` stands in ``words`` from ``start`` on, or None."""
    if not run:
        return None
    candidates = starts.get(run[0], [])
    for index in candidates[bisect.bisect_left(candidates, start):]:
        if words[index : index + len(run)] == run:
            return index
    return None


def record_page(record):
    """One record as a small HTML page for Pagefind to index.

    Pagefind reads its filters and metadata from the page; the record's
    own address, a tip's with its anchor, travels as the "url" meta field.
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


def index_requests(records, language):
    """The service requests that make a bundle of ``records`` (what to do
    with it is the caller's last request, see bundles.py)."""
    yield {"type": "NewIndex", "config": {"force_language": language}}
    for record in records:
        yield {"type": "AddFile", "index_id": 0, "file_path": None, "url": record["url"],
               "file_contents": record_page(record)}
