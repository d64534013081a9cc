"""The search index is written in a process of its own (plugins/tips/search.py)."""

import json

import pytest

from tips.search import SearchIndexProcess


def test_records_become_a_bundle(tmp_path):
    records = [{"url": "/fall/1/#tipp", "content": "Beschwerden früh schriftlich festhalten", "meta": {"title": "Tipp"},
                "filters": {"typ": ["Tipp"], "tipp": ["/fall/1/#tipp"]}}]
    bundle = tmp_path / "pagefind"
    index = SearchIndexProcess(lambda: [(str(bundle), records)], "de")
    index.start()
    index.finish()
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["de"]["page_count"] == 1


def test_a_failure_in_the_index_process_fails_the_build():
    def broken():
        raise ValueError("kaputter Datensatz")

    index = SearchIndexProcess(broken, "de")
    index.start()
    with pytest.raises(RuntimeError, match="kaputter Datensatz"):
        index.finish()
