"""Versioned warehouse: publish is atomic, readers never block writers, rollback works."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from pipelines import warehouse


def _sha(path: Path) -> str:
    return hashlib.sha256(warehouse.resolve(path).read_bytes()).hexdigest()


def _add_dataset(live: Path, name: str) -> None:
    with warehouse.publish(live) as pub:
        pub.con.execute("INSERT INTO dataset VALUES ($n, false, false, 'test')", {"n": name})


def _datasets(live: Path) -> list[str]:
    con = warehouse.connect_plain(live)
    try:
        return [r[0] for r in con.execute("SELECT dataset FROM dataset ORDER BY 1").fetchall()]
    finally:
        con.close()


def test_publish_creates_a_symlinked_versioned_file_with_schema(empty_warehouse: Path) -> None:
    assert empty_warehouse.is_symlink()
    target = warehouse.resolve(empty_warehouse)
    assert target.name == "warehouse-000001.duckdb"
    con = warehouse.connect_reader(empty_warehouse)
    assert warehouse.schema_version(con) == warehouse.latest_schema_version()
    assert warehouse.get_meta(con, "warehouse_version") == "1"
    tables = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    con.close()
    expected = {"flow", "fund_statistic", "load_batch", "rejected_row", "country", "city"}
    assert expected <= tables


def test_each_publish_makes_a_new_version_and_keeps_the_data(empty_warehouse: Path) -> None:
    _add_dataset(empty_warehouse, "a")
    _add_dataset(empty_warehouse, "b")
    assert warehouse.version_of(warehouse.resolve(empty_warehouse)) == 3
    assert _datasets(empty_warehouse) == ["a", "b"]


def test_a_failure_inside_publish_leaves_the_live_version_byte_identical(
    empty_warehouse: Path,
) -> None:
    _add_dataset(empty_warehouse, "a")
    before = _sha(empty_warehouse)
    target_before = warehouse.resolve(empty_warehouse)

    def failing_write() -> None:
        with warehouse.publish(empty_warehouse) as pub:
            pub.con.execute("INSERT INTO dataset VALUES ('b', false, false, 'x')")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        failing_write()
    assert warehouse.resolve(empty_warehouse) == target_before
    assert _sha(empty_warehouse) == before
    assert _datasets(empty_warehouse) == ["a"]
    leftovers = [p.name for p in warehouse.versions_dir(empty_warehouse).iterdir()]
    assert not any(name.endswith(".tmp") for name in leftovers)


def test_a_failing_check_refuses_the_publication(empty_warehouse: Path, monkeypatch) -> None:
    monkeypatch.setattr(warehouse, "run_checks", lambda con: ["flow_keys: 1 row(s)"])
    before = _sha(empty_warehouse)
    with pytest.raises(warehouse.WarehouseError, match="flow_keys"):
        _add_dataset(empty_warehouse, "a")
    assert _sha(empty_warehouse) == before


def test_rollback_returns_to_the_previous_version(empty_warehouse: Path) -> None:
    _add_dataset(empty_warehouse, "a")
    _add_dataset(empty_warehouse, "b")
    warehouse.rollback(empty_warehouse)
    assert _datasets(empty_warehouse) == ["a"]
    warehouse.rollback(empty_warehouse)
    assert _datasets(empty_warehouse) == []
    with pytest.raises(warehouse.WarehouseError, match="no earlier version"):
        warehouse.rollback(empty_warehouse)


def test_a_plain_duckdb_file_is_adopted_as_the_first_version(tmp_path: Path) -> None:
    plain = tmp_path / "copied.duckdb"
    con = duckdb.connect(str(plain))
    warehouse.migrate(con)
    con.execute("INSERT INTO dataset VALUES ('kept', false, false, 'from elsewhere')")
    con.close()
    _add_dataset(plain, "new")
    assert plain.is_symlink()
    assert [p.name for p in warehouse.list_versions(plain)] == [
        "copied-000001.duckdb",
        "copied-000002.duckdb",
    ]
    assert _datasets(plain) == ["kept", "new"]


def test_old_versions_are_pruned_to_the_configured_number(
    empty_warehouse: Path, monkeypatch
) -> None:
    monkeypatch.setenv("FUNDFLOWS_KEEP_VERSIONS", "3")
    for name in "abcde":
        _add_dataset(empty_warehouse, name)
    versions = [warehouse.version_of(p) for p in warehouse.list_versions(empty_warehouse)]
    assert versions == [4, 5, 6]


def test_a_writer_publishes_while_another_process_holds_the_warehouse_open(
    empty_warehouse: Path, tmp_path: Path
) -> None:
    ready = tmp_path / "ready"
    go = tmp_path / "go"
    script = textwrap.dedent(
        """
        import sys, time, pathlib
        from pipelines import warehouse
        live, ready, go = (pathlib.Path(a) for a in sys.argv[1:4])
        con = warehouse.connect_reader(live)
        first = con.execute("SELECT count(*) FROM dataset").fetchone()[0]
        ready.touch()
        while not go.exists():
            time.sleep(0.05)
        still = con.execute("SELECT count(*) FROM dataset").fetchone()[0]
        con.close()
        con = warehouse.connect_reader(live)
        after = con.execute("SELECT count(*) FROM dataset").fetchone()[0]
        print(first, still, after)
        """
    )
    reader = subprocess.Popen(
        [sys.executable, "-c", script, str(empty_warehouse), str(ready), str(go)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while not ready.exists():
        assert reader.poll() is None, reader.stderr.read()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    _add_dataset(empty_warehouse, "while-open")
    go.touch()
    out, err = reader.communicate(timeout=30)
    assert reader.returncode == 0, err
    assert out.split() == ["0", "0", "1"]


def test_sql_names_are_restricted_to_files_under_sql() -> None:
    with pytest.raises(ValueError, match="not an SQL file name"):
        warehouse.sql("../etc/passwd")
    with pytest.raises(FileNotFoundError):
        warehouse.sql("queries/no_such_query")


def test_query_binds_only_declared_parameters_and_requires_them(empty_warehouse: Path) -> None:
    con = warehouse.connect_reader(empty_warehouse)
    frame = warehouse.query(con, "datasets_summary", unused="ignored")
    assert list(frame.columns) == [
        "dataset", "is_illustrative", "flows", "batches", "first_year", "last_year",
    ]  # fmt: skip
    con.close()
