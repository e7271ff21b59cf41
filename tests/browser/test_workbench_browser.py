"""In a real browser: drill from a pivot cell to its rows on the Explore page and download them."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from pipelines.query import drill, slices
from pipelines.store import warehouse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from workbench_fixtures import build_fixture_warehouse  # noqa: E402

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]

# Chromium launch and context settings: tests/browser/conftest.py


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def workbench_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wb_browser")
    live = build_fixture_warehouse(folder / "warehouse.duckdb")
    port = _free_port()
    env = {**os.environ, "FUNDFLOWS_WAREHOUSE": str(live),
           "FUNDFLOWS_STATE": str(folder / "state.sqlite")}  # fmt: skip
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"),
           "--server.headless=true", "--server.address=127.0.0.1", f"--server.port={port}",
           "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"]  # fmt: skip
    log = open(_out() / "workbench_streamlit.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                break
        time.sleep(0.3)
    yield url, live
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


def _selectbox(page: Page, label: str):
    labelled = page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True)
    return page.get_by_test_id("stSelectbox").filter(has=labelled)


def _choose(page: Page, label: str, option: str) -> None:
    """Pick an option once the page is idle (a rerun redraws and closes an open list)."""
    for _attempt in range(3):
        _wait_for_run(page)
        _selectbox(page, label).click()
        choice = page.get_by_role("option", name=option, exact=True)
        with contextlib.suppress(PlaywrightTimeout):
            choice.click(timeout=5_000)
            break
    combo = _selectbox(page, label).get_by_role("combobox")
    expect(combo).to_have_value(option, timeout=15_000)
    _wait_for_run(page)


def test_drill_from_a_pivot_cell_to_its_rows_and_download_them(page: Page, workbench_server):
    url, live = workbench_server
    page.goto(f"{url}/explore?dataset=real&page=explore")
    expect(page.get_by_text("Rows behind a cell")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    _choose(page, "Fund", "PGTF")
    _choose(page, "Year", "2001")
    con = warehouse.connect_plain(live)
    try:
        params = slices.filter_params(dataset=["real"], stage_group=["transferred"],
                                      leg=["in", "direct"])  # fmt: skip
        want = drill.drill(con, params, {"fund": "PGTF", "year": "2001"})
    finally:
        con.close()
    expect(page.get_by_text(f"{len(want)} flows · sum $15K")).to_be_visible(timeout=15_000)
    _wait_for_run(page)
    page.screenshot(path=str(_out() / "workbench_drill.png"), full_page=True)
    buttons = page.get_by_test_id("stDownloadButton").filter(has_text="CSV")
    with page.expect_download() as info:
        buttons.nth(1).click()
    path = info.value.path()
    rows = pd.read_csv(path)
    assert sorted(rows["flow_id"]) == sorted(want["flow_id"])
    assert rows["amount_display"].sum() == pytest.approx(float(want["amount_display"].sum()))
    assert info.value.suggested_filename == "rows.csv"
    # the rows themselves are read on demand: a table appears when asked for
    tables = page.get_by_test_id("stDataFrame").count()
    page.get_by_text("Show the rows", exact=False).click()
    _wait_for_run(page)
    expect(page.get_by_test_id("stDataFrame")).to_have_count(tables + 1, timeout=15_000)
    expect(page.get_by_test_id("stException")).to_have_count(0)


def _wait_for_run(page: Page) -> None:
    """The script run has finished: the last element is drawn and the status widget is idle."""
    expect(page.get_by_text("No contributor groups yet", exact=False)).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=30_000)
    page.wait_for_timeout(300)


def _out() -> Path:
    folder = ROOT / "test-output" / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
