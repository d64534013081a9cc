import pytest

from browser import CHROMIUM_ARGS, RequestLog, StaticServer, chromium_path
from sitebuild import build, copy_project, free_port, invoke


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


@pytest.fixture(scope="session")
def served_site(tmp_path_factory):
    """The preview build served over http on 127.0.0.1, as a reader gets it."""
    port = free_port()
    output = tmp_path_factory.mktemp("served")
    result = build(output, strict=True, siteurl=f"http://127.0.0.1:{port}")
    assert result.returncode == 0, result.stdout + result.stderr
    with StaticServer(output, port) as server:
        server.output = output
        yield server


@pytest.fixture(scope="session")
def published_project(tmp_path_factory):
    """A copy of the project with the fixture site after `invoke publish`
    (output/, the published mark, the caches), made once per test run
    and only read: a test that changes it works on its own copy_of() it."""
    project = copy_project(tmp_path_factory.mktemp("published-project") / "site")
    result = invoke(project, "publish")
    assert result.returncode == 0, result.stdout + result.stderr
    return project


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context()
    page = context.new_page()
    page.request_log = RequestLog(page)
    yield page
    context.close()
