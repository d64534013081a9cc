"""The build cache: Pelican's content cache (cases read once, kept between
builds), valid only for the settings, theme, plugins and dependencies it
was made with.

- key.py: the key, a digest of everything the output depends on besides
  the content (which Pelican stamps file by file)
- plugin.py: puts the content cache made under the current key in
  Pelican's place (CACHE_PATH), keeps those of other keys aside, so
  ``invoke build`` and ``invoke publish`` each find their own, and gives
  each key a folder for what plugins derive (BUILD_CACHE_FOLDER: the
  search bundles)

With ``LOAD_CONTENT_CACHE = False`` (``pelican --ignore-cache``, ``invoke
rebuild``) nothing cached is used, and the cache is made afresh.
"""

import needs

from .plugin import register as register_signals


def register():
    needs.check_at_start()
    register_signals()
