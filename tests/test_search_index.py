"""The search index is written in a process of its own (plugins/search/index.py)."""

import gzip
import json

import pytest

from search.index import SearchIndexProcess, is_whole_bundle


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


def indexed_records(bundle):
    """Every record in a Pagefind bundle as its search results give it
    (a fragment file is gzip'd JSON after a 12-byte signature)."""
    return [json.loads(gzip.decompress(path.read_bytes())[12:]) for path in (bundle / "fragment").glob("*.pf_fragment")]


def test_each_record_is_found_at_the_page_it_stands_for(tmp_path):
    def record(url, words):
        return {"url": url, "content": words, "meta": {"title": words}, "filters": {"typ": ["Tipp"]}}

    records = [record("/fall/1/", "Der erste Fall"), record("/fall/1/#tipp", "Ein Tipp"),
               record("/fall/1/#tipp-2", "Ein zweiter Tipp"), record("/fall/2/#tipp", "Ein anderer Tipp")]
    bundle = tmp_path / "pagefind"
    index = SearchIndexProcess(lambda: [(str(bundle), records)], "de")
    index.start()
    index.finish()
    found = sorted((r["url"], r["meta"]["url"]) for r in indexed_records(bundle))
    # Pagefind's own address has no anchor: a tip is found at its case.
    assert found == [("/fall/1/", "/fall/1/"), ("/fall/1/", "/fall/1/#tipp"), ("/fall/1/", "/fall/1/#tipp-2"),
                     ("/fall/2/", "/fall/2/#tipp")]


def test_only_a_whole_bundle_counts_as_one(tmp_path):
    records = [{"url": f"/fall/{n}/", "content": f"Beschwerde Nummer {n}", "meta": {"title": f"Fall {n}"},
                "filters": {"typ": ["Fall"]}} for n in (1, 2, 3)]
    bundle = tmp_path / "pagefind"
    index = SearchIndexProcess(lambda: [(str(bundle), records)], "de")
    index.start()
    index.finish()
    assert is_whole_bundle(bundle)
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    (bundle / f"pagefind.{entry['languages']['de']['hash']}.pf_meta").write_bytes(b"")
    assert not is_whole_bundle(bundle)
    (bundle / "pagefind-entry.json").write_bytes(b"")
    assert not is_whole_bundle(bundle)
    assert not is_whole_bundle(tmp_path / "nirgends")
