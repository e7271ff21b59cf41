"""Pre-computed tables maintained inside every publication, so chart queries stop recomputing.

``flow_cube`` (``sql/migrations/002_flow_cube.sql``): the flows grouped by every column a chart
filters or groups on, with the money summed in each display currency. The chart queries read it
through the ``flows_cube(...)`` macro (``sql/views/flows_cube.sql``), which applies the filters
of ``flows_filtered(...)`` with the same meaning. ``flow_flagged``
(``sql/aggregates/flow_flagged.sql``): the enriched rows of the few flows flagged as outliers or
corrections, rebuilt from all flows each time, with the ``flows_flagged(...)`` filter macro the
outlier list reads.

``publish()`` calls ``maintain(con, touched_datasets)`` after the views are created, inside the
publication's transaction: the rows of each touched dataset are deleted and aggregated again
from its flows (``None``: every dataset, as after a build, reference or actor edits, review
merges or new rates, which all change what a flow's group or converted amount is). A dataset
whose flows exist but which has no row in the cube (a file published before the table existed)
is aggregated as well, so the cube always covers every dataset.
"""

from __future__ import annotations

import duckdb

from pipelines.store import sql

CUBE_INSERT = "aggregates/flow_cube_insert"
# the display currencies flow_cube holds amounts in (flows_cube raises for any other; the
# query function then reads flows_cube_flows: see pipelines.store.warehouse.query)
CUBE_CURRENCIES = frozenset({"USD", "EUR", "CHF", "GBP"})
FLAGGED_BY_IDS = 1000  # up to this many flagged flows, enrich them by id (cheaper)
MISSING = "SELECT DISTINCT dataset FROM flow EXCEPT SELECT DISTINCT dataset FROM flow_cube"


def maintain(con: duckdb.DuckDBPyConnection, touched_datasets: set[str] | None) -> None:
    """Bring ``flow_cube`` and ``flow_flagged`` up to date at the end of a publication."""
    timer = sql.Timer()
    if touched_datasets is None:
        con.execute("DELETE FROM flow_cube")
        con.execute(sql.text(CUBE_INSERT), {"datasets": None})
    else:
        missing = {r[0] for r in con.execute(MISSING).fetchall()}
        datasets = sorted(set(touched_datasets) | missing)
        if datasets:
            con.execute("DELETE FROM flow_cube WHERE list_contains($d, dataset)", {"d": datasets})
            con.execute(sql.text(CUBE_INSERT), {"datasets": datasets})
    timer("aggregates: flow_cube")
    _rebuild_flagged(con)
    timer("aggregates: flow_flagged")


def _rebuild_flagged(con: duckdb.DuckDBPyConnection) -> None:
    """``flow_flagged`` from every flow, then its filter macro (which needs the table)."""
    found = con.execute(sql.text("aggregates/flagged_ids"), {"cap": FLAGGED_BY_IDS}).fetchall()
    ids = [r[0] for r in found]
    if not ids:  # the usual case: an empty table with the view's columns, no scan at all
        con.execute("CREATE OR REPLACE TABLE flow_flagged AS SELECT * FROM flows_enriched LIMIT 0")
    elif len(ids) <= FLAGGED_BY_IDS:
        con.execute(sql.text("aggregates/flow_flagged_by_ids"), {"ids": ids})
    else:
        con.execute(sql.text("aggregates/flow_flagged"))
    con.execute(sql.text("aggregates/flows_flagged_macro"))


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild every pre-computed table from all flows (``maintain`` with every dataset)."""
    maintain(con, None)
