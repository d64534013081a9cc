"""The published mark is the content: deploy ships output/ only while it
holds, file by file, what the last strict publish built."""

import re

import pytest
from pypdf import PdfReader

from sitebuild import copy_of, dry_run_deploy, invoke, published_cases

REFUSED_TITLE = "Der »eingebaute« Kunde und das abgelehnte Heft"
REFUSED_CASE = f"""\
Title: {REFUSED_TITLE}
Fall: 90
Date: 2024-06-01 09:00
Tags: Heft
Summary: Ein Fall, den die Veröffentlichung ablehnt, weil ein anderer Fall einen Fehler hat.

Ein ganz gewöhnlicher Fall.

## Der Tipp des »eingebauten« Kunden

Zeppelinfahrten nur mit Fallschirm anbieten.
"""


def one_line(result):
    return " ".join((result.stdout + result.stderr).split())


@pytest.fixture
def published(published_project, tmp_path):
    """A copy of the published site for one test, its published mark with it."""
    return copy_of(published_project, tmp_path / "site")


def test_the_booklet_of_a_refused_publish_never_goes_online(published):
    (published / "content/faelle/fall-90-heft.md").write_text(REFUSED_CASE, encoding="utf-8")
    broken = published_cases(published / "content")[0]
    broken.path.write_text(re.sub(r"^Fall: .*\n", "", broken.path.read_text(encoding="utf-8"), flags=re.M),
                           encoding="utf-8")
    assert invoke(published, "publish").returncode != 0

    booklet = invoke(published, "booklet")
    deploy = invoke(published, *dry_run_deploy(published))
    assert booklet.returncode != 0 or deploy.returncode != 0, one_line(booklet)
    if deploy.returncode == 0:  # what deploy would ship lists no refused case
        text = "".join(page.extract_text() for page in PdfReader(published / "output/tipps/alle-tipps.pdf").pages)
        assert "Zeppelinfahrten" not in text
    else:
        assert "invoke publish" in deploy.stderr
    if booklet.returncode != 0:
        assert "Veröffentlichung abgebrochen" in one_line(booklet)


def test_invoke_booklet_is_a_strict_publish(published):
    (published / "content/faelle/fall-90-heft.md").write_text(REFUSED_CASE, encoding="utf-8")
    result = invoke(published, "booklet")
    assert result.returncode == 0, one_line(result)
    assert "output/tipps/alle-tipps.pdf" in result.stdout
    text = "".join(page.extract_text() for page in PdfReader(published / "output/tipps/alle-tipps.pdf").pages)
    assert "Zeppelinfahrten" in text
    assert (published / "output/fall/90/index.html").is_file()  # the site with it
    assert invoke(published, *dry_run_deploy(published)).returncode == 0


def test_deploy_names_every_file_changed_after_publish(published):
    output = published / "output"
    page = output / "fall/1/index.html"
    original = page.read_bytes()

    page.write_bytes(original.replace(b"</body>", b"<p>nachher</p></body>"))
    refused = invoke(published, *dry_run_deploy(published))
    assert refused.returncode != 0
    assert "output/fall/1/index.html (geändert)" in one_line(refused)
    assert "rsync" not in refused.stdout  # nothing shipped, not even shown as shipped

    page.write_bytes(original)
    assert invoke(published, *dry_run_deploy(published)).returncode == 0

    (output / "fall/1/extra.html").write_text("<p>dazugelegt</p>", encoding="utf-8")
    refused = invoke(published, *dry_run_deploy(published))
    assert refused.returncode != 0 and "output/fall/1/extra.html (neu hinzugekommen)" in one_line(refused)
    (output / "fall/1/extra.html").unlink()

    page.unlink()
    refused = invoke(published, *dry_run_deploy(published))
    assert refused.returncode != 0 and "output/fall/1/index.html (fehlt)" in one_line(refused)
