"""In a real browser: the app in Arabic lays out right to left, and Chinese renders in the
charts (Noto Sans CJK). Screenshots go to test-output/languages/ to be looked at."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pptx import Presentation

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dashboard_fixtures import make_fixture_warehouse  # noqa: E402

from dashboard.i18n import catalogue  # noqa: E402

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-output" / "languages"
CHART = '[data-testid="stPlotlyChart"] .main-svg'

# Chromium launch and context settings: tests/browser/conftest.py


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lang_browser")
    live = make_fixture_warehouse(folder / "warehouse.duckdb")
    port = _free_port()
    env = {**os.environ, "FUNDFLOWS_WAREHOUSE": str(live),
           "FUNDFLOWS_STATE": str(folder / "state.sqlite")}  # fmt: skip
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"),
           "--server.headless=true", "--server.address=127.0.0.1", f"--server.port={port}",
           "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"]  # fmt: skip
    log = open(folder / "streamlit.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                break
        time.sleep(0.3)
    yield url
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


def _offline(page: Page) -> None:
    """Abort every request that leaves the machine: the pages must work with no network."""
    page.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url
               else route.abort())  # fmt: skip


def _shot(page: Page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def _direction(page: Page, selector: str) -> str:
    return page.locator(selector).first.evaluate("el => getComputedStyle(el).direction")


def test_arabic_lays_out_right_to_left_and_shapes_text(page: Page, app_url: str):
    ar = catalogue("ar")
    _offline(page)
    page.goto(f"{app_url}/?dataset=demo&lang=ar")
    expect(page.get_by_text(ar["page.overview"], exact=True).first).to_be_visible(timeout=30_000)
    page.locator(CHART).first.wait_for(timeout=30_000)
    assert _direction(page, '[data-testid="stMain"]') == "rtl"
    assert _direction(page, '[data-testid="stSidebarContent"]') == "rtl"
    heading = page.get_by_role("heading", name=ar["page.overview"]).first
    box, main = heading.bounding_box(), page.get_by_test_id("stMain").bounding_box()
    assert box is not None
    assert main is not None
    assert box["x"] + box["width"] > main["x"] + main["width"] * 0.6  # title sits on the right
    _shot(page, "ar_overview")
    page.goto(f"{app_url}/present?dataset=demo&lang=ar")
    expect(page.get_by_text(ar["story.kpis_title"], exact=True)).to_be_visible(timeout=30_000)
    expect(page.get_by_text("الشريحة 1 من 5")).to_be_visible()
    page.locator(CHART).first.wait_for(timeout=30_000)
    _shot(page, "ar_present")
    assert not page.get_by_test_id("stException").count()


def test_chinese_renders_in_charts_and_on_the_present_page(page: Page, app_url: str):
    zh = catalogue("zh")
    _offline(page)
    page.goto(f"{app_url}/?dataset=demo&lang=zh")
    expect(page.get_by_text(zh["filters.title"], exact=True)).to_be_visible(timeout=30_000)
    page.locator(".sankey").first.wait_for(timeout=30_000)
    sankey_text = page.locator(".sankey").first.text_content() or ""
    assert zh["kind.government"] in sankey_text  # 政府: a Chinese node label in the SVG
    _shot(page, "zh_overview")
    page.goto(f"{app_url}/present?dataset=demo&lang=zh")
    expect(page.get_by_text("第 1 张，共 5 张")).to_be_visible(timeout=30_000)
    page.get_by_test_id("stPagination").get_by_text("2", exact=True).click()
    expect(page.get_by_text("第 2 张，共 5 张")).to_be_visible(timeout=30_000)
    page.locator(CHART).first.wait_for(timeout=30_000)
    _shot(page, "zh_present_sankey")
    page.get_by_test_id("stPagination").get_by_text("4", exact=True).click()
    expect(page.get_by_text(zh["story.regions_title"], exact=True)).to_be_visible(timeout=30_000)
    page.locator(".choroplethlocation").first.wait_for(timeout=30_000)  # drawn offline
    expect(page.get_by_text("塞内加尔接受最多", exact=False)).to_be_visible()
    _shot(page, "zh_present_map")
    assert not page.get_by_test_id("stException").count()


def test_a_speaker_leaves_with_the_french_deck_from_the_present_page(page: Page, app_url, tmp_path):
    fr = catalogue("fr")
    _offline(page)
    page.goto(f"{app_url}/present?dataset=demo&lang=fr")
    expect(page.get_by_text("Diapositive 1 sur 5")).to_be_visible(timeout=30_000)
    page.get_by_text(fr["present.source_label"]).click()
    page.get_by_role("button", name=fr["present.prepare_pptx"]).click()
    ready = page.get_by_role("button", name=fr["present.download_pptx"])
    expect(ready).to_be_visible(timeout=120_000)  # every chart drawn, under a spinner
    with page.expect_download(timeout=30_000) as download:
        ready.click()
    path = tmp_path / "talk.pptx"
    download.value.save_as(path)
    prs = Presentation(str(path))
    titles = [s.shapes.title.text for s in prs.slides]
    assert titles[0] == fr["deck.title"]
    assert titles[-1] == fr["deck.closing_title"]
    assert len(titles) == 7
    notes = [sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.name == "footnotes"]
    assert notes[0].startswith("Sources : [1] A/RES/58/220")
