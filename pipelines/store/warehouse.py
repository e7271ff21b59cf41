"""Open the warehouse, load SQL by name, run named queries, and publish new versions.

The live path (``data/warehouse.duckdb`` or ``--warehouse PATH``) is a symlink to a versioned
file in a ``warehouses/`` folder beside it. Writers take an exclusive ``flock`` on
``<live>.lock``, copy the current version, change the copy in one transaction, run
``sql/checks``, and swap the symlink atomically. Readers open the resolved versioned file
read-only, so they never block a writer and always see one whole version. The publication log
(``pipelines/store/publication_log.py``) records which versions were live, in order, for
``rollback``; the schema's steps (migrations, views, checks, meta) are ``pipelines.store.schema``.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd

from pipelines import settings
from pipelines.store import aggregates, publication_log, schema, scratch, sql
from pipelines.store.publication_log import VERSION_RE
from pipelines.store.schema import (  # the schema's steps, asked of the warehouse by callers
    create_views as create_views,
)
from pipelines.store.schema import get_meta as get_meta
from pipelines.store.schema import latest_schema_version as latest_schema_version
from pipelines.store.schema import migrate as migrate
from pipelines.store.schema import run_checks as run_checks
from pipelines.store.schema import schema_version as schema_version
from pipelines.store.schema import set_meta as set_meta

CUBE_CALL_RE = re.compile(r"\bflows_cube\(")
CONSTANT_CALL = "flows_cube_constant($base_year::INTEGER, $deflator::VARCHAR, "  # fixed text
READER_CONFIG = {"enable_external_access": False, "lock_configuration": True}
ConnectConfig = dict[str, str | bool | int | float | list[str]]  # duckdb.connect(config=...)
T = TypeVar("T")


def reader_config() -> ConnectConfig:
    """The one reader configuration: no external access, a locked configuration, and DuckDB's
    ``memory_limit`` and ``threads`` from ``settings`` (FUNDFLOWS_READER_MEMORY_MB, default
    1024; FUNDFLOWS_READER_THREADS, default the CPUs up to 4), so that no chart or Explore
    request can take the machine's memory or every core."""
    limits: ConnectConfig = {"memory_limit": f"{settings.reader_memory_mb()}MiB",
              "threads": settings.reader_threads()}  # fmt: skip
    return limits | READER_CONFIG


class WarehouseError(RuntimeError):
    """A warehouse problem a user can act on (missing file, failed check, read-only disk)."""


