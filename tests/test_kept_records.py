"""The search records kept from the build before (plugins/search/kept.py):
an unchanged case's records come from the file, a changed one's are made
again, and the file holds exactly the records of the last finished build."""

import sqlite3
from types import SimpleNamespace

from search.kept import KeptRecords


def case(path, digest, tips=0):
    made = SimpleNamespace(source_path=path, record=SimpleNamespace(digest=digest))
    made.tip_records = [SimpleNamespace(case=made, text=f"{path} Tipp {number}") for number in range(tips)]
    return made


def build(folder, cases, *, reuse=True, finish=True):
    """One build's records; returns what was made (not kept) and the records."""
    made = []

    def make_case(item):
        made.append((item.source_path, "Fall"))
        return {"url": item.source_path, "digest": item.record.digest}

    def make_tip(tip):
        made.append((tip.case.source_path, tip.text))
        return {"tip": tip.text, "digest": tip.case.record.digest}

    kept = KeptRecords(str(folder), reuse)
    records = [kept.case(item, make_case) for item in cases]
    records += [kept.tip(tip, make_tip) for item in cases for tip in item.tip_records]
    if finish:
        kept.save()
    return made, records


def rows(folder):
    with sqlite3.connect(folder / "records.sqlite") as db:
        return sorted(db.execute("SELECT path, number, digest FROM records"))


def test_unchanged_cases_are_kept_and_changed_ones_made_again(tmp_path):
    first = [case("a.md", "1", tips=2), case("b.md", "1", tips=1)]
    made, records = build(tmp_path, first)
    assert len(made) == 5
    made_again, kept_records = build(tmp_path, first)
    assert made_again == []
    assert kept_records == records
    edited = [case("a.md", "2", tips=2), case("b.md", "1", tips=1)]
    made, records = build(tmp_path, edited)
    assert made == [("a.md", "Fall"), ("a.md", "a.md Tipp 0"), ("a.md", "a.md Tipp 1")]
    assert {"url": "a.md", "digest": "2"} in records


def test_a_build_with_nothing_changed_does_not_write_the_file(tmp_path):
    cases = [case("a.md", "1", tips=2), case("b.md", "1")]
    build(tmp_path, cases)
    before = (tmp_path / "records.sqlite").stat()
    build(tmp_path, cases)
    after = (tmp_path / "records.sqlite").stat()
    assert (after.st_ino, after.st_mtime_ns, after.st_size) == (before.st_ino, before.st_mtime_ns, before.st_size)


def test_the_file_holds_only_the_records_of_the_last_build(tmp_path):
    build(tmp_path, [case("a.md", "1", tips=2), case("b.md", "1", tips=1)])
    build(tmp_path, [case("a.md", "2", tips=1)])  # b.md deleted, a.md lost a tip
    assert rows(tmp_path) == [("a.md", -1, "2"), ("a.md", 0, "2")]


def test_a_build_that_does_not_finish_leaves_the_file_as_it_was(tmp_path):
    build(tmp_path, [case("a.md", "1", tips=1)])
    before = rows(tmp_path)
    build(tmp_path, [case("a.md", "2", tips=3), case("c.md", "1")], finish=False)
    assert rows(tmp_path) == before


def test_without_reuse_everything_is_made_again(tmp_path):
    cases = [case("a.md", "1", tips=1)]
    build(tmp_path, cases)
    made, _ = build(tmp_path, cases, reuse=False)
    assert len(made) == 2
    assert rows(tmp_path) == [("a.md", -1, "1"), ("a.md", 0, "1")]


def test_a_damaged_file_is_started_anew(tmp_path):
    (tmp_path / "records.sqlite").write_bytes(b"kein SQLite" * 100)
    cases = [case("a.md", "1")]
    made, _ = build(tmp_path, cases)
    assert made == [("a.md", "Fall")]
    assert build(tmp_path, cases)[0] == []
