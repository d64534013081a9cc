"""What the build relies on of other libraries' private parts, one test
per use, each failing with what changed, where we use it and what to do.

Every private use left, with why there is no public way:

- Pelican's ``MarkdownReader._parse_metadata`` (cases/markdown_text.py,
  the reader): turns the header Markdown's meta extension read into
  Pelican's metadata (dates, tags, the summary converted by the reader's
  ``_md``). The reader converts the text it read once itself, because
  Pelican's ``read`` opens the file again; there is no public way to hand
  Pelican a text instead of a path.
- Pelican's ``Content._content`` (german/plugin.py after Pelican's
  TYPOGRIFY; tips/plugin.py boxing cached cases; cases/sources.py reading
  links): the HTML as read, before links are resolved. ``content`` resolves
  them, too early while contents are still being read; no setter.
- Pelican's ``Content._summary`` (german/plugin.py; cases/plugin.py drops
  an empty one): what Pelican writes back as the summary; Pelican's own
  comment calls it "an internal variable that some plugins may be
  writing to".
- Pelican's ``Content._context`` (buildcache/plugin.py): a cached content
  keeps the context of the build that read it; Pelican does not renew it.
- Pelican's ``Content._get_intrasite_link_regex`` (cases/sources.py): which
  links Pelican resolves ({filename}, {static}, …); its pattern is Pelican's.
- Pelican's ``LimitFilter._raised_messages`` and ``_group_count``
  (sitetasks/warm.py): the messages already shown, class state with no
  public reset, cleared so that each build of the preview shows its own.
- Pelican's content cache file names (buildcache/plugin.py): named after
  the generator classes; Pelican tells no one where it keeps them.
- Pelican's text "Warning or error encountered" (cases/plugin.py): its
  --fatal stop is a plain RuntimeError, known by its text alone.
- Pelican's ``Writer._open_w``, ``_written_files`` and ``_overridden_files``
  (pagekeys/writer.py): where a page's finished text goes. A page reused
  from the last site or settling into a hard link must not be written by
  Pelican, yet Pelican must note it as written (its overwrite checks);
  the get_writer signal hands over the whole Writer, with no public step
  between rendering and writing. ``write_file`` rendering through
  ``template.render(localcontext)`` with ``output_file`` in it is public
  enough (a template), pinned with them.
- pelican-sitemap's ``generator.now`` (sitemapdates): the time undated
  pages are dated with; a public attribute of the module's one generator,
  but no setting.

Removed: smartypants' ``_tags_to_skip_regex`` (now from its public
``tags_to_skip``; the patterns german/typogrify_once.py copies from
smartypants and typogrify are held to their output by
tests/test_typogrify_once.py) and ``html._invalid_codepoints`` (now
Unicode's noncharacters, held to html.unescape by tests/test_light_html.py).
"""

import logging
import uuid
from datetime import datetime, timezone
from types import SimpleNamespace

from pelican.contents import Page
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.log import FatalLogger, LimitFilter
from pelican.plugins.sitemap import sitemap
from pelican.readers import MarkdownReader
from pelican.settings import read_settings
from pelican.writers import Writer

from buildcache.plugin import pelican_cache_files


def _settings(tmp_path, **overrides):
    return read_settings(None, override={"PATH": str(tmp_path), "CACHE_PATH": str(tmp_path / "cache"),
                                         "SITEURL": "https://example.org", "TIMEZONE": "Europe/Berlin", **overrides})


def _page(tmp_path, html, metadata=None, context=None, **settings):
    # A Page, not an Article: the plugins' content_object_init receivers,
    # if a test of this process connected them, leave pages alone.
    context = {"localsiteurl": "", "generated_content": {}, "static_content": {}, "static_links": set()} if context is None else context
    return Page(html, metadata={"title": "Seite", **(metadata or {})}, settings=_settings(tmp_path, **settings),
                source_path=str(tmp_path / "seite.md"), context=context)


def test_pelican_markdown_reader_parses_a_header_with__parse_metadata_and_its__md(tmp_path):
    from markdown import Markdown

    reader = MarkdownReader(_settings(tmp_path))
    parse = getattr(reader, "_parse_metadata", None)
    assert callable(parse), (
        "Pelican's MarkdownReader has no _parse_metadata any more: cases/markdown_text.py "
        "(PlainTextMarkdownReader._convert) turns the header into metadata with it. Read Pelican's "
        "MarkdownReader.read and do what it does now."
    )
    reader._md = Markdown(**reader.settings["MARKDOWN"])
    reader._md.convert("Title: Ein Fall\nDate: 2024-05-14\nSummary: Ein *kurzer* Fall.\n\nText.\n")
    metadata = parse(reader._md.Meta)
    assert metadata["title"] == "Ein Fall" and metadata["date"].day == 14, (
        "Pelican's MarkdownReader._parse_metadata no longer turns meta's header into metadata as "
        "cases/markdown_text.py expects (title as text, date as a date)."
    )
    assert "<em>kurzer</em>" in str(metadata["summary"]), (
        "Pelican's MarkdownReader._parse_metadata no longer converts the summary with the reader's _md: "
        "cases/markdown_text.py sets _md before calling it."
    )


