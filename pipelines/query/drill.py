"""The flow rows behind a pivot cell (drill-down) and every filtered flow row (exports).

A drill key maps dimensions to the labels a pivot shows (``Total`` = unconstrained); labels are
bound as parameters and dimensions come from ``slices.DIMENSIONS`` (the whitelist), so no user
text becomes SQL.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from pipelines.query import slices
from pipelines.store import warehouse
from pipelines.store.rows import one


def _key_filter(key: dict[str, str], bound: slices.Params) -> str:
    """SQL condition for a drill key (labels bound as $k0, $k1, ... into ``bound``)."""
    conditions = []
    for n, (dim, label) in enumerate(sorted(key.items())):
        if dim not in slices.DIMENSIONS:
            raise slices.SliceError(f"unknown dimension {dim!r}")
        if label == slices.TOTAL_LABEL:
            continue
        conditions.append(
            f"coalesce(CAST({slices.DIMENSIONS[dim]} AS VARCHAR), '{slices.NONE_LABEL}') = $k{n}"
        )
        bound[f"k{n}"] = str(label)
    return " AND ".join(conditions) or "true"


def drill_summary(
    con: duckdb.DuckDBPyConnection, params: slices.Params, key: dict[str, str]
) -> tuple[int, float]:
    """Flows behind a cell and their money in the display currency (from the cube if it can)."""
    bound = dict(params)
    where = _key_filter(key, bound)
    source = slices.source_for(params, set(key), "amount")
    money = slices.measure_sql(source, params, "amount")
    text = f"{slices.slice_sql(source, f'{source.count}, {money}')} AND {where}"  # noqa: S608 - whitelisted, bound values
    flows_behind, value = one(con.execute(text, bound).fetchone())
    return int(flows_behind or 0), float(value or 0)


def drill(
    con: duckdb.DuckDBPyConnection,
    params: slices.Params,
    key: dict[str, str],
    limit: int | None = None,
) -> pd.DataFrame:
    """The flow rows behind a cell: ``key`` maps dimensions to labels (Total = unconstrained);
    only the first ``limit`` of them by year and flow id when a limit is given (those are
    found on the few columns the key needs, then only they are read whole)."""
    bound = dict(params)
    where = _key_filter(key, bound)
    flows_sql = slices.SOURCES[slices.FLOWS]
    if limit is None:
        text = f"{slices.slice_sql(flows_sql)} AND {where} ORDER BY year, flow_id"  # noqa: S608 - whitelisted, bound values
        return con.execute(text, bound).df()
    first_rows = slices.slice_sql(flows_sql, "flow_id, year")
    picked = f"{first_rows} AND {where} ORDER BY year, flow_id LIMIT $limit"  # noqa: S608 - whitelisted
    first = con.execute(picked, bound | {"limit": int(limit)}).fetchall()
    ids, years = [r[0] for r in first], [r[1] for r in first if r[1] is not None]
    # the id and year ranges reach the flow scan (a list alone would be joined after it)
    text = (
        f"{slices.slice_sql(flows_sql)} AND flow_id = ANY($ids) AND flow_id BETWEEN $f0 AND $f1"  # noqa: S608 - fixed text, bound ids
        " AND (year IS NULL OR year BETWEEN $y0 AND $y1) ORDER BY year, flow_id"
    )
    ranges = {"f0": min(ids, default=""), "f1": max(ids, default=""),
              "y0": min(years, default=0), "y1": max(years, default=0)}  # fmt: skip
    return con.execute(text, dict(params) | {"ids": ids} | ranges).df()


def flows(con: duckdb.DuckDBPyConnection, params: slices.Params) -> pd.DataFrame:
    """Every filtered flow row (breakdown rows included), one per flow, for exports."""
    return warehouse.query(con, "explore_flows", **params)
