"""A camera original becomes small versions for readers (plugins/photos)."""

import re

import pytest
from PIL import Image

from browser import StaticServer
from sitebuild import SHARED_CACHE, build, copy_project, free_port, published_cases, soup

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def big_photo_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("photo")
    project = copy_project(root / "site")
    original = project / "content" / "images" / "kamera.jpg"
    Image.effect_noise((4000, 2667), 80).convert("RGB").save(original, "JPEG", quality=95)
    case = next(c for c in published_cases(project / "content") if "image" not in c.metadata)
    text = case.path.read_text(encoding="utf-8")
    text = re.sub(r"^(Date: .*)$", r"\1\nImage: images/kamera.jpg\nImage_alt: Rauschen\nImage_credit: Test", text, count=1, flags=re.M)
    case.path.write_text(text, encoding="utf-8")
    port = free_port()
    result = build(root / "out", project=project, strict=True, siteurl=f"http://127.0.0.1:{port}")
    assert result.returncode == 0, result.stdout + result.stderr
    with StaticServer(root / "out", port) as server:
        server.output, server.case, server.original = root / "out", case, original
        yield server


def test_only_resized_versions_are_published(big_photo_site):
    output = big_photo_site.output
    assert big_photo_site.original.stat().st_size > 2_000_000
    assert not (output / "images" / "kamera.jpg").exists()
    versions = sorted((output / "images").glob("kamera-*"))
    assert {p.suffix for p in versions} == {".jpg", ".webp"}
    for path in versions:
        with Image.open(path) as image:
            assert image.width <= 1200 and image.width == int(re.search(r"-(\d+)\.", path.name).group(1))
    img = soup(output / "fall" / str(big_photo_site.case.number) / "index.html").select_one("figure img")
    assert img["width"] == "800" and img["height"] == str(round(2667 * 800 / 4000))


def test_versions_are_made_once_and_kept(big_photo_site, tmp_path):
    cached = sorted((SHARED_CACHE / "photos").glob("*"))
    assert cached
    before = {p: p.stat().st_mtime_ns for p in cached}
    project = big_photo_site.original.parent.parent.parent
    assert build(tmp_path / "again", project=project).returncode == 0
    assert {p: p.stat().st_mtime_ns for p in cached} == before


@pytest.mark.parametrize("width", [390, 1280])
def test_a_phone_downloads_a_small_page(big_photo_site, chromium, width):
    context = chromium.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    sizes = {}

    def remember(response):
        # Every response counts; one that cannot be read fails the test below.
        sizes[response.url] = len(response.body()) if response.ok else None

    page.on("response", remember)
    page.goto(f"{big_photo_site.url}/fall/{big_photo_site.case.number}/")
    page.wait_for_load_state("networkidle")
    assert sizes and None not in sizes.values(), sizes
    images = [url for url in sizes if "/images/" in url]
    assert len(images) == 1 and images[0].endswith(".webp")
    total = sum(sizes.values())
    print(f"\n{width} px: {total} Bytes ({images[0].rsplit('/', 1)[1]})")
    if width == 390:
        assert total <= 150_000
    assert page.evaluate("() => document.querySelector('figure img').complete")
    context.close()
