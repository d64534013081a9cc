"""Pages rendered only when what they show changed (plugins/pagekeys):
after each kind of edit, a build that reuses the last site's pages is
byte for byte the site a build from scratch makes, the pages that show
the edit changed, and after a body edit no other page was rendered;
likewise the feeds."""

import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
from bs4 import BeautifulSoup
from test_build_cache import assert_same_site

from sitebuild import SHARED_CACHE, build, copy_project, one_line, soup, text_of
from sitetasks.output import replace_output

RENDERED = re.compile(r"Seiten: (\d+) gerendert, (\d+) unverändert vom letzten Bau übernommen")
FEEDS_MADE = re.compile(r"Feeds: (\d+) erzeugt, (\d+) unverändert vom letzten Bau übernommen")


class Site:
    """The fixture project, built as ``invoke build`` builds it: into a
    staging folder that then replaces output/, the last site reusable."""

    def __init__(self, project, scratch):
        self.project, self.scratch = project, scratch
        self.output = project / "output"
        self.content = project / "content"
        self.feeds_made = None  # (feeds made, feeds reused) by the last build

    def build(self):
        """Build; return (pages rendered, pages reused)."""
        staging = self.project / ".build-new"
        result = build(staging, project=self.project, overrides={"LAST_SITE_PATH": str(self.output)}, options=("-v",))
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Traceback" not in result.stdout + result.stderr
        replace_output(staging, self.output)
        counts = RENDERED.findall(one_line(result.stdout + result.stderr))
        assert len(counts) == 1, "no count of the pages rendered"
        feeds = FEEDS_MADE.findall(one_line(result.stdout + result.stderr))
        assert len(feeds) == 1, "no count of the feeds made"
        self.feeds_made = tuple(int(n) for n in feeds[0])
        return tuple(int(n) for n in counts[0])

    def assert_as_from_scratch(self):
        fresh = self.scratch / "fresh"
        shutil.rmtree(fresh, ignore_errors=True)
        result = build(fresh, project=self.project)
        assert result.returncode == 0, result.stdout + result.stderr
        # Byte for byte, but for what differs between any two builds (the sitemap's times).
        assert_same_site(self.output, fresh)

    def case(self, number):
        return next(self.content.glob(f"faelle/fall-{number:02}-*.md"))

    def page(self, path):
        return self.output / path / "index.html"

    def identities(self):
        return {path: (path.stat().st_ino, path.stat().st_mtime_ns) for path in self.output.rglob("*.html")}

    def feed_identities(self):
        return {path: (path.stat().st_ino, path.stat().st_mtime_ns) for path in (self.output / "feeds").rglob("*.xml")}

    def feed_entries(self):
        """{feed: {entry's link (its path and fragment): its text}}, as a feed reader reads them."""
        entries = {}
        for path in self.feed_identities():
            parsed = feedparser.parse(path.read_bytes())
            assert parsed.entries, path
            entries[path] = {urlsplit(entry.link)._replace(scheme="", netloc="").geturl(): entry_text(entry)
                             for entry in parsed.entries}
        return entries


def entry_text(entry):
    """An entry's full text: Atom's content, RSS's description."""
    html = entry.content[0].value if entry.get("content") else entry.summary
    return BeautifulSoup(html, "html.parser").get_text()


def keys_files(site):
    from pagekeys.store import keys_file

    return [Path(keys_file(SHARED_CACHE, site.output))]


