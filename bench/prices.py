"""Benchmark: every chart query over ``flows_cube(...)`` in current and in constant prices.

Constant prices read ``flows_cube_constant(...)`` (the cube's USD sums times the year's price
factor, ``sql/views/prices.sql``); the issue's target is the chart queries' (p95 ≤ 150 ms at
10M flows). Each cell: the query run ``--runs`` times uncached through the dashboard's own
``warehouse.query`` on a read-only connection, default filters and the three representative
filter sets of ``bench/common.py``, base year = the deflator's last year.

    .venv/bin/python bench/prices.py [--sizes 1000000,10000000] [--runs 20]

Prints a Markdown table for ``bench/RESULTS.md`` ("Constant prices").
"""

from __future__ import annotations

import argparse

import common

from pipelines import settings
from pipelines.store import warehouse


def cube_queries() -> list[str]:
    folder = settings.SQL_DIR / "queries"
    return sorted(p.stem for p in folder.glob("*.sql") if "flows_cube(" in p.read_text("utf-8"))


def with_index(live: object) -> None:
    """A synthesised warehouse has no build: add the bundled price index once."""
    from pipelines.reference import deflators

    con = warehouse.connect_plain(live)
    known = con.execute("SELECT count(*) FROM deflator").fetchone()[0]
    con.close()
    if not known:
        with warehouse.publish(live) as pub:
            pub.touched_datasets = set()
            deflators.load_bundled(pub.con)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000000")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--queries", default="", help="comma-separated names (default: all)")
    args = parser.parse_args()
    print("| flows | query | filters | current p50 / p95 ms | constant p50 / p95 ms |")
    print("|---|---|---|---|---|")
    worst = 0.0
    for rows in (int(s) for s in args.sizes.split(",")):
        live = common.ensure_warehouse(rows)
        with_index(live)
        con = warehouse.connect_reader(live)
        for name in [q for q in cube_queries() if q in args.queries.split(",") or not args.queries]:
            for label, filters in common.FILTER_SETS.items():
                base = common.params_for(filters)
                cells = []
                for prices in ("current", "constant"):
                    params = base | {"prices": prices, "base_year": None, "deflator": "us_cpi_u"}
                    samples = common.time_runs(
                        lambda c=con, n=name, p=params: warehouse.query(c, n, **p),
                        runs=args.runs,
                    )
                    cells.append(samples)
                worst = max(worst, common.pct(cells[1], 0.95))
                text = [f"{common.ms(common.p50(s))} / {common.ms(common.pct(s, 0.95))}"
                        for s in cells]  # fmt: skip
                print(f"| {rows:,} | {name} | {label} | {text[0]} | {text[1]} |", flush=True)
        con.close()
    print(f"\nworst constant-price p95: {common.ms(worst)} ms")


if __name__ == "__main__":
    main()
