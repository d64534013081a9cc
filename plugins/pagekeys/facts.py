"""What a page shows, reduced to text for its key: the values a template
reads, as plain facts, without rendering anything.

Generic rather than a list kept by hand per template: contents by their
attributes, records and other objects by their fields, containers item by
item. A value that cannot be reduced honestly (an object without fields,
too deep a nesting) makes the page's key unknown: it is rendered.

Three depths for a content (a case or a page):
- SHOWN, the content a page is about (``article``, ``page``): its record's
  digest (the source's bytes) and every attribute plugins gave it;
- LISTED, a content a page lists or links to (lists, neighbours): what a
  list can show of it, its body's HTML and source digest left out, so an
  edit to one case's body does not touch the pages that merely list it,
  unless its summary, title or the like changed;
- NAMED, a content that a listed content refers to in turn: its address and title.

A dataclass field whose metadata says ``"shown": False`` is declared by
its owner as shown on no page (cases.model.SOURCE_POSITION: a line in the
source, which only messages to the author name): it is left out.
"""

import dataclasses
import datetime
import enum
import functools
import hashlib
import re
import types

from markupsafe import Markup
from pelican.contents import Content
from pelican.paginator import Page, Paginator
from pelican.urlwrappers import URLWrapper

from buildcache.key import canonical

SHOWN, LISTED, NAMED = "shown", "listed", "named"

# Never shown by themselves: Pelican's own plumbing of a content (the
# settings are in the build's key, the context is the whole site).
PLUMBING = {"_context", "settings", "_cached_content"}
# What a list does not show of a content: its body, the source's digest.
BODY = {"_content", "record", "_summary_source"}
# What a list does not show of a content's record (plugins/cases/record.py).
RECORD_BODY = {"digest", "html", "search_text", "packed_search_text", "headings", "path", "problems", "markup_problems"}

MAX_DEPTH = 12
LONG = 50
PLAIN = (str, int, float, bool, type(None), bytes)
# The exact types of most values in a page's context (a set: one lookup).
PLAIN_KINDS = frozenset(PLAIN) - {bytes}
# Bytes longer than this (a record's packed texts) stand as their digest.
SHORT_BYTES = 64


class Unknown(Exception):
    """A value the key cannot stand for: the page is rendered."""


