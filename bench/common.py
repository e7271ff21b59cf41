"""Shared pieces of the scale benchmarks: warehouses per size, filter sets, timing, machine facts.

Warehouses are generated once into ``/tmp`` (never the repo) with ``fundflows synth`` into the
dataset ``scale``: ``/tmp/scale`` holds 10 million flows, ``/tmp/scale-1m`` one million and
``/tmp/scale-100k`` 100,000. ``BENCH_ROOT`` moves them elsewhere.
"""

from __future__ import annotations

import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATASET = "scale"
SIZES = {100_000: "scale-100k", 1_000_000: "scale-1m", 10_000_000: "scale"}
BENCH_ROOT = Path(os.environ.get("BENCH_ROOT", "/tmp"))

# extra parameters of chart queries beyond the filters (the pages' default choices)
EXTRA = {
    "group": "transferred",
    "by": "kind",
    "groups": ["transferred"],
    "side": "total",
    "direction": "received",
    "q": "",
    "leg": [],
    "stage_group": [],
}
FILTER_NAMES = (
    "dataset",
    "year_from",
    "year_to",
    "fund",
    "stage",
    "modality",
    "contributor_kind",
    "contributor",
    "recipient_country",
    "region",
    "status",
    "currency",
)


def no_filters(**changes: object) -> dict[str, object]:
    """Bound parameters of ``flows_filtered`` with nothing filtered (dataset scale, USD)."""
    params: dict[str, object] = {name: [] for name in FILTER_NAMES}
    params |= {"dataset": DATASET, "year_from": None, "year_to": None, "currency": "USD"}
    return params | changes


# default + three representative filters a user sets on the dashboard
FILTER_SETS: dict[str, dict[str, object]] = {
    "default": no_filters(),
    "pgtf 2000-2010": no_filters(fund=["pgtf"], year_from=2000, year_to=2010),
    "LDC in Africa, EUR": no_filters(status=["ldc"], region=["002"], currency="EUR"),
    "south-south paid, gov.": no_filters(
        modality=["south_south"], stage=["paid", "disbursement"], contributor_kind=["government"]
    ),
}


def params_for(filters: dict[str, object]) -> dict[str, object]:
    """Every parameter a query may bind: the filters, the display currency, page defaults."""
    return filters | EXTRA | {"display_currency": filters["currency"]}


def warehouse_path(rows: int) -> Path:
    return BENCH_ROOT / SIZES[rows] / "warehouse.duckdb"


def ensure_warehouse(rows: int) -> Path:
    """The warehouse with ``rows`` generated flows, made with ``fundflows synth`` if missing."""
    live = warehouse_path(rows)
    if not live.exists():
        live.parent.mkdir(parents=True, exist_ok=True)
        cli = [
            sys.executable,
            "-m",
            "pipelines.cli",
            "synth",
            "--rows",
            str(rows),
            "--dataset",
            DATASET,
            "--warehouse",
            str(live),
        ]
        subprocess.run(cli, check=True, cwd=ROOT, env=os.environ | {"FUNDFLOWS_QUIET": "1"})
    refresh_views(live)
    return live


def refresh_views(live: Path) -> bool:
    """Publish a new version (same data) when ``sql/views``, ``sql/aggregates`` or
    ``sql/migrations`` changed after the warehouse was written: views, macros and the
    pre-aggregated tables are stored in the file, and the bench must time today's SQL (the
    publication migrates the file and rebuilds the pre-aggregated tables from every flow)."""
    from pipelines.store import warehouse

    folders = ("views", "aggregates", "migrations")
    newest = max(p.stat().st_mtime for d in folders for p in (ROOT / "sql" / d).glob("*.sql"))
    if warehouse.resolve(live).stat().st_mtime >= newest:
        return False
    with warehouse.publish(live):
        pass  # publish migrates, runs create_views and aggregates.maintain on the copy
    return True


def time_runs(
    fn: Callable[[], object],
    runs: int = 20,
    budget_s: float = 60.0,
    before: Callable[[], object] | None = None,
    min_runs: int = 5,
    cpu: list[float] | None = None,
) -> list[float]:
    """Seconds of up to ``runs`` calls of ``fn`` (at least ``min_runs`` when the budget runs
    out); ``before`` runs untimed before each call (e.g. clearing a cache); ``cpu`` collects
    the process CPU seconds (all threads) of each call."""
    samples: list[float] = []
    started = time.perf_counter()
    for _ in range(runs):
        if before is not None:
            before()
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
        if cpu is not None:
            cpu.append(time.process_time() - c0)
        if len(samples) >= min_runs and time.perf_counter() - started > budget_s:
            break
    return samples


def pct(samples: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``samples``, nearest rank (p95 of 20 runs = 19th)."""
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), round(q * len(ordered) + 0.4999)))
    return ordered[rank - 1]


def p50(samples: list[float]) -> float:
    return statistics.median(samples)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown"
    match = re.search(r"model name\s*:\s*(.+)", text)
    return match.group(1).strip() if match else "unknown"


def machine_facts() -> dict[str, str]:
    import duckdb
    import pandas
    import psutil
    import streamlit

    load = os.getloadavg()
    return {
        "cpus (nproc)": str(os.cpu_count()),
        "CPU model": _cpu_model(),
        "RAM": f"{psutil.virtual_memory().total / 2**30:.1f} GiB",
        "load average (1/5/15 min) at start": f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}",
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pandas": pandas.__version__,
        "streamlit": streamlit.__version__,
        "os": platform.platform(),
    }


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f}/{five:.1f}"
