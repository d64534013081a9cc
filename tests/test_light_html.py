"""Tips boxed on light_html's tree (plugins/tips/light_html.py) against
the same boxing on BeautifulSoup's: the same boxed HTML, tips and search
text for the demo cases, the importer's fixtures and random cases as
Markdown and German typography make them; and HTML light_html does not
expect is left to BeautifulSoup."""

import random

import markdown
import pytest
from bs4 import BeautifulSoup

from german.typography import typeset
from sitebuild import CONTENT, ROOT
from tips import finding, light_html

TYPOGRAPHY = {"TYPOGRIFY_DASHES": "oldschool", "TYPOGRIFY_IGNORE_TAGS": [], "TYPOGRIFY_OMIT_FILTERS": []}
FIXTURES = ROOT / "tests" / "fixtures" / "import"


def as_the_reader_makes_it(source):
    html = markdown.Markdown(extensions=["extra", "toc", "meta"], output_format="html5").convert(source)
    return typeset(html, TYPOGRAPHY).strip()


def boxed_by_beautifulsoup(html, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(light_html, "parse", lambda html: None)
        return finding.box_tips(html)


def assert_boxed_alike(html, monkeypatch):
    light, soup = finding.box_tips(html), boxed_by_beautifulsoup(html, monkeypatch)
    assert (light.html, light.text) == (soup.html, soup.text)
    assert light.tips == soup.tips


BLOCKS = [
    "Ein Absatz mit \"Anführung\" und 'einfach' -- und CAPS & Co.",
    "## Was ist passiert?", "## Der Tipp des »eingebauten« Kunden", "## Tipp für Chefs", "### Tipp im Tipp",
    "### Unterpunkt", "# Ganz oben", "#### Tief {: .tipp }", "## Anders {: #tipp }", "## Tipp {: #eigene-id .x }",
    "* Liste mit *Betonung*\n* und **fett** und `code`", "1. eins\n2. zwei",
    "> Zitat mit [Link](https://example.org/?a=1&b=2 \"Titel mit 'Quote'\")",
    "```\nCode <b> & \"roh\"\n```", "    eingerückter Code", "Zeile mit  \nUmbruch",
    "| A | B |\n|---|---|\n| 1 | 2 |", "Begriff\n: Erklärung", "Fußnote[^1]\n\n[^1]: Die Notiz.",
    "![Bild](bild.jpg \"Titel\")", "Ein &amp; zwei &copy; drei &nbsp; vier &#8364; fünf", "Text mit <b>Tag</b> & < >",
    "*[ABC]: Abkürzung\n\nABC im Text", "---", "Tipp: kein Titel", "## ", "## Tipp",
    # A bare "<", ">" or "&" alone in a text or an attribute: escaping must
    # not hang on the others being there too.
    "Ein a <b c ohne Ende", "<img src=x onerror=alert(1)//", "nur > hier", "nur & hier", "x<y und z>w",
    "Absatz {: title=\"a <b c\" }", "Absatz {: title=\"a > b\" }", "Absatz {: title=\"Q & A\" }",
    "[Link](https://example.org/ \"a <b c\")", "![a <b c](bild.jpg)", "![a & b](bild.jpg \"x > y\")",
    "## Tipp: a <b c", "## Tipp {: title=\"<img src=x onerror=alert(1)//\" }",
]


def random_cases(count, seed=16):
    rng = random.Random(seed)
    for _ in range(count):
        yield "Title: Fall\n\n" + "\n\n".join(rng.choice(BLOCKS) for _ in range(rng.randint(1, 14))) + "\n"


def test_the_demo_cases_and_the_import_fixtures_are_boxed_alike(monkeypatch):
    sources = sorted(CONTENT.rglob("*.md")) + sorted(FIXTURES.glob("*.txt"))
    htmls = [as_the_reader_makes_it(path.read_text(encoding="utf-8")) for path in sources]
    assert sum(light_html.parse(html) is not None for html in htmls) >= len(htmls) - 2
    for html in htmls:
        assert_boxed_alike(html, monkeypatch)


def test_random_cases_are_boxed_alike(monkeypatch):
    htmls = [as_the_reader_makes_it(source) for source in random_cases(600)]
    read_light = [html for html in htmls if light_html.parse(html) is not None]
    assert len(read_light) > len(htmls) / 2 and any(finding.box_tips(html).tips for html in read_light)
    for html in htmls:
        assert_boxed_alike(html, monkeypatch)


@pytest.mark.parametrize("html", [
    "<p>a<!-- Kommentar --></p>", "<script>x</script>", "<textarea> a </textarea>", "<p>a & b</p>", "<p>&bogus;</p>",
    "<p>&#150;</p>", "<P>a</P>", "<p>a</b>", "<p>a", "<p/>", "</p>", "<p>a < b</p>", "<br></br>",
    '<p title=x>a</p>', '<p hidden>a</p>', '<p id="a" id="b">a</p>', "<p>&#65534;</p>",
    '<p title="&copy;">a</p>',
])
def test_what_light_html_does_not_expect_is_left_to_beautifulsoup(html, monkeypatch):
    assert light_html.parse(html) is None
    assert_boxed_alike(f"<h2>Tipp</h2>{html}", monkeypatch)


def test_light_html_writes_as_beautifulsoup_writes():
    html = ('<p class="a  b" title="&quot;x&quot; &amp; \'y\'" data-x="&lt;&gt;">T&amp;T &lt;b&gt; &nbsp;&#8220;'
            '&#x201C;</p>\n\n  \n<h2 id="z" class="tipp">Tipp<br /></h2>\t<img alt="a&quot;b" src="c.png">'
            '<pre><code>  x\n\n  </code> </pre> <p>&copy;&euro;&#xe4;</p>')
    assert light_html.parse(html).decode_contents() == BeautifulSoup(html, "html.parser").decode()


def test_a_character_reference_is_read_as_its_character_only_where_html_unescape_reads_it_so():
    """light_html leaves a reference html.unescape would change (a
    noncharacter it drops, a surrogate it replaces) to BeautifulSoup, and
    every one below U+00A0."""
    import html

    assert not any(light_html.is_plain_character(code) for code in range(160))
    for code in range(160, 0x110000):
        assert light_html.is_plain_character(code) == (html.unescape(f"&#{code};") == chr(code)), hex(code)
    assert not light_html.is_plain_character(0x110000)
