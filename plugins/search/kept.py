"""Search records of unchanged cases, kept from the build before.

A case's record and its tips' records are made from the case alone (its
source), with settings and code the build cache's key covers (see
plugins/buildcache): a source with the same bytes gives the same records.

They are kept in an SQLite file and looked up one at a time: at 10,000
cases the records take some 60 MB as text and several times that as
Python objects, too much to hold beside the index being written.
"""

import contextlib
import json
import os
import sqlite3

# A case's own record has this number; its tips are numbered from 0.
CASE = -1
SCHEMA = "CREATE TABLE IF NOT EXISTS records (path TEXT, digest TEXT, number INTEGER, record TEXT, PRIMARY KEY (path, number))"


class KeptRecords:
    """The records of each case and its tips, by the digest of its source;
    those of cases whose source changed are made again (``make``).

    The file is changed in place, in one transaction: rows of a case whose
    source changed are replaced, those of cases (and tips) no longer built
    deleted; an unchanged case's rows are not written again. A build that
    is killed leaves the file as it was (SQLite's journal rolls it back).
    """

    def __init__(self, folder, reuse):
        self.path = os.path.join(folder, "records.sqlite") if folder else None
        self.db = None
        self.built = set()  # (path, number) of every record of this build
        if not self.path:
            return
        try:
            self.db = self._opened(reuse)
        except sqlite3.Error:  # unreadable: nothing kept, all made again
            if self.db is not None:
                self.db.close()
            for damaged in (self.path, f"{self.path}-journal"):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(damaged)
            self.db = self._opened(reuse=False)

    def _opened(self, reuse):
        self.db = sqlite3.connect(self.path)
        self.db.execute(SCHEMA)
        self.db.execute("SELECT 1 FROM records LIMIT 1")
        if not reuse:
            self.db.execute("DELETE FROM records")
        return self.db

    def _digest(self, case):
        """The SHA-256 of the case's source, taken when it was read."""
        return case.record.digest

    def _kept(self, case, number):
        if self.db is None:
            return None
        row = self.db.execute(
            "SELECT record FROM records WHERE path = ? AND number = ? AND digest = ?",
            (case.source_path, number, self._digest(case)),
        ).fetchone()
        return json.loads(row[0]) if row else None

    def is_kept(self, case):
        return self.db is not None and self.db.execute(
            "SELECT 1 FROM records WHERE path = ? AND number = ? AND digest = ?",
            (case.source_path, CASE, self._digest(case)),
        ).fetchone() is not None

    def _record(self, case, number, make, item):
        self.built.add((case.source_path, number))
        record = self._kept(case, number)
        if record is None:
            record = make(item)
            if self.db is not None:
                self.db.execute(
                    "INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?)",
                    (case.source_path, self._digest(case), number, json.dumps(record, ensure_ascii=False)),
                )
        return record

    def case(self, case, make):
        return self._record(case, CASE, make, case)

    def tip(self, tip, make):
        number = next(index for index, other in enumerate(tip.case.tip_records) if other is tip)
        return self._record(tip.case, number, make, tip)

    def save(self):
        """Keep the records of this build's cases (and only those)."""
        if self.db is None:
            return
        gone = [row for row in self.db.execute("SELECT path, number FROM records") if row not in self.built]
        if gone:
            self.db.executemany("DELETE FROM records WHERE path = ? AND number = ?", gone)
        self.db.commit()
        self.db.close()
        self.db = None
