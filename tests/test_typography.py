"""German typography: quotes, dashes, dates – on fragments and on the built site."""

import re

import pytest

from german.dates import german_date
from german.quotes import germanize_quotes
from sitebuild import build, html_files, published_cases, soup


def normalise(text):
    return re.sub(r"\s+", " ", text.replace("\xa0", " "))


@pytest.mark.parametrize(
    "english, german",
    [
        ("<p>Er sagte: &#8220;Nein&#8221;.</p>", "<p>Er sagte: „Nein“.</p>"),
        ("<p>Sie fragte: &#8216;Wann?&#8217; und ging.</p>", "<p>Sie fragte: ‚Wann?‘ und ging.</p>"),
        ("<p>Wie geht&#8217;s? Gut, &#8216;danke&#8217;.</p>", "<p>Wie geht’s? Gut, ‚danke‘.</p>"),
        ("<p>&#8220;Das <em>ist</em> so&#8221;</p>", "<p>„Das <em>ist</em> so“</p>"),
        ("<p>Literal “English” quotes</p>", "<p>Literal „English“ quotes</p>"),
        ("<p>Schon „deutsch“ geschrieben</p>", "<p>Schon „deutsch“ geschrieben</p>"),
        ("<p>Die »Guillemets« bleiben</p>", "<p>Die »Guillemets« bleiben</p>"),
    ],
)
def test_quotes_become_german(english, german):
    assert germanize_quotes(english) == german


def test_code_and_attributes_are_left_alone():
    html = '<p title="“x”">a</p><pre><code>print(“x”)</code></pre>'
    assert germanize_quotes(html) == html


def test_an_unclosed_quote_does_not_turn_the_next_paragraph_around():
    html = "<p>&#8220;offen</p><p>&#8220;zu&#8221;</p>"
    assert germanize_quotes(html) == "<p>„offen</p><p>„zu“</p>"


def test_babel_dates_need_no_locale():
    import datetime

    assert german_date(datetime.date(2024, 5, 14)) == "14. Mai 2024"
    assert german_date(datetime.datetime(2024, 3, 1, 9, 0)) == "1. März 2024"


def test_no_english_quotes_anywhere_in_the_output(published_site):
    sources = "".join(c.body for c in published_cases())
    assert '"' in sources, "demo cases should contain straight quotes to prove the point"
    files = html_files(published_site) + sorted(published_site.rglob("*.xml"))
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert "”" not in text and "&#8221;" not in text and "&rdquo;" not in text, path
        quotes = "".join(ch for ch in soup(path).get_text() if ch in "„“")
        assert quotes == "„“" * (len(quotes) // 2), f"{path}: {quotes}"


def test_source_quotes_dashes_and_guillemets_arrive_german(published_site):
    checked = {"quote": 0, "dash": 0, "guillemets": 0, "apostrophe": 0}
    for case in published_cases():
        text = normalise(soup(published_site / "fall" / str(case.number) / "index.html").get_text())
        for phrase in re.findall(r'"([^"\n]+)"', case.body):
            assert f"„{normalise(phrase)}“" in text
            checked["quote"] += 1
        for before, after in re.findall(r"(\w+) -- (\w+)", case.body):
            assert f"{before} – {after}" in text
            checked["dash"] += 1
        for phrase in re.findall(r"»[^«\n]+«", case.body):
            assert normalise(phrase) in text
            checked["guillemets"] += 1
        for word, suffix in re.findall(r"(\w+)'(s)\b", case.body):
            assert f"{word}’{suffix}" in text
            checked["apostrophe"] += 1
        assert "--" not in text
    assert all(checked.values()), checked


def test_german_month_names_without_any_locale(tmp_path):
    output = tmp_path / "site"
    result = build(output, env={"LANG": "C", "LC_ALL": "C", "LANGUAGE": ""})
    assert result.returncode == 0, result.stderr
    months = "Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
    for case in published_cases():
        page = soup(output / "fall" / str(case.number) / "index.html")
        assert re.fullmatch(rf"\d{{1,2}}\. ({months}) \d{{4}}", page.find("time").get_text())
    english = re.compile(r"\b(January|February|March|May|June|July|October|December)\b")
    for path in html_files(output):
        assert not english.search(soup(path).get_text()), path
