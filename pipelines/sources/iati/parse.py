"""IATI activity XML (2.01–2.03; 1.0x through a documented mapping) -> candidate flows.

One accounting unit (``row_number``) per ``<transaction>``, numbered 1, 2, ... in file order;
each loaded transaction gives one candidate per geography split (``leg_seq`` = split index,
``locator`` = ``<iati-identifier>#<transaction position in the activity>``, ``flow_key`` =
``<key prefix><locator>#<split index>``: the loader's prefix names the dataset, so the same file
loaded again gives the same flow ids). Malformed transactions and non-flow types become rejects
naming the activity; the rest of the file loads. ``IatiStream`` hands out chunks that end at
activity boundaries (flat memory); ``parse`` joins them. Mapping rules: ``iati_rows`` (actors,
fund), ``iati_split`` (percentages), ``iati_check`` (stage/leg, amount, currency, date),
``iati_activity`` (reading, 1.0x mapping).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from pipelines.sources.candidates import PARSER_REJECT_COLUMNS, ParsedFile, empty_rejects
from pipelines.sources.iati.activity import read_activity
from pipelines.sources.iati.check import check
from pipelines.sources.iati.frame import chunk_table, concat, to_frame
from pipelines.sources.iati.model import Activity
from pipelines.sources.iati.rows import emit
from pipelines.sources.iati.xml import activities, sniff
from pipelines.store import sql

Progress = Callable[[int, int], None]
MAX_NAMED_CONFLICTS = 20
CHUNK_ROWS = 20_000
PIECE_ROWS = 2_000  # row tuples become Arrow-backed columns every so many rows (memory)


@dataclass
class IatiChunk:
    """Whole activities: their candidate rows, their rejected transactions, their identifiers."""

    candidates: pa.Table  # contract columns (``iati_frame.SCHEMA``)
    rejects: pd.DataFrame
    activity_ids: list[str]


class _Collector:
    """Candidate tuples, rejects and the running transaction number of one file."""

    def __init__(self, source: str, key_prefix: str) -> None:
        self.source = source
        self.key_prefix = key_prefix
        self.rows: list[tuple[object, ...]] = []
        self.pieces: list[pa.Table] = []
        self.pending = 0  # candidate rows in pieces and rows
        self.rejects: list[tuple[object, ...]] = []
        self.ids: list[str] = []
        self.row_number = 0
        self.seen: set[str] = set()
        self.activities = 0

    def _reject(
        self, locator: str, a: Activity, pos: int, col: str, val: str, code: str, why: str
    ) -> None:
        who = a.iati_id or "(no iati-identifier)"
        reason = f"activity {who}, transaction {pos}: {why}"
        self.rejects.append((self.row_number, locator, col, val, code, reason))

    def _problem(self, a: Activity) -> tuple[str, str, str, str] | None:
        if not a.iati_id:
            return ("iati-identifier", "", "missing_activity_id", "the activity has no identifier")
        if a.iati_id in self.seen:
            why = "the activity appears earlier in the same file"
            return ("iati-identifier", a.iati_id, "duplicate_activity", why)
        return None

    def activity(self, a: Activity, index: int) -> None:
        self.activities += 1
        problem = self._problem(a)
        self.seen.add(a.iati_id)
        if a.iati_id:
            self.ids.append(a.iati_id)
        key = a.iati_id or f"activity-{index}"
        add, source, prefix = self.rows.append, self.source, self.key_prefix
        before = len(self.rows)
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
            assert checked is not None  # check() gives a Checked whenever it finds no Problem
            emit(add, self.row_number, locator, prefix + locator, source, t, a, checked)
        self.pending += len(self.rows) - before
        if len(self.rows) >= PIECE_ROWS:
            self.pieces.append(chunk_table(self.rows))
            self.rows = []

    def take(self) -> IatiChunk:
        rejects = (
            pd.DataFrame(self.rejects, columns=PARSER_REJECT_COLUMNS, dtype="object")
            if self.rejects
            else empty_rejects()
        )
        if self.rows or not self.pieces:
            self.pieces.append(chunk_table(self.rows))
        chunk = IatiChunk(concat(self.pieces), rejects, self.ids)
        self.rows, self.pieces, self.pending, self.rejects, self.ids = [], [], 0, [], []
        return chunk


def conflicts_for(
    file_name: str, activity_ids: list[str], batch: str = ""
) -> Callable[[duckdb.DuckDBPyConnection, str], list[str]]:
    """The ``ParsedFile.conflicts`` check: which of the file's activities the dataset holds.

    ``activity_ids`` are every iati-identifier of the file, also of activities whose
    transactions were all rejected (they are still the same activities). Flows of ``batch``
    (the batch being written) do not count.
    """

    def conflicts(con: duckdb.DuckDBPyConnection, dataset: str) -> list[str]:
        found = held_activities(con, dataset, activity_ids, batch)
        return [conflict_message(file_name, dataset, found)] if found else []

    return conflicts


def held_activities(
    con: duckdb.DuckDBPyConnection, dataset: str, activity_ids: list[str], batch: str = ""
) -> list[tuple[str, str]]:
    """[(activity id, files holding it)] of the ids that other batches of the dataset hold."""
    if not activity_ids:
        return []
    return con.execute(
        sql.text("loader/iati_conflicts"),
        {"dataset": dataset, "ids": activity_ids, "batch": batch},
    ).fetchall()


def conflict_message(file_name: str, dataset: str, found: list[tuple[str, str]]) -> str:
    shown = found[:MAX_NAMED_CONFLICTS]
    names = ", ".join(f"{aid} (from {files})" for aid, files in shown)
    more = f" and {len(found) - len(shown)} more" if len(found) > len(shown) else ""
    return (
        f"{len(found)} IATI activities of {file_name} are already in dataset {dataset!r}: "
        f"{names}{more}"
    )


class IatiStream:
    """One IATI file in chunks of whole activities, about ``chunk_rows`` candidates each.

    ``chunks()`` yields ``IatiChunk``s (flat memory); iterating yields only their candidate
    frames. Afterwards ``rows_read``, ``notes`` and ``parsed(candidates)`` describe the file.
    ``sniff`` runs at once, so an unusable file raises ``UnusableFile`` before any chunk; a
    file that breaks further on raises it while streaming. ``key_prefix`` starts every
    ``flow_key`` (the loader passes one naming the dataset).
    """

    def __init__(
        self,
        path: Path,
        progress: Progress | None = None,
        chunk_rows: int | None = None,
        key_prefix: str = "",
    ) -> None:
        self.path = Path(path)
        self.kind = sniff(self.path)
        self.progress = progress
        self.chunk_rows = chunk_rows or CHUNK_ROWS
        self.out = _Collector(self.path.name, key_prefix)
        self.preloaded: list[IatiChunk] | None = None

    def preload(self) -> None:
        """Read the whole file now (small files: an unusable one is refused before any write)."""
        self.preloaded = list(self._read())

    def chunks(self) -> Generator[IatiChunk, None, None]:
        if self.preloaded is not None:
            chunks, self.preloaded = self.preloaded, []
            yield from chunks
            return
        yield from self._read()

    def _read(self) -> Generator[IatiChunk, None, None]:
        out = self.out
        for index, element in enumerate(activities(self.path, self.progress), start=1):
            out.activity(read_activity(element), index)
            if out.pending >= self.chunk_rows:
                yield out.take()
        if out.pending or out.rejects or out.ids:
            yield out.take()

    def __iter__(self) -> Iterator[pa.Table]:
        for chunk in self.chunks():
            if chunk.candidates.num_rows:
                yield chunk.candidates

    @property
    def rows_read(self) -> int:
        return self.out.row_number

    @property
    def notes(self) -> list[str]:
        out, kind = self.out, self.kind
        notes = [kind.note] if kind.note else []
        counted = f"{out.row_number} transactions in {out.activities} activities"
        notes.append(f"IATI {kind.version}: {counted}")
        return notes

    def parsed(
        self, candidates: pd.DataFrame | pa.Table, rejects: pd.DataFrame | None = None
    ) -> ParsedFile:
        return ParsedFile(
            path=self.path,
            format="iati",
            candidates=candidates,
            rejects=empty_rejects() if rejects is None else rejects,
            rows_read=self.rows_read,
            notes=self.notes,
            conflicts=conflicts_for(self.path.name, sorted(self.out.seen - {""})),
        )


def parse(path: Path, progress: Progress | None = None, key_prefix: str = "") -> ParsedFile:
    """Parse one IATI activity file into candidates and rejects (``UnusableFile`` if unreadable)."""
    stream = IatiStream(path, progress, key_prefix=key_prefix)
    chunks = list(stream.chunks())
    rejects = [c.rejects for c in chunks if len(c.rejects)]
    joined = pd.concat(rejects, ignore_index=True) if rejects else None
    table = concat([c.candidates for c in chunks if c.candidates.num_rows])
    return stream.parsed(to_frame(table), joined)
