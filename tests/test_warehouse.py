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

from pipelines.store import aggregates, schema, sql, warehouse


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


def test_a_killed_writers_leftover_copy_and_wal_are_not_replayed(empty_warehouse: Path) -> None:
    """A writer SIGKILLed after committing on its private copy leaves ``*.tmp`` and
    ``*.tmp.wal``; DuckDB would replay that WAL onto the next writer's fresh copy."""
    _add_dataset(empty_warehouse, "a")
    nxt, _ = warehouse._next_path(empty_warehouse)
    tmp = nxt.with_name(nxt.name + ".tmp")
    killed = textwrap.dedent(
        """
        import os, shutil, signal, sys, duckdb
        shutil.copyfile(sys.argv[1], sys.argv[2])
        con = duckdb.connect(sys.argv[2])
        con.execute("SET checkpoint_threshold = '10GB'")
        con.execute("INSERT INTO dataset VALUES ('ghost', false, false, 'killed')")
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    current = str(warehouse.resolve(empty_warehouse))
    subprocess.run([sys.executable, "-c", killed, current, str(tmp)], check=False)
    assert tmp.with_name(tmp.name + ".wal").exists()  # the fault really left a WAL
    _add_dataset(empty_warehouse, "b")
    assert _datasets(empty_warehouse) == ["a", "b"]
    assert not tmp.with_name(tmp.name + ".wal").exists()


def test_a_failing_check_refuses_the_publication(empty_warehouse: Path, monkeypatch) -> None:
    monkeypatch.setattr(warehouse, "run_checks", lambda con, batches=None: ["flow_keys: 1 row(s)"])
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
        from pipelines.store import warehouse
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
        sql.text("../etc/passwd")
    with pytest.raises(FileNotFoundError):
        sql.text("queries/no_such_query")


def test_query_binds_only_declared_parameters_and_requires_them(empty_warehouse: Path) -> None:
    con = warehouse.connect_reader(empty_warehouse)
    frame = warehouse.query(con, "datasets_summary", unused="ignored")
    assert list(frame.columns) == [
        "dataset", "is_illustrative", "flows", "batches", "first_year", "last_year",
    ]  # fmt: skip
    con.close()


def _reference_warehouse(tmp_path: Path) -> Path:
    live = tmp_path / "warehouse.duckdb"
    minimal = Path(__file__).resolve().parent / "bad_template" / "minimal_reference.sql"
    with warehouse.publish(live, fresh=True) as pub:
        pub.con.execute(minimal.read_text(encoding="utf-8"))
    return live


def _corrupt_one_flow(live: Path) -> None:
    """Make a published flow break flow_money behind the checks' back (a direct write)."""
    con = warehouse.connect_plain(live, read_only=False)
    try:
        con.execute(
            "UPDATE flow SET currency = 'usd' WHERE flow_id = (SELECT min(flow_id) FROM flow)"
        )
    finally:
        con.close()


def _template_file(tmp_path: Path, name: str, amount: int) -> Path:
    path = tmp_path / name
    path.write_text(
        f"date,stage,contributor,amount,currency,source\n2024-01-02,paid,India,{amount},USD,doc\n",
        encoding="utf-8",
    )
    return path


def test_a_load_checks_only_its_own_flows_and_a_deletion_checks_every_flow(tmp_path: Path) -> None:
    from pipelines.ingest import load
    from pipelines.store import batches

    live = _reference_warehouse(tmp_path)
    (first,) = load.load_files(live, [_template_file(tmp_path, "a.csv", 10)], dataset="main")
    assert first.status == "loaded"
    _corrupt_one_flow(live)
    # only inserts since a checked version: the old (corrupted) flow is not looked at again
    (second,) = load.load_files(live, [_template_file(tmp_path, "b.csv", 20)], dataset="main")
    assert second.status == "loaded"
    # a deletion can orphan old flows: the whole table is checked, and the corruption is found
    with pytest.raises(warehouse.WarehouseError, match="flow_money: 1 row"):
        batches.delete_batch(live, second.batch_id)


def test_check_scope_falls_back_to_every_flow_unless_the_body_only_inserted_batches(
    empty_warehouse: Path,
) -> None:
    con = warehouse.connect_plain(empty_warehouse, read_only=False)
    try:
        con.execute("INSERT INTO dataset VALUES ('main', false, false, 'test')")
        insert_flow = (
            "INSERT INTO flow (flow_id, dataset, batch_id, stage, leg, amount_original, "
            "currency, is_illustrative) VALUES ($b || '-1', 'main', $b, 'paid', 'direct', 1, "
            "$c, false)"
        )
        con.execute(insert_flow, {"b": "b0", "c": "USD"})  # in the version the body starts from
        start = schema.counts(con)
        assert schema.check_scope(con, start) is None  # nothing recorded: every flow
        con.execute("CREATE TEMP TABLE publication_write (batch_id VARCHAR, op VARCHAR)")
        for batch in ("b1", "b2"):
            con.execute("INSERT INTO publication_write VALUES ($b, 'insert')", {"b": batch})
            con.execute(insert_flow, {"b": batch, "c": "usd"})
        assert schema.check_scope(con, start) == ["b1", "b2"]
        aggregates.maintain(con, None)  # as publish() does before the checks
        failing = warehouse.run_checks(con, ["b2"])
        assert [f.split(":")[0] for f in failing] == ["flow_money", "flow_references"]
        assert "b2-1" in failing[0]
        assert "b1-1" not in " ".join(failing)
        assert "b0-1" in warehouse.run_checks(con, None)[1]  # its batch is missing too
        assert "flow_money: 3 row(s)" in warehouse.run_checks(con, None)[0]  # b0, b1 and b2
        con.execute("DELETE FROM flow WHERE flow_id = 'b1-1'")  # a new flow: still only inserts
        assert schema.check_scope(con, start) == ["b1", "b2"]
        con.execute("DELETE FROM flow WHERE flow_id = 'b0-1'")  # an old flow: counts do not add up
        assert schema.check_scope(con, start) is None
        con.execute("INSERT INTO publication_write VALUES ('b0', 'delete')")
        assert schema.check_scope(con, start) is None
    finally:
        con.close()


def test_a_cube_that_misses_flows_fails_the_checks(empty_warehouse: Path) -> None:
    con = warehouse.connect_plain(empty_warehouse, read_only=False)
    try:
        con.execute("INSERT INTO dataset VALUES ('main', false, false, 'test')")
        con.execute(
            "INSERT INTO load_batch (batch_id, dataset, file_name, sha256, format, loaded_at, "
            "rows_read, rows_loaded, rows_rejected, is_bundled) VALUES ('b1', 'main', 'f.csv', "
            "'x', 'csv', now(), 1, 1, 0, false)"
        )
        con.execute(
            "INSERT INTO flow (flow_id, dataset, batch_id, stage, leg, amount_original, currency,"
            " is_illustrative) VALUES ('b1-1', 'main', 'b1', 'paid', 'direct', 1, 'USD', false)"
        )
        assert any(f.startswith("flow_cube_counts") for f in warehouse.run_checks(con))
        aggregates.maintain(con, {"main"})
        assert not any(f.startswith("flow_cube_counts") for f in warehouse.run_checks(con))
    finally:
        con.close()
