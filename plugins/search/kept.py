"""Search records of unchanged cases, kept from the build before.

A case's record and its tips' records are made from the case alone (its
source), with settings and code the build cache's key covers (see
plugins/buildcache): a source with the same bytes gives the same records.
"""

import hashlib
import json
import os


class KeptRecords:
    """The records of each case and its tips, by the digest of its source;
    those of cases whose source changed are made again (``make``)."""

    def __init__(self, folder, reuse):
        self.path = os.path.join(folder, "records.json") if folder else None
        self.old = {}
        if self.path and reuse:
            try:
                with open(self.path, encoding="utf-8") as handle:
                    self.old = json.load(handle)
            except (OSError, ValueError):
                self.old = {}
        self.new = {}
        self._digests = {}

    def _digest(self, case):
        path = case.source_path
        if path not in self._digests:
            with open(path, "rb") as handle:
                self._digests[path] = hashlib.sha256(handle.read()).hexdigest()
        return self._digests[path]

    def _kept(self, case):
        entry = self.old.get(case.source_path)
        return entry if entry and entry["digest"] == self._digest(case) else None

    def is_kept(self, case):
        return self._kept(case) is not None

    def _entry(self, case):
        return self.new.setdefault(case.source_path, {"digest": self._digest(case), "tips": {}})

    def case(self, case, make):
        kept = self._kept(case)
        record = kept["case"] if kept else make(case)
        self._entry(case)["case"] = record
        return record

    def tip(self, tip, make):
        number = str(next(index for index, other in enumerate(tip.case.tip_records) if other is tip))
        kept = self._kept(tip.case)
        record = kept["tips"][number] if kept and number in kept["tips"] else make(tip)
        self._entry(tip.case)["tips"][number] = record
        return record

    def save(self):
        """Keep the records of this build's cases (and only those)."""
        if not self.path:
            return
        part = f"{self.path}.{os.getpid()}.part"
        with open(part, "w", encoding="utf-8") as handle:
            json.dump(self.new, handle, ensure_ascii=False)
        os.replace(part, self.path)
