"""What the plugins need of each other, checked once at start-up.

A plugin package that needs another says so beside its ``register``:

- ``NEEDS = ("cases",)``: these plugins must be in PLUGINS (anywhere);
- ``LISTED_AFTER = ("cases",)``: these, when in PLUGINS, must be listed
  before this one (``reading`` wraps the Markdown reader that ``cases``
  registers before it).

What the theme's templates use of the plugins (filters, attributes) is
the setting ``THEME_NEEDS``. ``check`` reads all of it from the plugins
Pelican has loaded, in their order, and stops the start with one German
line saying what to put into PLUGINS, instead of an ``AttributeError``
halfway through the build. Every plugin's ``register`` calls
``check_at_start`` first, so the check runs before any plugin's own
start-up work. Not a plugin itself.

The Markdown processors' priorities: markdown.py.
"""

import logging
from typing import NamedTuple

from pelican import signals

SETTINGS_FILE = "pelicanconf.py"  # where PLUGINS is set (publishconf.py takes it from there)
THEME = "das Theme"


class Declared(NamedTuple):
    name: str  # as Pelican names the loaded plugin (its module's name)
    needs: tuple = ()
    listed_after: tuple = ()


class PluginsMissing(Exception):
    """Ends the start; its text is the one line the author reads."""

    exitcode = 1


def declared(plugin):
    """A loaded plugin's declaration (a module, or what Pelican loaded)."""
    name = getattr(plugin, "__name__", None) or type(plugin).__qualname__
    return Declared(name, tuple(getattr(plugin, "NEEDS", ())), tuple(getattr(plugin, "LISTED_AFTER", ())))


def _names(labels):
    labels = [label if label == THEME else f"»{label}«" for label in labels]
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} und {labels[-1]}"


def problems(plugins, theme_needs=()):
    """The one line for ``plugins`` (Declared, in the order of PLUGINS) and
    what the theme needs; None when nothing is missing or misordered."""
    position = {plugin.name: index for index, plugin in enumerate(plugins)}
    missing = {}  # name -> who needs it, in order
    misordered = []  # (plugin, what must come before it)
    for plugin in plugins:
        for name in plugin.needs:
            if name not in position:
                missing.setdefault(name, []).append(plugin.name)
        for name in plugin.listed_after:
            if name in position and position[name] > position[plugin.name]:
                misordered.append((plugin.name, name))
    for name in theme_needs:
        if name not in position:
            missing.setdefault(name, []).append(THEME)
    sentences = []
    for name, needed_by in missing.items():
        verb = "braucht" if len(needed_by) == 1 else "brauchen"
        sentences.append(
            f"Das Plugin »{name}« fehlt in PLUGINS ({SETTINGS_FILE}); {_names(needed_by)} {verb} es. "
            f"Tragen Sie »{name}« in PLUGINS ein."
        )
    for name, before in misordered:
        sentences.append(
            f"Das Plugin »{name}« steht in PLUGINS ({SETTINGS_FILE}) vor »{before}«, muss aber danach stehen: "
            f"setzen Sie »{name}« in PLUGINS hinter »{before}«."
        )
    return " ".join(sentences) or None


def check(pelican):
    found = problems([declared(plugin) for plugin in pelican.plugins], pelican.settings.get("THEME_NEEDS", ()))
    if found:
        raise PluginsMissing(found)


class _OneLine(logging.Filter):
    """Pelican logs an error that ends its start with the traceback (and
    the preview's builder does the same), ``--autoreload`` as "Caught
    exception" in English; for a missing plugin the line is all the
    author needs."""

    def filter(self, record):
        error = record.exc_info[1] if record.exc_info else None
        if not isinstance(error, PluginsMissing) and isinstance(record.args, tuple):
            error = next((arg for arg in record.args if isinstance(arg, PluginsMissing)), None)
        if isinstance(error, PluginsMissing):
            record.msg, record.args, record.exc_info = str(error), (), None
        return True


def check_at_start():
    """Have the plugins checked once Pelican has loaded them all."""
    signals.initialized.connect(check)
    pelican_logger = logging.getLogger("pelican")
    if not any(isinstance(f, _OneLine) for f in pelican_logger.filters):
        pelican_logger.addFilter(_OneLine())
