"""Benchmark: load 1,000,000 generated template rows (parse, validate, FX, publish).

Prints rows/second (wall clock), CPU seconds of every thread (the figure to compare on a
shared machine), the load average and the peak resident memory of the process. Target
(issue 2): at least 200,000 rows/s and under 1.5 GB on the 2-core machine. Usage:

    .venv/bin/python bench/load.py [--rows 1000000]
    FUNDFLOWS_PROFILE=1 .venv/bin/python bench/load.py   # also wall/CPU per loader step

The generated file has 1,000,000 rows and gives 1,100,000 flows (rows through a fund to a
recipient have an in- and an out-leg); the warehouse starts with the minimal test reference
data, so every flow is new and the publication's checks cover all of them.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.ingest import fx, load  # noqa: E402
from pipelines.store import sql, warehouse  # noqa: E402


def prepare(folder: Path) -> Path:
    live = folder / "warehouse.duckdb"
    minimal = ROOT / "tests" / "bad_template" / "minimal_reference.sql"
    with warehouse.publish(live, fresh=True) as pub:
        pub.con.execute(minimal.read_text(encoding="utf-8"))
        fx.load_ecb_rates(pub.con)
    return live


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        live = prepare(folder)
        csv = folder / "bench.csv"
        con = duckdb.connect()
        con.sql(sql.text("loader/bench_rows"), params={"rows": args.rows}).write_csv(str(csv))
        con.close()
        size = csv.stat().st_size / 1e6
        load_before = os.getloadavg()[0]
        cpu_start = time.process_time()
        start = time.perf_counter()
        (report,) = load.load_files(live, [csv], dataset="bench", progress=None)
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        check = warehouse.connect_plain(live)
        flows = check.execute("SELECT count(*) FROM flow").fetchone()[0]
        check.close()
    print(f"file: {args.rows:,} rows, {size:.0f} MB; status {report.status}: {report.message}")
    print(f"rows loaded {report.rows_loaded:,}, rejected {report.rows_rejected:,}, flows {flows:,}")
    print(f"time {seconds:.2f} s -> {args.rows / seconds:,.0f} rows/s (wall clock)")
    print(f"CPU {cpu:.2f} s (all threads) -> {args.rows / cpu:,.0f} rows per CPU-second")
    after = os.getloadavg()[0]
    print(f"load average before/after: {load_before:.1f} / {after:.1f} on {os.cpu_count()} cores")
    print(f"peak RSS {peak:,.0f} MB")


if __name__ == "__main__":
    main()
