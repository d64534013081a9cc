"""A deterministic corpus of synthetic cases in the real case format.

The text is German-looking nonsense built from a fixed vocabulary: about
450 words a case, tags from a shared list, one or two tip sections, with
the quotes and dashes typography has to handle.
"""

import random

NOUNS = (
    "Kunde Kunden Angebot Anfrage Rechnung Hotline Beschwerde Termin Vertrag Auftrag "
    "Geschäftsleitung Mitarbeiterin Mitarbeiter Antwort Rückmeldung Lieferung Bestellung "
    "Abwesenheitsnotiz Wertschätzung Kundenservice Servicewüste Wartezeit Warteschleife "
    "Handwerker Filiale Versicherung Schadensmeldung Kundenkonto Erstattung Rücksendung "
    "Reservierung Empfang Rezeption Zusage Nachfrage Entschuldigung Gutschrift Mahnung "
    "Preiserhöhung Kundenbeziehung Geschäftspartner Empfehlung Vertrauen Qualität Aufwand "
    "Gespräch Telefonat Nachricht Brief Formular Onlineshop Kundennummer Zuständigkeit"
).split()
VERBS = (
    "antwortete schrieb wartete fragte versprach vergaß meldete erklärte bestätigte "
    "verschob übernahm ignorierte prüfte lieferte rief bat dankte entschuldigte"
).split()
ADJECTIVES = (
    "freundlich knapp pünktlich verärgert zuständig langjährig ausführlich schnell "
    "spät unklar höflich kompliziert verlässlich überrascht geduldig sachlich"
).split()
WORDS = (
    "und aber dann doch noch nie immer wieder schon bald gestern heute morgen leider "
    "natürlich eigentlich trotzdem jedoch sogar kaum gern mehrfach sofort"
).split()
TAGS = (
    "Kommunikation Beschwerde Service Handwerk Online-Handel Erreichbarkeit Wertschätzung "
    "Rechnung Versicherung Hotel Bank Gastronomie Termine Verträge Lieferung Telefon "
    "E-Mail Vertrauen Preise Reklamation"
).split()


def sentence(rng, words=12):
    parts = []
    for _ in range(words):
        pick = rng.random()
        if pick < 0.35:
            parts.append(rng.choice(NOUNS))
        elif pick < 0.55:
            parts.append(rng.choice(VERBS))
        elif pick < 0.7:
            parts.append(rng.choice(ADJECTIVES))
        else:
            parts.append(rng.choice(WORDS))
    text = " ".join(parts)
    roll = rng.random()
    if roll < 0.15:
        text = f'{text} "{rng.choice(NOUNS)} {rng.choice(VERBS)}"'
    elif roll < 0.25:
        text = f"{text} -- {rng.choice(WORDS)} {rng.choice(NOUNS)}"
    elif roll < 0.3:
        text = f"{text} »{rng.choice(NOUNS)}«"
    return text[0].upper() + text[1:] + "."


def paragraph(rng, sentences):
    return " ".join(sentence(rng, rng.randint(9, 15)) for _ in range(sentences))


def synthetic_case(number, seed=0):
    rng = random.Random(f"{seed}-{number}")
    title = f"Der »eingebaute« Kunde und {rng.choice(['der', 'die', 'das'])} {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {number}"
    # Years up to 2025 only: a case dated in the future is scheduled and left out of the site.
    year, month, day = 2010 + number // 120 % 16, number // 10 % 12 + 1, number % 28 + 1
    tags = ", ".join(rng.sample(TAGS, rng.randint(2, 4)))
    body = [paragraph(rng, 4) for _ in range(5)]
    tips = ["## Der Tipp des »eingebauten« Kunden", "", paragraph(rng, 4), "", paragraph(rng, 2)]
    if number % 3 == 0:
        tips += ["", "## Tipp für die Geschäftsleitung", "", paragraph(rng, 3)]
    photo = []
    if number % 10 == 0:  # every tenth case has the demo photo
        photo = ["Image: images/fall-02.jpg", "Image_alt: Ein leerer Empfangstresen", "Image_credit: Demo"]
    return "\n".join(
        [
            f"Title: {title}",
            f"Fall: {number}",
            f"Date: {year}-{month:02d}-{day:02d} 09:00",
            f"Tags: {tags}",
            f"Summary: {sentence(rng, 14)}",
            *photo,
            "",
            "\n\n".join(body),
            "",
            "## Was ist passiert?",
            "",
            paragraph(rng, 4),
            "",
            *tips,
            "",
        ]
    )


def write_corpus(folder, count, first_number=1001, seed=0):
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(first_number, first_number + count):
        (folder / f"fall-{number}.md").write_text(synthetic_case(number, seed), encoding="utf-8")
