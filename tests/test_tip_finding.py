"""Finding tip sections in rendered case HTML (plugins/tips/finding.py)."""


import markdown
import pytest
from bs4 import BeautifulSoup

from tips.finding import box_tips


def render(source):
    return markdown.markdown(source, extensions=["extra", "toc"], output_format="html5")


def boxes(html):
    return BeautifulSoup(html, "html.parser").find_all("aside", class_="tipp")


STORY = "Eine Geschichte.\n\n## Was ist passiert?\n\nDie Einordnung.\n\n"


def test_one_tip():
    html, tips, _ = box_tips(render(STORY + "## Der Tipp des »eingebauten« Kunden\n\nMachen Sie es besser.\n"))
    assert [t.anchor for t in tips] == ["tipp"]
    assert tips[0].heading == "Der Tipp des »eingebauten« Kunden"
    assert tips[0].text == "Machen Sie es besser."
    (box,) = boxes(html)
    assert box["id"] == "tipp" and box.h2.get_text() == tips[0].heading
    # The story stays outside the box.
    assert "Die Einordnung." not in box.get_text()


def test_two_tips_get_their_own_anchors():
    source = STORY + "## Der Tipp\n\nErster.\n\n## Tipp für Chefs\n\nZweiter.\n"
    html, tips, _ = box_tips(render(source))
    assert [(t.anchor, t.heading, t.text) for t in tips] == [
        ("tipp", "Der Tipp", "Erster."),
        ("tipp-2", "Tipp für Chefs", "Zweiter."),
    ]
    assert [b["id"] for b in boxes(html)] == ["tipp", "tipp-2"]


def test_a_tip_as_last_section_runs_to_the_end():
    html, tips, _ = box_tips(render(STORY + "## Der Tipp\n\nEins.\n\nZwei.\n\n- drei\n"))
    assert tips[0].text == "Eins. Zwei. drei"
    assert html.rstrip().endswith("</aside>")


def test_a_deeper_heading_stays_inside_and_a_same_level_heading_ends_it():
    source = "## Der Tipp\n\nVorher.\n\n### Eine Checkliste\n\n- prüfen\n\n## Nachwort\n\nDanach.\n"
    html, tips, _ = box_tips(render(source))
    (box,) = boxes(html)
    assert box.h3.get_text() == "Eine Checkliste"
    assert "prüfen" in tips[0].text
    assert "Danach." not in box.get_text()
    assert box.find_next_sibling("h2").get_text() == "Nachwort"


def test_a_higher_heading_ends_it_too():
    html, tips, _ = box_tips(render("### Tipp\n\nKlein.\n\n## Größer\n\nDanach.\n"))
    assert tips[0].text == "Klein."


def test_a_heading_marked_tipp_counts_whatever_its_text():
    source = STORY + "## Mein Rat an Sie {.tipp .wichtig}\n\nHören Sie zu.\n"
    html, tips, _ = box_tips(render(source))
    assert tips[0].heading == "Mein Rat an Sie"
    (box,) = boxes(html)
    # The class moves to the box; other classes stay on the heading.
    assert box.h2["class"] == ["wichtig"]


def test_no_tip():
    source = STORY + "## Fazit\n\nKein Rat diesmal. Ein Tipp im Text ist keine Überschrift.\n"
    html, tips, _ = box_tips(render(source))
    assert tips == [] and boxes(html) == []


def test_tipping_point_is_not_a_tip():
    _, tips, _ = box_tips(render("## Tippfehler im Angebot\n\nText.\n"))
    assert tips == []


def test_an_empty_tip_is_found_and_marked_empty():
    _, tips, _ = box_tips(render(STORY + "## Der Tipp des »eingebauten« Kunden\n\n## Anhang\n\nText.\n"))
    assert len(tips) == 1 and tips[0].is_empty


def test_html_and_quotes_inside_a_tip_are_kept():
    source = '## Der Tipp\n\nSagen Sie "Danke" und *meinen* Sie es: [so](https://example.org/ "Titel").\n'
    html, tips, _ = box_tips(render(source))
    assert tips[0].text == 'Sagen Sie "Danke" und meinen Sie es: so.'
    body = BeautifulSoup(tips[0].body_html, "html.parser")
    assert body.em.get_text() == "meinen"
    assert body.a["href"] == "https://example.org/"