class Facts:
    """Reductions for one build: a content is reduced once per depth (its
    attributes do not change while pages are written)."""

    def __init__(self):
        self.contents = {}
        self.objects = {}
        self.lists = {}
        self.contents_met = 0  # contents reduced so far, a value's own among them

    def of(self, value, level=LISTED, depth=0):
        """``value`` as text; a content in it reduced at ``level``."""
        kind = type(value)
        if kind in PLAIN_KINDS:
            return f"{kind.__name__}:{value!r}"
        if kind is bytes and len(value) > SHORT_BYTES:
            return f"bytes:{len(value)}:{hashlib.sha256(value).hexdigest()}"
        if depth > MAX_DEPTH:
            raise Unknown(f"nested deeper than {MAX_DEPTH}")
        branch = _branch(kind)
        if branch == "repr":
            return f"{kind.__name__}:{value!r}"
        if branch == "markup":
            return f"markup:{str(value)!r}"
        if branch == "plain":  # str subclasses and the like
            return f"{kind.__qualname__}:{value!r}"
        if branch == "content":
            return self.content(value, level)
        if branch == "time":
            return f"{kind.__name__}:{value.isoformat()}:{getattr(value, 'tzinfo', '')}"
        if branch == "tz":
            return f"tz:{value}"
        depth += 1
        of = self.of
        if branch == "dict":
            # Plain keys and values without a call each (the same text as of's).
            items = sorted(
                (f"str:{k!r}" if type(k) is str else of(k, level, depth),
                 f"{type(v).__name__}:{v!r}" if type(v) in PLAIN_KINDS else of(v, level, depth))
                for k, v in value.items()
            )
            return "{" + ",".join(f"{k}:{v}" for k, v in items) + "}"
        if branch == "sequence":
            if len(value) < LONG:
                return f"{kind.__name__}[" + ",".join(
                    f"{type(v).__name__}:{v!r}" if type(v) in PLAIN_KINDS else of(v, level, depth) for v in value
                ) + "]"
            # A long list (all cases, all tips) is handed to page after page:
            # reduced once (lists are not changed while pages are written).
            known = self.lists.get((id(value), len(value), level))
            if known is None:
                text = f"{kind.__name__}[" + ",".join(self.of(v, level, depth) for v in value) + "]"
                known = (value, f"{kind.__name__}:{digest(text)}")
                self.lists[(id(value), len(value), level)] = known
            return known[1]
        if branch == "set":
            return "set[" + ",".join(sorted(self.of(v, level, depth) for v in value)) + "]"
        if branch == "code":
            return canonical(value)
        if branch == "paginator":
            # What a page shows of the pagination: how many items and pages,
            # where they are; the items it shows are its Page's object_list
            # (one case edited re-renders the list page it is on, not all of them).
            # (Its counts, kept once asked for, follow from the length.)
            fields = {k: v for k, v in vars(value).items() if k not in ("settings", "object_list", "_num_pages", "_count")}
            return f"{kind.__qualname__}:{len(value.object_list)}:" + self.of(fields, level, depth)
        if branch == "page":
            fields = {k: v for k, v in vars(value).items() if k != "settings"}
            return f"{kind.__qualname__}:" + self.of(fields, level, depth)
        # An object that holds no content reads the same at every level
        # (a record, a tip's section, a photo): kept once for all of them.
        known = self.objects.get((id(value), None)) or self.objects.get((id(value), level))
        if known is None:
            contents_before = self.contents_met
            known = (value, self._object(value, kind, level, depth))
            # Kept with the object: its id is not reused meanwhile.
            self.objects[(id(value), None if self.contents_met == contents_before else level)] = known
        return known[1]

    def _object(self, value, kind, level, depth):
        """A record, a tag or any object with fields, once per build (none
        of them changes while pages are written), by a digest."""
        if isinstance(value, URLWrapper):
            # A tag, category or author: its name and where it is (its
            # settings are in the build's key).
            return f"{kind.__qualname__}:{value.name!r}:{value.slug!r}:{value.url!r}:{value.save_as!r}"
        if dataclasses.is_dataclass(value):
            # A field its dataclass declares as shown on no page
            # (``metadata={"shown": False}``, e.g. a line in the source
            # that only messages to the author name) is no fact of a page.
            fields = {each.name: getattr(value, each.name) for each in dataclasses.fields(value)
                      if each.metadata.get("shown", True)}
        elif hasattr(value, "__dict__"):
            fields = own_fields(value)
        else:
            raise Unknown(f"{kind.__module__}.{kind.__qualname__} has no fields to go by")
        return f"{kind.__module__}.{kind.__qualname__}:{digest(self.of(fields, level, depth))}"

    def content(self, content, level):
        self.contents_met += 1
        known = self.contents.get((id(content), level))
        if known is not None:
            return known[1]
        kind = type(content).__qualname__
        if level == NAMED:
            text = f"{kind}:{content.source_path!r}:{getattr(content, 'url', '')!r}:{getattr(content, 'title', '')!r}"
        else:
            record = getattr(content, "record", None)
            if level == SHOWN and not getattr(record, "digest", ""):
                raise Unknown(f"{content.source_path} has no record of its source")
            attributes = {}
            for name, value in own_fields(content).items():
                if name in PLUMBING or (level == LISTED and name in BODY):
                    continue
                if name == "metadata" and level == LISTED:
                    value = {k: v for k, v in value.items() if k not in BODY}
                attributes[name] = value
            if level == LISTED and record is not None:
                attributes["record"] = {k: v for k, v in vars(record).items() if k not in RECORD_BODY}
            # Links to other files ({filename}…) are resolved while rendering,
            # from where those files are now: then the text as shown counts.
            if links_elsewhere(content, getattr(content, "_content", None)):
                if level == SHOWN:
                    attributes["content as shown"] = content.content
                attributes["summary as shown"] = content.summary
            elif links_elsewhere(content, content.metadata.get("summary")):
                attributes["summary as shown"] = content.summary
            # What the content refers to, one depth less.
            inner = LISTED if level == SHOWN else NAMED
            text = f"{kind}:{level}:" + self.of(attributes, inner)
        # A digest stands for it: lists of a thousand contents stay short.
        text = f"{kind}:{level}:{digest(text)}"
        # The content is kept with its text: its id is not reused meanwhile.
        self.contents[(id(content), level)] = (content, text)
        return text


@functools.cache
def _branch(kind):
    """How a value of type ``kind`` is reduced (the first that fits), once per type."""
    if kind is bytes or issubclass(kind, enum.Enum):
        return "repr"
    for branch, kinds in (
        ("markup", Markup),
        ("plain", PLAIN),
        ("content", Content),
        ("time", (datetime.datetime, datetime.date, datetime.time)),
        ("tz", datetime.tzinfo),
        ("dict", dict),
        ("sequence", (list, tuple)),
        ("set", (set, frozenset)),
        ("code", (types.FunctionType, types.BuiltinFunctionType, types.MethodType, type, types.ModuleType)),
        ("paginator", Paginator),
        ("page", Page),
    ):
        if issubclass(kind, kinds):
            return branch
    return "object"


def digest(text):
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def links_elsewhere(content, html):
    """Whether ``html`` holds a link Pelican resolves (INTRASITE_LINK_REGEX)."""
    if not html:
        return False
    pattern = content.settings.get("INTRASITE_LINK_REGEX", "[{|](?P<what>.*?)[|}]")
    return re.search(pattern, html) is not None


def own_fields(value):
    """An object's fields without what a cached property keeps in them:
    that is made from the fields, and only once something asked for it
    (whether it is there depends on which page was rendered first)."""
    kind = type(value)
    return {name: field for name, field in vars(value).items()
            if not isinstance(getattr(kind, name, None), functools.cached_property)}
