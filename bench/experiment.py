"""Experiment (evidence for the view owners): what two warehouse-side changes would buy.

On a private copy of a bench warehouse (never the live file), in this order:

- A. ``flows_filtered`` skips the as-of rate join when the display currency is USD (the join
  sorts every filtered row; one ``UNION ALL`` branch per case, the other branch is empty);
- B. ``flows_enriched`` read from a table materialised once at publish time
  (``CREATE TABLE flow_enriched AS SELECT * FROM flows_enriched``; the view then selects from
  it), so the per-row joins, status spans and CASEs are not recomputed by every chart query.

Times the five main chart queries with the default filters and the EUR filter set on the
original file, then after A, then after A+B, and checks each result equals the original
(``assert_frame_equal``, rtol 1e-9: float sums may differ in the last bits by summation order).

    .venv/bin/python bench/experiment.py [--rows 1000000] [--runs 3]
"""

from __future__ import annotations

import argparse
import re
import shutil
import tempfile
import time
from pathlib import Path

import common
import pandas.testing as pdt

from pipelines import settings
from pipelines.store import sql, warehouse

MAIN = ("overview_kpis", "overview_sankey", "regions_map", "overview_by_year",
        "overview_by_modality")  # fmt: skip
ASOF = "ASOF LEFT JOIN rates AS d ON b.rate_on >= d.rate_date"


def macro_without_usd_join() -> str:
    """The repository's ``flows_filtered`` macro with change A applied (text transformation)."""
    text = (settings.SQL_DIR / "views" / "flows_filtered.sql").read_text(encoding="utf-8")
    macro = text[text.index("CREATE OR REPLACE MACRO") :]
    if ASOF not in macro:
        raise SystemExit("flows_filtered changed: update bench/experiment.py")
    head, tail = macro[: macro.index("SELECT b.*,")], macro[macro.index("SELECT b.*,") :]
    usd = "SELECT b.*, b.amount_usd::DOUBLE AS amount FROM base AS b WHERE p_currency = 'USD'\n"
    other = tail.rstrip().rstrip(";") + "\nWHERE p_currency <> 'USD';"
    return head + usd + "UNION ALL\n" + other


def timed(con, name: str, label: str, runs: int):
    text = sql.text(f"queries/{name}")
    params = common.params_for(common.FILTER_SETS[label])
    used = set(re.findall(r"\$([a-z_][a-z0-9_]*)", text))
    bound = {k: v for k, v in params.items() if k in used}
    walls, cpus, result = [], [], None
    for _ in range(runs):
        c0, t0 = time.process_time(), time.perf_counter()
        result = con.execute(text, bound).df()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return result, common.p50(walls), common.p50(cpus)


def main() -> None:
    import duckdb

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sets", default="default;LDC in Africa, EUR", help="';'-separated")
    parser.add_argument("--no-base", action="store_true", help="skip the original (slow) timing")
    args = parser.parse_args()
    source = warehouse.resolve(common.ensure_warehouse(args.rows))
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:
        copy = Path(folder) / "experiment.duckdb"
        shutil.copyfile(source, copy)
        con = duckdb.connect(str(copy))
        cells = [(n, label) for n in MAIN for label in args.sets.split(";")]
        con.execute(macro_without_usd_join())
        after_a = {cell: timed(con, *cell, args.runs) for cell in cells}
        if args.no_base:
            base = after_a
        else:
            con.execute((settings.SQL_DIR / "views" / "flows_filtered.sql").read_text())
            base = {cell: timed(con, *cell, args.runs) for cell in cells}
            con.execute(macro_without_usd_join())  # B is measured on top of A
        t0 = time.perf_counter()
        con.execute("CREATE TABLE flow_enriched AS SELECT * FROM flows_enriched")
        con.execute("CREATE OR REPLACE VIEW flows_enriched AS SELECT * FROM flow_enriched")
        print(f"materialise flows_enriched: {time.perf_counter() - t0:.1f} s")
        after_b = {cell: timed(con, *cell, args.runs) for cell in cells}
        con.close()
    print(
        f"{args.rows:,} flows, p50 of {args.runs} runs: wall s / process CPU s: "
        f"original{' (not run: A shown)' if args.no_base else ''} | A | A+B"
    )
    for cell in cells:
        for variant in (after_a, after_b):
            pdt.assert_frame_equal(base[cell][0], variant[cell][0], rtol=1e-9)
        row = " | ".join(f"{v[cell][1]:.2f} / {v[cell][2]:.2f}" for v in (base, after_a, after_b))
        print(f"| {cell[0]} | {cell[1]} | {row} | same |")


if __name__ == "__main__":
    main()
