"""Parts of German compounds for the search index (plugins/search/compounds.py)."""

import itertools
import json

import pytest
import split_words.splitter as model

from search.compounds import MAX_COMPOUND, CompoundSplitter, extra_search_words


def test_new_compounds_are_split_in_a_process_of_their_own_and_kept(tmp_path):
    cache = tmp_path / "compounds.json"
    splitter = CompoundSplitter(str(cache))
    splitter.learn(["Abwesenheitsnotiz", "E-Mail-Programm", "kurz"])
    # The model (hundreds of MB) was never loaded into this process.
    assert splitter._split_compound is None
    words = extra_search_words("Die Abwesenheitsnotiz im E-Mail-Programm", splitter)
    assert {"notiz", "abwesenheit", "programm", "mail"} <= set(words)
    splitter.save()
    assert "abwesenheitsnotiz" in json.loads(cache.read_text(encoding="utf-8"))["parts"]
    again = CompoundSplitter(str(cache))
    again.learn(["Abwesenheitsnotiz"])
    assert again.parts("Abwesenheitsnotiz") == splitter.parts("Abwesenheitsnotiz")
    assert again._split_compound is None


def test_splits_kept_by_an_older_splitter_are_made_anew(tmp_path):
    cache = tmp_path / "compounds.json"
    # What compound-split without the word check left in the cache.
    cache.write_text(json.dumps({"beschwerde": ["beschw", "erde"]}), encoding="utf-8")
    assert CompoundSplitter(str(cache)).parts("Beschwerde") == []


@pytest.fixture(scope="module")
def splitter():
    return CompoundSplitter()


@pytest.mark.parametrize(
    "word, part",
    [
        ("Abwesenheitsnotiz", "notiz"),
        ("Abwesenheitsnotiz", "abwesenheit"),  # without the linking s
        ("Kommunikationshoheit", "hoheit"),
        ("Beschwerdemanagement", "management"),
        ("Sachbearbeiter", "bearbeiter"),  # Sach(e): the first part drops its e
        ("Grußformel", "formel"),
        ("Ladungsfähige", "ladung"),
    ],
)
def test_compounds_of_real_words_are_split(splitter, word, part):
    assert part in splitter.parts(word)


@pytest.mark.parametrize(
    "word, false_part",
    [
        # The model's best splits, whose first parts are no words.
        ("Beschwerde", "erde"),  # beschw|erde
        ("Verantwortung", "ortung"),  # verantw|ortung
        ("Betroffenen", "offenen"),  # betr|offenen
        ("Auschecken", "ecken"),  # ausch|ecken
        ("Beschwerdemanagement", "erde"),
    ],
)
def test_parts_that_are_no_words_make_no_split(splitter, word, false_part):
    assert false_part not in splitter.parts(word)


class CountedTable:
    """One of the model's n-gram tables, counting every look-up."""

    def __init__(self, table, counter):
        self.table = table
        self.counter = counter

    def get(self, key, default=None):
        self.counter[0] += 1
        return self.table.get(key, default)


@pytest.fixture(scope="module")
def work():
    """The n-gram look-ups that finding the extra words of a text costs."""
    tables = model.get_ngram_probs()
    lookups = [0]
    counted = {name: CountedTable(table, lookups) for name, table in tables.items()}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(model, "ngram_probs", counted)

        def measure(text):
            before = lookups[0]
            extra_search_words(text, CompoundSplitter())
            return lookups[0] - before

        yield measure


FIRST = ["Kunden", "Hotel", "Termin", "Rechnung", "Telefon", "Paket", "Konto", "Garten", "Fenster", "Urlaub", "Reise", "Schaden"]
MIDDLE = ["service", "daten", "post", "bestätigungs", "anfrage", "büro", "karten", "buchungs", "liefer", "zahlungs"]
LAST = ["nummer", "system", "liste", "formular", "termin", "frist", "stelle", "adresse", "problem", "wunsch", "team"]


def prose(length):
    """Different compounds, as in a long case, ``length`` characters of them."""
    words = ("".join(parts) for parts in itertools.product(FIRST, MIDDLE, LAST))
    text = ""
    while len(text) < length:
        text += next(words) + " "
    return text


def test_compound_splitting_grows_linearly_with_the_text(work):
    sizes = [4_000, 8_000, 16_000]
    costs = [work(prose(size)) for size in sizes]
    assert costs[0] > 0
    for smaller, larger in zip(costs, costs[1:]):
        assert larger <= 2.2 * smaller, costs


@pytest.mark.parametrize("letters", ["Abwesenheitsnotiz", "E-Mail-Programm-"])
def test_a_very_long_word_costs_no_more_than_the_longest_one_split(work, letters):
    """A title of 5,000 letters without a space took 15 s to build."""
    longest_split = work((letters * 5)[:MAX_COMPOUND])
    assert longest_split > 0
    for length in (5_000, 10_000):
        assert work((letters * length)[:length]) <= longest_split
