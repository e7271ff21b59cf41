"""Issue 15 point 1: every SQL console query runs inside a memory and wall-clock budget.

Each attack is stopped by killing its worker process, the page says how long the query ran
and why it stopped, a query stops when its session's script is stopped, and the gates allow
one query per session and ``max_concurrent`` per server. (Times to stop and peak memory of
the full attack list are measured by ``bench/console_attacks.py``, not asserted here.)
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import psutil
import pytest
from streamlit.testing.v1 import AppTest
from workbench_fixtures import build_fixture_warehouse

from dashboard.workbench import console_runner, sql_console

CONSOLE = Path(__file__).resolve().parents[1] / "dashboard" / "app_pages" / "sql_console.py"
ENDLESS = "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SELECT max(n) FROM t"
HUGE_STRING = "SELECT length(repeat('x', 2000000000)) AS n"  # one call: no interrupt reaches it


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    return build_fixture_warehouse(tmp_path_factory.mktemp("budget") / "warehouse.duckdb")


@pytest.fixture
def page(live, tmp_path, monkeypatch):
    monkeypatch.setenv("FUNDFLOWS_WAREHOUSE", str(live))
    monkeypatch.setenv("FUNDFLOWS_STATE", str(tmp_path / "state.sqlite"))
    return AppTest.from_file(str(CONSOLE), default_timeout=60)


def _submit(at: AppTest, text: str) -> AppTest:
    at.run()
    at.text_area(key="sql_text").input(text)
    return at.button[0].click().run()


def _workers() -> list[psutil.Process]:
    return [
        p
        for p in psutil.Process().children(recursive=True)
        if "console_worker" in " ".join(p.cmdline())
    ]


def test_the_page_stops_an_endless_query_at_the_secret_time_limit(page):
    page.secrets["fundflows"] = {"console_seconds": 1}
    _submit(page, ENDLESS)
    message = page.error[0].value
    assert "time limit of 1 s" in message
    ran = float(message.split("ran ")[1].split(" s")[0])  # the page says how long it ran
    assert ran >= 1.0
    assert _workers() == []


def test_the_page_stops_a_query_past_the_secret_memory_limit(page):
    page.secrets["fundflows"] = {"console_memory_mb": 256}
    rss_before = psutil.Process().memory_info().rss
    _submit(page, HUGE_STRING)
    assert "memory limit of 256 MB" in page.error[0].value
    assert "ran " in page.error[0].value
    # the 2 GB string never lived in this (the server's) process
    assert psutil.Process().memory_info().rss - rss_before < 200 * 2**20


@pytest.mark.parametrize(
    "text",
    [
        "SELECT sum(len(x)) FROM (SELECT list(range) AS x FROM range(100000000))",
        "SELECT count(*) FROM (SELECT * FROM range(100000000) ORDER BY random())",
        "SELECT string_agg(repeat('x', 1000)) FROM range(10000000)",
    ],
)
def test_memory_attacks_stop_with_the_memory_reason(live, text):
    budget = sql_console.Budget(seconds=30, memory_mb=256)
    with pytest.raises(sql_console.ConsoleRefusal, match="memory limit of 256 MB") as stop:
        sql_console.run(live, text, budget=budget)
    assert stop.value.reason == "memory"
    assert not list(Path(live).parent.rglob("*.tmp"))  # nothing spilled beside the warehouse


def test_a_result_bigger_than_its_budget_is_stopped(live):
    budget = sql_console.Budget(result_mb=1)
    with pytest.raises(sql_console.ConsoleRefusal, match="larger than 1 MB") as stop:
        sql_console.run(live, "SELECT repeat('x', 100000) AS s FROM range(100)", budget=budget)
    assert stop.value.reason == "result"


def test_a_query_stops_when_its_session_stops_polling(live):
    class SessionEnded(Exception):
        pass

    def poll(seconds: float) -> None:
        if seconds > 0.5:
            raise SessionEnded

    started = time.perf_counter()
    with pytest.raises(SessionEnded):
        sql_console.run(live, ENDLESS, budget=sql_console.Budget(seconds=60), poll=poll)
    assert time.perf_counter() - started < 60
    assert _workers() == []
    assert console_runner.running() == 0


def _in_background(live, session, budget, box):
    def target():
        try:
            box.append(sql_console.run(live, ENDLESS, budget=budget, session=session))
        except sql_console.ConsoleRefusal as refusal:
            box.append(refusal)

    thread = threading.Thread(target=target)
    thread.start()
    deadline = time.monotonic() + 30
    while console_runner.running() == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    return thread


def test_one_query_per_session_at_a_time(live):
    budget = sql_console.Budget(seconds=3)
    box: list = []
    thread = _in_background(live, "session-a", budget, box)
    try:
        with pytest.raises(sql_console.ConsoleRefusal, match="previous query is still running"):
            sql_console.run(live, "SELECT 1", budget=budget, session="session-a")
        other = sql_console.run(live, "SELECT 1 AS x", budget=budget, session="session-b")
        assert other.frame["x"].item() == 1
    finally:
        thread.join()
    assert box[0].reason == "time"
    assert sql_console.run(live, "SELECT 2 AS x", session="session-a").frame["x"].item() == 2


def test_a_server_runs_at_most_max_concurrent_console_queries(live):
    budget = sql_console.Budget(seconds=3, max_concurrent=2)
    boxes: list[list] = [[], []]
    threads = [_in_background(live, f"s{i}", budget, boxes[i]) for i in range(2)]
    try:
        deadline = time.monotonic() + 30
        while console_runner.running() < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        with pytest.raises(sql_console.ConsoleRefusal, match="busy") as busy:
            sql_console.run(live, "SELECT 1", budget=budget, session="s3")
        assert busy.value.reason == "busy"
    finally:
        for thread in threads:
            thread.join()
    assert [box[0].reason for box in boxes] == ["time", "time"]
    assert console_runner.running() == 0
