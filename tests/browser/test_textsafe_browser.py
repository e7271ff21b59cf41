"""Text from data is text, in a real browser (issue 15, point 7): names that are links, images,
raw HTML and Markdown emphasis, loaded through the real loader as contributor, recipient,
description, source and file name (plus a saved view and a group so named), put no link or
image pointing outside the app into any page, and no request leaves for another host or port.
The names show as written (in Markdown text and in the charts' SVG)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, Route, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from textsafe_fixtures import (  # noqa: E402
    GROUP_NAME,
    HOSTILE,
    HOSTILE_FILE,
    OUTSIDE_MARKS,
    VIEW_NAME,
    hostile_warehouse,
    source_links,
)

from dashboard import i18n  # noqa: E402

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
WJ = "\u2060"  # the word joiner dashboard.safe_text puts into "://", "www." and "@"
CHARTS = {"overview": 3, "funds": 3, "regions": 3, "compare": 2, "sources": 1, "present": 1}
PAGES = {
    "overview": "/?dataset=main",
    "funds": "/funds?dataset=main&fund=pgtf",
    "regions": "/regions?dataset=main",
    "compare": "/compare?dataset=main",
    "explore": "/explore?dataset=main",
    "sources": "/sources?dataset=main",
    "present": "/present?dataset=main",
    "sql_console": "/sql_console?dataset=main",
}
# every element attribute that makes the browser fetch or link somewhere
LINKS_JS = """() => Array.from(document.querySelectorAll('*')).flatMap(el =>
    ['href', 'src', 'xlink:href', 'srcset', 'poster', 'data', 'action']
      .filter(name => el.hasAttribute(name))
      .map(name => [el.tagName.toLowerCase(), name, el.getAttribute(name)]))"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def hostile_server(built_warehouse, tmp_path_factory):
    folder = tmp_path_factory.mktemp("textsafe_browser")
    live, store = hostile_warehouse(built_warehouse, folder)
    port = _free_port()
    env = {**os.environ, "FUNDFLOWS_WAREHOUSE": str(live), "FUNDFLOWS_STATE": str(store),
           "FUNDFLOWS_QUIET": "1"}  # fmt: skip
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"),
           "--server.headless=true", "--server.address=127.0.0.1", f"--server.port={port}",
           "--browser.gatherUsageStats=false", "--server.fileWatcherType=none",
           "--server.enableStaticServing=true"]  # fmt: skip
    log = (folder / "streamlit.log").open("wb")
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":  # noqa: S310
                break
        time.sleep(0.3)
    yield url, live
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def _is_app(address: str, app: str) -> bool:
    """The app's own origin, or an address that fetches nothing (data:, blob:, #, about:)."""
    parts = urlsplit(address)
    if parts.scheme in ("data", "blob", "about", "javascript") or not parts.netloc:
        return parts.scheme != "javascript"
    return f"{parts.scheme}://{parts.netloc}" == app


def _open(page: Page, app: str, path: str, charts: int = 0) -> list[str]:
    """Open ``path`` with every request to another host or port refused and recorded."""
    outside: list[str] = []

    def guard(route: Route) -> None:
        if _is_app(route.request.url, app):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.set_viewport_size({"width": 1400, "height": 2800})
    page.route("**/*", guard)
    page.goto(app + path)
    expect(page.get_by_test_id("stSidebar")).to_be_attached(timeout=120_000)
    _idle(page, charts)
    return outside


def _idle(page: Page, charts_at_least: int = 0) -> None:
    """The run has finished and every chart is drawn (and has fetched what it would)."""
    status, charts = page.get_by_test_id("stStatusWidget"), page.get_by_test_id("stPlotlyChart")
    page.wait_for_timeout(500)  # a rerun that a click asked for has started
    expect(status).to_have_count(0, timeout=120_000)
    if charts_at_least:
        expect(charts.nth(charts_at_least - 1)).to_be_attached(timeout=120_000)
    for attempt in range(3):  # a chart redrawn by a late rerun is replaced: look again
        try:
            expect(status).to_have_count(0, timeout=120_000)
            for n in range(charts.count()):
                charts.nth(n).scroll_into_view_if_needed(timeout=30_000)
                expect(charts.nth(n).locator(".main-svg").first).to_be_attached(timeout=120_000)
            break
        except PlaywrightError:
            if attempt == 2:
                raise
            page.wait_for_timeout(1000)
    page.wait_for_timeout(1500)
    expect(status).to_have_count(0, timeout=120_000)


