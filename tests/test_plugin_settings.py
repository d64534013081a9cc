"""No plugin writes into the settings once Pelican has started: what one
build finds out stays with that build, so a Pelican that builds again
(``pelican --autoreload``) starts each build from the same settings."""

import json
import subprocess
import sys
import textwrap

from sitebuild import fixture_project

# Two builds by one Pelican, as --autoreload runs them; the settings, as
# text (buildcache's canonical form), when it has started and after each.
TWO_BUILDS = textwrap.dedent("""
    import json, os, sys
    from pelican import Pelican
    from pelican.settings import read_settings
    from buildcache.key import canonical

    project, output, cache = sys.argv[1:4]
    settings = read_settings(os.path.join(project, "pelicanconf.py"), override={
        "PATH": os.path.join(project, "content"), "OUTPUT_PATH": output, "CACHE_PATH": cache,
        # The search index is written apart from the build (it reads the
        # settings it is given); here it would only load the compound model.
        "SEARCH_INDEX": False})
    pelican = Pelican(settings)
    seen = [{key: canonical(value) for key, value in settings.items()}]
    for _build in range(2):
        pelican.run()
        seen.append({key: canonical(value) for key, value in settings.items()})
    print(json.dumps(seen))
""")


def test_builds_leave_the_settings_as_they_were_at_start_up(tmp_path):
    project = fixture_project()
    result = subprocess.run(
        [sys.executable, "-c", TWO_BUILDS, str(project), str(tmp_path / "out"), str(tmp_path / "cache")],
        cwd=project, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    started, *after_builds = json.loads(result.stdout.splitlines()[-1])
    for number, settings in enumerate(after_builds, start=1):
        changed = sorted(key for key in started.keys() | settings.keys() if started.get(key) != settings.get(key))
        assert not changed, f"build {number} changed the settings {changed}"
