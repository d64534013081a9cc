"""The search index: records (plugins/search/index.py) and Pagefind bundles
written while the pages are written (plugins/search/bundles.py)."""

import gzip
import json

import pytest

from search.bundles import SearchIndex, is_whole_bundle, write_bundles


def test_records_become_a_bundle(tmp_path):
    records = [{"url": "/fall/1/#tipp", "content": "Beschwerden früh schriftlich festhalten", "meta": {"title": "Tipp"},
                "filters": {"typ": ["Tipp"], "tipp": ["/fall/1/#tipp"]}}]
    bundle = tmp_path / "pagefind"
    index = SearchIndex(lambda: [(str(bundle), records, True)], "de")
    index.start()
    index.finish()
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["de"]["page_count"] == 1


def test_a_failure_in_the_index_fails_the_build(tmp_path):
    broken = [{"url": "/fall/1/", "content": "Beschwerde", "meta": {"title": object()}, "filters": {}}]
    index = SearchIndex(lambda: [(str(tmp_path / "pagefind"), broken, True)], "de")
    index.start()
    with pytest.raises(RuntimeError, match="Der Suchindex konnte nicht geschrieben werden"):
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
    index = SearchIndex(lambda: [(str(bundle), records, True)], "de")
    index.start()
    index.finish()
    found = sorted((r["url"], r["meta"]["url"]) for r in indexed_records(bundle))
    # Pagefind's own address is the record's: a tip's with its anchor.
    assert found == [("/fall/1/", "/fall/1/"), ("/fall/1/#tipp", "/fall/1/#tipp"), ("/fall/1/#tipp-2", "/fall/1/#tipp-2"),
                     ("/fall/2/#tipp", "/fall/2/#tipp")]


def test_only_a_whole_bundle_counts_as_one(tmp_path):
    records = [{"url": f"/fall/{n}/", "content": f"Beschwerde Nummer {n}", "meta": {"title": f"Fall {n}"},
                "filters": {"typ": ["Fall"]}} for n in (1, 2, 3)]
    bundle = tmp_path / "pagefind"
    index = SearchIndex(lambda: [(str(bundle), records, True)], "de")
    index.start()
    index.finish()
    assert is_whole_bundle(bundle)
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    (bundle / f"pagefind.{entry['languages']['de']['hash']}.pf_meta").write_bytes(b"")
    assert not is_whole_bundle(bundle)
    (bundle / "pagefind-entry.json").write_bytes(b"")
    assert not is_whole_bundle(bundle)
    assert not is_whole_bundle(tmp_path / "nirgends")


def test_a_case_with_2000_tips_is_indexed_in_one_round_trip(tmp_path, monkeypatch):
    """Issue 23, item 7: every record used to cost one request to Pagefind's
    Python wrapper, which reads each answer after a 0.1 s sleep (2,000 tips:
    210 s). Now a bundle's records go to Pagefind's service at once."""
    import pagefind.service

    from search import service

    wrapper_requests, exchanges = [], []
    real_send, real_exchange = pagefind.service.PagefindService.send, service.PagefindService.exchange

    async def counted_send(self, payload):
        wrapper_requests.append(payload["type"])
        return await real_send(self, payload)

    def counted_exchange(self, payloads):
        payloads = list(payloads)
        exchanges.append([p["type"] for p in payloads])
        return real_exchange(self, payloads)

    monkeypatch.setattr(pagefind.service.PagefindService, "send", counted_send)
    monkeypatch.setattr(service.PagefindService, "exchange", counted_exchange)
    records = [{"url": "/fall/7/", "content": "Der Fall mit vielen Tipps", "meta": {"title": "Fall 7"},
                "filters": {"typ": ["Fall"]}}]
    records += [{"url": f"/fall/7/#tipp-{n}", "content": f"Tipp Nummer {n}: Rückrufe zusagen und halten",
                 "meta": {"title": f"Tipp {n}"}, "filters": {"typ": ["Tipp"]}} for n in range(1, 2001)]
    bundle = tmp_path / "pagefind"
    write_bundles([(str(bundle), records, True)], "de")
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["de"]["page_count"] == 2001
    assert {r["meta"]["url"] for r in indexed_records(bundle)} == {r["url"] for r in records}
    assert wrapper_requests == []  # the sleeping wrapper is not used at all
    assert len(exchanges) == 1  # one round trip for the bundle, however many records
    assert exchanges[0].count("AddFile") == 2001 and exchanges[0][-1] == "GetFiles"


