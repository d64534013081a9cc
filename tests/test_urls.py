"""Where built pages point: within the site root-relative, so a build works
on whatever host or port serves it; the absolute address only where one
is needed (canonical, Open Graph, feeds)."""

from urllib.parse import urlsplit

import pytest

from browser import StaticServer
from sitebuild import free_port, html_files, soup

PREVIEW_ADDRESS = "http://127.0.0.1:8000"  # SITEURL in pelicanconf.py
PUBLISHED_ADDRESS = "https://www.der-eingebaute-kunde.de"


def srcset_urls(value):
    return [candidate.split()[0] for candidate in value.split(",") if candidate.strip()]


def urls_within_the_site(page):
    """(what, URL) of everything a page loads or links to on its own site."""
    found = []
    for tag in page.find_all(["script", "img", "source"]):
        found += [(tag.name, tag[a]) for a in ("src",) if tag.get(a)]
        found += [(tag.name, url) for url in srcset_urls(tag.get("srcset", ""))]
    for tag in page.find_all("link", href=True):
        if not {"canonical", "alternate"} & set(tag.get("rel", [])):
            found.append((f"link {' '.join(tag['rel'])}", tag["href"]))
    for form in page.find_all("form", action=True):
        found.append(("form", form["action"]))
    for tag in page.find_all(attrs={"data-search-base": True}):
        found.append(("data-search-base", tag["data-search-base"]))
    for tag in page.find_all(attrs={"data-search-bundles": True}):
        found += [("data-search-bundles", url) for url in tag["data-search-bundles"].split()]
    for link in page.find_all("a", href=True):
        if not urlsplit(link["href"]).scheme and not link["href"].startswith("#"):
            found.append(("a", link["href"]))
    return found


@pytest.mark.parametrize("site, address", [("preview_site", PREVIEW_ADDRESS), ("published_site", PUBLISHED_ADDRESS)])
def test_pages_load_scripts_and_styles_from_root_relative_urls(request, site, address):
    output = request.getfixturevalue(site)
    kinds = set()
    for path in html_files(output):
        page = soup(path)
        for what, url in urls_within_the_site(page):
            kinds.add(what.split()[0] if what.startswith("link") else what)
            assert url.startswith("/") and not url.startswith("//"), (path, what, url)
        for link in page.find_all("link", rel="canonical"):
            assert link["href"].startswith(address + "/"), path
        for meta in page.find_all("meta", property=["og:url", "og:image"]):
            assert meta["content"].startswith(address + "/"), path
    # Every kind of URL was there to be checked.
    assert {"script", "link", "img", "source", "form", "data-search-base", "data-search-bundles", "a"} <= kinds


@pytest.mark.browser
def test_the_local_build_works_served_on_another_port(preview_site, page):
    """The preview build names port 8000; served elsewhere, its styles,
    scripts and the search still come from where the page came from."""
    port = free_port()
    assert port != 8000
    with StaticServer(preview_site, port) as server:
        page.goto(server.url + "/tipps/")
        page.fill("#tipps-suche", "Notiz")
        page.wait_for_function(
            "() => document.getElementById('tipps-liste').dataset.shownFor?.startsWith('Notiz|')"
        )
        shown = page.eval_on_selector_all(
            "#tipps-treffer > li, #tipps-liste > li", "items => items.filter(i => i.checkVisibility()).length"
        )
        assert 0 < shown < page.locator("#tipps-liste > li").count()
        # A stylesheet from another origin would hide its rules.
        assert page.evaluate(
            "() => [...document.styleSheets].some(s => s.href?.startsWith(location.origin) && s.cssRules.length > 0)"
        )
        assert page.request_log.foreign(server.url) == []
        assert page.request_log.errors == []
