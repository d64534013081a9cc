"""Extra search words for German: parts of compounds, umlauts spelled out.

Pagefind matches words by their beginning, so "Notiz" does not find
"Abwesenheitsnotiz" and "Wertschaetzung" does not find "Wertschätzung".
These functions give a record the words a reader may type instead; the
search index gets them, the reader never sees them.
"""

import json
import logging
import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor

logger = logging.getLogger(__name__)

WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
MIN_COMPOUND = 8  # shorter words are rarely compounds worth splitting
MIN_PART = 4  # "Kun|den" and "Hot|line" are not parts a reader searches for
# compound-split scores a split by n-gram statistics; below this the
# split is more often wrong than right (checked on the demo cases).
MIN_SCORE = 0.25
_FOLDS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def fold_umlauts(word):
    return word.translate(_FOLDS)


class CompoundSplitter:
    """Splits compounds with compound-split, remembering every answer.

    Loading compound-split's model takes seconds, so it is only loaded
    when a word comes up that is not in the cache file yet.
    """

    def __init__(self, cache_file=None):
        self.cache_file = cache_file
        self._cache = {}
        self._changed = False
        self._split_compound = None
        self._variants = {}
        if cache_file and os.path.exists(cache_file):
            try:
                with open(cache_file, encoding="utf-8") as handle:
                    self._cache = json.load(handle)
            except (OSError, ValueError):
                logger.info("Ignoring unreadable compound cache %s", cache_file)

    def parts(self, word):
        """The parts of one word, lower case, without the word itself."""
        word = word.lower()
        if "-" in word:
            pieces = [p for p in word.split("-") if len(p) >= 2]
            found = []
            for piece in pieces:
                found += [piece] + self.parts(piece)
            return _unique(p for p in found if p != word)
        if len(word) < MIN_COMPOUND:
            return []
        if word not in self._cache:
            self._cache[word] = self._split(word)
            self._changed = True
        return list(self._cache[word])

    def learn(self, words):
        """Split the compounds among ``words`` that the cache does not know
        yet, in a process of its own: compound-split's model takes some
        300 MB, which that process gives back when it ends, before the
        search index is written."""
        new = sorted({
            piece
            for word in words
            for piece in word.lower().split("-")
            if len(piece) >= MIN_COMPOUND and piece not in self._cache
        })
        if not new:
            return
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
            self._cache.update(pool.submit(_split_words, new).result())
        self._changed = True

    def variants(self, word):
        """Everything a reader may type for ``word`` (lower case): its parts
        and their umlauts spelled out. Asked once per distinct word."""
        if word not in self._variants:
            found = {fold_umlauts(word)}
            for part in self.parts(word):
                found.update((part, fold_umlauts(part)))
            self._variants[word] = found
        return self._variants[word]

    def _split(self, word):
        if self._split_compound is None:
            from compound_split.char_split import split_compound

            self._split_compound = split_compound
        score, head, tail = self._split_compound(word)[0]
        head, tail = head.lower(), tail.lower()
        if score < MIN_SCORE or len(head) < MIN_PART or len(tail) < MIN_PART:
            return []
        found = [head, tail]
        if head.endswith("s") and len(head) > MIN_PART:
            found.append(head[:-1])  # the linking s: Abwesenheits-notiz
        found += self._split(head) if len(head) >= MIN_COMPOUND else []
        found += self._split(tail) if len(tail) >= MIN_COMPOUND else []
        return _unique(found)

    def save(self):
        if not (self.cache_file and self._changed):
            return
        os.makedirs(os.path.dirname(self.cache_file), exist_ok=True)
        part = f"{self.cache_file}.{os.getpid()}.part"  # never a half-written cache
        with open(part, "w", encoding="utf-8") as handle:
            json.dump(self._cache, handle, ensure_ascii=False, sort_keys=True, indent=0)
        os.replace(part, self.cache_file)
        self._changed = False


def extra_search_words(text, splitter):
    """Words a reader may search for that ``text`` does not spell out."""
    # Hyphenated words count as one, as Pagefind indexes them.
    present = {w.lower() for w in WORD.findall(text)}
    extra = set()
    for word in present:
        extra |= splitter.variants(word)
    return sorted(w for w in extra - present if "-" not in w)


def _split_words(words):
    splitter = CompoundSplitter()
    return {word: splitter._split(word) for word in words}


def _unique(items):
    return list(dict.fromkeys(items))