class NoSplits:
    """A splitter that knows no compounds: only umlauts spelt out."""

    def variants(self, word):
        from german.spelling import fold_umlauts

        return {fold_umlauts(word)}


def test_a_case_record_holds_the_text_a_reader_sees_there_and_not_its_tips():
    from types import SimpleNamespace

    from search.index import EXTRA_WORDS_MARKER, RecordMaker

    tip = SimpleNamespace(heading="Der Tipp des »eingebauten« Kunden", text="Rückrufe zusagen und halten.")
    record = SimpleNamespace(  # a case as read (cases.record.CaseRecord)
        title_text="Der »eingebaute« Kunde und die vergessene Rückmeldung", summary_text="Ein Handwerksbetrieb meldet sich nie.",
        search_text="Der Auftrag kam nie. Der Tipp des »eingebauten« Kunden Rückrufe zusagen und halten.",
    )
    case = SimpleNamespace(
        record=record, tip_records=[tip], url="fall/9/", fall=9, metadata={"summary": "Ein Handwerksbetrieb meldet sich nie."},
    )
    maker = RecordMaker(NoSplits(), ["Der »eingebaute« Kunde und", "Der Tipp des »eingebauten« Kunden"])
    visible, _, hidden = maker.case(case)["content"].partition(f" {EXTRA_WORDS_MARKER} ")
    # The lead and the text, word for word; the title is not run into it,
    # the tip is a record of its own.
    assert visible == "Ein Handwerksbetrieb meldet sich nie. Der Auftrag kam nie."
    assert hidden.split() == ["Die", "vergessene", "Rückmeldung", "rueckmeldung"]
    tip.case, tip.case_number, tip.count, tip.tags, tip.url = case, 9, 1, [], "fall/9/#tipp"
    tip.case_title = record.title_text
    visible, _, hidden = maker.tip(tip)["content"].partition(f" {EXTRA_WORDS_MARKER} ")
    assert visible == "Rückrufe zusagen und halten."
    assert hidden.split() == ["rueckrufe"]


def test_a_first_paragraph_that_is_the_lead_is_in_the_record_once():
    """Without a Summary the page shows the first paragraph once, as the
    lead (cases.plugin.body_after_lead); the record reads as the page does,
    so an excerpt across lead and text is text the reader finds there."""
    from types import SimpleNamespace

    from search.index import EXTRA_WORDS_MARKER, RecordMaker

    case = SimpleNamespace(metadata={}, tip_records=[], url="fall/6/", fall=6, record=SimpleNamespace(
        title_text="Der »eingebaute« Kunde und der reservierte Tisch",
        summary_text="Die Reservierung kam per E-Mail. Alles schien bestens.",
        search_text="Die Reservierung kam per E-Mail. Alles schien bestens. Am Abend selbst war kein Tisch frei.",
    ))
    maker = RecordMaker(NoSplits(), ["Der »eingebaute« Kunde und"])
    visible, _, _ = maker.case(case)["content"].partition(f" {EXTRA_WORDS_MARKER} ")
    assert visible == "Die Reservierung kam per E-Mail. Alles schien bestens. Am Abend selbst war kein Tisch frei."
    # A written Summary is a lead of its own, before the whole text.
    case.metadata = {"summary": "Ein Tisch, der keiner war."}
    case.record.summary_text = "Ein Tisch, der keiner war."
    visible, _, _ = maker.case(case)["content"].partition(f" {EXTRA_WORDS_MARKER} ")
    assert visible == "Ein Tisch, der keiner war. " + case.record.search_text


def test_each_tip_box_is_taken_out_of_its_case_text_once():
    from types import SimpleNamespace

    from search.index import without_tips

    def tip(heading, text):
        return SimpleNamespace(heading=heading, text=text)

    text = "Anfang. Tipp eins Rufen Sie zurück. Mitte. Tipp zwei Rufen Sie zurück. Ende."
    tips = [tip("Tipp eins", "Rufen Sie zurück."), tip("Tipp zwei", "Rufen Sie zurück."), tip("Tipp drei", "Fehlt hier.")]
    assert without_tips(text, tips) == "Anfang. Mitte. Ende."