def test_ids_are_unique_even_when_a_heading_is_called_tipp():
    html, tips, _ = box_tips(render("## Tipp\n\nEins.\n\n## Tipp\n\nZwei.\n"))
    ids = [tag["id"] for tag in BeautifulSoup(html, "html.parser").find_all(id=True)]
    assert len(ids) == len(set(ids))
    for box in boxes(html):
        assert box["aria-labelledby"] == box.find("h2")["id"]


def test_boxing_twice_changes_nothing():
    html, tips, _ = box_tips(render(STORY + "## Der Tipp\n\nEins.\n"))
    again, tips_again, _ = box_tips(html)
    assert again == html and tips_again == tips


@pytest.mark.parametrize("pattern, expected", [(r"^Unser Rat", ["Unser Rat"]), (r"^Der Tipp", [])])
def test_the_heading_pattern_is_a_setting(pattern, expected):
    _, tips, _ = box_tips(render("## Unser Rat\n\nText.\n"), pattern)
    assert [t.heading for t in tips] == expected


def test_the_plain_text_comes_along_for_the_search():
    _, _, text = box_tips(render("Ein *kurzer* Satz.\n\n## Der Tipp\n\nNoch einer.\n"))
    assert text == "Ein kurzer Satz. Der Tipp Noch einer."


def test_tips_are_found_while_markdown_converts_as_the_boxing_finds_them():
    from tips.boxing import FOUND_TIPS, TipBoxes
    from tips.finding import DEFAULT_HEADING_PATTERN

    source = "Title: Ein Fall\n\n" + STORY + "## Der Tipp\n\n## Tipp zwei\n\nZwei.\n"
    md = markdown.Markdown(extensions=["extra", "toc", "meta", TipBoxes(heading_pattern=DEFAULT_HEADING_PATTERN)],
                           output_format="html5")
    html = md.convert(source)
    # The HTML stays as Markdown made it (pages are read the same way);
    # what the boxing would make of it comes with the metadata.
    assert html == render(STORY + "## Der Tipp\n\n## Tipp zwei\n\nZwei.\n")
    [found] = md.Meta[FOUND_TIPS]
    expected = box_tips(html)
    assert found.boxed == expected
    assert [(tip.heading, tip.is_empty) for tip in found.boxed.tips] == [("Der Tipp", True), ("Tipp zwei", False)]
    # The headings' lines in the source are the case's record's (cases.record).
    from cases.record import heading_line, source_headings

    headings = source_headings(source.split("\n"))
    assert [heading_line(headings, tip.heading) for tip in found.boxed.tips] == [9, 11]
    # Pelican converts the summary with the same Markdown afterwards.
    md.reset()
    md.convert("## Tipp im Anriss\n\nText.")
    assert FOUND_TIPS not in md.Meta


def test_the_line_of_a_typeset_heading_is_found_in_the_source_as_written():
    from tips.finding import line_of_heading

    source = ["Title: Ein Fall", "", "## Was ist passiert?", "", '## Der Tipp: "Danke" sagen', ""]
    assert line_of_heading(source, "Der Tipp: „Danke“ sagen") == 5
    assert line_of_heading(source, "Der Tipp: »Bitte« sagen") is None


@pytest.mark.parametrize("items", [
    [],
    [{"case_number": 9, "html": "<p>Rückrufe „zusagen“\xa0und halten.</p>", "tags": [], "text": "Zeile\nzwei"}],
    [{"position": 1, "tags": ["Service", "Bank"]}, {}, {"nested": {"list": [1, 2], "empty": {}}}],
])
def test_the_tips_json_is_written_item_by_item_as_json_dump_writes_it_whole(items):
    """tipps/index.json is written one tip at a time (at 10,000 cases the
    whole list took some 50 MB at once); its bytes stay json.dump's."""
    import io
    import json

    from tips.generator import write_tips_json

    written, whole = io.StringIO(), io.StringIO()
    write_tips_json(written, iter(items))
    json.dump({"tips": items}, whole, ensure_ascii=False, indent=2)
    whole.write("\n")
    assert written.getvalue() == whole.getvalue()