def query(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> pd.DataFrame:
    """Run ``sql/queries/<name>.sql`` with bound named parameters; return a DataFrame.

    ``flow_cube`` holds money in the dashboard's display currencies only: for any other
    ``currency``, a query over ``flows_cube(...)`` reads ``flows_cube_flows(...)`` instead
    (the same columns from the flows one by one; a fixed macro name, not user text).
    ``prices="constant"``: the query reads ``flows_cube_constant(...)`` (sql/views/prices.sql),
    which adds the bound ``base_year`` and ``deflator`` to the same arguments."""
    text, used = sql.text(f"queries/{name}"), sql.params(f"queries/{name}")
    if params.get("prices") == "constant" and "flows_cube(" in text:
        text = CUBE_CALL_RE.sub(CONSTANT_CALL, text)
        used = used | {"base_year", "deflator"}
    missing = used - params.keys()
    if missing:
        raise ValueError(f"query {name} needs parameters {sorted(missing)}")
    if params.get("currency") not in aggregates.CUBE_CURRENCIES and "flows_cube(" in text:
        text = CUBE_CALL_RE.sub("flows_cube_flows(", text)
    return con.execute(text, {k: params[k] for k in used}).df()


def resolve(live: Path) -> Path:
    """The versioned file the live path points to (the path itself for a plain file)."""
    return Path(os.path.realpath(live))


def versions_dir(live: Path) -> Path:
    return live.parent / "warehouses"


def version_of(path: Path) -> int:
    m = VERSION_RE.search(path.name)
    return int(m.group(1)) if m else 0


def list_versions(live: Path) -> list[Path]:
    return publication_log.version_files(versions_dir(live), live.stem)


def connect_reader(live: Path) -> duckdb.DuckDBPyConnection:
    """Read-only connection with the dashboard configuration, on the resolved version."""
    target = resolve(live)
    if not target.exists():
        raise WarehouseError(f"no warehouse at {live}: run `fundflows build` first")
    return duckdb.connect(str(target), read_only=True, config=reader_config())


@contextlib.contextmanager
def attached_reader(live: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory connection with the live version attached read-only as its default.

    Works beside any other connection of this process on the same file (the dashboard keeps one
    with a locked configuration, and DuckDB refuses a second ``connect`` with another
    configuration), and allows temp tables and settings that a locked reader refuses.
    """
    target = resolve(live)
    if not target.exists():
        raise WarehouseError(f"no warehouse at {live}: run `fundflows build` first")
    limits = {k: v for k, v in reader_config().items() if k in ("memory_limit", "threads")}
    con = duckdb.connect(config=limits)
    try:
        con.execute("ATTACH $p AS live_version (READ_ONLY)", {"p": str(target)})
        con.execute("USE live_version")
        yield con
    finally:
        con.close()


def connect_plain(path: Path, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """Connection for CLI reads and tests (no locked configuration)."""
    return duckdb.connect(str(resolve(path)), read_only=read_only)


@contextlib.contextmanager
def writer_lock(live: Path) -> Iterator[None]:
    """Exclusive lock on ``<live>.lock``; a second writer waits."""
    live.parent.mkdir(parents=True, exist_ok=True)
    lock_path = live.with_name(live.name + ".lock")
    with open(lock_path, "a+") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        scratch.clear(live)  # temp files of killed processes (uploads, ...): pipelines/scratch
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@dataclass
class Publication:
    """A new version being written: ``con`` is open on ``path`` inside one transaction.

    ``touched_datasets``: the datasets whose flows the body changed, when the writer knows
    (loads, batch deletions); ``None`` means anything may have changed (build, reference or
    actor edits). ``pipelines.store.aggregates.maintain`` refreshes pre-computed tables from it.
    """

    live: Path
    path: Path
    version: int
    con: duckdb.DuckDBPyConnection
    previous: Path | None
    touched_datasets: set[str] | None = None


def _adopt_plain_file(live: Path) -> None:
    """A plain DuckDB file at the live path becomes the next version (1 in a new folder)."""
    if live.exists() and not live.is_symlink():
        first, _number = _next_path(live)
        partial = first.with_name(first.name + ".tmp")
        try:
            shutil.copyfile(live, partial)
            os.replace(partial, first)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()
            raise
        _point(live, first)


def _point(live: Path, target: Path) -> None:
    """Atomically make ``live`` a symlink to ``target`` (relative when possible)."""
    tmp = live.with_name(f".{live.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    rel = os.path.relpath(target, live.parent)
    os.symlink(rel, tmp)
    os.replace(tmp, live)
    fd = os.open(live.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _next_path(live: Path) -> tuple[Path, int]:
    """The next version file: numbers only grow, past every file and the log's last number."""
    folder = versions_dir(live)
    folder.mkdir(parents=True, exist_ok=True)
    existing = list_versions(live)
    log = _log_call(publication_log.read, folder, live.stem)
    used = max([version_of(existing[-1]) if existing else 0, log.last_number if log else 0])
    return folder / f"{live.stem}-{used + 1:06d}.duckdb", used + 1


def _log_call(func: Callable[..., T], *args: object) -> T:
    """``func(*args)`` with a publication-log problem as a WarehouseError (one clear line)."""
    try:
        return func(*args)
    except publication_log.LogError as exc:
        raise WarehouseError(str(exc)) from exc


def _settled(live: Path) -> publication_log.Log:
    """Under the writer lock: adopt a plain file, settle the log against the live version and
    delete version files that were never published or were undone."""
    _adopt_plain_file(live)
    current = resolve(live) if live.exists() else None
    return _log_call(publication_log.settle, versions_dir(live), live.stem, current)


@contextlib.contextmanager
def publish(live: Path, fresh: bool = False) -> Iterator[Publication]:
    """Write a new warehouse version and swap it in atomically.

    Usage: ``with publish(path) as pub: pub.con.execute(...)``. The body runs inside one
    transaction on a copy of the current version (``fresh=True``: an empty file with the
    schema). On any exception, or a failing check, the copy is deleted and the live version
    is left byte-identical.
    """
    live = Path(live)
    with writer_lock(live):
        log = _settled(live)
        previous = resolve(live) if live.exists() else None
        path, number = _next_path(live)
        tmp = path.with_name(path.name + ".tmp")
        # a killed writer may have left its copy and the copy's WAL: DuckDB would replay a
        # stale ``.wal`` onto the new copy, so both go before anything is opened
        for stale in (path, tmp, _wal(path), _wal(tmp)):
            with contextlib.suppress(FileNotFoundError):
                stale.unlink()
        con = None
        try:
            if previous is not None and not fresh:
                shutil.copyfile(previous, tmp)
            con = duckdb.connect(str(tmp))
            migrate(con)
            con.execute("BEGIN TRANSACTION")
            con.execute("SELECT 1").fetchall()  # no pending result: register() needs that
            start = schema.counts(con)  # fetched whole: no pending result (register() needs that)
            pub = Publication(live=live, path=path, version=number, con=con, previous=previous)
            yield pub
            create_views(con)
            aggregates.maintain(con, pub.touched_datasets)
            set_meta(con, "warehouse_version", str(number))
            set_meta(con, "published_at", datetime.now(UTC).isoformat(timespec="seconds"))
            failures = run_checks(con, schema.check_scope(con, start))
            if failures:
                raise WarehouseError("warehouse checks failed: " + "; ".join(failures))
            con.execute("COMMIT")
            con.execute("CHECKPOINT")
            con.close()
        except BaseException:
            if con is not None:
                with contextlib.suppress(Exception):
                    con.close()
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            with contextlib.suppress(FileNotFoundError):
                _wal(tmp).unlink()
            raise
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        _point(live, path)  # live now; the log follows (publication_log.settle repairs a gap)
        keep = max(settings.keep_versions(), 2)
        with contextlib.suppress(OSError):  # e.g. a full disk: the next writer appends it
            publication_log.record(versions_dir(live), live.stem, log, path, keep)


def rollback(live: Path) -> Path:
    """Undo the last publication: point the live path at the version that was live before the
    current one (from the publication log, whatever its number) and return it."""
    live = Path(live)
    with writer_lock(live):
        log = _settled(live)
        if len(log.live) < 2:
            raise WarehouseError("no earlier version to roll back to")
        target = versions_dir(live) / log.live[-2]
        if not target.is_file():
            raise WarehouseError(f"the version to roll back to, {target.name}, is missing")
        _point(live, target)  # done; the log follows (publication_log.settle repairs a gap)
        with contextlib.suppress(OSError):
            publication_log.undo(versions_dir(live), live.stem, log)
        return target
