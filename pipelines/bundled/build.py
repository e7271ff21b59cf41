"""Build the warehouse: reference tables and bundled datasets, user batches carried forward.

A build writes a fresh versioned file and publishes it like any other writer (see
``pipelines.store.warehouse.publish``), so a running dashboard keeps reading the old version until
it sees the new one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import duckdb

from pipelines import settings
from pipelines.store import sql, warehouse
from pipelines.store.rows import one

DEMO_ROWS = 20_000
DEMO_SEED = 2001
BUNDLED_DATASETS = ("cited", "demo")
BUILDER_CODE = (
    "reference/*.py", "bundled/cited.py", "bundled/synth.py", "ingest/fx.py",
    "store/aggregates.py",
)  # fmt: skip

# user data carried forward by a rebuild: table -> WHERE clause on the old table (fixed text)
CARRY = {
    "dataset": "NOT is_bundled",
    "load_batch": "NOT is_bundled",
    "rejected_row": "batch_id IN (SELECT batch_id FROM old.load_batch WHERE NOT is_bundled)",
    "flow": "batch_id IN (SELECT batch_id FROM old.load_batch WHERE NOT is_bundled)",
    "fund_statistic": "batch_id IN (SELECT batch_id FROM old.load_batch WHERE NOT is_bundled)",
    "actor": "origin NOT IN ('reference', 'demo', 'cited')",
    "actor_alias": "origin NOT IN ('reference', 'demo', 'cited')",
    "source_document": "batch_id IS NOT NULL",
    "fx_rate_table": "kind = 'user'",
    "deflator": "kind = 'user'",
}

Progress = Callable[[str], None]


def bundle_hash() -> str:
    """Hash of everything a build reads: reference data, bundled flows, schema, views, builders."""
    digest = hashlib.sha256()
    roots = [settings.REFERENCE_DIR, settings.FLOWS_DIR]
    files = sorted(p for r in roots if r.is_dir() for p in r.rglob("*") if p.is_file())
    files += sql.files(["migrations", "views", "synth", "aggregates"])
    code = settings.REPO_ROOT / "pipelines"
    for pattern in BUILDER_CODE:
        files += sorted(code.glob(pattern))
    for path in files:
        digest.update(str(path.relative_to(settings.REPO_ROOT)).encode())
        digest.update(path.read_bytes())
    digest.update(f"demo:{DEMO_ROWS}:{DEMO_SEED}".encode())
    digest.update(f"cpi:{_version('cpi')}".encode())  # the bundled price index's data
    return digest.hexdigest()


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "missing"


def is_current(live: Path) -> bool:
    """True when the live warehouse exists with the current schema and bundled data."""
    if not warehouse.resolve(live).exists():
        return False
    try:
        con = warehouse.connect_plain(live)
    except duckdb.Error:
        return False
    try:
        same_schema = warehouse.schema_version(con) == warehouse.latest_schema_version()
        return same_schema and warehouse.get_meta(con, "bundle_hash") == bundle_hash()
    except duckdb.Error:
        return False
    finally:
        con.close()


def _carry_user_data(con: duckdb.DuckDBPyConnection, previous: Path) -> int:
    """Copy every user batch (and what it created) from the previous version; rows copied."""
    con.execute("ATTACH $p AS old (READ_ONLY)", {"p": str(previous)})
    copied = 0
    for table, where in CARRY.items():
        old_cols = {
            r[0]
            for r in con.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_catalog = 'old' AND table_name = $t",
                {"t": table},
            ).fetchall()
        }
        new_cols = [
            r[0]
            for r in con.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_catalog = current_database() AND table_name = $t "
                "ORDER BY ordinal_position",
                {"t": table},
            ).fetchall()
        ]
        cols = ", ".join(f'"{c}"' for c in new_cols if c in old_cols)
        if not cols:
            continue
        # table, columns and WHERE come from this module's whitelist and the catalog
        statement = f"INSERT INTO {table} ({cols}) SELECT {cols} FROM old.{table} WHERE {where}"  # noqa: S608 - names and clauses from CARRY
        copied += one(con.execute(statement).fetchone())[0]
    return copied


def build(
    live: Path,
    demo_rows: int = DEMO_ROWS,
    seed: int = DEMO_SEED,
    progress: Progress | None = None,
) -> int:
    """Rebuild reference and bundled data into a new version; return its version number."""
    from pipelines.bundled import cited, synth
    from pipelines.ingest import fx
    from pipelines.reference import deflators, iati_codelists
    from pipelines.reference import tables as reference

    say = progress or (lambda _msg: None)
    with warehouse.publish(Path(live), fresh=True) as pub:
        con = pub.con
        say("reference tables")
        reference.load_reference(con)
        iati_codelists.load_codelists(con)
        say("exchange rates")
        fx.load_ecb_rates(con)
        say("price index (US CPI-U)")
        deflators.load_bundled(con)
        say("cited figures")
        cited.load_cited(con)
        say(f"demo dataset ({demo_rows:,} rows)")
        synth.generate(con, rows=demo_rows, seed=seed, dataset="demo")
        if pub.previous is not None:
            say("carrying user batches forward")
            _carry_user_data(con, pub.previous)
        warehouse.set_meta(con, "bundle_hash", bundle_hash())
        warehouse.set_meta(con, "built_at_version", str(pub.version))
        return_version = pub.version
    return return_version
