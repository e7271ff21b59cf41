"""Load the reference tables from the committed CSV files under ``data/reference/``.

Called by ``pipelines.bundled.build`` inside the build's transaction on a fresh warehouse. Every
table
is filled by bulk inserts from DataFrames; each file names the source of its facts (a
``source`` column or a documented source per table in ``data/reference/README.md``).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from pipelines.reference import actors as reference_actors
from pipelines.reference import geo as reference_geo
from pipelines.reference.frames import insert_frame, read_table

DATASETS = pd.DataFrame(
    [
        ("cited", False, True, "Figures cited by public sources (data/flows/cited_figures.csv)"),
        ("demo", True, True, "Illustrative generated data: never shares a total with real rows"),
    ],
    columns=["dataset", "is_illustrative", "is_bundled", "description"],
)


def load_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Fill every reference table (see module docstring) from ``data/reference/``."""
    insert_frame(con, "dataset", DATASETS)
    insert_frame(con, "source_document", read_table("source_documents.csv"))
    countries = reference_geo.load_geography(con)
    funds = read_table("funds.csv")
    reference_actors.load_actors(con, countries, funds)
    insert_frame(con, "fund", funds.assign(actor_id="fund-" + funds["fund_id"]))
    insert_frame(con, "fund_event", read_table("fund_events.csv"))
    insert_frame(con, "partnership", read_table("partnerships.csv"))
    insert_frame(con, "fx_peg", read_table("fx_pegs.csv"))
