"""The plugins' Markdown processors run in the order of one table
(needs/markdown_order.py), at the points between Markdown's own the
table counts on."""

from types import SimpleNamespace

import markdown
import pytest
from pelican.settings import read_settings

import cases.markdown_text
import german.plugin
import tips.plugin
from needs.markdown_order import PRIORITIES
from sitebuild import ROOT

KINDS = ("preprocessors", "treeprocessors", "postprocessors")


@pytest.fixture(scope="module")
def md():
    """A Markdown as the site's build makes one: the extensions the
    plugins add at start-up to the site's settings."""
    pelican = SimpleNamespace(settings=read_settings(str(ROOT / "pelicanconf.py")))
    german.plugin.add_default_settings(pelican)
    cases.markdown_text.use_plain_text_markdown(pelican)
    tips.plugin.add_default_settings(pelican)
    tips.plugin.box_tips_while_reading(pelican)
    return markdown.Markdown(**pelican.settings["MARKDOWN"])


def _registry(md, name):
    found = [getattr(md, kind) for kind in KINDS if name in getattr(md, kind)]
    assert len(found) == 1, f"{name} is registered {len(found)} times"
    return found[0]


def test_every_processor_of_the_table_runs_in_the_tables_order(md):
    for kind in KINDS:
        registry = getattr(md, kind)
        ours = [name for name in PRIORITIES if name in registry]
        by_table = sorted(ours, key=lambda name: -PRIORITIES[name])  # stable: ties as listed
        assert sorted(ours, key=registry.get_index_for_name) == by_table, kind
    for name in PRIORITIES:
        _registry(md, name)


def test_the_processors_run_where_the_table_says_between_markdowns_own(md):
    order = {
        # The header read, then the title escaped, then typeset.
        "preprocessors": ["normalize_whitespace", "meta", "title_as_text", "german_typography_title"],
        # Links checked after whatever adds or changes them; the tree done
        # after everything.
        "treeprocessors": ["footnote", "attr_list", "toc", "unescape", "allowed_urls", "tip_boxes_tree_done"],
        # Typography on the finished HTML, then the tips boxed in it.
        "postprocessors": ["raw_html", "footnote", "amp_substitute", "german_typography", "tip_boxes"],
    }
    for kind, names in order.items():
        registry = getattr(md, kind)
        assert sorted(names, key=registry.get_index_for_name) == names, kind
    assert md.treeprocessors.get_index_for_name("tip_boxes_tree_done") == len(md.treeprocessors) - 1
    assert md.postprocessors.get_index_for_name("tip_boxes") == len(md.postprocessors) - 1


def test_the_cases_attr_list_takes_the_place_of_markdowns_own(md):
    assert type(md.treeprocessors["attr_list"]).__name__ == "_AllowedAttrList"
