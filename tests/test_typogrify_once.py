"""German typography's own typogrify (plugins/german/typogrify_once.py)
against typogrify itself: the same output on every input, so the site
does not change by a byte. Inputs: tricky fragments, the demo site's
sources and the importer's fixtures as Markdown makes them, the Mobirise
pages as they are, and many fragments put together at random."""

import random
from pathlib import Path

import markdown
import pytest
import smartypants
from typogrify import filters

from german.typogrify_once import typogrify
from sitebuild import CONTENT, ROOT

ATTRS = {
    "oldschool": smartypants.Attr.set2 | smartypants.Attr.w,  # the site's
    "default": smartypants.Attr.set1,
    "oldschool_inverted": smartypants.Attr.set3 | smartypants.Attr.w,
    "backticks_single_and_entities": smartypants.Attr.q | smartypants.Attr.B | smartypants.Attr.d | smartypants.Attr.u,
}
FIXTURES = ROOT / "tests" / "fixtures" / "import"

TRICKY = [
    "",
    "Text ohne alles",
    '<p>Er sagte: "Nein".</p>',
    "<p>Wie geht's? Gut, 'danke'.</p>",
    "<p>\"'Verschachtelt' sagt man\", sagte sie. '\"Andersrum\"'</p>",
    "<p>Schon „deutsch“ und ‚halb‘ und »Guillemets« und ’s</p>",
    "<p>Die '80er und die 90's, Rock 'n' Roll</p>",
    '<p><a href="/x?a=1&amp;b=2" title="A & B \'q\'">"Link" & so</a> mit CAPS und D.O.T. Punkten</p>',
    "<p>Tom &amp; Jerry, A&nbsp;&amp;&nbsp;B, A &#38; B, R&amp;D</p>",
    "<p>Von 9--17 Uhr --- oder -- nicht... und . . . so; ein \\\"Escape\\\" und \\-\\- \\\\</p>",
    "<p>&quot;Gequotet&quot; und &ldquo;benannt&rdquo; und &#8220;nummeriert&#8221;</p>",
    "<h2 id=\"tipp\">Der Tipp des »eingebauten« Kunden</h2>\n<p>Fragen Sie nach dem PDF-Formular (ISBN 123).</p>",
    "<p><code>\"roh\" -- CAPS</code> und <kbd>STRG</kbd> <kbd><b>ALT</b> NACH</kbd> <samp>'x'</samp></p>",
    "<pre><code>\"bleibt\" -- so\n</code></pre>\n<p>\"danach\"</p>",
    "<script>var a = \"x\" -- 1;</script><style>p{content:\"--\"}</style><p>\"ok\"</p>",
    "<p>x<!-- ein -- Kommentar --> \"y\"</p><!-- normal --><p>'z'</p>",
    "<ul>\n<li>\"Erstens\" eins</li>\n<li><em>'Zweitens'</em> zwei <strong>drei</strong></li>\n</ul>",
    "<p><em>\"Kursiv\"</em> beginnt</p><p> <span>'Spanne'</span> auch</p><p>\"<b>fett</b>\"</p>",
    "<blockquote>\n<p>\"Zitat\" im Zitat</p>\n</blockquote>\n<dl><dt>\"Begriff\"</dt><dd>erklärt hier</dd></dl>",
    "<p>Ein Wort</p><p>Wort</p><p> Leer </p><p></p><h3>a b</h3><li>c d</li>",
    "<p>letztes Wort <a href=\"#\">im Link</a> </p>\n<p>end <em>of <i>it</i></em>\n</p>",
    "ein Satz am Ende ohne Tag\n",
    "<p>a < b und c > d, ein Pfeil -> und <- </p>",
    "<p>Ende mit <br /> Umbruch <img alt=\"Bild\" src=\"x.png\"> Bild</p>",
    "<p>\"</p><p>'</p><p>a \"</p><p>' b</p>",
    "<p>NASA's JIMMY'S ABC-DEF A.B. C. D.E.F. U.S.A.</p>",
    "<table><tr><td>\"Zelle\" eins</td><th>'Kopf' zwei</th></tr></table>",
    "<p>Zahlen: 3\" und 5' und 1990er; <sup>1</sup> Fußnote</p>",
    "<p>Ein `Backtick' und ``doppelt'' hier</p>",
    "<p>Tabs\tund\nZeilen \u00a0 Leerzeichen\u2009schmal</p>",
    "<PRE>\"GROSS\"</PRE><P>\"gross\"</P>",
    "<p>Ende ohne Schluss",
    "<a <b>kaputt</b> x</p>",
]


