"""The reader's site in Chromium: accessibility (axe-core), phone layout, print, screenshots."""

from pathlib import Path

import axe_playwright_python
import pytest
from test_reader_site import page_types

from benchmark.run import layout_shift
from sitebuild import ROOT

pytestmark = pytest.mark.browser

AXE_SCRIPT = Path(axe_playwright_python.__file__).parent / "axe.min.js"
# The README names this folder; the tests write the screenshots there.
SCREENSHOTS = ROOT / "screenshots"


def axe_violations(page):
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – " + "; ".join(n["target"][0] for n in v["nodes"][:3])
        for v in result["violations"]
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name, path", list(page_types().items()))
def test_axe_finds_nothing(served_site, chromium, name, path, scheme):
    context = chromium.new_context(color_scheme=scheme, bypass_csp=True)
    page = context.new_page()
    page.goto(served_site.url + path)
    if name == "search":
        page.wait_for_selector("#suche-ergebnisse li")
    assert axe_violations(page) == []
    if name == "tips":
        # Also with the filter in use and matches highlighted.
        page.fill("#tipps-suche", "Kunde")
        page.wait_for_selector("#tipps-treffer mark")
        assert axe_violations(page) == []
    context.close()


@pytest.mark.parametrize("path", ["/tipps/", "/suche/?q=Kunde", "/suche/"])
def test_nothing_moves_while_a_page_loads_on_a_phone(served_site, chromium, path):
    """Results and the tips search arrive after the page is drawn; the room
    for them is kept from the start (on a slow phone, as in invoke bench)."""
    assert layout_shift(chromium, served_site.url + path) < 0.05


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("name, path", [("home", "/"), ("case", page_types()["case-with-photo"]), ("tips", "/tipps/")])
def test_screenshots_and_no_horizontal_overflow(served_site, chromium, name, path, width):
    context = chromium.new_context(viewport={"width": width, "height": 844}, device_scale_factor=1)
    page = context.new_page()
    page.goto(served_site.url + path)
    page.wait_for_load_state("networkidle")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    overflow = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .map(e => e.tagName + '.' + e.className)"""
    )
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert overflow == []
    context.close()


def test_the_tip_box_stands_out(served_site, page):
    page.goto(served_site.url + page_types()["case-with-photo"])
    box = page.locator("aside.tipp").first
    body_bg = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    styles = box.evaluate("e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).borderLeftWidth]")
    assert styles[0] != body_bg and styles[0] != "rgba(0, 0, 0, 0)"
    assert float(styles[1].rstrip("px")) >= 4


def test_print_shows_the_text_and_the_addresses_of_links(served_site, page):
    page.goto(served_site.url + page_types()["case-with-two-tips"])
    page.emulate_media(media="print")
    for selector in ["header nav", ".site-search", "footer nav", ".case-nav"]:
        assert not page.locator(selector).first.is_visible(), selector
    assert page.locator("main h1").is_visible() and page.locator("aside.tipp").first.is_visible()
    page.goto(served_site.url + "/archiv/")
    link = page.locator("main .archive-list a").first
    after = link.evaluate("e => getComputedStyle(e, '::after').content")
    assert link.get_attribute("href") in after


def test_pages_use_hyphenation_and_readable_lines(served_site, page):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(served_site.url + page_types()["case-with-photo"])
    paragraph = page.locator(".case__body p").first
    assert paragraph.evaluate("e => getComputedStyle(e).hyphens") == "auto"
    characters_per_line = paragraph.evaluate(
        "e => e.getBoundingClientRect().width / parseFloat(getComputedStyle(e).fontSize) * 2"
    )
    assert 45 <= characters_per_line <= 90