def analyses_file():
    from pagekeys.store import analyses_file

    return Path(analyses_file(SHARED_CACHE))


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_pages_are_rendered_only_when_what_they_show_changed(tmp_path):
    site = Site(copy_project(tmp_path / "project"), tmp_path)
    # A link Pelican resolves from where the case it names is.
    edit(site.case(2), "Es kam niemand.", "Es kam niemand ([wie im Kreisverkehr]({filename}fall-11-weiterleitung-kreisverkehr.md)).")
    site.output.mkdir()  # an empty last site: nothing to reuse
    rendered, reused = site.build()
    assert reused == 0
    all_pages = rendered
    all_feeds = len(site.feed_identities())
    assert site.feeds_made == (all_feeds, 0)

    # Nothing changed: no page rendered, every page the file it was.
    before, feeds_before = site.identities(), site.feed_identities()
    assert site.build() == (0, all_pages)
    assert site.identities() == before
    assert site.feeds_made == (0, all_feeds)
    assert site.feed_identities() == feeds_before

    # One case's body (not its summary, title or tip): only its page is
    # rendered; a page edited by hand in output/ is made again as well.
    edit(site.case(2), "Es kam niemand (", "Es kam niemand, auch nicht am Abend (")
    hand_edited = site.page("fall/4")
    hand_edited.write_text(hand_edited.read_text(encoding="utf-8") + "<!-- von Hand -->", encoding="utf-8")
    before, feeds_before = site.identities(), site.feed_identities()
    assert site.build() == (2, all_pages - 2)
    assert "Es kam niemand, auch nicht am Abend (wie im Kreisverkehr)." in text_of(soup(site.page("fall/2")))
    # The feeds holding the case (all cases, its topics, the tips) are
    # made again, the edit in each that has its text; no other feed.
    feed_entries, feeds_after = site.feed_entries(), site.feed_identities()
    holding = {path for path, entries in feed_entries.items() if any(urlsplit(link).path == "/fall/2/" for link in entries)}
    feeds = site.output / "feeds"
    assert {feeds / "alle.atom.xml", feeds / "alle.rss.xml", feeds / "thema" / "beschwerde.rss.xml"} <= holding
    assert feeds / "thema" / "handwerk.atom.xml" not in holding
    assert site.feeds_made == (len(holding), all_feeds - len(holding))
    for path, entries in feed_entries.items():
        if "/fall/2/" in entries:
            assert "Es kam niemand, auch nicht am Abend" in entries["/fall/2/"], path
    assert [path for path in feeds_before if path not in holding and feeds_after[path] != feeds_before[path]] == []
    assert "von Hand" not in site.page("fall/4").read_text(encoding="utf-8")
    unchanged = [path for path in before if path not in (site.page("fall/2"), site.page("fall/4"))]
    assert [path for path in unchanged if site.identities()[path] != before[path]] == []
    site.assert_as_from_scratch()

    # A paragraph inserted above a case's tips: their lines in the source
    # move, which only messages to the author show, no page.
    edit(site.case(2), "## Was ist passiert?", "Ein Absatz mehr, der nichts verrät.\n\n## Was ist passiert?")
    before = site.identities()
    assert site.build() == (1, all_pages - 1)
    assert "Ein Absatz mehr, der nichts verrät." in text_of(soup(site.page("fall/2")))
    after = site.identities()
    assert [path for path in before if after[path] != before[path]] == [site.page("fall/2")]
    site.assert_as_from_scratch()

    # A tip's text: the pages that show the tips are rendered with it.
    edit(site.case(2), "Und dann: Halten Sie Wort.", "Und dann: Halten Sie Ihr Wort.")
    before = site.identities()
    site.build()
    after = site.identities()
    changed = {path for path in before if after[path] != before[path]}
    for shows_tip in (site.page("fall/2"), site.page("tipps"), site.page("tipps/aelteste-zuerst")):
        assert "Halten Sie Ihr Wort." in text_of(soup(shows_tip)), shows_tip
        assert shows_tip in changed, shows_tip
    site.assert_as_from_scratch()

    # What other pages show of a case or page: a title (the neighbours'
    # navigation, the lists), tags (the topic pages), a number (the
    # neighbours' links), a photo's description, the footer's page title.
    edit(site.case(3), "Title: ", "Title: Neu betitelt: ")
    edit(site.case(5), "Tags: ", "Tags: Schlüsseltest, ")
    edit(site.case(6), "Fall: 6", "Fall: 8")
    edit(site.case(2), "Image_alt: Ein leerer", "Image_alt: Ein verlassener")
    edit(site.content / "pages" / "impressum.md", "Title: Impressum", "Title: Impressum und Kontakt")
    site.build()
    neighbour = soup(site.page("fall/4")).find("nav", class_="case-nav") or soup(site.page("fall/4"))
    assert "Neu betitelt:" in text_of(neighbour)
    assert "Neu betitelt:" in text_of(soup(site.page("faelle")))
    assert site.page("thema/schluesseltest").is_file()
    assert soup(site.page("fall/11")).find("a", rel="prev")["href"] == "/fall/8/"
    assert soup(site.page("fall/2")).find("img", alt="Ein verlassener Empfangstresen in einer Hotellobby, darauf eine silberne Klingel")
    assert "Impressum und Kontakt" in text_of(soup(site.page("fall/1")).find("footer"))
    site.assert_as_from_scratch()

    # Where a case a body links to is now: the linking page follows.
    edit(site.case(11), "Fall: 11", "Fall: 12")
    site.build()
    assert soup(site.page("fall/2")).find("a", string="wie im Kreisverkehr")["href"].endswith("/fall/12/")
    site.assert_as_from_scratch()

    # A damaged file of keys: every page rendered, no traceback.
    [keys] = keys_files(site)
    keys.write_bytes(b"\x00{kaputt")
    rendered, reused = site.build()
    assert reused == 0

    # A damaged file of the templates' analyses: they are made again.
    analyses = analyses_file()
    assert analyses.is_file()
    analyses.write_bytes(b'{"templates": {"x": [[1], 2]}')
    assert site.build() == (0, rendered + reused)
    assert json.loads(analyses.read_text(encoding="utf-8"))["templates"]

    # What every page shows: a setting, a template of the theme.
    edit(site.project / "pelicanconf.py", "Fall für Fall:", "Fall um Fall:")
    edit(site.project / "theme" / "templates" / "base.html", '<p class="site-footer__note">',
         '<p class="site-footer__note">Schlüsselprobe · ')
    rendered, reused = site.build()
    assert reused == 0
    assert site.feeds_made[1] == 0
    footer = text_of(soup(site.page("impressum")).find("footer"))
    assert "Schlüsselprobe · " in footer and "Fall um Fall:" in footer
    site.assert_as_from_scratch()
