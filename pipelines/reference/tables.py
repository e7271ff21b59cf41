"""Load the reference tables from the committed CSV files under ``data/reference/``.

Called by ``pipelines.bundled.build`` inside the build's transaction on a fresh warehouse. Every
table
is filled by bulk inserts from DataFrames; each file names the source of its facts (a
``source`` column or a documented source per table in ``data/reference/README.md``).
"""

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

DATASETS = pd.DataFrame(
    [
        ("cited", False, True, "Figures cited by public sources (data/flows/cited_figures.csv)"),
        ("demo", True, True, "Illustrative generated data: never shares a total with real rows"),
    ],
    columns=["dataset", "is_illustrative", "is_bundled", "description"],
)


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
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM reference_frame").fetchall()  # noqa: S608
    return len(reference_frame)


def load_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Fill every reference table (see module docstring) from ``data/reference/``."""
    from pipelines.reference import actors as reference_actors
    from pipelines.reference import geo as reference_geo

    insert_frame(con, "dataset", DATASETS)
    insert_frame(con, "source_document", read_table("source_documents.csv"))
    countries = reference_geo.load_geography(con)
    funds = read_table("funds.csv")
    reference_actors.load_actors(con, countries, funds)
    insert_frame(con, "fund", funds.assign(actor_id="fund-" + funds["fund_id"]))
    insert_frame(con, "fund_event", read_table("fund_events.csv"))
    insert_frame(con, "partnership", read_table("partnerships.csv"))
    insert_frame(con, "fx_peg", read_table("fx_pegs.csv"))
