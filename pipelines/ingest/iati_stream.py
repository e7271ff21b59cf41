"""Stream one IATI file into the open publication, chunk by chunk (flat memory).

Each chunk of whole activities (``IatiStream.chunks``) goes through the loader's shared steps
(``load_steps.process``: validate, resolve, FX), is written (``sql/loader/write.sql``) and its
temp tables dropped before the next chunk is read; every chunk belongs to the same batch and the
same transaction, and transaction numbers continue across chunks. Before a chunk is written,
its activities are looked up in the dataset (``sql/loader/iati_conflicts.sql``): held by another
batch, they refuse the file (parsing goes on only to name every such activity), or with
``replace`` their earlier flows and rejects make way (``sql/loader/iati_replace.sql``; the older
batch's counts shrink, and a batch left with nothing is deleted). With ``strict`` nothing more
is written once a transaction is rejected (the caller discards the publication).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import queue
import threading
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from pipelines.ingest.steps import (
    MEMORY_LIMIT,
    REPORT_REJECT_COLUMNS,
    drop_temp,
    process,
    rejects_frame,
)
from pipelines.sources.candidates import ParsedFile
from pipelines.sources.iati.parse import IatiChunk, IatiStream, held_activities
from pipelines.store import batches, sql
from pipelines.store.rows import one

MAX_REPORT_REJECTS = 10_000  # rejects kept in memory for the report; rejected_row has them all
CACHE_LIMIT = "16MB"  # between chunks: DuckDB keeps no more of the copy's blocks than this
CHECKPOINT_LIMIT = "64MB"  # a checkpoint between chunks evicts blocks rather than grow
CHECKPOINT_WAL_BYTES = 16 << 20  # checkpoint once the copy's WAL holds this much (DuckDB's own)


@dataclass
class StreamResult:
    """What one streamed file did inside the transaction."""

    rows_rejected: int = 0
    rejects: list[pd.DataFrame] = field(default_factory=list)
    kept_rejects: int = 0
    conflicts: list[tuple[str, str]] = field(default_factory=list)
    replaced: dict[str, list[Any]] = field(default_factory=dict)  # batch -> [file, acts, txns, rej]
    wrote: bool = False

    def add_rejects(self, frame: pd.DataFrame) -> None:
        self.rows_rejected += len(frame)
        room = MAX_REPORT_REJECTS - self.kept_rejects
        if room > 0 and len(frame):
            self.rejects.append(frame.head(room))
            self.kept_rejects += min(room, len(frame))

    def rejects_frame(self) -> pd.DataFrame:
        if not self.rejects:
            return pd.DataFrame(columns=REPORT_REJECT_COLUMNS)
        return pd.concat(self.rejects, ignore_index=True)


def _replace(
    con: duckdb.DuckDBPyConnection, dataset: str, batch: str, ids: list[str], result: StreamResult
) -> None:
    sql.script(con, "loader/iati_replace", dataset=dataset, batch=batch, ids=ids)
    rows = con.execute(
        "SELECT batch_id, file_name, activities, transactions, rejects FROM iati_replaced"
    ).fetchall()
    for old, file_name, activities, transactions, rejects in rows:
        entry = result.replaced.setdefault(old, [file_name, 0, 0, 0])
        entry[1] += activities
        entry[2] += transactions
        entry[3] += rejects


def _write_chunk(
    con: duckdb.DuckDBPyConnection,
    stream: IatiStream,
    chunk: IatiChunk,
    batch: str,
    dataset: str,
    strict: bool,
    result: StreamResult,
) -> None:
    file_name = stream.path.name
    parsed = ParsedFile(stream.path, "iati", chunk.candidates, chunk.rejects, 0)
    process(con, parsed, batch)
    timer = sql.Timer()
    result.add_rejects(rejects_frame(con, file_name))
    if not (strict and result.rows_rejected):
        sql.script(con, "loader/write", batch=batch, dataset=dataset, file=file_name)
        result.wrote = True
    drop_temp(con)
    timer("write")
    _commit_to_copy(con)
    timer("commit")


def _wal_bytes(con: duckdb.DuckDBPyConnection) -> int:
    query = "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    (path,) = one(con.execute(query).fetchone())
    try:
        return os.path.getsize(f"{path}.wal")
    except (OSError, TypeError):
        return 0


def _checkpoint(con: duckdb.DuckDBPyConnection) -> None:
    """Write the committed chunks into the copy's file under a small memory limit.

    DuckDB's own checkpoint at a COMMIT runs under the load's memory limit and, with the flow
    index growing, took about 200 MB more each time it ran (a 1 GB file peaked at 545 MB). Here
    no transaction is open, so a limit that cannot be met costs memory, never data: the limit
    stays where it was, or the checkpoint runs again under the load's limit.
    """
    with contextlib.suppress(duckdb.OutOfMemoryException):
        con.execute(f"SET memory_limit = '{CHECKPOINT_LIMIT}'")  # noqa: S608 - constants
    try:
        con.execute("CHECKPOINT")
    except duckdb.OutOfMemoryException:
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")  # noqa: S608 - constants
        con.execute("CHECKPOINT")


def _commit_to_copy(con: duckdb.DuckDBPyConnection) -> None:
    """End the chunk's transaction on the publication's private copy and begin the next.

    DuckDB keeps every temp table dropped inside a transaction until that transaction ends
    (a rollback would bring them back), so one transaction for a whole file grows by each
    chunk's temp tables (about 18 MB a chunk). The copy only becomes the live warehouse after
    the last chunk, the checks and the swap (``warehouse.publish``); any failure before that
    deletes the copy, committed chunks included, so a load is still whole or nothing. The
    stream turns DuckDB's automatic checkpoint off (``load_stream``): ``_checkpoint`` runs
    once the WAL holds ``CHECKPOINT_WAL_BYTES``.
    """
    con.execute("COMMIT")
    if _wal_bytes(con) >= CHECKPOINT_WAL_BYTES:
        _checkpoint(con)
    # evict the copy's cached blocks (they would pile up to the memory limit), then allow
    # process() its working memory again
    con.execute(f"SET memory_limit = '{CACHE_LIMIT}'")  # noqa: S608 - constants
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")  # noqa: S608 - constants
    con.execute("BEGIN TRANSACTION")
    con.execute("SELECT 1").fetchall()  # no pending result (register() needs that)


class _Failed:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


class _Done:
    """The end of the chunks."""


_DONE = _Done()


def prefetched(chunks: Generator[IatiChunk, None, None]) -> Iterator[IatiChunk]:
    """The chunks, the next one read in a thread while the caller works on this one.

    DuckDB releases the GIL while it runs a query, so reading XML and running the loader's
    SQL overlap on two cores; at most one chunk waits. An error while reading (e.g. XML that
    breaks halfway) is raised here, in the caller's thread.
    """
    ready: queue.Queue[IatiChunk | _Failed | _Done] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(item: IatiChunk | _Failed | _Done) -> bool:
        while not stop.is_set():
            with contextlib.suppress(queue.Full):
                ready.put(item, timeout=0.1)
                return True
        return False

    def produce() -> None:
        last: list[IatiChunk | _Done] = [_DONE]
        try:
            for item in itertools.chain(chunks, last):
                if not put(item):
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            put(_Failed(exc))
        finally:
            chunks.close()

    reader = threading.Thread(target=produce, name="iati-reader", daemon=True)
    reader.start()
    try:
        while not isinstance(item := ready.get(), _Done):
            if isinstance(item, _Failed):
                raise item.exc
            yield item
    finally:
        stop.set()
        with contextlib.suppress(queue.Empty):
            ready.get_nowait()
        reader.join()


def load_stream(
    con: duckdb.DuckDBPyConnection,
    stream: IatiStream,
    batch: str,
    dataset: str,
    replace: bool = False,
    strict: bool = False,
) -> StreamResult:
    """Write every chunk of ``stream`` as batch ``batch`` (no ``load_batch`` row yet)."""
    result = StreamResult()
    query = "SELECT current_setting('threads'), current_setting('checkpoint_threshold')"
    threads, threshold = one(con.execute(query).fetchone())
    con.execute("SET threads = 1")  # the other core reads the next chunk; less memory per query
    con.execute("SET checkpoint_threshold = '1TB'")  # _commit_to_copy checkpoints instead
    try:
        _load_chunks(con, stream, batch, dataset, replace, strict, result)
    finally:
        with contextlib.suppress(duckdb.Error):  # a failed transaction: the copy is discarded
            con.execute(f"SET threads = {int(threads)}")  # noqa: S608 - an integer
            con.execute("SET checkpoint_threshold = $t", {"t": str(threshold)})
    return result


def _others_hold_activities(con: duckdb.DuckDBPyConnection, dataset: str, batch: str) -> bool:
    """Whether another batch of the dataset holds IATI flows (only then can a chunk conflict:
    no other batch gains flows while this one is written)."""
    row = con.execute(
        "SELECT count(*) FROM (SELECT 1 FROM flow WHERE dataset = $d AND batch_id <> $b "
        "AND iati_activity_id IS NOT NULL LIMIT 1)",
        {"d": dataset, "b": batch},
    ).fetchone()
    return bool(one(row)[0])


def _load_chunks(
    con: duckdb.DuckDBPyConnection,
    stream: IatiStream,
    batch: str,
    dataset: str,
    replace: bool,
    strict: bool,
    result: StreamResult,
) -> None:
    others = _others_hold_activities(con, dataset, batch)
    for chunk in prefetched(stream.chunks()):
        timer = sql.Timer()
        found = held_activities(con, dataset, chunk.activity_ids, batch) if others else []
        timer("conflicts")
        if found and not replace:
            result.conflicts += found
        if result.conflicts:
            continue  # refused: read on only to name every activity held elsewhere
        if found:
            _replace(con, dataset, batch, [aid for aid, _files in found], result)
        _write_chunk(con, stream, chunk, batch, dataset, strict, result)


def check_stream(con: duckdb.DuckDBPyConnection, stream: IatiStream, batch: str) -> StreamResult:
    """Validate every chunk of ``stream`` without writing (``fundflows validate``)."""
    result = StreamResult()
    for chunk in stream.chunks():
        parsed = ParsedFile(stream.path, "iati", chunk.candidates, chunk.rejects, 0)
        process(con, parsed, batch)
        result.add_rejects(rejects_frame(con, stream.path.name))
        drop_temp(con)
    return result


def replaced_notes(con: duckdb.DuckDBPyConnection, result: StreamResult) -> list[str]:
    """One note per older batch whose activities were replaced; empty batches are deleted."""
    notes = []
    for old, (file_name, activities, transactions, rejects) in sorted(result.replaced.items()):
        left = con.execute(
            "SELECT rows_read FROM load_batch WHERE batch_id = $b", {"b": old}
        ).fetchone()
        what = (
            f"replaced {activities:,} IATI activities of batch {old} ({file_name}): "
            f"{transactions:,} loaded and {rejects:,} rejected transaction(s) removed"
        )
        if left is not None and left[0] == 0:
            batches.delete_in(con, old)
            notes.append(f"{what}; that batch held nothing else and was deleted")
        else:
            held = 0 if left is None else left[0]
            notes.append(f"{what}; its counts now cover the {held:,} transaction(s) it still holds")
    return notes
