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

import os
import sys
import time

import duckdb

from pipelines import settings

CUBE_INSERT = "flow_cube_insert.sql"
# the display currencies flow_cube holds amounts in (flows_cube raises for any other; the
# query function then reads flows_cube_flows: see pipelines.store.warehouse.query)
CUBE_CURRENCIES = frozenset({"USD", "EUR", "CHF", "GBP"})
FLAGGED_BY_IDS = 1000  # up to this many flagged flows, enrich them by id (cheaper)
MISSING = "SELECT DISTINCT dataset FROM flow EXCEPT SELECT DISTINCT dataset FROM flow_cube"


def _sql(name: str) -> str:
    return (settings.SQL_DIR / "aggregates" / name).read_text(encoding="utf-8")


def _profile(step: str, since: tuple[float, float]) -> tuple[float, float]:
    """Step timing on stderr when FUNDFLOWS_PROFILE is set (as pipelines.ingest.steps.Timer);
    returns the clock for the next step."""
    now = (time.perf_counter(), time.process_time())
    if os.environ.get("FUNDFLOWS_PROFILE"):
        wall, cpu = now[0] - since[0], now[1] - since[1]
        print(f"  {step}: {wall:.2f} s wall, {cpu:.2f} s CPU", file=sys.stderr)
    return now


def maintain(con: duckdb.DuckDBPyConnection, touched_datasets: set[str] | None) -> None:
    """Bring ``flow_cube`` and ``flow_flagged`` up to date at the end of a publication."""
    clock = (time.perf_counter(), time.process_time())
    if touched_datasets is None:
        con.execute("DELETE FROM flow_cube")
        con.execute(_sql(CUBE_INSERT), {"datasets": None})
    else:
        missing = {r[0] for r in con.execute(MISSING).fetchall()}
        datasets = sorted(set(touched_datasets) | missing)
        if datasets:
            con.execute("DELETE FROM flow_cube WHERE list_contains($d, dataset)", {"d": datasets})
            con.execute(_sql(CUBE_INSERT), {"datasets": datasets})
    clock = _profile("aggregates: flow_cube", clock)
    _rebuild_flagged(con)
    _profile("aggregates: flow_flagged", clock)


def _rebuild_flagged(con: duckdb.DuckDBPyConnection) -> None:
    """``flow_flagged`` from every flow, then its filter macro (which needs the table)."""
    ids = [r[0] for r in con.execute(_sql("flagged_ids.sql"), {"cap": FLAGGED_BY_IDS}).fetchall()]
    if not ids:  # the usual case: an empty table with the view's columns, no scan at all
        con.execute("CREATE OR REPLACE TABLE flow_flagged AS SELECT * FROM flows_enriched LIMIT 0")
    elif len(ids) <= FLAGGED_BY_IDS:
        con.execute(_sql("flow_flagged_by_ids.sql"), {"ids": ids})
    else:
        con.execute(_sql("flow_flagged.sql"))
    con.execute(_sql("flows_flagged_macro.sql"))


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild every pre-computed table from all flows (``maintain`` with every dataset)."""
    maintain(con, None)
