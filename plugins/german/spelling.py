"""German spelt without umlauts, as on a keyboard that lacks them:
ä as ae, ß as ss (file names, slugs, and what a reader may type into the
search).

UMLAUT_SPELLINGS is the one table: pelicanconf.py makes the slugs with
it, and the search pages hand it to their scripts (data-umlaut-spellings,
see plugins/search)."""

import json

UMLAUT_SPELLINGS = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
_FOLDS = str.maketrans(UMLAUT_SPELLINGS)


def fold_umlauts(text):
    return text.translate(_FOLDS)


def lower_case_spellings():
    """The table for text already in lower case: ä → ae, …"""
    return {letter: spelling for letter, spelling in UMLAUT_SPELLINGS.items() if letter.islower()}


def umlaut_spellings_json():
    """The table as the search scripts read it (they fold lower-case text)."""
    return json.dumps(lower_case_spellings(), ensure_ascii=False)
