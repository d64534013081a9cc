"""The case file as parts (plugins/cases/casefile.py): opened and saved
without a change every byte stays; an edit changes only what was edited."""

from pathlib import Path

import pytest

from cases.casefile import compose, parse, splice
from cases.checks import header_fields
from importer import import_paths
from sitebuild import ROOT

FIXTURE_CONTENT = ROOT / "tests" / "fixtures" / "casefile"
IMPORT_FIXTURES = ROOT / "tests" / "fixtures" / "import"


def unchanged(text):
    """What the editor writes when she saves without touching anything."""
    case = parse(text)
    return splice(case, header={line.key: line.value for line in case.header},
                  text=case.story_text, tips=case.tip_pairs)


def imported_cases(tmp_path):
    content = tmp_path / "content"
    (content / "faelle").mkdir(parents=True)
    import_paths(str(IMPORT_FIXTURES / "mobirise"), content, dates=str(IMPORT_FIXTURES / "mobirise-daten.csv"))
    for name in ("fall-12-rueckruf.txt", "fall-13-zwei-tipps.txt", "fall-14-seite.html", "fall-15-sternchen.txt"):
        import_paths(str(IMPORT_FIXTURES / name), content, date="2023-01-10")
    files = sorted((content / "faelle").glob("*.md"))
    assert len(files) == 7
    return files


def fixture_cases():
    return sorted(FIXTURE_CONTENT.glob("*.md"))


def demo_and_site_cases():
    """The demo as the project ships it and the tests' own fixture site."""
    from sitetasks.demo import DEMO_CONTENT

    return sorted(DEMO_CONTENT.glob("faelle/*.md")) + sorted((ROOT / "tests" / "fixtures" / "site").glob("faelle/*.md"))


@pytest.mark.parametrize("path", fixture_cases(), ids=lambda p: p.name)
def test_a_fixture_case_saved_unchanged_keeps_every_byte(path):
    raw = path.read_bytes()
    assert unchanged(raw.decode("utf-8")).encode("utf-8") == raw


