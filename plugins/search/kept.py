"""Search records of unchanged cases, kept from the build before.

A case's record and its tips' records are made from the case alone (its
source), with settings and code the build cache's key covers (see
plugins/buildcache): a source with the same bytes gives the same records.

They are kept in an SQLite file and looked up one at a time: at 10,000
cases the records take some 60 MB as text and several times that as
Python objects, too much to hold beside the index being written.
"""

import json
import os
import sqlite3

# A case's own record has this number; its tips are numbered from 0.
CASE = -1
SCHEMA = "CREATE TABLE records (path TEXT, digest TEXT, number INTEGER, record TEXT, PRIMARY KEY (path, number))"


class KeptRecords:
    """The records of each case and its tips, by the digest of its source;
    those of cases whose source changed are made again (``make``)."""

    def __init__(self, folder, reuse):
        self.path = os.path.join(folder, "records.sqlite") if folder else None
        self.old = self.new = None
        if not self.path:
            return
        if reuse and os.path.exists(self.path):
            try:
                self.old = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
                self.old.execute("SELECT 1 FROM records LIMIT 1")
            except sqlite3.Error:  # unreadable: nothing kept, all made again
                self.old = None
        self.part = f"{self.path}.{os.getpid()}.part"
        if os.path.exists(self.part):
            os.unlink(self.part)
        self.new = sqlite3.connect(self.part)
        self.new.execute(SCHEMA)

    def _digest(self, case):
        """The SHA-256 of the case's source, taken when it was read."""
        return case.record.digest

    def _kept(self, case, number):
        if self.old is None:
            return None
        row = self.old.execute(
            "SELECT record FROM records WHERE path = ? AND number = ? AND digest = ?",
            (case.source_path, number, self._digest(case)),
        ).fetchone()
        return json.loads(row[0]) if row else None

    def is_kept(self, case):
        return self._kept(case, CASE) is not None

    def _keep(self, case, number, record):
        if self.new is not None:
            self.new.execute(
                "INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?)",
                (case.source_path, self._digest(case), number, json.dumps(record, ensure_ascii=False)),
            )
        return record

    def case(self, case, make):
        return self._keep(case, CASE, self._kept(case, CASE) or make(case))

    def tip(self, tip, make):
        number = next(index for index, other in enumerate(tip.case.tip_records) if other is tip)
        return self._keep(tip.case, number, self._kept(tip.case, number) or make(tip))

    def save(self):
        """Keep the records of this build's cases (and only those)."""
        if self.old is not None:
            self.old.close()
        if self.new is None:
            return
        self.new.commit()
        self.new.close()
        os.replace(self.part, self.path)
