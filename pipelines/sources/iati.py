"""IATI activity XML (2.01–2.03; 1.0x through a documented mapping) -> candidate flows.

One accounting unit (``row_number``) per ``<transaction>``, numbered 1, 2, ... in file order;
each loaded transaction gives one candidate per geography split (``leg_seq`` = split index,
``locator`` = ``<iati-identifier>#<transaction position in the activity>``). Malformed
transactions and non-flow types become rejects naming the activity; the rest of the file loads.
Mapping rules: ``iati_rows`` (actors, fund), ``iati_split`` (percentages), ``iati_check``
(stage/leg, amount, currency, date), ``iati_activity`` (reading, 1.0x mapping).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pandas as pd

from pipelines import warehouse
from pipelines.candidates import REJECT_COLUMNS, ParsedFile, empty_rejects
from pipelines.sources.iati_activity import read_activity
from pipelines.sources.iati_check import check
from pipelines.sources.iati_frame import Chunker, concat
from pipelines.sources.iati_model import Activity
from pipelines.sources.iati_rows import emit
from pipelines.sources.iati_xml import activities, sniff

Progress = Callable[[int, int], None]
MAX_NAMED_CONFLICTS = 20
CHUNK_ROWS = 20_000


class _Collector:
    """Candidates, rejects and the running transaction number of one file."""

    def __init__(self, source: str, chunk_rows: int) -> None:
        self.source = source
        self.columns = Chunker(chunk_rows)
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
    """The ``ParsedFile.conflicts`` check: which of the file's activities the dataset holds.

    ``activity_ids`` are every iati-identifier of the file, also of activities whose
    transactions were all rejected (they are still the same activities).

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


class IatiStream:
    """One IATI file's candidates in chunks of about ``chunk_rows`` rows (flat memory).

    Iterate to get the candidate frames; afterwards ``parsed(candidates)`` gives the
    ``ParsedFile`` (rejects, rows_read, notes, conflicts) around whatever the caller kept.
    ``sniff`` runs at once, so an unusable file raises ``UnusableFile`` before any chunk.
    """

    def __init__(
        self, path: Path, progress: Progress | None = None, chunk_rows: int = CHUNK_ROWS
    ) -> None:
        self.path = Path(path)
        self.kind = sniff(self.path)
        self.progress = progress
        self.out = _Collector(self.path.name, chunk_rows)

    def __iter__(self) -> Iterator[pd.DataFrame]:
        for index, element in enumerate(activities(self.path, self.progress), start=1):
            self.out.activity(read_activity(element), index)
            if self.out.columns.ready:
                yield from self.out.columns.take()
        self.out.columns.flush()
        yield from self.out.columns.take()

    def parsed(self, candidates: pd.DataFrame) -> ParsedFile:
        out, kind = self.out, self.kind
        notes = [kind.note] if kind.note else []
        counted = f"{out.row_number} transactions in {out.activities} activities"
        notes.append(f"IATI {kind.version}: {counted}")
        return ParsedFile(
            path=self.path,
            format="iati",
            candidates=candidates,
            rejects=out.reject_frame(),
            rows_read=out.row_number,
            notes=notes,
            conflicts=conflicts_for(self.path.name, sorted(out.seen - {""})),
        )


def parse(path: Path, progress: Progress | None = None) -> ParsedFile:
    """Parse one IATI activity file into candidates and rejects (``UnusableFile`` if unreadable)."""
    stream = IatiStream(path, progress)
    return stream.parsed(concat(list(stream)))