@pytest.mark.parametrize("path", demo_and_site_cases(), ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_a_demo_case_saved_unchanged_keeps_every_byte(path):
    raw = path.read_bytes()
    assert unchanged(raw.decode("utf-8")).encode("utf-8") == raw


def test_imported_mobirise_cases_saved_unchanged_keep_every_byte(tmp_path):
    for path in imported_cases(tmp_path):
        raw = path.read_bytes()
        assert unchanged(raw.decode("utf-8")).encode("utf-8") == raw, path.name


def test_typography_bom_crlf_and_unknown_lines_survive():
    text = ("\ufeffTitle: Der »eingebaute« Kunde und die „Antwort“ – später\r\nFall: 33\r\nX-Herkunft: Mobirise\r\n"
            "Date: 2024-05-14 09:00\r\n\r\n\r\nAuch wer ignoriert … »zitiert« ‚so‘\u00a0und so.  \r\n\r\n"
            "## Was ist passiert?\r\n\r\nNichts.\r\n\r\n## Der Tipp des »eingebauten« Kunden\r\n\r\nAntworten.\r\n")
    assert unchanged(text) == text


def test_the_parts_with_their_lines():
    case = parse((FIXTURE_CONTENT / "fall-04-zwei-tipps.md").read_text(encoding="utf-8"))
    assert [(line.number, line.key) for line in case.header][:3] == [(1, "title"), (2, "fall"), (3, "date")]
    fields = header_fields(case.text.splitlines())  # the build's checks read the same lines
    assert {line.key: (line.number, line.value) for line in case.header} == fields
    assert [s.kind for s in case.sections] == ["story", "what", "tip", "other", "other", "tip"]
    assert case.part(case.what.body).startswith("Die Hotline")
    assert [heading for heading, _ in case.tip_pairs] == ["Der Tipp des »eingebauten« Kunden",
                                                          "Tipp für die Geschäftsleitung"]
    # The checklist under the first tip belongs to it.
    assert "### Eine Checkliste" in case.tip_pairs[0][1]
    assert case.part(case.story.body).endswith("Einfluss.")
    # The form's "Text" runs to the first tip, "Was ist passiert?" included.
    assert case.story_text.endswith("## Was ist passiert?\n\nDie Hotline war auf die häufigsten Fragen gebaut, "
                                    "nicht auf die seltenen.")


def test_a_heading_in_a_code_block_is_no_section():
    case = parse("Title: T\nFall: 1\nDate: 2024-01-01\n\nText\n\n```\n## Tipp\n```\n\n## Tipp\n\nEchter Tipp\n")
    assert case.tip_pairs == [("Tipp", "Echter Tipp")]


def changed_lines(before, after):
    a, b = before.splitlines(), after.splitlines()
    return [line for line in b if line not in a], [line for line in a if line not in b]


def test_an_edited_title_changes_that_line_only():
    text = (FIXTURE_CONTENT / "fall-01-einfach.md").read_text(encoding="utf-8")
    case = parse(text)
    after = splice(case, header={"title": "Der »eingebaute« Kunde und der neue Titel", "fall": "1"})
    assert changed_lines(text, after) == (["Title: Der »eingebaute« Kunde und der neue Titel"],
                                          [f"Title: {case.value('title')}"])
    assert len(after.splitlines()) == len(text.splitlines())


def test_new_header_lines_go_in_their_place_and_unknown_ones_stay():
    text = "Title: T\nFall: 3\nHerkunft: alt\nDate: 2024-01-01 09:00\nTags: A\n\nText.\n"
    after = splice(parse(text), header={"image": "images/fall-03.jpg", "image_alt": "Ein Bild", "status": "draft",
                                        "tags": ""})
    assert after == ("Title: T\nFall: 3\nHerkunft: alt\nDate: 2024-01-01 09:00\nImage: images/fall-03.jpg\n"
                     "Image_alt: Ein Bild\nStatus: draft\n\nText.\n")


def test_a_header_value_stays_one_line():
    after = splice(parse("Title: T\nFall: 3\nDate: 2024-01-01\n\nText.\n"), header={"title": "Zwei\nFall: 9"})
    assert after.splitlines()[0] == "Title: Zwei Fall: 9"
    assert [line.key for line in parse(after).header] == ["title", "fall", "date"]


def test_editing_the_text_and_a_tip_keeps_the_rest():
    text = (FIXTURE_CONTENT / "fall-04-zwei-tipps.md").read_text(encoding="utf-8")
    case = parse(text)
    (h1, t1), (h2, t2) = case.tip_pairs
    after = splice(case, text=case.story_text + "\n\nEin neuer Absatz.", tips=[(h1, t1), (h2, "Neuer Tipp.")])
    assert changed_lines(text, after)[0] == ["Ein neuer Absatz.", "Neuer Tipp."]
    assert parse(after).tip_pairs == [(h1, t1), (h2, "Neuer Tipp.")]
    assert after.startswith(text[:case.text_span.end])


def test_adding_and_removing_tips():
    text = "Title: T\nFall: 3\nDate: 2024-01-01\n\nText.\n\n## Der Tipp\n\nEins.\n"
    added = splice(parse(text), tips=[("Der Tipp", "Eins."), ("Noch ein Rat", "Zwei.")])
    assert added == text + "\n## Noch ein Rat {.tipp}\n\nZwei.\n"
    assert parse(added).tip_pairs == [("Der Tipp", "Eins."), ("Noch ein Rat {.tipp}", "Zwei.")]
    assert splice(parse(added), tips=[("Der Tipp", "Eins.")]) == text


def test_text_into_a_case_that_had_none():
    text = "Title: T\nFall: 3\nDate: 2024-01-01\n\n## Der Tipp\n\nEins.\n"
    after = splice(parse(text), text="Die Geschichte.")
    assert after == "Title: T\nFall: 3\nDate: 2024-01-01\n\nDie Geschichte.\n\n## Der Tipp\n\nEins.\n"


def test_crlf_stays_crlf_after_an_edit():
    text = "Title: T\r\nFall: 3\r\nDate: 2024-01-01\r\n\r\nText.\r\n\r\n## Der Tipp\r\n\r\nEins.\r\n"
    after = splice(parse(text), header={"title": "Neu"}, text="Text.\nZweite Zeile.", tips=[("Der Tipp", "Zwei.")])
    assert after == "Title: Neu\r\nFall: 3\r\nDate: 2024-01-01\r\n\r\nText.\r\nZweite Zeile.\r\n\r\n## Der Tipp\r\n\r\nZwei.\r\n"


def test_compose_writes_the_case_format_and_parses_back():
    text = compose({"title": "Der »eingebaute« Kunde und X", "fall": "12", "date": "2025-03-18 09:00",
                    "tags": "Service", "status": "draft"}, "Erster Absatz.\n\nZweiter.",
                   [("Der Tipp des »eingebauten« Kunden", "Machen Sie es so.")])
    assert text == ("Title: Der »eingebaute« Kunde und X\nFall: 12\nDate: 2025-03-18 09:00\nTags: Service\n"
                    "Status: draft\n\nErster Absatz.\n\nZweiter.\n\n## Der Tipp des »eingebauten« Kunden\n\n"
                    "Machen Sie es so.\n")
    case = parse(text)
    assert case.story_text == "Erster Absatz.\n\nZweiter."
    assert unchanged(text) == text


def test_every_fixture_is_named():
    assert {p.name for p in fixture_cases()} >= {"fall-01-einfach.md", "fall-04-zwei-tipps.md"}
    assert all(Path(p).read_bytes() for p in fixture_cases())
