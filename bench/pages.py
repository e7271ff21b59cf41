"""Benchmark: whole dashboard pages at scale.

1. A full AppTest run of each page (``dashboard/app.py`` with ``?dataset=scale&page=<page>``),
   cold (query results and Streamlit caches cleared first) and warm (the same page run again),
   with a timeout.
2. Peak resident memory (VmHWM) of one ``streamlit run`` server after a headless Chromium
   (Playwright) visited every page, waiting on each until the script finished or timed out.

    .venv/bin/python bench/pages.py [--rows 100000] [--timeout 120] [--pages explore,sources]
        [--no-server]

Each AppTest figure is wall-clock seconds and, in brackets, the CPU seconds of the whole process
(every thread: DuckDB's workers included) during that run: on a busy machine the CPU time is
the steadier figure.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import common

APP = common.ROOT / "dashboard" / "app.py"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


@dataclass
class PageTiming:
    page: str
    cold: float | None  # None: timed out
    warm: float | None
    error: str
    cold_cpu: float | None = None
    warm_cpu: float | None = None


def pages(only: str = "") -> list[str]:
    from dashboard.filter_state import PAGES

    wanted = {p for p in only.split(",") if p}
    return [
        p
        for p in PAGES
        if (common.ROOT / "dashboard" / "app_pages" / f"{p}.py").is_file()
        and (not wanted or p in wanted)
    ]


def _run(at, timeout: float) -> tuple[float | None, float | None, str]:
    """Wall and process CPU seconds of one script run, and its exceptions."""
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        at.run(timeout=timeout)
    except RuntimeError as exc:  # AppTest: "script run timed out"
        return None, None, str(exc)[:120]
    took, cpu = time.perf_counter() - t0, time.process_time() - c0
    return took, cpu, "; ".join(str(e.value)[:120] for e in at.exception)


def apptest_pages(
    rows: int, timeout: float, state_dir: Path, only: str = "", live: Path | None = None
) -> list[PageTiming]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboard import data

    os.environ["FUNDFLOWS_WAREHOUSE"] = str(live or common.ensure_warehouse(rows))
    os.environ["FUNDFLOWS_STATE"] = str(state_dir / "state.sqlite")
    out = []
    for page in pages(only):
        data.clear()  # the dashboard's query results (an in-process cache, not st.cache_data)
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(APP), default_timeout=timeout)
        at.query_params["dataset"] = common.DATASET
        at.query_params["page"] = page
        cold, cold_cpu, error = _run(at, timeout)
        warm, warm_cpu, warm_error = (None, None, "") if cold is None else _run(at, timeout)
        timing = PageTiming(page, cold, warm, error or warm_error, cold_cpu, warm_cpu)
        print(
            f"{rows:>10,} page {page:<10} cold {_s(cold, cold_cpu)}  warm {_s(warm, warm_cpu)}"
            f"  {timing.error}",
            flush=True,
        )
        out.append(timing)
    return out


def _s(seconds: float | None, cpu: float | None = None) -> str:
    if seconds is None:
        return "timed out"
    return f"{seconds:.2f} s" + ("" if cpu is None else f" (CPU {cpu:.2f} s)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(live: Path, port: int, state: Path) -> subprocess.Popen:
    """``streamlit run dashboard/app.py`` on ``port``; returns once /_stcore/health says ok."""
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.headless=true",
        "--server.address=127.0.0.1",
        f"--server.port={port}",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
    ]
    env = os.environ | {"FUNDFLOWS_WAREHOUSE": str(live), "FUNDFLOWS_STATE": str(state)}
    proc = subprocess.Popen(
        cmd, cwd=common.ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        health = f"http://127.0.0.1:{port}/_stcore/health"
        with contextlib.suppress(OSError), urllib.request.urlopen(health, timeout=2) as r:
            if r.read() == b"ok":
                return proc
        time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"streamlit did not come up on port {port}")


def peak_rss_mb(pid: int) -> float:
    """Peak resident set size (VmHWM) of a process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def server_rss(rows: int, timeout: float, state_dir: Path) -> tuple[float, list[str]]:
    """Peak RSS of a server after a browser visited every page; notes per page."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    proc = start_server(common.ensure_warehouse(rows), port, state_dir / "state.sqlite")
    notes = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            for key in pages():
                t0 = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/{key}?dataset={common.DATASET}")
                try:
                    page.wait_for_selector(DONE, timeout=timeout * 1000)
                    notes.append(f"{key}: {time.perf_counter() - t0:.1f} s")
                except Exception:  # noqa: BLE001 (playwright timeout: recorded, not fatal)
                    notes.append(f"{key}: not finished after {timeout:.0f} s")
            browser.close()
        return peak_rss_mb(proc.pid), notes
    finally:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def main() -> None:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--pages", default="", help="comma-separated page keys (default: all)")
    parser.add_argument("--no-server", action="store_true", help="AppTest runs only")
    parser.add_argument(
        "--warehouse", type=Path, help="time this warehouse as it is (not made nor refreshed)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        apptest_pages(args.rows, args.timeout, Path(folder), args.pages, args.warehouse)
        if args.no_server:
            return
        rss, notes = server_rss(args.rows, args.timeout, Path(folder))
        print(f"{args.rows:>10,} server peak RSS {rss:,.0f} MB; " + "; ".join(notes))


if __name__ == "__main__":
    main()