def _parts():
    words = ["Wort", "CAPS", "A.B.", "JIMMY'S", "'s", "9--17", "---", "...", "&", "&amp;", "&nbsp;", "&quot;",
             "&#8220;", "„", "“", "”", "‘", "’", "»", "«", "'", '"', "x", "Ünïcödé", "80s", "'80s", "1990"]
    tags = ["<p>", "</p>", "<h2 id=\"t\">", "</h2>", "<li>", "</li>", "<em>", "</em>", "<a href=\"/a'b\">",
            "</a>", "<strong>", "</strong>", "<code>", "</code>", "<kbd>", "</kbd>", "<pre>", "</pre>",
            "<br />", "<span class=\"x\">", "</span>", "<dd>", "</dd>", "<blockquote>", "</blockquote>",
            "<!-- c -->", "<div>", "</div>", "<i>", "</i>", "<b>", "</b>"]
    spaces = [" ", "  ", "\n", "\t", "", "\u00a0"]
    return words, tags, spaces


def random_fragments(count, seed=16):
    words, tags, spaces = _parts()
    rng = random.Random(seed)
    for _ in range(count):
        pieces = []
        for _ in range(rng.randint(1, 40)):
            kind = rng.random()
            pieces.append(rng.choice(tags) if kind < 0.3 else rng.choice(words) if kind < 0.8 else rng.choice(spaces))
        yield "".join(pieces)


def as_markdown_makes_it(text):
    return markdown.Markdown(extensions=["extra", "toc", "meta"], output_format="html5").convert(text)


def real_inputs():
    sources = sorted(CONTENT.rglob("*.md")) + sorted(FIXTURES.glob("*.txt"))
    yield from (as_markdown_makes_it(path.read_text(encoding="utf-8")) for path in sources)
    yield from (path.read_text(encoding="utf-8", errors="replace") for path in sorted(FIXTURES.rglob("*.html")))


def assert_same(text, attr, monkeypatch, ignore_tags=None, **omitted):
    monkeypatch.setattr(smartypants.Attr, "default", attr)
    assert typogrify(text, ignore_tags, attr, **omitted) == filters.typogrify(text, ignore_tags, **omitted), text


@pytest.mark.parametrize("attr", ATTRS.values(), ids=ATTRS.keys())
def test_tricky_fragments_come_out_as_typogrify_makes_them(attr, monkeypatch):
    for text in TRICKY:
        assert_same(text, attr, monkeypatch)


@pytest.mark.parametrize("attr", ATTRS.values(), ids=ATTRS.keys())
def test_random_fragments_come_out_as_typogrify_makes_them(attr, monkeypatch):
    for text in random_fragments(3000):
        assert_same(text, attr, monkeypatch)


def test_the_demo_site_and_the_import_fixtures_come_out_as_typogrify_makes_them(monkeypatch):
    inputs = list(real_inputs())
    assert len(inputs) > 15 and any("<script" in text for text in inputs)
    for text in inputs:
        assert_same(text, ATTRS["oldschool"], monkeypatch)


@pytest.mark.parametrize("omitted", [
    {"amp": False}, {"smartypants": False}, {"caps": False}, {"initial_quotes": False}, {"widont": False},
    {"smartypants": False, "caps": False}, dict.fromkeys(["amp", "smartypants", "caps", "initial_quotes", "widont"],
                                                          False),
])
def test_filters_left_out_are_left_out_as_typogrify_does(omitted, monkeypatch):
    for text in [*TRICKY, *random_fragments(300)]:
        assert_same(text, ATTRS["oldschool"], monkeypatch, **omitted)


def test_ignored_tags_are_ignored_as_typogrify_does(monkeypatch):
    # One tag with a class or id at a time: typogrify fails on more.
    for ignore_tags in (["h2"], ["span.x", "em"], ["#t"], [".x"]):
        for text in [*TRICKY, *random_fragments(300)]:
            assert_same(text, ATTRS["oldschool"], monkeypatch, ignore_tags)


def test_an_unknown_filter_is_refused_as_typogrify_refuses_it():
    with pytest.raises(TypeError):
        typogrify("<p>x</p>", None, ATTRS["oldschool"], hyphenate=False)


def test_the_corpus_has_what_the_shortcuts_skip():
    """The shortcuts (no ampersand, no quote, no comment, a tag holding a
    "<") are taken and left in the inputs above."""
    texts = [*TRICKY, *random_fragments(3000)]
    assert any("<!--" in text for text in texts) and any("<!--" not in text for text in texts)
    assert any(" & " in text for text in texts) and any("<a <b>" in text for text in texts)
    assert Path(FIXTURES / "mobirise").is_dir()
