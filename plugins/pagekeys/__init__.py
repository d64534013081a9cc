"""Pages rendered only when what they show changed.

A build into a staging folder that will replace the site in
``LAST_SITE_PATH`` (sitetasks/site.py sets it for ``invoke build``,
``invoke publish`` and the preview) writes its pages through the writer
of writer.py: each page gets a key over everything it shows (facts.py)
and the build's key (plugins/buildcache: settings, theme, plugins,
installed versions); a page whose key and last site's file are those
noted by the last build (store.py, in CACHE_PATH) is a hard link to that
file, not rendered; a feed likewise. ``PAGE_KEYS = False`` renders
every page and feed (the bench's figure without this lever); without
``LAST_SITE_PATH`` Pelican's own writer writes every page.
"""

import logging
import os

from pelican import signals

from buildcache.key import NOT_IN_KEY, build_key, canonical

from . import store
from .writer import keyed_writer

logger = logging.getLogger(__name__)

DEFAULT_SETTINGS = {
    # The folder of the site this build replaces (None: nothing to reuse).
    "LAST_SITE_PATH": None,
    # False: every page is rendered (a page with the last site's bytes
    # still becomes a link to its file).
    "PAGE_KEYS": True,
}

# The writer of each build in this process, by its output folder, until
# the build has finished and its keys are kept.
_writers = {}


def add_default_settings(pelican):
    for key, value in DEFAULT_SETTINGS.items():
        pelican.settings.setdefault(key, value)


def static_key(settings):
    """What every page depends on apart from its context: the build's key
    and the settings as they are once every plugin has started."""
    folder = settings.get("BUILD_CACHE_FOLDER")
    build = os.path.basename(folder) if folder else build_key(settings)
    plain = {k: v for k, v in settings.items() if k not in NOT_IN_KEY and k not in DEFAULT_SETTINGS}
    return build + canonical(plain)


def writer_for(pelican):
    settings = pelican.settings
    last_site = settings.get("LAST_SITE_PATH")
    if not last_site or not os.path.isdir(last_site):
        return None
    last_site = os.path.realpath(last_site)
    keys_file = store.keys_file(settings["CACHE_PATH"], last_site)
    use_keys = settings.get("PAGE_KEYS", True)
    noted = store.load(keys_file) if use_keys else {}
    analyses = store.load_analyses(store.analyses_file(settings["CACHE_PATH"])) if use_keys else {}
    writer = keyed_writer(last_site, static_key(settings) if use_keys else "", noted, use_keys, analyses)
    _writers[os.path.realpath(pelican.output_path)] = (writer, keys_file)
    return writer


def keep_keys(pelican):
    """Once every page is written: the keys for the next build."""
    writer, keys_file = _writers.pop(os.path.realpath(pelican.output_path), (None, None))
    instance = writer and writer.instance
    if instance is None:
        return
    logger.info("Seiten: %d gerendert, %d unverändert vom letzten Bau übernommen", instance.rendered, instance.reused)
    logger.info("Feeds: %d erzeugt, %d unverändert vom letzten Bau übernommen", instance.feeds_made, instance.feeds_reused)
    if instance.use_keys:
        store.save(keys_file, instance.noted_now())
        store.save_analyses(store.analyses_file(instance.settings["CACHE_PATH"]),
                            instance.analyses_used, instance.analyses_known)
    else:
        store.forget(keys_file)


def register():
    signals.initialized.connect(add_default_settings)
    signals.get_writer.connect(writer_for)
    signals.finalized.connect(keep_keys)
