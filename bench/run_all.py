"""Run every scale benchmark and write ``bench/RESULTS.md`` (``make bench``).

Order (RESULTS.md is rewritten after each section, so an interrupted run still leaves what it
measured): the load and IATI benches first (``bench/load.py``, ``bench/iati.py`` as
subprocesses, their output kept; first so that their peak-memory figures are their own), then
queries at 10M, pages at 10M, pandas baseline at 10M, queries and baseline at 100k and 1M.
Every cell runs up to ``--runs`` times within a time budget (``--minutes`` covers the query
sections); the number of runs actually made is in the tables.

    .venv/bin/python bench/run_all.py [--runs 20] [--minutes 25] [--skip-load]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import baseline_pandas
import common
import pages
import queries
import report

MAIN = list(baseline_pandas.MAIN.values())


def run_script(args: list[str], timeout: float) -> str:
    cmd = [sys.executable, *args]
    try:
        done = subprocess.run(
            cmd,
            cwd=common.ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=os.environ | {"FUNDFLOWS_QUIET": "1"},
        )
        return (done.stdout + done.stderr[-2000:]).strip()
    except subprocess.TimeoutExpired:
        return f"{' '.join(args)}: not finished within {timeout:.0f} s"


def measure_big(res, args, until, write) -> None:
    """The 10M sections: main chart queries, pages, server RSS, other queries, pandas."""
    big = 10_000_000
    # explore_flows returns every flow row (exports read it; the Explore page aggregates it in
    # SQL, timed in the pages section): 10M rows as a DataFrame, twice per run, exhaust memory
    cheap = [
        n
        for n in queries.query_names()
        if not queries.takes_filters(n) and n not in queries.EVERY_ROW
    ]
    rest = [
        n
        for n in queries.query_names()
        if queries.takes_filters(n) and n not in MAIN and n not in queries.EVERY_ROW
    ]
    res.queries += queries.bench_size(big, args.runs, 60, MAIN, ["default"], 1, until(0.25))
    write()
    with tempfile.TemporaryDirectory() as folder:
        res.pages = pages.apptest_pages(big, args.page_timeout, Path(folder))
        write()
        res.rss, res.rss_notes = pages.server_rss(big, args.page_timeout, Path(folder))
        write()
    res.queries += queries.bench_size(
        big, args.runs, 60, MAIN, list(common.FILTER_SETS)[1:], 1, until(0.45)
    )
    res.queries += queries.bench_size(big, args.runs, 10, cheap, None, 3, until(0.5))
    res.queries += queries.bench_size(big, args.runs, 30, rest, None, 1, until(0.5))
    # one row per flow: with the narrow filters only (with no filter 10M rows, and with "LDC in
    # Africa, EUR" about half of them, as two DataFrames per run exhaust the machine's memory)
    narrow = ["pgtf 2000-2010", "south-south paid, gov."]
    res.queries += queries.bench_size(
        big, args.runs, 30, list(queries.EVERY_ROW), narrow, 1, until(0.55)
    )
    write()
    res.baseline, res.read_s[big] = baseline_pandas.bench_size(big, 3, 20, 1, res.results(big))
    write()
    res.prices = run_script(["bench/prices.py", "--sizes", str(big), "--runs", "20"], 1800)
    write()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--minutes", type=float, default=25.0, help="time budget of the query sections"
    )
    parser.add_argument("--page-timeout", type=float, default=60.0)
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--reuse-10m", type=Path, help="take the 10M figures from this file")
    parser.add_argument("--load-log", type=Path, help="use this earlier bench/load.py output")
    parser.add_argument("--iati-log", type=Path, help="use this earlier bench/iati.py output")
    args = parser.parse_args()

    def until(share: float) -> float:  # a section may use up to this point of the budget
        return start + share * (end - start)

    res = report.Results(started=datetime.now(UTC), facts=common.machine_facts())
    out = common.ROOT / "bench" / "RESULTS.md"
    write = lambda: out.write_text(report.render(res), encoding="utf-8")  # noqa: E731
    if not args.skip_load and not (args.load_log and args.load_log.is_file()):
        # first, while this process is small: a child started later inherits the peak RSS
        # of its parent at fork (Linux keeps ru_maxrss across exec), which the 10M pandas
        # baseline makes about 12 GB, and the load bench would report that as its own
        res.load = run_script(["bench/load.py", "--rows", "1000000"], timeout=900)
        res.iati = run_script(["bench/iati.py", "--mb", "200"], timeout=1200)
        write()
    for rows in common.SIZES:
        common.ensure_warehouse(rows)
    start = time.monotonic()
    end = start + args.minutes * 60
    if args.reuse_10m:
        import reuse

        res.reused = reuse.reuse_big(args.reuse_10m, res)
    else:
        measure_big(res, args, until, write)
    for rows in (100_000, 1_000_000):
        res.queries += queries.bench_size(rows, args.runs, 8, MAIN, None, 3, until(0.9))
        others = [n for n in queries.query_names() if n not in MAIN]
        res.queries += queries.bench_size(rows, args.runs, 8, others, None, 3, until(0.9))
        write()
        base, res.read_s[rows] = baseline_pandas.bench_size(rows, 5, 8, 3, res.results(rows))
        res.baseline += base
        write()
    if args.load_log and args.load_log.is_file():
        res.load = f"(run at the same time, from {args.load_log})\n" + args.load_log.read_text()
        res.iati = f"(run at the same time, from {args.iati_log})\n" + args.iati_log.read_text()
    res.finished = datetime.now(UTC)
    write()
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
