"""The SQL console's attack list against a real warehouse: time to stop and peak memory.

Runs each attack of issue 15 point 1 through ``sql_console.run`` (the page's own call, with
the default budget from settings: 5 s, 512 MB) in this process, which plays the server: it
holds the dashboard's reader connection open and has run a chart query first. For each attack
it prints why the query stopped, the time from the call to its return (the worker killed and
reaped), the worker's peak RSS, and this process's peak RSS while the attack ran (sampled every
5 ms); at the end this process's VmHWM (its peak over the whole run).

    .venv/bin/python bench/console_attacks.py [--rows 100000] [--warehouse PATH]
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

from dashboard.workbench import sql_console  # noqa: E402
from pipelines.store import warehouse  # noqa: E402

ATTACKS = {
    "huge list": "SELECT sum(len(x)) FROM (SELECT list(range) AS x FROM range(1000000000))",
    "huge string (one call)": "SELECT length(repeat('x', 2000000000))",
    "huge string (aggregate)": "SELECT length(string_agg(repeat('x', 1000))) FROM range(100000000)",
    "unnest a billion rows": "SELECT count(*) FROM (SELECT unnest(range(1000000000)))",
    "unnest a billion rows, kept": "SELECT unnest(range(1000000000)) AS n ORDER BY n DESC",
    "cross join of flows": "SELECT count(*) FROM flow a, flow b, flow c",
    "cross join, materialised": "SELECT a.*, b.* FROM flow a, flow b ORDER BY a.amount_usd",
    "endless recursion": (
        "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SELECT max(n) FROM t"
    ),
    "recursion doubling a string": (
        "WITH RECURSIVE t(s) AS (SELECT 'x' UNION ALL SELECT s || s FROM t)"
        " SELECT max(length(s)) FROM t"
    ),
    "sort 100M rows": "SELECT count(*) FROM (SELECT * FROM range(100000000) ORDER BY random())",
    "sort 100M rows, returned": "SELECT * FROM range(100000000) ORDER BY random()",
}


def _sampler(stop: threading.Event, peak: list[float]) -> None:
    me = psutil.Process()
    while not stop.is_set():
        peak[0] = max(peak[0], me.memory_info().rss / 2**20)
        time.sleep(0.005)


def _hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, choices=sorted(common.SIZES))
    parser.add_argument("--warehouse", type=Path, help="an existing live path instead")
    args = parser.parse_args()
    live = args.warehouse or common.ensure_warehouse(args.rows)
    reader = warehouse.connect_reader(live)  # what the dashboard holds open
    flows = reader.execute("SELECT count(*) FROM flow").fetchone()[0]
    budget = sql_console.Budget.from_settings()
    print(f"warehouse {warehouse.resolve(live)} ({flows:,} flows); budget {budget}")
    print(f"server RSS before: {psutil.Process().memory_info().rss / 2**20:.0f} MB")
    print("| attack | stopped because | time to stop (s) | worker peak RSS (MB) |"
          " server peak RSS (MB) |\n|---|---|---|---|---|")  # fmt: skip
    for name, text in ATTACKS.items():
        stop, peak = threading.Event(), [0.0]
        sampler = threading.Thread(target=_sampler, args=(stop, peak), daemon=True)
        sampler.start()
        started = time.perf_counter()
        try:
            result = sql_console.run(live, text, budget=budget)
            why, worker = f"finished ({len(result.frame)} rows)", result.peak_mb
        except sql_console.ConsoleRefusal as refusal:
            why, worker = refusal.reason, refusal.peak_mb
        took = time.perf_counter() - started
        stop.set()
        sampler.join()
        print(f"| {name} | {why} | {took:.2f} | {worker:.0f} | {peak[0]:.0f} |", flush=True)
    print(f"server VmHWM over the whole run: {_hwm_mb():.0f} MB")
    reader.close()


if __name__ == "__main__":
    main()
