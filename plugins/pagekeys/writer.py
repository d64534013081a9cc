"""The writer of a build into a fresh staging folder while the last site
(the one this build replaces) is still in place.

A page whose key (pagekeys.facts: everything it shows, and the build's
key: settings, theme, plugins, versions) is the one noted for the same
file of the last site, and whose file there is still the one written
then, is not rendered: it becomes a hard link to that file. Every other
page is rendered; if its bytes are those of the last site's file, it too
becomes a link (an unchanged page keeps its inode and mtime). The last
site is never written through: a page is linked only once it is
finished, and a page written a second time is unlinked first. Links need
one file system; elsewhere every page is rendered and written.

Feeds are keyed the same way (write_feed): a feed shows its items in
full, so each item counts as a page's own content does, with what the
feed's title, addresses and language are made from. A reused feed is not
made at all: neither ``feed_generated`` nor ``feed_written`` is sent for
it (its listeners' code is in the build's key, see plugins/buildcache).
"""

import contextlib
import hashlib
import io
import logging
import os
import stat

import jinja2.meta
from pelican.contents import Content
from pelican.utils import sanitised_join
from pelican.writers import Writer

from .facts import LISTED, SHOWN, Facts, Unknown
from .store import identity

logger = logging.getLogger(__name__)

# Names every page's context has besides what its template reads.
ALWAYS = ("output_file", "localsiteurl")
# What a feed takes from the context besides its items: Pelican's feed
# writer (_create_new_feed, write_feed: title, addresses, description)
# and plugins/feeds (the language, the description it falls back to).
# Everything else it reads is a setting, in the build's key.
FEED_CONTEXT = ("SITENAME", "SITESUBTITLE", "SITEURL", "FEED_DOMAIN", "DEFAULT_LANG")


