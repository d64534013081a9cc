"""Parts of German compounds for the search index (plugins/tips/compounds.py)."""

import json

from tips.compounds import CompoundSplitter, extra_search_words


def test_new_compounds_are_split_in_a_process_of_their_own_and_kept(tmp_path):
    cache = tmp_path / "compounds.json"
    splitter = CompoundSplitter(str(cache))
    splitter.learn(["Abwesenheitsnotiz", "E-Mail-Programm", "kurz"])
    # The model (hundreds of MB) was never loaded into this process.
    assert splitter._split_compound is None
    words = extra_search_words("Die Abwesenheitsnotiz im E-Mail-Programm", splitter)
    assert {"notiz", "abwesenheit", "programm", "mail"} <= set(words)
    splitter.save()
    assert "abwesenheitsnotiz" in json.loads(cache.read_text(encoding="utf-8"))
    again = CompoundSplitter(str(cache))
    again.learn(["Abwesenheitsnotiz"])
    assert again.parts("Abwesenheitsnotiz") == splitter.parts("Abwesenheitsnotiz")
    assert again._split_compound is None
