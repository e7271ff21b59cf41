"""Several dashboard processes serve one warehouse while a load publishes a new version.

Three ``streamlit run dashboard/app.py`` servers on different loopback ports open the same
live path; a real Chromium (Playwright, Debian's /usr/bin/chromium) drives each of them. While
``fundflows load`` publishes a new version in another process, the browsers keep visiting the
Overview (which shows the "data as of" stamp) and every other page. No page shows a Streamlit
exception, every stamp names the old or the new version, and once the load has finished every
server shows the new one.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.store import warehouse

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "dashboard" / "app.py"
TEMPLATE = REPO / "data" / "samples" / "template.csv"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]  # fmt: skip
STAMP = re.compile(r"Data as of warehouse version (\d+)")
DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
TIMEOUT_MS = 60_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert server.poll() is None, f"streamlit at {url} exited with {server.returncode}"
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:  # noqa: S310
                if reply.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"streamlit at {url} did not become healthy")


@pytest.fixture
def served(built_copy: Path, tmp_path: Path) -> Iterator[tuple[Path, list[str]]]:
    """The live warehouse (published once, so it is a versioned symlink) and three servers."""
    with warehouse.publish(built_copy):
        pass
    env = os.environ | {"FUNDFLOWS_WAREHOUSE": str(built_copy),
                        "FUNDFLOWS_STATE": str(tmp_path / "state.sqlite")}  # fmt: skip
    servers, urls = [], []
    for _ in range(3):
        port = _free_port()
        cmd = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.headless=true",
               "--server.address=127.0.0.1", f"--server.port={port}",
               "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"]  # fmt: skip
        servers.append(subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL))  # fmt: skip
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url, server in zip(urls, servers, strict=True):
            _wait_healthy(url, server)
        yield built_copy, urls
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(timeout=10)
            if server.poll() is None:
                server.kill()
                server.wait()


def _pages() -> list[str]:
    from dashboard.filter_state import PAGES

    return [
        p for p in PAGES if p != "overview" and (APP.parent / "app_pages" / f"{p}.py").is_file()
    ]


def _visit(page, url: str, key: str) -> int | None:
    """Open page ``key``; fail on an exception box; the stamp's version on the Overview."""
    page.goto(f"{url}/{'' if key == 'overview' else key}?dataset=demo")
    if key == "overview":
        page.get_by_text(STAMP).first.wait_for(timeout=TIMEOUT_MS)
    else:
        page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_selector(DONE, timeout=TIMEOUT_MS)
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, f"{url}/{key}: {errors.first.inner_text()[:500]}"
    if key != "overview":
        return None
    return int(STAMP.search(page.get_by_text(STAMP).first.inner_text()).group(1))


def test_three_servers_show_the_old_or_the_new_version_while_a_load_publishes(served):
    from playwright.sync_api import sync_playwright

    live, urls = served
    old = warehouse.version_of(warehouse.resolve(live))
    load = [
        sys.executable,
        "-m",
        "pipelines.cli",
        "load",
        str(TEMPLATE),
        "--warehouse",
        str(live),
    ]
    seen: list[int] = []
    with sync_playwright() as p:
        browsers = [p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                    for _ in urls]  # fmt: skip
        tabs = [b.new_page(viewport={"width": 1400, "height": 900}) for b in browsers]
        assert [_visit(tab, url, "overview") for tab, url in zip(tabs, urls, strict=True)] == [
            old
        ] * 3
        quiet = os.environ | {"FUNDFLOWS_QUIET": "1"}
        loader = subprocess.Popen(load, cwd=REPO, env=quiet, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True)  # fmt: skip
        others = iter(_pages())
        rounds = 0
        while loader.poll() is None and rounds < 2:  # all three busy while the load publishes
            rounds += 1
            for i, (tab, url) in enumerate(zip(tabs, urls, strict=True)):
                key = next(others, "overview") if i else "overview"
                version = _visit(tab, url, key)
                seen += [] if version is None else [version]
        output = loader.communicate()[0]
        assert loader.returncode == 0, output
        new = warehouse.version_of(warehouse.resolve(live))
        for key in others:  # pages not visited yet
            assert _visit(tabs[0], urls[0], key) is None
        after = [_visit(tab, url, "overview") for tab, url in zip(tabs, urls, strict=True)]
        for browser in browsers:
            browser.close()
    assert new == old + 1
    assert set(seen) <= {old, new}
    assert after == [new] * 3
