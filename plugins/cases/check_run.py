"""``invoke check``: every problem a build would report in content/,
found by the build's own code, without building.

A Pelican is made from the settings as for a build (plugins, readers,
Markdown extensions) and its reading generators run as in a build, with
every plugin's signals: so every check of the list (checklist.py) runs
at its stage, on what the build would have, and leaves out what the
build would leave out. Nothing after reading runs: no page is rendered,
no search index, card, booklet or photo version is made, nothing is
written.
"""

from pelican import Pelican, signals
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.settings import read_settings

from .checklist import CHECKS_ONLY

# The generators that read content/, in the order Pelican runs them; the
# others only turn what these read into output.
READING_GENERATORS = (ArticlesGenerator, PagesGenerator)


def check_site(settings_file, overrides=None):
    """The problems of the content a build with ``settings_file`` reads, in
    the order a build reports them."""
    settings = read_settings(
        str(settings_file),
        # Read afresh: nothing from, nothing into the content cache.
        override={**(overrides or {}), "CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False, CHECKS_ONLY: True},
    )
    pelican = Pelican(settings)
    # The context Pelican.run() shares among its generators.
    context = {**pelican.settings, "generated_content": {}, "static_links": set(), "static_content": {},
               "localsiteurl": pelican.settings["SITEURL"], "build_problems": []}
    generators = [
        cls(context=context, settings=pelican.settings, path=pelican.path, theme=pelican.theme,
            output_path=pelican.output_path)
        for cls in READING_GENERATORS
    ]
    for generator in generators:
        generator.generate_context()
    # As after a build's reading (the reading plugin's workers end here).
    signals.all_generators_finalized.send(generators)
    return context["build_problems"]
