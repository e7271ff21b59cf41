"""Benchmark: generate synthetic flows inside DuckDB, as `fundflows synth` does.

Builds a fresh warehouse (reference tables, rates, cited figures, the 20,000-row demo) in a
temporary folder, then publishes a new version holding ``--rows`` generated flows in dataset
``scale``. Prints the generation time and rows/s, the whole publish (copy, generate, checks,
checkpoint, swap), the warehouse file size and the peak resident memory of the process.

    .venv/bin/python bench/synth.py [--rows 1000000] [--seed 7] [--keep DIR] [--memory-limit 2GB]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.bundled import build, synth  # noqa: E402
from pipelines.store import warehouse  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """User + system CPU time of this process, all threads (less sensitive to a busy machine)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run(folder: Path, rows: int, seed: int, memory_limit: str | None) -> None:
    live = folder / "warehouse.duckdb"
    started = time.perf_counter()
    build.build(live)
    print(f"build (reference + 20,000 demo rows): {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    with warehouse.publish(live) as pub:
        if memory_limit:
            pub.con.execute(f"SET memory_limit = '{memory_limit}'")  # noqa: S608 (format checked in main)
            print(f"DuckDB memory_limit: {memory_limit}")
        t0, c0 = time.perf_counter(), cpu_seconds()
        written = synth.generate(pub.con, rows=rows, seed=seed, dataset="scale")
        generated, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    published = time.perf_counter() - started
    size_mb = warehouse.resolve(live).stat().st_size / 2**20
    print(f"rows generated: {written:,}")
    print(f"generate: {generated:.1f} s wall, {written / generated:,.0f} rows/s")
    print(f"generate: {cpu:.1f} s CPU (user + system, all threads)")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print(f"publish (copy + generate + checks + checkpoint + swap): {published:.1f} s")
    print(f"warehouse file: {size_mb:,.0f} MB")
    print(f"peak RSS: {peak_rss_mb():,.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    parser.add_argument("--memory-limit", help="DuckDB memory_limit for the generation, e.g. 2GB")
    args = parser.parse_args()
    if args.memory_limit and not re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]i?B", args.memory_limit):
        parser.error("--memory-limit looks like 2GB or 1500MB")
    python = sys.version.split()[0]
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {python}")
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        run(args.keep, args.rows, args.seed, args.memory_limit)
        return
    with tempfile.TemporaryDirectory(prefix="fundflows-bench-synth-") as folder:
        run(Path(folder), args.rows, args.seed, args.memory_limit)


if __name__ == "__main__":
    main()