def test_pelican_content__content_is_the_html_as_read_and_what_the_page_shows(tmp_path):
    page = _page(tmp_path, "<p>Wie gelesen</p>")
    assert getattr(page, "_content", None) == "<p>Wie gelesen</p>", (
        "Pelican's Content no longer keeps the HTML as read in _content: german/plugin.py, tips/plugin.py and "
        "cases/sources.py read and replace it there."
    )
    page._content = "<p>Gesetzt</p>"
    assert page.content == "<p>Gesetzt</p>", (
        "Pelican's Content no longer shows what is written into _content: the typography after Pelican's TYPOGRIFY "
        "(german/plugin.py) and the tip boxes of cached cases (tips/plugin.py) would be lost."
    )


def test_pelican_content__summary_is_what_pelican_writes_back_as_the_summary(tmp_path):
    page = _page(tmp_path, "<p>Text.</p>", {"summary": "<p>Kurz.</p>"})
    assert getattr(page, "_summary", None) == "<p>Kurz.</p>", "Pelican's Content no longer keeps the summary as _summary."
    # german/plugin.py writes both; what counts is Pelican writing _summary
    # back when it resolves the summary's links after reading.
    page._summary = "<p>Gesetzt.</p>"
    page.refresh_metadata_intersite_links()
    assert page.summary == "<p>Gesetzt.</p>", (
        "Pelican no longer takes the summary from _summary when it resolves its links: german/plugin.py typesets "
        "it there after Pelican's TYPOGRIFY, and cases/plugin.py drops an empty one from there."
    )


def test_an_empty_summary_dropped_with_its__summary_gives_way_to_the_first_paragraph(tmp_path):
    page = _page(tmp_path, "<p>Erster Absatz.</p><p>Zweiter Absatz.</p>", {"summary": ""}, SUMMARY_MAX_PARAGRAPHS=1)
    del page.metadata["summary"]
    page.__dict__.pop("_summary", None)  # as cases/plugin.py read_case_number does
    page.refresh_metadata_intersite_links()
    assert "summary" not in page.metadata and page.summary == "<p>Erster Absatz.</p>", (
        "Pelican writes an empty summary back after cases/plugin.py (read_case_number) dropped it with _summary: "
        f"the case's teaser would be empty ({page.summary!r})."
    )


def test_pelican_content__context_is_where_its_links_are_looked_up(tmp_path):
    before = {"localsiteurl": "", "generated_content": {}, "static_content": {}, "static_links": set()}
    page = _page(tmp_path, '<a href="{filename}/andere.md">Andere</a>', context=before)
    assert getattr(page, "_context", None) is before, "Pelican's Content no longer keeps its context as _context."
    other = Page("", metadata={"title": "Andere", "slug": "andere"}, settings=page.settings,
                 source_path=str(tmp_path / "andere.md"), context=before)
    page._context = {**before, "generated_content": {"andere.md": other}}
    assert f'href="/{other.url}"' in page.content, (
        "Pelican no longer looks up a content's links in _context: buildcache/plugin.py (this_builds_context) points "
        f"cached cases to the context of the build that uses them ({page.content!r})."
    )


def test_pelican_content__get_intrasite_link_regex_finds_the_links_pelican_resolves(tmp_path):
    page = _page(tmp_path, "")
    regex = getattr(page, "_get_intrasite_link_regex", lambda: None)()
    assert regex is not None, "Pelican's Content no longer has _get_intrasite_link_regex(); cases/sources.py calls it."
    match = regex.search('<p><img alt="" src="{filename}../images/fall-2.jpg"></p>')
    assert match and (match.group("what"), match.group("value")) == ("filename", "../images/fall-2.jpg"), (
        "Pelican's intrasite link pattern no longer gives the groups what and value: cases/sources.py "
        "(files_linked_as_they_are) reads them."
    )


def _record(message, group=None):
    record = logging.LogRecord("pelican.pin", logging.WARNING, __file__, 1, message, (), None)
    if group:
        record.limit_msg = group
    return record


def test_pelican_limitfilter_forgets_what_it_has_shown_when_its_class_state_is_cleared():
    assert isinstance(getattr(LimitFilter, "_raised_messages", None), set) and hasattr(LimitFilter, "_group_count"), (
        "Pelican's LimitFilter no longer keeps its state as the class attributes _raised_messages and _group_count: "
        "sitetasks/warm.py clears them so that each preview build shows its own messages."
    )
    limit = LimitFilter()
    message = f"pin {uuid.uuid4()}"
    assert limit.filter(_record(message)) and not limit.filter(_record(message))
    group = f"group {uuid.uuid4()}"
    shown = [limit.filter(_record(f"{group} {n}", group)) for n in range(LimitFilter._threshold + 1)]
    assert not shown[-1]
    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()
    assert limit.filter(_record(message)) and limit.filter(_record(f"{group} again", group)), (
        "Pelican's LimitFilter still leaves out a message after its _raised_messages and _group_count were cleared: "
        "sitetasks/warm.py needs another way to let each preview build show its messages."
    )


