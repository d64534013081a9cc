"""Extra search words for German: parts of compounds, umlauts spelled out.

Pagefind matches words by their beginning, so "Notiz" does not find
"Abwesenheitsnotiz" and "Wertschaetzung" does not find "Wertschätzung".
These functions give a record the words a reader may type instead; the
search index gets them, the reader never sees them.

Compounds are split by CharSplit's n-gram model (the package split-words);
a split counts only when its parts are German words of their own, checked
against the forms of Wikidata's German lexemes (data/README.md, CC0):
the model alone also cuts "Beschwerde" into "Beschw|erde", and then
"Erde" would find it.
"""

import gzip
import json
import logging
import os
import re

import background
from german.spelling import fold_umlauts

logger = logging.getLogger(__name__)

WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
MIN_COMPOUND = 8  # shorter words are rarely compounds worth splitting
MIN_PART = 4  # "Kun|den" and "Hot|line" are not parts a reader searches for
# The model's work for one word grows with the square of its length (and
# the text it copies with the cube), so a 5,000-letter "word" took many
# seconds. Real compounds are shorter ("Donaudampfschifffahrtsgesellschaft"
# has 34 letters); longer runs of letters are left whole.
MAX_COMPOUND = 50
# The model scores a split by n-gram statistics; below this the split is
# more often wrong than right (checked on the demo cases).
MIN_SCORE = 0.25
# Linking elements (Fugenelemente) a first part may end in:
# Abwesenheit-s-notiz, Tag-es-licht, Kunde-n-wunsch.
LINKS = ("es", "s", "n")
# Endings of a last part whose inflected form the word list may lack:
# fähig-e, voll-es, meist-en.
ENDINGS = ("e", "en", "er", "es", "em")
# Raised when the rules below change what a word splits into.
RULES_VERSION = 2
WORD_LIST = os.path.join(os.path.dirname(__file__), "data", "german-words.txt.gz")


def splitter_version():
    """Kept with the splits in the cache file: splits made by another model,
    word list or rules are made anew."""
    from importlib.metadata import version

    return f"split-words {version('split-words')}, {os.path.basename(WORD_LIST)} {os.path.getsize(WORD_LIST)}, rules {RULES_VERSION}"


def german_words():
    """Every form of every German lexeme on Wikidata, lower case, ß as ss
    (data/README.md)."""
    with gzip.open(WORD_LIST, "rt", encoding="utf-8") as handle:
        return frozenset(line for line in handle.read().split("\n") if line)


class CompoundSplitter:
    """Splits compounds into parts that are words, remembering every answer.

    Loading the model and the word list takes seconds, so they are only
    loaded when a word comes up that is not in the cache file yet.
    """

    def __init__(self, cache_file=None, settings=None):
        self.cache_file = cache_file
        self._settings = settings or {}  # BACKGROUND_* (see plugins/background)
        self._cache = {}
        self._changed = False
        self._split_compound = None
        self._words = None
        self._variants = {}
        if cache_file and os.path.exists(cache_file):
            try:
                with open(cache_file, encoding="utf-8") as handle:
                    saved = json.load(handle)
                if saved.get("splitter") == splitter_version():
                    self._cache = saved["parts"]
            except (OSError, ValueError, AttributeError, KeyError):
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
        if not is_splittable(word):
            return []
        if word not in self._cache:
            self._cache[word] = self._split(word)
            self._changed = True
        return list(self._cache[word])

    def learn(self, words):
        """Split the compounds among ``words`` that the cache does not know
        yet, in a process of its own: the model takes some 300 MB, which
        that process gives back when it ends, before the search index is
        written."""
        new = sorted({
            piece
            for word in words
            for piece in word.lower().split("-")
            if is_splittable(piece) and piece not in self._cache
        })
        if not new:
            return
        self._cache.update(background.run_apart(self._settings, _split_words, new))
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
        """The model's best split of ``word`` into two, and those parts split
        again; [] unless every part is a word (or a compound of words)."""
        if self._split_compound is None:
            from split_words import Splitter

            self._split_compound = Splitter().split_compound
            self._words = german_words()
        score, head, tail = self._split_compound(word)[0]
        head, tail = head.lower(), tail.lower()
        if score < MIN_SCORE or len(head) < MIN_PART or len(tail) < MIN_PART:
            return []
        head_parts = self._split(head) if len(head) >= MIN_COMPOUND else []
        tail_parts = self._split(tail) if len(tail) >= MIN_COMPOUND else []
        if not (self._is_first_part(head) or head_parts) or not (self._is_last_part(tail) or tail_parts):
            return []
        found = [head, tail]
        unlinked = self._without_link(head)
        # Abwesenheits|notiz: "Abwesenheit" too. (Woche|n|ende needs no
        # "Woche": Pagefind finds "Wochen" by its beginning.)
        if unlinked and head.endswith("s") and len(unlinked) >= MIN_PART:
            found.append(unlinked)
        found += head_parts + tail_parts
        return _unique(found)

    def _is_word(self, word):
        return word.replace("ß", "ss") in self._words  # the list spells ß as ss

    def _without_link(self, head):
        """A first part without its linking element, if that is a word."""
        for link in LINKS:
            if head.endswith(link) and self._is_word(head[: -len(link)]):
                return head[: -len(link)]
        return None

    def _is_first_part(self, head):
        # Some first parts drop a final e: Sach|bearbeiter, Dritt|anbieter.
        return self._is_word(head) or self._without_link(head) or self._is_word(head + "e")

    def _is_last_part(self, tail):
        # The word list lacks some inflected forms of adjectives: fähig-e.
        return self._is_word(tail) or any(
            tail.endswith(ending) and self._is_word(tail[: -len(ending)]) for ending in ENDINGS
        )

    def save(self):
        if not (self.cache_file and self._changed):
            return
        os.makedirs(os.path.dirname(self.cache_file), exist_ok=True)
        part = f"{self.cache_file}.{os.getpid()}.part"  # never a half-written cache
        with open(part, "w", encoding="utf-8") as handle:
            json.dump({"splitter": splitter_version(), "parts": self._cache}, handle, ensure_ascii=False, sort_keys=True, indent=0)
        os.replace(part, self.cache_file)
        self._changed = False


def is_splittable(word):
    return MIN_COMPOUND <= len(word) <= MAX_COMPOUND


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
