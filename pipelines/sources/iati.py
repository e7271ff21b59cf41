"""IATI activity XML (2.01–2.03; 1.0x through a documented mapping) -> candidate flows.

One accounting unit (``row_number``) per ``<transaction>``, numbered 1, 2, ... in file order;
each loaded transaction gives one candidate per geography split (``leg_seq`` = split index,
``locator`` = ``<iati-identifier>#<transaction position in the activity>``). Malformed
transactions and non-flow types become rejects naming the activity; the rest of the file loads.
Mapping rules: ``iati_rows`` (actors, fund), ``iati_split`` (percentages), ``iati_check``
(stage/leg, amount, currency, date), ``iati_activity`` (reading, 1.0x mapping).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd

from pipelines import warehouse
from pipelines.candidates import CANDIDATE_COLUMNS, REJECT_COLUMNS, ParsedFile
from pipelines.sources.iati_activity import Activity, read_activity
from pipelines.sources.iati_check import check
from pipelines.sources.iati_rows import COLUMNS, emit
from pipelines.sources.iati_xml import activities, sniff

Progress = Callable[[int, int], None]
MAX_NAMED_CONFLICTS = 20


class _Collector:
    """Column lists for candidates, tuples for rejects, and the running transaction number."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.cols: list[list] = [[] for _ in COLUMNS]
        self.rejects: list[tuple] = []
        self.row_number = 0
        self.seen: set[str] = set()
        self.activities = 0

    def _reject(self, locator: str, a: Activity, pos: int, col: str, val: str, code: str, why: str):
        who = a.iati_id or "(no iati-identifier)"
        reason = f"activity {who}, transaction {pos}: {why}"
        self.rejects.append((self.row_number, locator, col, val, code, reason))

    def activity(self, a: Activity, index: int) -> None:
        self.activities += 1
        problem = None
        if not a.iati_id:
            problem = (
                "iati-identifier",
                "",
                "missing_activity_id",
                "the activity has no identifier",
            )
        elif a.iati_id in self.seen:
            why = "the activity appears earlier in the same file"
            problem = ("iati-identifier", a.iati_id, "duplicate_activity", why)
        self.seen.add(a.iati_id)
        key = a.iati_id or f"activity-{index}"
        for pos, t in enumerate(a.transactions, start=1):
            self.row_number += 1
            locator = f"{key}#{pos}"
            if problem is not None:
                self._reject(locator, a, pos, *problem)
                continue
            checked, bad = check(t, a)
            if bad is not None:
                self._reject(locator, a, pos, bad.column, bad.value, bad.code, bad.reason)
                continue
            emit(self.cols, self.row_number, locator, self.source, t, a, checked)

    def candidates(self) -> pd.DataFrame:
        data = {}
        for name, values in zip(COLUMNS, self.cols, strict=True):
            data[name] = pd.Series(values, dtype=CANDIDATE_COLUMNS[name])
            values.clear()
        return pd.DataFrame(data)

    def reject_frame(self) -> pd.DataFrame:
        frame = pd.DataFrame(self.rejects, columns=REJECT_COLUMNS, dtype="object")
        return frame if len(frame) else pd.DataFrame(columns=REJECT_COLUMNS, dtype="object")


def conflicts_for(file_name: str, activity_ids: list[str]):
    """The ``ParsedFile.conflicts`` check: activities already in the dataset from other files."""

    def conflicts(con: duckdb.DuckDBPyConnection, dataset: str) -> list[str]:
        if not activity_ids:
            return []
        found = con.execute(
            warehouse.sql("loader/iati_conflicts"),
            {"dataset": dataset, "file_name": file_name, "ids": activity_ids},
        ).fetchall()
        if not found:
            return []
        names = ", ".join(f"{aid} (from {other})" for aid, other in found[:MAX_NAMED_CONFLICTS])
        more = f" and {len(found) - MAX_NAMED_CONFLICTS} more" if len(found) > 20 else ""
        return [
            f"{len(found)} IATI activities of {file_name} are already in dataset {dataset!r} "
            f"from another file: {names}{more}; load with --replace to supersede them"
        ]

    return conflicts


def parse(path: Path, progress: Progress | None = None) -> ParsedFile:
    """Parse one IATI activity file into candidates and rejects (``UnusableFile`` if unreadable)."""
    path = Path(path)
    kind = sniff(path)
    out = _Collector(path.name)
    for index, element in enumerate(activities(path, progress), start=1):
        out.activity(read_activity(element), index)
    candidates = out.candidates()
    ids = sorted(set(candidates["iati_activity_id"].dropna().unique()))
    notes = [kind.note] if kind.note else []
    notes.append(
        f"IATI {kind.version}: {out.row_number} transactions in {out.activities} activities"
    )
    return ParsedFile(
        path=path,
        format="iati",
        candidates=candidates,
        rejects=out.reject_frame(),
        rows_read=out.row_number,
        notes=notes,
        conflicts=conflicts_for(path.name, ids),
    )
