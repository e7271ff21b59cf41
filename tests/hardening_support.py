"""Helpers shared by the hardening tests (bad inputs, faults, concurrency, fuzzing)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines import warehouse


def table_checksums(live: Path) -> dict[str, tuple[int, str]]:
    """{table: (row count, checksum)} for every base table of the live version."""
    con = warehouse.connect_plain(live)
    try:
        return checksums_of(con)
    finally:
        con.close()


def checksums_of(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, str]]:
    names = [r[0] for r in con.execute(warehouse.sql("checks_support/table_names")).fetchall()]
    text = warehouse.sql("checks_support/table_checksum")
    return {n: tuple(con.execute(text, {"table": n}).fetchone()) for n in names}
