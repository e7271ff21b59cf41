"""Reference CSVs in, DataFrames into warehouse tables: the helpers every reference loader uses."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from pipelines import settings

# tables this module may fill (whitelist for the INSERT helper)
TABLES = frozenset(
    {
        "dataset", "country", "country_status", "region", "city", "actor", "actor_alias",
        "fund", "fund_event", "source_document", "partnership", "fx_peg",
    }
)  # fmt: skip


def read_table(name: str, folder: Path | None = None) -> pd.DataFrame:
    """A reference CSV as strings; empty cells become missing values ("NA" stays Namibia)."""
    path = (folder or settings.REFERENCE_DIR) / name
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> int:
    """Bulk insert ``frame`` into ``table`` by column name; returns the row count."""
    if table not in TABLES | {"flow", "fund_statistic", "load_batch"}:
        raise ValueError(f"not a table this loader fills: {table}")
    if frame.empty:
        return 0
    reference_frame = frame  # read by DuckDB's replacement scan (register() refuses to run
    # while the connection holds an unfinished result, e.g. the build's BEGIN TRANSACTION)
    # table name checked against the whitelist above
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM reference_frame").fetchall()  # noqa: S608 - TABLES whitelist
    return len(reference_frame)
