"""German spelt without umlauts, as on a keyboard that lacks them:
ä as ae, ß as ss (file names, and what a reader may type into the search)."""

_FOLDS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def fold_umlauts(text):
    return text.translate(_FOLDS)