def test_pelican_names_its_content_cache_files_after_the_generators(tmp_path):
    source = tmp_path / "fall.md"
    source.write_text("Title: Ein Fall\n\nText.\n", encoding="utf-8")
    written = set()
    for layer in ("generator", "reader"):
        settings = _settings(tmp_path, CACHE_CONTENT=True, LOAD_CONTENT_CACHE=False, CONTENT_CACHING_LAYER=layer)
        for generator_class in (ArticlesGenerator, PagesGenerator):
            generator = generator_class(context=settings.copy(), settings=settings, path=str(tmp_path),
                                        theme=settings["THEME"], output_path=str(tmp_path / "out"))
            generator.cache_data(str(source), "gelesen")
            generator.save_cache()
            generator.readers.cache_data(str(source), "gelesen")
            generator.readers.save_cache()
        written |= {path.name for path in (tmp_path / "cache").iterdir()}
    assert written == set(pelican_cache_files()), (
        f"Pelican names its content cache files {sorted(written)}, buildcache/plugin.py (pelican_cache_files) expects "
        f"{sorted(pelican_cache_files())}: the build cache would keep and swap the wrong files."
    )


def test_pelican_strict_stop_is_a_runtimeerror_with_its_known_text():
    logger = FatalLogger(f"pin-{uuid.uuid4()}")
    logger.addHandler(logging.NullHandler())
    logger.propagate = False
    fatal = FatalLogger.fatal_lvl
    FatalLogger.fatal_lvl = logging.WARNING  # as `pelican --fatal warnings` sets it
    try:
        logger.warning("pin %s", uuid.uuid4())
        raised = None
    except RuntimeError as error:
        raised = error
    finally:
        FatalLogger.fatal_lvl = fatal
    assert raised is not None and str(raised) == "Warning or error encountered", (
        f"Pelican's --fatal stop is no longer a RuntimeError('Warning or error encountered') ({raised!r}): "
        "cases/plugin.py (_StrictStopExplained) would show the author a traceback instead of its German line."
    )


def test_pelican_sitemap_dates_undated_pages_with_its_generators_now(tmp_path):
    assert isinstance(getattr(sitemap, "generator", None), sitemap.SitemapGenerator), (
        "pelican-sitemap no longer has one SitemapGenerator as sitemap.generator: sitemapdates sets its build time there."
    )
    generator = sitemap.SitemapGenerator()  # the module's own stays as it is
    generator.now = datetime(2024, 5, 14, 7, 0, tzinfo=timezone.utc)
    pelican = SimpleNamespace(output_path=str(tmp_path), settings={"SITEURL": "https://example.org", "SITEMAP": {"format": "xml"}})
    generator.init(pelican)
    generator.queue_page(str(tmp_path / "index.html"), {})
    generator.finalize(pelican)
    written = (tmp_path / "sitemap.xml").read_text(encoding="utf-8")
    assert "<lastmod>2024-05-14T07:00:00+00:00</lastmod>" in written, (
        "pelican-sitemap no longer dates a page without a date of its own with its generator's now (with its offset): "
        f"sitemapdates must find another way.\n{written}"
    )


def test_pelican_writer_renders_a_page_then_opens_it_with__open_w_and_notes_it(tmp_path):
    calls = []

    class Template:
        name = "pin.html"

        def render(self, localcontext):
            calls.append(("render", localcontext.get("output_file")))
            return "<p>pin</p>"

    class NotingWriter(Writer):
        def _open_w(self, filename, encoding, override=False):
            calls.append(("open", filename, encoding, override))
            return super()._open_w(filename, encoding, override)

    settings = _settings(tmp_path, OUTPUT_PATH=str(tmp_path / "out"))
    writer = NotingWriter(str(tmp_path / "out"), settings)
    writer.write_file("seite/index.html", Template(), {}, override_output=True)
    path = str(tmp_path / "out" / "seite" / "index.html")
    assert calls == [("render", "seite/index.html"), ("open", path, "utf-8", True)], (
        f"Pelican's Writer.write_file no longer renders the template with output_file in its context and then opens "
        f"the page with _open_w(filename, encoding, override) ({calls}): pagekeys/writer.py would render or write pages "
        "it reuses from the last site. Find the new step between rendering and writing."
    )
    assert path in writer._written_files and path in writer._overridden_files, (
        "Pelican's Writer no longer notes written pages in _written_files/_overridden_files: pagekeys/writer.py "
        "notes reused pages there so that Pelican's overwrite checks still see them."
    )
