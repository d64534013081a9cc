"""``invoke veroeffentlichen`` (go_live, behind the editor's "Veröffentlichen"
button): check, strict publish, deploy; nothing goes online after a failed step."""

import re
import shutil

import pytest

from sitebuild import copy_of, copy_project, digests, invoke, published_cases, soup, text_of


def deploy_to(project, server):
    """Save a local folder as the deploy target, as invoke deploy-einrichten would."""
    server.mkdir(exist_ok=True)
    (project / "deploy.toml").write_text(f'ziel = "{server}"\n', encoding="utf-8")


def online(server):
    """What went online, without deploy's own list of what is there."""
    return {path: digest for path, digest in digests(server).items() if path != ".deploy-stand.json"}


ONLINE = re.compile(r"^Online: (\d+) Fälle, hochgeladen nach (.+) \((\d+) Dateien? neu, (\d+) geändert, (\d+) gelöscht\)\.$")


@pytest.fixture
def published(tmp_path, published_project):
    """A project whose output/ holds a published site, deployed nowhere yet."""
    project = copy_of(published_project, tmp_path / "site")
    deploy_to(project, tmp_path / "server")
    return project


def test_go_live_publishes_and_deploys(tmp_path):
    project = copy_project(tmp_path / "site")
    server = tmp_path / "server"
    deploy_to(project, server)

    result = invoke(project, "veroeffentlichen")
    assert result.returncode == 0, result.stdout + result.stderr
    steps = [line for line in result.stdout.splitlines() if line.startswith("Schritt ")]
    assert [step.split(":")[0] for step in steps] == ["Schritt 1 von 3", "Schritt 2 von 3", "Schritt 3 von 3"]
    cases = published_cases(project / "content")
    online_line = ONLINE.match(result.stdout.splitlines()[-1])
    assert online_line and online_line[1] == str(len(cases)) and online_line[2] == str(server), result.stdout

    output = project / "output"
    for case in cases:
        page = soup(output / "fall" / str(case.number) / "index.html")
        assert page.find("h1") is not None
    assert not (output / "entwurf").exists()
    assert "https://www.der-eingebaute-kunde.de/sitemap.xml" in (output / "robots.txt").read_text(encoding="utf-8")
    assert online(server) == digests(output)  # what went online is the published site


def test_a_failed_check_puts_nothing_online(published):
    output, server = published / "output", published.parent / "server"
    before = digests(output)
    case = published_cases(published / "content")[0]
    text = case.path.read_text(encoding="utf-8")
    case.path.write_text(text.replace(f"Fall: {case.number}\n", ""), encoding="utf-8")

    result = invoke(published, "veroeffentlichen")
    assert result.returncode == 1
    line = result.stderr.splitlines()[-1]
    assert line.startswith("Nichts ist online gegangen: 1 Problem in den Texten: content/faelle/")
    assert case.path.name in line and "Die Fallnummer fehlt." in line
    assert "Schritt 2" not in result.stdout
    assert digests(output) == before
    assert online(server) == {}
    assert "Traceback" not in result.stderr


def test_a_failed_publish_deploys_nothing(published):
    output, server = published / "output", published.parent / "server"
    before = digests(output)
    # A broken template: the texts are fine, the build is not.
    template = published / "theme" / "templates" / "article.html"
    template.write_text(template.read_text(encoding="utf-8") + "{% if %}\n", encoding="utf-8")

    result = invoke(published, "veroeffentlichen")
    assert result.returncode == 1
    line = result.stderr.splitlines()[-1]
    assert line.startswith("Nichts ist online gegangen: der Bau der Website ist fehlgeschlagen (TemplateSyntaxError")
    assert line.endswith("output/ ist unverändert.")
    assert "Schritt 3" not in result.stdout
    assert digests(output) == before
    assert online(server) == {}


def test_a_failed_deploy_is_said(published):
    (published / "deploy.toml").write_text('ziel = "/dev/null/nirgends"\n', encoding="utf-8")
    result = invoke(published, "veroeffentlichen")
    assert result.returncode == 1
    line = result.stderr.splitlines()[-1]
    assert line.startswith("Die Website ist gebaut, aber nicht hochgeladen nach /dev/null/nirgends: "), line


def test_without_a_target_the_site_stays_in_output(published):
    (published / "deploy.toml").unlink()
    result = invoke(published, "veroeffentlichen")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == (
        f"Veröffentlicht in output/: {len(published_cases(published / 'content'))} Fälle. Hochgeladen wurde nichts, "
        "weil kein Ziel eingerichtet ist (invoke deploy-einrichten)."
    )
    assert digests(published.parent / "server") == {}
    assert (published / "output" / "index.html").is_file()


def test_run_again_on_the_day_a_scheduled_case_goes_online(tmp_path):
    """What the timer does: the same command before and on a case's date."""
    from test_schedule import SCHEDULED

    project = copy_project(tmp_path / "site")
    server = tmp_path / "server"
    deploy_to(project, server)
    (project / "content" / "faelle" / "fall-12-zeitkapsel.md").write_text(SCHEDULED, encoding="utf-8")
    shutil.copyfile(project / "content" / "images" / "fall-05.jpg", project / "content" / "images" / "fall-12.jpg")
    conf = project / "publishconf.py"
    settings = conf.read_text(encoding="utf-8")
    published = len(published_cases(project / "content")) - 1  # case 12 is still to come

    conf.write_text(settings + '\nSCHEDULE_NOW = "2030-05-14T08:59"\n', encoding="utf-8")
    result = invoke(project, "veroeffentlichen")
    assert result.returncode == 0, result.stdout + result.stderr
    assert ONLINE.match(result.stdout.splitlines()[-1])[1] == str(published), result.stdout
    assert not (server / "fall" / "12").exists()

    conf.write_text(settings + '\nSCHEDULE_NOW = "2030-05-14T09:05"\n', encoding="utf-8")
    result = invoke(project, "veroeffentlichen")
    assert result.returncode == 0, result.stdout + result.stderr
    assert ONLINE.match(result.stdout.splitlines()[-1])[1] == str(published + 1), result.stdout
    assert text_of(soup(server / "fall" / "12" / "index.html").h1) == "Der »eingebaute« Kunde und die Zeitkapsel"
    assert online(server) == digests(project / "output")