def keyed_writer(last_site, static_key, noted, use_keys=True, analyses=None):
    """A Writer class for one build: ``last_site`` the folder it replaces,
    ``static_key`` the digest of what every page depends on, ``noted``
    {page: (key, identity)} of the last site's pages, ``analyses`` the
    templates' analyses of earlier builds (store.load_analyses); without
    ``use_keys`` every page is rendered."""

    class KeyedWriter(Writer):
        instance = None  # the one Pelican makes, for its keys once the build is done

        def __init__(self, output_path, settings=None):
            super().__init__(output_path, settings=settings)
            type(self).instance = self
            self.use_keys = use_keys
            self.reused = 0
            self.last_site, self.noted = last_site, noted
            self.facts = Facts()
            self.names_used = {}
            self.analyses_known = analyses or {}
            self.analyses_used = {}  # entry -> (names, referenced templates), as store keeps them
            self.keys = {}  # page -> key, for the pages written once and fully
            self.linked = set()  # pages reused without rendering (paths in the staging folder)
            self.rendered = 0
            self.feeds_made = 0
            self.feeds_reused = 0
            self.shown = set()
            self.pending = (None, None)

        def write_file(self, name, template, context, *args, **kwargs):
            # Pelican makes each page's context (pagination included) and
            # renders it: the key is taken from that context, before rendering.
            # The contents handed to the template by name are what the page is about.
            self.shown = {key for key, value in kwargs.items() if isinstance(value, Content)}
            super().write_file(name, _KeyedTemplate(self, template), context, *args, **kwargs)

        def page_key(self, template, localcontext):
            names = self._names(template)
            digest = hashlib.sha256(static_key.encode())
            digest.update(f"\0{template.name}\0".encode())
            for name in sorted(names):
                if name not in localcontext:
                    digest.update(f"{name}:-\0".encode())
                    continue
                value = localcontext[name]
                text = self.facts.of(value, SHOWN if name in self.shown else LISTED)
                digest.update(f"{name}:{text}\0".encode("utf-8", "surrogatepass"))
            return digest.hexdigest()

        def _names(self, template):
            """The names ``template`` and the templates it extends or
            includes read from its context (Jinja's own analysis); None if
            it names a template only known while rendering."""
            if template.name not in self.names_used:
                environment, names, seen, waiting = template.environment, set(ALWAYS), set(), [template.name]
                while waiting and names is not None:
                    current = waiting.pop()
                    if current in seen:
                        continue
                    seen.add(current)
                    source = environment.loader.get_source(environment, current)[0]
                    undeclared, referenced_templates = self._analysis(environment, current, source)
                    names |= set(undeclared)
                    for referenced in referenced_templates:
                        if referenced is None:
                            names = None
                            break
                        waiting.append(referenced)
                self.names_used[template.name] = names
            return self.names_used[template.name]

        def _analysis(self, environment, name, source):
            """(names read, templates referenced) of one template's
            ``source``, from an earlier build if it had the same source
            and build key (Jinja's settings, extensions and version)."""
            entry = hashlib.sha256(f"{static_key}\0{name}\0{source}".encode("utf-8", "surrogatepass")).hexdigest()
            found = self.analyses_used.get(entry) or self.analyses_known.get(entry)
            if found is None:
                tree = environment.parse(source)
                found = (tuple(sorted(jinja2.meta.find_undeclared_variables(tree))),
                         tuple(jinja2.meta.find_referenced_templates(tree)))
            self.analyses_used[entry] = found
            return found

        def render(self, template, localcontext):
            """The page's text, or None when it was reused from the last site."""
            page = localcontext["output_file"]
            path = sanitised_join(self.output_path, page)
            try:
                names = self._names(template) if use_keys else None
                key = None if names is None else self.page_key(template, localcontext)
            except (Unknown, jinja2.TemplateError, OSError) as error:
                logger.debug("Seite %s ohne Schlüssel: %s", page, error)
                key = None
            if key is None or path in self._written_files or page in self.keys:
                self.keys.pop(page, None)  # written twice: no key fits it
            elif self._reuse(page, key, path):
                self.linked.add(path)
                self.reused += 1
                return None
            self.rendered += 1
            logger.debug("Seite %s wird gerendert", page)
            text = template.render(localcontext)
            self.pending = (page, key)
            return text

        def _reuse(self, page, key, path):
            noted_key, noted_identity = self.noted.get(page, (None, None))
            if noted_key != key:
                return False
            previous = os.path.join(self.last_site, page)
            if identity(previous) != noted_identity:
                return False  # changed or replaced since it was noted
            os.makedirs(os.path.dirname(path), exist_ok=True)
            if not _linked(previous, path):
                return False
            self.keys[page] = key
            return True

        def write_feed(self, elements, context, path=None, url=None, feed_type="atom",
                       override_output=False, feed_title=None):
            """Pelican's feed, or None when the last site's file was reused."""
            arguments = (elements, context, path, url, feed_type, override_output, feed_title)
            if not path:  # only the feed object asked for: nothing to reuse
                return super().write_feed(*arguments)
            filename = sanitised_join(self.output_path, path)
            feed = os.path.relpath(filename, self.output_path)
            try:
                key = self.feed_key(*arguments) if use_keys else None
            except Unknown as error:
                logger.debug("Feed %s ohne Schlüssel: %s", feed, error)
                key = None
            if key is None or filename in self._written_files or feed in self.keys:
                self.keys.pop(feed, None)  # written twice: no key fits it
            elif self._reuse(feed, key, filename):
                self._note_written(filename, override_output)
                self.feeds_reused += 1
                return None
            self.feeds_made += 1
            logger.debug("Feed %s wird erzeugt", feed)
            # Its key is noted once the file is written in full (_open_w).
            self.pending = (feed, key)
            try:
                return super().write_feed(*arguments)
            finally:
                self.pending = (None, None)

        def feed_key(self, elements, context, path, url, feed_type, override_output, feed_title):
            digest = hashlib.sha256(static_key.encode())
            of = self.facts.of
            digest.update(f"\0feed\0{of((feed_type, path, url, feed_title, override_output))}\0".encode(
                "utf-8", "surrogatepass"))
            for name in FEED_CONTEXT:
                text = of(context[name]) if name in context else "-"
                digest.update(f"{name}:{text}\0".encode("utf-8", "surrogatepass"))
            # The items the feed shows, as Pelican's writer picks them, each in full.
            for element in elements[: self.settings["FEED_MAX_ITEMS"]]:
                digest.update(f"item:{of(element, SHOWN)}\0".encode("utf-8", "surrogatepass"))
            return digest.hexdigest()

        def _note_written(self, filename, override):
            """Pelican's bookkeeping of a file written (or reused) for this build."""
            self._written_files.add(filename)
            if override:
                self._overridden_files.add(filename)

        def _open_w(self, filename, encoding, override=False):
            if filename in self.linked:
                # Reused: Pelican's bookkeeping, and nothing to write.
                self.linked.discard(filename)
                self._note_written(filename, override)
                return io.StringIO()
            page, key = self.pending
            self.pending = (None, None)
            relative = os.path.relpath(filename, self.output_path)
            if filename in self._written_files:
                self.keys.pop(relative, None)
                if override and filename not in self._overridden_files:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(filename)  # it may be a link into the last site
                return super()._open_w(filename, encoding, override)
            # A first write: Pelican's bookkeeping, then the page settles on close.
            self._written_files.add(filename)
            if override:
                self._overridden_files.add(filename)
            on_close = None
            if key is not None and page == relative:
                def on_close():
                    self.keys[page] = key
            return _SettlingPage(filename, os.path.join(self.last_site, relative), encoding, on_close)

        def noted_now(self):
            """{page: (key, identity)} of this build's keyed pages, as written."""
            noted = {}
            for page, key in self.keys.items():
                found = identity(os.path.join(self.output_path, page))
                if found is not None:
                    noted[page] = (key, found)
            return noted

    return KeyedWriter


class _KeyedTemplate:
    """The template as Pelican's Writer sees it: rendering it first asks
    whether the last site's page can be reused."""

    def __init__(self, writer, template):
        self.writer, self.template = writer, template
        self.name = template.name

    def render(self, localcontext):
        text = self.writer.render(self.template, localcontext)
        return "" if text is None else text


class _SettlingPage(io.StringIO):
    """A page being written: on close, a hard link to ``previous`` if that
    holds the same bytes, else written to ``path``."""

    def __init__(self, path, previous, encoding, on_close=None):
        super().__init__()
        self.path, self.previous, self.encoding_to_write = path, previous, encoding
        self.on_close = on_close

    def close(self):
        if not self.closed:
            data = self.getvalue().encode(self.encoding_to_write)
            if not _same_file(self.previous, data) or not _linked(self.previous, self.path):
                with open(self.path, "wb") as handle:
                    handle.write(data)
            if self.on_close is not None:
                self.on_close()
        super().close()

    def __exit__(self, kind, *details):
        if kind is not None:
            self.on_close = None  # not written in full (a feed failing midway): no key
        return super().__exit__(kind, *details)


def _same_file(path, data):
    try:
        status = os.lstat(path)
        if not stat.S_ISREG(status.st_mode) or status.st_size != len(data):
            return False
        with open(path, "rb") as handle:
            return handle.read() == data
    except OSError:
        return False


def _linked(existing, path):
    try:
        os.link(existing, path)
    except OSError:  # another file system, or links not allowed there
        return False
    return True
