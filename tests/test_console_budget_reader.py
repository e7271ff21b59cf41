"""Issue 15 point 2: the one reader configuration sets DuckDB's memory_limit and threads."""

from __future__ import annotations

import duckdb
import pytest
from workbench_fixtures import build_fixture_warehouse

from pipelines import settings
from pipelines.store import warehouse


@pytest.fixture
def live(tmp_path):
    # a file of its own: DuckDB refuses a second configuration for a file already open
    return build_fixture_warehouse(tmp_path / "warehouse.duckdb")


def _limits(con: duckdb.DuckDBPyConnection) -> tuple[str, int]:
    memory, threads = con.execute(
        "SELECT current_setting('memory_limit'), current_setting('threads')"
    ).fetchone()
    return memory, int(threads)


def test_the_reader_has_documented_default_limits(live, monkeypatch):
    monkeypatch.delenv("FUNDFLOWS_READER_MEMORY_MB", raising=False)
    monkeypatch.delenv("FUNDFLOWS_READER_THREADS", raising=False)
    con = warehouse.connect_reader(live)
    try:
        assert _limits(con) == ("1.0 GiB", settings.reader_threads())
    finally:
        con.close()
    assert 1 <= settings.reader_threads() <= 4


def test_the_reader_limits_follow_the_environment(live, monkeypatch):
    monkeypatch.setenv("FUNDFLOWS_READER_MEMORY_MB", "300")
    monkeypatch.setenv("FUNDFLOWS_READER_THREADS", "1")
    con = warehouse.connect_reader(live)
    try:
        assert _limits(con) == ("300.0 MiB", 1)
        with pytest.raises(duckdb.Error, match="locked"):  # a query cannot lift them
            con.execute("SET memory_limit = '8GB'")
        assert con.execute("SELECT count(*) FROM flow").fetchone()[0] > 0
    finally:
        con.close()
    with warehouse.attached_reader(live) as attached:  # uploads' previews and `validate`
        assert _limits(attached) == ("300.0 MiB", 1)


def test_a_query_beyond_the_reader_memory_limit_fails_instead_of_taking_the_machine(
    live, monkeypatch
):
    monkeypatch.setenv("FUNDFLOWS_READER_MEMORY_MB", "64")
    con = warehouse.connect_reader(live)
    try:
        with pytest.raises(duckdb.OutOfMemoryException):
            con.execute("SELECT len(list(range)) FROM range(20000000)").fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("value", ["0", "lots", "-3"])
def test_a_bad_setting_is_refused_with_its_name(monkeypatch, value):
    monkeypatch.setenv("FUNDFLOWS_READER_THREADS", value)
    with pytest.raises(ValueError, match="FUNDFLOWS_READER_THREADS"):
        warehouse.reader_config()
