"""Eight concurrent readers (seven threads on the dashboard's query function, one AppTest
session of the whole app) run the dashboard's chart queries while loads and a rebuild publish
new versions: zero errors, and no reader ever sees part of a batch."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hardening_support import write_big_csv
from streamlit.testing.v1 import AppTest

from dashboard import data
from dashboard.filter_state import Filters, sql_params
from pipelines.store import warehouse

ROOT = Path(__file__).resolve().parents[1]
READERS = 8
DATASET = "conc"
CHART_QUERIES = [
    "overview_kpis", "overview_by_year", "overview_by_modality", "fund_by_year",
    "fund_contributors", "datasets_summary",
]  # fmt: skip


class DashboardReader(threading.Thread):
    """Runs chart queries through ``dashboard.data.query`` (cached, as the pages do) and the
    batch consistency query on its own reader connection (uncached), reopened like the
    dashboard when the live path moves, until told to stop."""

    def __init__(self, index: int, live: Path) -> None:
        super().__init__(daemon=True)
        self.index = index
        self.live = live
        self.stop = threading.Event()
        self.errors: list[str] = []
        self.queries = 0
        self.versions: set[str] = set()
        self.partial: list[tuple] = []

    def run(self) -> None:
        params = sql_params(Filters(dataset="demo"))
        step, opened, con = self.index, None, None
        while not self.stop.is_set():
            try:
                data.query(CHART_QUERIES[step % len(CHART_QUERIES)], **params)
                if warehouse.resolve(self.live) != opened:
                    if con is not None:
                        con.close()
                    opened = warehouse.resolve(self.live)
                    con = warehouse.connect_reader(opened)
                    self.versions.add(str(opened))
                batches = warehouse.query(con, "batch_consistency", dataset=DATASET)
                self.queries += 2
                self.partial.extend(
                    tuple(r) for r in batches.itertuples(index=False) if r.rows_loaded != r.flows
                )
            except Exception as exc:  # noqa: BLE001 - every error is a failure we report
                self.errors.append(repr(exc)[:300])
            step += 1
            time.sleep(0.005)
        if con is not None:
            con.close()


def run_app_until(done: threading.Event) -> tuple[int, list[str]]:
    """An AppTest session of the whole app, rerun in this (main) thread until ``done``.

    AppTest compiles the page scripts; CPython's compiler is not safe to run from several
    threads at once, so the one AppTest session lives in the main thread and the writes run
    in a background thread."""
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120)
    runs, errors = 0, []
    while not done.is_set():
        try:
            at.run()
            errors.extend(e.message[:300] for e in at.exception)
            runs += 1
        except Exception as exc:  # noqa: BLE001 - every error is a failure we report
            errors.append(repr(exc)[:300])
    return runs, errors


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args], cwd=ROOT, capture_output=True,
        text=True, timeout=600, env={**os.environ, "FUNDFLOWS_QUIET": "1"},
    )  # fmt: skip


def _writes(live: Path, folder: Path, loads: int, rows: int) -> list[str]:
    """Loads of ``rows``-row files and one rebuild, one after another, as separate processes."""
    done = []
    for i in range(loads):
        csv = write_big_csv(folder / f"part{i}.csv", rows, seed=i)
        result = _cli("load", str(csv), "--dataset", DATASET, "--warehouse", str(live))
        assert result.returncode == 0, result.stderr
        done.append(f"load {i}")
        if i == loads // 2:
            result = _cli("build", "--warehouse", str(live), "--demo-rows", "3000")
            assert result.returncode == 0, result.stderr
            done.append("build")
    return done


def run_concurrently(
    built: Path, tmp: Path, monkeypatch: pytest.MonkeyPatch, loads: int, rows: int
) -> dict[str, int]:
    live = tmp / "warehouse.duckdb"
    shutil.copyfile(warehouse.resolve(built), live)
    monkeypatch.setenv("FUNDFLOWS_WAREHOUSE", str(live))
    readers = [DashboardReader(i, live) for i in range(READERS - 1)]
    for reader in readers:
        reader.start()
    done, writes, failures = threading.Event(), [], []

    def write() -> None:
        try:
            time.sleep(1.0)
            writes.extend(_writes(live, tmp, loads, rows))
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            failures.append(exc)
        finally:
            time.sleep(1.0)
            done.set()

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    app_runs, app_errors = run_app_until(done)
    writer.join()
    for reader in readers:
        reader.stop.set()
    for reader in readers:
        reader.join(timeout=180)
    assert failures == []
    assert [e for r in readers for e in r.errors] == []
    assert app_errors == []
    assert [p for r in readers for p in r.partial] == []
    assert all(r.queries > 0 for r in readers)
    assert app_runs > 0
    seen = set().union(*(r.versions for r in readers))
    assert len(seen) >= 2  # the readers did see new versions arrive
    figures = {
        "readers": READERS, "writes": len(writes), "queries": sum(r.queries for r in readers),
        "app_runs": app_runs, "versions_seen": len(seen),
    }  # fmt: skip
    print(f"\nconcurrency: {figures}")
    return figures


def test_eight_readers_see_whole_versions_while_loads_and_a_rebuild_publish(
    built_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    figures = run_concurrently(built_warehouse, tmp_path, monkeypatch, loads=2, rows=500)
    assert figures["writes"] == 3


@pytest.mark.long
def test_eight_readers_through_many_loads_and_rebuilds(
    built_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    figures = run_concurrently(built_warehouse, tmp_path, monkeypatch, loads=6, rows=50_000)
    assert figures["writes"] == 7
