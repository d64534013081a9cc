import pytest

from sitebuild import build


@pytest.fixture(scope="session")
def published_site(tmp_path_factory):
    """The demo site as publishconf.py builds it, strictly."""
    output = tmp_path_factory.mktemp("published")
    result = build(output, settings="publishconf.py", strict=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return output


@pytest.fixture(scope="session")
def preview_site(tmp_path_factory):
    """The demo site as the author's preview builds it (drafts included)."""
    output = tmp_path_factory.mktemp("preview")
    result = build(output, strict=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return output