def _pick(page: Page, box: Locator, option: str) -> None:
    """Add ``option`` to the multiselect ``box`` (a rerun may close its list: try again)."""
    for _attempt in range(4):
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=120_000)
        box.get_by_role("combobox").click()
        with contextlib.suppress(PlaywrightTimeout):
            page.get_by_role("option").filter(has_text=option).first.click(timeout=5_000)
            break
        page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    expect(box).to_contain_text(option, timeout=30_000)


def _outside_links(page: Page, app: str, allowed: frozenset[str]) -> list[tuple[str, str, str]]:
    """Links and sources pointing outside the app, but links to bundled source documents."""
    found = []
    for tag, name, value in page.evaluate(LINKS_JS):
        address = value.split()[0] if value.strip() else value
        if _is_app(page.evaluate("a => new URL(a, document.baseURI).href", address), app):
            continue
        if tag == "a" and value in allowed:
            continue
        found.append((tag, name, value))
    return found


def _marked(page: Page) -> list[tuple[str, str, str]]:
    """Any attribute holding one of the hostile names' addresses (relative ones included)."""
    return [link for link in page.evaluate(LINKS_JS) if any(m in link[2] for m in OUTSIDE_MARKS)]


def _text(page: Page) -> str:
    return page.get_by_test_id("stMain").inner_text().replace(WJ, "")


def _svg_text(page: Page) -> list[str]:
    return page.locator('[data-testid="stPlotlyChart"] svg text').all_text_contents()


@pytest.mark.parametrize("name", list(PAGES))
def test_no_page_links_or_fetches_outside_the_app_from_loaded_names(page, hostile_server, name):
    app, live = hostile_server
    outside = _open(page, app, PAGES[name], CHARTS.get(name, 0))
    if name == "explore":  # the search lists matching actor names in a caption
        page.get_by_label(i18n.t("explore.search")).fill("bold")
        page.get_by_label(i18n.t("explore.search")).press("Enter")
        _idle(page)
        expect(page.get_by_test_id("stMain").get_by_text("Matching actors")).to_be_visible()
    shots = ROOT / "test-output" / "browser"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"textsafe_{name}.png"), full_page=True)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert _marked(page) == []  # no link or image made from the names, relative ones included
    assert _outside_links(page, app, source_links(live)) == []
    assert [u for u in outside if any(m in u for m in OUTSIDE_MARKS)] == []
    assert outside == [], "requests to other hosts or ports"
    text = _text(page)  # and the names show as written
    if name == "explore":
        assert "**bold**" in text
    if name == "compare":
        assert sum(f"{n}: " in text for n in HOSTILE) == 3, text
    if name == "overview":
        assert HOSTILE_FILE in text
    if name == "funds":  # contributors as the chart's category labels
        shown = _svg_text(page)
        assert set(HOSTILE) <= set(shown), shown


def test_saved_names_show_as_written_on_compare_and_present(page, hostile_server):
    app, live = hostile_server
    outside = _open(page, app, PAGES["present"], CHARTS["present"])
    main = page.get_by_test_id("stMain")
    main.get_by_test_id("stExpander").first.locator("summary").click()
    _pick(page, main.get_by_test_id("stMultiSelect").first, VIEW_NAME)
    _idle(page, CHARTS["present"])
    expect(page.locator(".ff-slide-title")).to_contain_text(VIEW_NAME)
    assert _marked(page) == []
    assert _outside_links(page, app, source_links(live)) == []
    outside += _open(page, app, PAGES["compare"], CHARTS["compare"])
    box = page.get_by_test_id("stMain").get_by_test_id("stMultiSelect").first
    _pick(page, box, f"Group: {GROUP_NAME}")
    _idle(page, CHARTS["compare"])
    assert _marked(page) == []
    assert _outside_links(page, app, source_links(live)) == []
    assert outside == []
    assert f"Group: {GROUP_NAME}: " in _text(page)
    assert f"Group: {GROUP_NAME}" in _svg_text(page)  # the legend
