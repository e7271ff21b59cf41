"""Open the warehouse, load SQL by name, run named queries, and publish new versions.

The live path (``data/warehouse.duckdb`` or ``--warehouse PATH``) is a symlink to a versioned
file in a ``warehouses/`` folder beside it. Writers take an exclusive ``flock`` on
``<live>.lock``, copy the current version, change the copy in one transaction, run
``sql/checks``, and swap the symlink atomically. Readers open the resolved versioned file
read-only, so they never block a writer and always see one whole version.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from pipelines import settings
from pipelines.store import aggregates, sql

CUBE_CALL_RE = re.compile(r"\bflows_cube\(")
CONSTANT_CALL = "flows_cube_constant($base_year::INTEGER, $deflator::VARCHAR, "  # fixed text
MIGRATION = "[0-9][0-9][0-9]_*"  # numbered migration files
VERSION_RE = re.compile(r"-(\d{6})\.duckdb$")
READER_CONFIG = {"enable_external_access": False, "lock_configuration": True}


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
    folder = versions_dir(live)
    if not folder.is_dir():
        return []
    stem = live.stem
    found = [p for p in folder.glob(f"{stem}-*.duckdb") if VERSION_RE.search(p.name)]
    return sorted(found, key=version_of)


def connect_reader(live: Path) -> duckdb.DuckDBPyConnection:
    """Read-only connection with the dashboard configuration, on the resolved version."""
    target = resolve(live)
    if not target.exists():
        raise WarehouseError(f"no warehouse at {live}: run `fundflows build` first")
    return duckdb.connect(str(target), read_only=True, config=dict(READER_CONFIG))


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
    con = duckdb.connect()
    try:
        con.execute("ATTACH $p AS live_version (READ_ONLY)", {"p": str(target)})
        con.execute("USE live_version")
        yield con
    finally:
        con.close()


def connect_plain(path: Path, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """Connection for CLI reads and tests (no locked configuration)."""
    return duckdb.connect(str(resolve(path)), read_only=read_only)


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply numbered migrations from sql/migrations not yet recorded; return the version."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchone()[0]
    done = set()
    if exists:
        done = {r[0] for r in con.execute("SELECT version FROM schema_version").fetchall()}
    for name in sql.names("migrations", MIGRATION):
        number, stem = int(name.split("/")[1][:3]), name.split("/")[1]
        if number in done:
            continue
        con.execute(sql.text(name))
        con.execute(
            "INSERT INTO schema_version (version, name) VALUES ($v, $n)",
            {"v": number, "n": stem},
        )
    return schema_version(con)


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0])


def latest_schema_version() -> int:
    return max(int(name.split("/")[1][:3]) for name in sql.names("migrations", MIGRATION))


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    for name in sql.names("views"):
        con.execute(sql.text(name))


def run_checks(con: duckdb.DuckDBPyConnection, batches: list[str] | None = None) -> list[str]:
    """Run every sql/checks/*.sql; each must return no rows. Returns the failures.

    ``batches``: when only the flows of these batches can have changed since a version that
    passed every check (see ``_check_scope``), checks that take ``$batches`` look at those flows
    only; ``None`` checks every flow.
    """
    failures = []
    for name in sql.names("checks"):
        params = {"batches": batches} if "batches" in sql.params(name) else {}
        rows = con.execute(sql.text(name), params).fetchall()
        if rows:
            failures.append(f"{name.split('/')[1]}: {len(rows)} row(s), e.g. {rows[0]}")
    return failures


# tables the flow checks look up: a publication that shrinks one of them is checked whole
REFERENCED = ("flow", "load_batch", "actor", "fund", "country", "source_document")


def _counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {
        t: int(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0])  # noqa: S608 - fixed names
        for t in REFERENCED
    }


def _check_scope(con: duckdb.DuckDBPyConnection, start: dict[str, int]) -> list[str] | None:
    """The batches the checks may be limited to, or None for every flow.

    ``sql/loader/write.sql`` records each batch it inserts in the temp table
    ``publication_write`` and ``sql/loader/delete_batch.sql`` records each deletion. The
    version the publication started from passed every check, so when the body only inserted
    those batches (no deletion recorded; the flow count grew by exactly their flows; no looked-up
    table shrank), the old flows and everything they point at are unchanged: checking the new
    flows is equivalent to checking all of them. Any other body gets the whole check.
    """
    known = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = 'publication_write'"
    ).fetchall()[0][0]
    if not known:
        return None
    ops = con.execute("SELECT DISTINCT op, batch_id FROM publication_write").fetchall()
    if any(op != "insert" for op, _batch in ops):
        return None
    batches = sorted({batch for _op, batch in ops})
    now = _counts(con)
    written = con.execute(
        "SELECT count(*) FROM flow WHERE list_contains($b, batch_id)", {"b": batches}
    ).fetchall()[0][0]
    if now["flow"] != start["flow"] + written or any(now[t] < start[t] for t in REFERENCED):
        return None
    return batches


def get_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = $k", {"k": key}).fetchone()
    return row[0] if row else None


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ($k, $v)", {"k": key, "v": value})


@contextlib.contextmanager
def writer_lock(live: Path) -> Iterator[None]:
    """Exclusive lock on ``<live>.lock``; a second writer waits."""
    live.parent.mkdir(parents=True, exist_ok=True)
    lock_path = live.with_name(live.name + ".lock")
    with open(lock_path, "a+") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
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
    """A plain DuckDB file at the live path becomes version 1 of its own history."""
    if live.exists() and not live.is_symlink():
        folder = versions_dir(live)
        folder.mkdir(parents=True, exist_ok=True)
        first = folder / f"{live.stem}-{len(list_versions(live)) + 1:06d}.duckdb"
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
    folder = versions_dir(live)
    folder.mkdir(parents=True, exist_ok=True)
    existing = list_versions(live)
    number = (version_of(existing[-1]) if existing else 0) + 1
    return folder / f"{live.stem}-{number:06d}.duckdb", number


def _prune(live: Path) -> None:
    current = resolve(live)
    keep = max(settings.keep_versions(), 2)
    for old in list_versions(live)[:-keep]:
        if old != current:
            with contextlib.suppress(FileNotFoundError):
                old.unlink()


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
        _adopt_plain_file(live)
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
            start = _counts(con)  # fetched whole: no pending result (register() needs that)
            pub = Publication(live=live, path=path, version=number, con=con, previous=previous)
            yield pub
            create_views(con)
            aggregates.maintain(con, pub.touched_datasets)
            set_meta(con, "warehouse_version", str(number))
            set_meta(con, "published_at", datetime.now(UTC).isoformat(timespec="seconds"))
            failures = run_checks(con, _check_scope(con, start))
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
        _point(live, path)
        _prune(live)


def rollback(live: Path) -> Path:
    """Point the live path at the version before the current one; return it."""
    live = Path(live)
    with writer_lock(live):
        current = resolve(live)
        older = [p for p in list_versions(live) if version_of(p) < version_of(current)]
        if not older:
            raise WarehouseError("no earlier version to roll back to")
        _point(live, older[-1])
        return older[-1]
