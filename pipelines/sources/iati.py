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
import numpy as np
import pandas as pd
import pyarrow as pa

from pipelines import warehouse
from pipelines.candidates import (
    CANDIDATE_COLUMNS,
    REJECT_COLUMNS,
    ParsedFile,
    empty_candidates,
    empty_rejects,
)
from pipelines.sources.iati_activity import Activity, read_activity
from pipelines.sources.iati_check import check
from pipelines.sources.iati_rows import COLUMNS, emit
from pipelines.sources.iati_xml import activities, sniff

Progress = Callable[[int, int], None]
MAX_NAMED_CONFLICTS = 20


class _Columns:
    """Candidate rows gathered as tuples, turned into Arrow-backed columns every CHUNK rows.

    Empty text becomes a missing value (NaN in the ``str`` columns), as the loader expects.
    """

    CHUNK = 50_000

    def __init__(self) -> None:
        self.rows: list[tuple] = []
        self.chunks: list[list] = [[] for _ in COLUMNS]
        self.count = 0

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        transposed = zip(*self.rows, strict=False)  # equal lengths by construction
        for index, (name, values) in enumerate(zip(COLUMNS, transposed, strict=True)):
            kind = CANDIDATE_COLUMNS[name]
            if kind == "str":
                chunk = pa.array([v or None for v in values], type=pa.large_string())
            elif kind == "object":
                chunk = [list(v) for v in values]
            else:
                chunk = np.asarray(values, dtype=kind)
            self.chunks[index].append(chunk)
        self.count += len(self.rows)
        self.rows = []

    def frame(self) -> pd.DataFrame:
        self.flush()
        if not self.count:
            return empty_candidates()
        data = {}
        for name, chunks in zip(COLUMNS, self.chunks, strict=True):
            kind = CANDIDATE_COLUMNS[name]
            if kind == "str":
                data[name] = pd.Series(pa.chunked_array(chunks), dtype="str")
            elif kind == "object":
                data[name] = pd.Series([v for chunk in chunks for v in chunk], dtype="object")
            else:
                data[name] = pd.Series(np.concatenate(chunks), dtype=kind)
            chunks.clear()
        return pd.DataFrame(data)


class _Collector:
    """Candidates, rejects and the running transaction number of one file."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.columns = _Columns()
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
            why = "the activity has no identifier"
            problem = ("iati-identifier", "", "missing_activity_id", why)
        elif a.iati_id in self.seen:
            why = "the activity appears earlier in the same file"
            problem = ("iati-identifier", a.iati_id, "duplicate_activity", why)
        self.seen.add(a.iati_id)
        key = a.iati_id or f"activity-{index}"
        add = self.columns.add
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
            emit(add, self.row_number, locator, self.source, t, a, checked)

    def reject_frame(self) -> pd.DataFrame:
        if not self.rejects:
            return empty_rejects()
        return pd.DataFrame(self.rejects, columns=REJECT_COLUMNS, dtype="object")


def conflicts_for(file_name: str, activity_ids: list[str]):
    """The ``ParsedFile.conflicts`` check: activities the dataset already holds.

    Any earlier batch counts, also one of the same file name: without ``--replace`` loading
    the same activities twice would count them twice; with it the loader deletes the batches
    of the same file name (activities held by other files stay, see the report).
    """

    def conflicts(con: duckdb.DuckDBPyConnection, dataset: str) -> list[str]:
        if not activity_ids:
            return []
        found = con.execute(
            warehouse.sql("loader/iati_conflicts"), {"dataset": dataset, "ids": activity_ids}
        ).fetchall()
        if not found:
            return []
        shown = found[:MAX_NAMED_CONFLICTS]
        names = ", ".join(f"{aid} (from {files})" for aid, files in shown)
        more = f" and {len(found) - len(shown)} more" if len(found) > len(shown) else ""
        return [
            f"{len(found)} IATI activities of {file_name} are already in dataset {dataset!r}: "
            f"{names}{more}"
        ]

    return conflicts


def parse(path: Path, progress: Progress | None = None) -> ParsedFile:
    """Parse one IATI activity file into candidates and rejects (``UnusableFile`` if unreadable)."""
    path = Path(path)
    kind = sniff(path)
    out = _Collector(path.name)
    for index, element in enumerate(activities(path, progress), start=1):
        out.activity(read_activity(element), index)
    candidates = out.columns.frame()
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
