"""Sizes of the resized photos, read from the original's header."""

from PIL import ExifTags, Image

from photos.variants import plan_variants


def camera_portrait(path):
    """A portrait shot as a camera stores it: lying on its side, with an
    EXIF orientation saying it must be turned."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    Image.new("RGB", (1600, 1200), "white").save(path, "JPEG", exif=exif)


def test_a_turned_photo_is_planned_and_made_upright_even_from_the_cache(tmp_path):
    original = tmp_path / "hochkant.jpg"
    camera_portrait(original)
    for _ in range(2):  # made, then taken from the cache
        planned = plan_variants(str(original), "images/hochkant.jpg", str(tmp_path / "cache"))
        assert [(v.width, v.height) for v, _ in planned if v.format == "jpg"] == [(480, 640), (800, 1067), (1200, 1600)]
        for variant, cached in planned:
            with Image.open(cached) as image:
                assert image.size == (variant.width, variant.height)
