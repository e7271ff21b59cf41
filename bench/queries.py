"""Benchmark: every ``sql/queries/*.sql`` through the dashboard's own query function and raw.

For each warehouse size and each query (the filter-taking ones with the default filters and
three representative filter sets, the others once), in one process and interleaved run by run:

- raw: the same SQL text and bound parameters on a plain read-only DuckDB connection,
  ``con.execute(sql, params).df()`` (DuckDB's own Python API, result as a DataFrame);
- ours, uncached: ``dashboard.data.query(name, **params)`` after ``dashboard.data.clear()``
  empties its result cache (so the query really runs: resolve the live path, cached
  connection, lock, cursor, keep the result in the cache);
- ours, cached: ``dashboard.data.query`` again with a warm cache (what a rerun with unchanged
  filters costs).

    .venv/bin/python bench/queries.py [--sizes 100000,1000000] [--runs 20] [--budget 20]
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import time
from dataclasses import dataclass

import common

from pipelines import settings
from pipelines.store import sql, warehouse

FILTERED = ("flows_filtered(", "flows_cube(", "flows_flagged(")  # chart queries: the filter macros
EVERY_ROW = ("explore_flows",)  # one row per flow: at 10M run with the three filters only
ERRORS: list[tuple[int, str, str, str]] = []  # (rows, query, filters, message)


@dataclass
class QueryTiming:
    rows: int
    query: str
    filters: str
    runs: int
    raw: list[float]
    ours: list[float]
    cached: list[float]
    result_rows: int
    load: str
    raw_cpu: list[float]
    ours_cpu: list[float]
    result: object = None  # the DataFrame (kept for the pandas baseline's agreement check)

    @property
    def ratio(self) -> float:
        return common.p50(self.ours) / common.p50(self.raw)


def query_names() -> list[str]:
    return sorted(p.stem for p in (settings.SQL_DIR / "queries").glob("*.sql"))


def takes_filters(name: str) -> bool:
    """Whether ``name`` takes the dashboard filters: a chart query over a filter macro, or an
    Explore query (``explore_*``: the same filter names, bound one by one)."""
    text = sql.text(f"queries/{name}")
    return any(macro in text for macro in FILTERED) or "$year_from" in text


def params_of(name: str, params: dict[str, object]) -> dict[str, object]:
    """``params`` as ``name`` takes them (explore_flows takes a list of datasets)."""
    text = sql.text(f"queries/{name}")
    if "$dataset::VARCHAR[]" in text:
        params = params | {"dataset": [params["dataset"]]}
    if re.search(r"= \$fund\b", text):  # one fund (the Funds page's pick), not the filter
        params = params | {"fund": "pgtf"}
    return params


def bound_params(name: str, params: dict[str, object]) -> dict[str, object]:
    """The parameters ``name`` binds (what ``warehouse.query`` passes to DuckDB)."""
    used = set(re.findall(r"\$([a-z_][a-z0-9_]*)", sql.text(f"queries/{name}")))
    return {k: v for k, v in params.items() if k in used}


def _dashboard_data():
    """``dashboard.data`` without a Streamlit runtime (its connection cache falls back to
    memory)."""
    for noisy in ("streamlit", "streamlit.runtime.caching.cache_data_api"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    from dashboard import data

    return data


def time_query(
    rows: int,
    name: str,
    label: str,
    params: dict[str, object],
    runs: int,
    budget: float,
    min_runs: int = 3,
) -> QueryTiming:
    data = _dashboard_data()
    raw_con = warehouse.connect_reader(common.warehouse_path(rows))
    text = sql.text(f"queries/{name}")
    bound = bound_params(name, params)
    raw: list[float] = []
    ours: list[float] = []
    raw_cpu: list[float] = []
    ours_cpu: list[float] = []

    def pair() -> None:  # raw then ours, alternating so load swings hit both alike
        raw.extend(common.time_runs(lambda: raw_con.execute(text, bound).df(), runs=1, cpu=raw_cpu))
        ours.extend(
            common.time_runs(
                lambda: data.query(name, **params),
                runs=1,
                cpu=ours_cpu,
                before=data.clear,
            )
        )

    common.time_runs(pair, runs=runs, budget_s=budget, min_runs=min_runs)
    result = data.query(name, **params)
    cached = common.time_runs(lambda: data.query(name, **params), runs=runs, budget_s=5)
    raw_con.close()
    return QueryTiming(
        rows,
        name,
        label,
        len(raw),
        raw,
        ours,
        cached,
        len(result),
        common.load_average(),
        raw_cpu,
        ours_cpu,
        result if len(result) < 10_000 else None,
    )


def bench_size(
    rows: int,
    runs: int,
    budget: float,
    names: list[str] | None = None,
    filter_sets: list[str] | None = None,
    min_runs: int = 3,
    deadline: float = float("inf"),
) -> list[QueryTiming]:
    """Time ``names`` (default: all) at ``rows``; no new cell starts after ``deadline``
    (``time.monotonic()``)."""
    live = common.ensure_warehouse(rows)
    os.environ["FUNDFLOWS_WAREHOUSE"] = str(live)
    out: list[QueryTiming] = []
    for name in names or query_names():
        sets = filter_sets or list(common.FILTER_SETS)
        if not takes_filters(name):
            sets = ["default"]
        for label in sets:
            if time.monotonic() > deadline:
                print(f"{rows:>10,} {name:<24} {label:<24} not run (time budget)", flush=True)
                continue
            params = params_of(name, common.params_for(common.FILTER_SETS[label]))
            try:
                timing = time_query(rows, name, label, params, runs, budget, min_runs)
            except Exception as exc:  # noqa: BLE001 (a broken query is reported, not fatal)
                print(f"{rows:>10,} {name:<24} {label:<24} error: {exc}", flush=True)
                ERRORS.append((rows, name, label, str(exc).splitlines()[0][:200]))
                continue
            print(
                f"{rows:>10,} {name:<24} {label:<24} n={timing.runs:>2} "
                f"raw p50 {common.ms(common.p50(timing.raw)):>9} ms  "
                f"ours p50 {common.ms(common.p50(timing.ours)):>9} ms  "
                f"p95 {common.ms(common.pct(timing.ours, 0.95)):>9} ms  "
                f"cached p50 {common.ms(common.p50(timing.cached)):>7} ms  "
                f"ratio {timing.ratio:.2f}",
                flush=True,
            )
            out.append(timing)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000,10000000")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per query cell")
    parser.add_argument("--queries", default="", help="comma-separated names (default: all)")
    args = parser.parse_args()
    names = [n for n in args.queries.split(",") if n] or None
    for rows in (int(s) for s in args.sizes.split(",")):
        bench_size(rows, args.runs, args.budget, names)


if __name__ == "__main__":
    main()
