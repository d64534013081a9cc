"""Plugins say what they need (NEEDS, LISTED_AFTER in their packages,
THEME_NEEDS in the settings): a site without an optional plugin is built,
or its start ends with one German line saying what to put into PLUGINS."""

import importlib
import json
import logging
import re

import pytest

import needs
import pelicanconf
from sitebuild import build, one_line, published_cases

# What removing each of these from PLUGINS must say; any other plugin of
# pelicanconf.PLUGINS can go and the site is still built.
MISSING = {
    "german": "Das Plugin »german« fehlt in PLUGINS (pelicanconf.py); das Theme braucht es. "
              "Tragen Sie »german« in PLUGINS ein.",
    "cases": "Das Plugin »cases« fehlt in PLUGINS (pelicanconf.py); »tips«, »search«, »photos«, »cards« und das Theme brauchen es. "
             "Tragen Sie »cases« in PLUGINS ein.",
    "tips": "Das Plugin »tips« fehlt in PLUGINS (pelicanconf.py); »booklet« braucht es. Tragen Sie »tips« in PLUGINS ein.",
    "pelican.plugins.sitemap": "Das Plugin »pelican.plugins.sitemap« fehlt in PLUGINS (pelicanconf.py); »sitemapdates« "
                               "braucht es. Tragen Sie »pelican.plugins.sitemap« in PLUGINS ein.",
}


def said(output):
    """The message, if ``output`` is one message of Pelican's console:
    "[12:00:00] CRITICAL <message>   __init__.py:683" (wrapped where it is
    wider than the terminal, the file's name at the end of its first line)."""
    text = re.sub(r"\s+\S+\.py:\d+(?=\s|$)", "", one_line(output))
    match = re.fullmatch(r"\[[\d:]+\] CRITICAL (?P<message>.*)", text)
    return match and match["message"]


def _declared(plugins):
    """As Pelican loads them: by module name (the project's plugins are
    installed packages, pelican-sitemap a namespace plugin)."""
    return [needs.declared(importlib.import_module(name)) for name in plugins]


def test_the_sites_plugins_have_all_they_need_in_their_order():
    assert needs.problems(_declared(pelicanconf.PLUGINS), pelicanconf.THEME_NEEDS) is None


def test_a_missing_plugin_is_one_line_naming_it_and_who_needs_it():
    plugins = [needs.Declared("tips", needs=("cases",)), needs.Declared("cards", needs=("cases",))]
    assert needs.problems(plugins, ["cases"]) == (
        "Das Plugin »cases« fehlt in PLUGINS (pelicanconf.py); »tips«, »cards« und das Theme brauchen es. "
        "Tragen Sie »cases« in PLUGINS ein."
    )


def test_a_plugin_listed_before_one_it_must_follow_is_named_with_where_it_goes():
    plugins = [needs.Declared("reading", listed_after=("cases",)), needs.Declared("cases")]
    assert needs.problems(plugins) == (
        "Das Plugin »reading« steht in PLUGINS (pelicanconf.py) vor »cases«, muss aber danach stehen: "
        "setzen Sie »reading« in PLUGINS hinter »cases«."
    )
    # Listed after it, or without it at all: nothing to say.
    assert needs.problems(plugins[::-1]) is None
    assert needs.problems(plugins[:1]) is None


def test_several_problems_are_still_one_line():
    plugins = [needs.Declared("reading", listed_after=("cases",)), needs.Declared("cases"),
               needs.Declared("booklet", needs=("tips",))]
    found = needs.problems(plugins, ["german"])
    assert "\n" not in found
    assert found.count("Das Plugin") == 3


def test_the_error_that_ends_the_start_is_logged_as_its_line_without_a_traceback(caplog):
    needs.check_at_start()
    error = needs.PluginsMissing("Das Plugin »cases« fehlt in PLUGINS (pelicanconf.py).")
    try:
        raise error
    except needs.PluginsMissing:
        # As Pelican's main() (and the preview's builder) log what ends a run.
        logging.getLogger("pelican").critical("%s: %s", type(error).__name__, error, exc_info=True)
    record = caplog.records[-1]
    assert record.getMessage() == "Das Plugin »cases« fehlt in PLUGINS (pelicanconf.py)."
    assert record.exc_info is None
    # As `pelican --autoreload` logs what ends a build when the settings changed.
    logging.getLogger("pelican").warning('Caught exception:\n"%s".', error, exc_info=False)
    assert caplog.records[-1].getMessage() == "Das Plugin »cases« fehlt in PLUGINS (pelicanconf.py)."


def _without(name):
    return [plugin for plugin in pelicanconf.PLUGINS if plugin != name]


@pytest.mark.parametrize("name", pelicanconf.PLUGINS)
def test_a_site_without_a_plugin_is_built_or_told_in_one_german_line(tmp_path, name):
    result = build(tmp_path / "out", strict=True, overrides={"PLUGINS": _without(name)})
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    if name in MISSING:
        assert result.returncode == 1, output
        assert said(output) == MISSING[name], output
        return
    assert result.returncode == 0, output
    assert not re.search(r"\b(ERROR|CRITICAL|WARNING)\b", output), output
    assert (tmp_path / "out" / "index.html").is_file()
    for case in published_cases():
        assert (tmp_path / "out" / "fall" / str(case.number) / "index.html").is_file(), case.path


def test_reading_listed_before_cases_is_one_line(tmp_path):
    plugins = _without("reading")
    plugins.insert(plugins.index("cases"), "reading")
    result = build(tmp_path / "out", overrides={"PLUGINS": plugins})
    output = result.stdout + result.stderr
    assert result.returncode == 1 and "Traceback" not in output, output
    assert said(output) == (
        "Das Plugin »reading« steht in PLUGINS (pelicanconf.py) vor »cases«, muss aber danach stehen: "
        "setzen Sie »reading« in PLUGINS hinter »cases«."
    ), output


def test_search_works_without_the_tips_plugin(tmp_path):
    """The tips plugin is optional to the search: the cases are indexed,
    and there is no tips bundle."""
    output = tmp_path / "out"
    plugins = [plugin for plugin in pelicanconf.PLUGINS if plugin not in ("tips", "booklet")]
    result = build(output, strict=True, overrides={"PLUGINS": plugins})
    assert result.returncode == 0, result.stdout + result.stderr
    entry = json.loads((output / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert sum(language["page_count"] for language in entry["languages"].values()) == len(published_cases())
    assert not list(output.glob("pagefind-tipps*"))
    assert not (output / "tipps").exists()
