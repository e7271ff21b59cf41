"""`rollback` undoes the last publication, from the publication log (issue 15, point 5).

The log (``warehouses/<stem>.publications.json``) lists the versions that were live, in order;
rollback follows it whatever the version numbers, files that were never live are no target, and
pruning keeps what a few rollbacks need. Kills in the swap window are in ``test_faults.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hardening_support import table_checksums, write_big_csv
from typer.testing import CliRunner

from pipelines.cli.main import app
from pipelines.store import publication_log, warehouse


def _add_dataset(live: Path, name: str) -> Path:
    with warehouse.publish(live) as pub:
        pub.con.execute("INSERT INTO dataset VALUES ($n, false, false, 'test')", {"n": name})
    return warehouse.resolve(live)


def _datasets(live: Path) -> list[str]:
    con = warehouse.connect_plain(live)
    try:
        return [r[0] for r in con.execute("SELECT dataset FROM dataset ORDER BY 1").fetchall()]
    finally:
        con.close()


def _log(live: Path) -> list[str]:
    path = publication_log.log_path(warehouse.versions_dir(live), live.stem)
    return json.loads(path.read_text(encoding="utf-8"))["live"]


def _files(live: Path) -> list[str]:
    return [p.name for p in warehouse.list_versions(live)]


def _cli(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args], env={"FUNDFLOWS_QUIET": "1"})
    return result.exit_code, result.output


def test_load_rollback_load_rollback_returns_to_the_state_before_the_first_load(
    built_copy: Path, tmp_path: Path
) -> None:
    """load x; rollback; load y; rollback: neither x nor y, every table as before x."""
    before = table_checksums(built_copy)
    x = write_big_csv(tmp_path / "x.csv", 30, seed=1)
    y = write_big_csv(tmp_path / "y.csv", 40, seed=2)
    steps = [
        ("load", x, "--dataset", "x"),
        ("rollback",),
        ("load", y, "--dataset", "y"),
        ("rollback",),
    ]
    for step in steps:
        code, output = _cli(*step, "--warehouse", built_copy)
        assert code == 0, output
    datasets = _datasets(built_copy)
    assert "x" not in datasets
    assert "y" not in datasets
    assert table_checksums(built_copy) == before
    code, output = _cli("rollback", "--warehouse", built_copy)  # nothing earlier was published
    assert code == 2
    assert "no earlier version" in output


def test_each_rollback_goes_one_publication_further_back(empty_warehouse: Path) -> None:
    for name in "abc":
        _add_dataset(empty_warehouse, name)
    warehouse.rollback(empty_warehouse)
    assert _datasets(empty_warehouse) == ["a", "b"]
    _add_dataset(empty_warehouse, "d")
    assert _datasets(empty_warehouse) == ["a", "b", "d"]
    warehouse.rollback(empty_warehouse)
    assert _datasets(empty_warehouse) == ["a", "b"]
    warehouse.rollback(empty_warehouse)
    assert _datasets(empty_warehouse) == ["a"]
    warehouse.rollback(empty_warehouse)
    assert _datasets(empty_warehouse) == []
    with pytest.raises(warehouse.WarehouseError, match="no earlier version"):
        warehouse.rollback(empty_warehouse)


def test_the_log_lists_the_live_versions_and_an_undone_one_is_gone(empty_warehouse: Path) -> None:
    _add_dataset(empty_warehouse, "a")
    undone = _add_dataset(empty_warehouse, "b")
    assert _log(empty_warehouse) == _files(empty_warehouse) == [
        "warehouse-000001.duckdb", "warehouse-000002.duckdb", "warehouse-000003.duckdb",
    ]  # fmt: skip
    warehouse.rollback(empty_warehouse)
    assert _log(empty_warehouse) == ["warehouse-000001.duckdb", "warehouse-000002.duckdb"]
    assert not undone.exists()  # never a target again, so not kept


def test_version_numbers_are_never_reused_after_a_rollback(empty_warehouse: Path) -> None:
    """The dashboard caches connections and results by the version file's path: a new
    publication after a rollback must not take the undone version's name."""
    undone = _add_dataset(empty_warehouse, "a")
    warehouse.rollback(empty_warehouse)
    new = _add_dataset(empty_warehouse, "b")
    assert warehouse.version_of(new) > warehouse.version_of(undone)
    warehouse.rollback(empty_warehouse)
    newer = _add_dataset(empty_warehouse, "c")
    assert warehouse.version_of(newer) > warehouse.version_of(new)
    con = warehouse.connect_reader(empty_warehouse)
    try:
        assert warehouse.get_meta(con, "warehouse_version") == str(warehouse.version_of(newer))
    finally:
        con.close()


def test_pruning_keeps_the_versions_of_the_last_publications_for_rollback(
    empty_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FUNDFLOWS_KEEP_VERSIONS", "3")
    _add_dataset(empty_warehouse, "a")
    warehouse.rollback(empty_warehouse)  # v2 undone
    for name in "bcde":
        _add_dataset(empty_warehouse, name)  # v3..v6
    assert _log(empty_warehouse) == _files(empty_warehouse) == [
        "warehouse-000004.duckdb", "warehouse-000005.duckdb", "warehouse-000006.duckdb",
    ]  # fmt: skip
    warehouse.rollback(empty_warehouse)
    warehouse.rollback(empty_warehouse)
    assert _datasets(empty_warehouse) == ["b", "c"]
    with pytest.raises(warehouse.WarehouseError, match="no earlier version"):
        warehouse.rollback(empty_warehouse)


def test_a_warehouse_without_a_log_rolls_back_only_what_it_saw_published(
    empty_warehouse: Path,
) -> None:
    """A warehouse from before the log: the live version is the whole known history (older
    files may be rolled-back or never-published versions), then the log grows as usual."""
    _add_dataset(empty_warehouse, "a")
    _add_dataset(empty_warehouse, "undone")
    warehouse._point(empty_warehouse, warehouse.versions_dir(empty_warehouse) / _files(
        empty_warehouse)[1])  # fmt: skip  # what the old rollback left: live v2, v3 on disk
    publication_log.log_path(warehouse.versions_dir(empty_warehouse), "warehouse").unlink()
    with pytest.raises(warehouse.WarehouseError, match="no earlier version"):
        warehouse.rollback(empty_warehouse)
    assert _datasets(empty_warehouse) == ["a"]
    assert _log(empty_warehouse) == ["warehouse-000002.duckdb"]
    _add_dataset(empty_warehouse, "b")
    assert _files(empty_warehouse) == ["warehouse-000002.duckdb", "warehouse-000004.duckdb"]
    warehouse.rollback(empty_warehouse)
    assert _datasets(empty_warehouse) == ["a"]


def test_a_plain_file_is_adopted_past_the_numbers_already_used(tmp_path: Path) -> None:
    live = tmp_path / "w.duckdb"
    with warehouse.publish(live, fresh=True):
        pass
    _add_dataset(live, "a")
    warehouse.rollback(live)  # w-000002 undone and deleted; the log remembers number 2
    plain = warehouse.resolve(live).read_bytes()
    live.unlink()
    live.write_bytes(plain)  # someone copies a warehouse file over the link
    _add_dataset(live, "b")
    assert _files(live) == ["w-000001.duckdb", "w-000003.duckdb", "w-000004.duckdb"]
    warehouse.rollback(live)
    assert _datasets(live) == []


def test_an_unreadable_log_is_one_clear_error_and_changes_nothing(empty_warehouse: Path) -> None:
    _add_dataset(empty_warehouse, "a")
    path = publication_log.log_path(warehouse.versions_dir(empty_warehouse), "warehouse")
    path.write_text('{"live": ["../../etc/passwd-000001.duckdb"]}', encoding="utf-8")
    target = warehouse.resolve(empty_warehouse)
    code, output = _cli("rollback", "--warehouse", empty_warehouse)
    assert code == 2
    assert output.startswith("error:")
    assert "publication log" in output
    assert "Traceback" not in output
    assert warehouse.resolve(empty_warehouse) == target
    with pytest.raises(warehouse.WarehouseError, match="publication log"):
        _add_dataset(empty_warehouse, "b")
    assert _datasets(empty_warehouse) == ["a"]


def test_a_log_write_failing_after_the_swap_keeps_the_publication_and_its_undo(
    empty_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The version is live once the symlink is swapped: a full disk when the log is written
    next must not report the publication as failed, and the next writer repairs the log."""
    _add_dataset(empty_warehouse, "a")

    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(publication_log, "write", full_disk)
        _add_dataset(empty_warehouse, "b")  # no error: b is live
        assert _datasets(empty_warehouse) == ["a", "b"]
        assert _log(empty_warehouse) == ["warehouse-000001.duckdb", "warehouse-000002.duckdb"]
    warehouse.rollback(empty_warehouse)
    assert _datasets(empty_warehouse) == ["a"]
    warehouse.rollback(empty_warehouse)
    assert _datasets(empty_warehouse) == []


def test_two_live_paths_in_one_folder_keep_their_own_versions(tmp_path: Path) -> None:
    """``warehouse-copy.duckdb``'s versions (``warehouse-copy-NNNNNN``) match the pattern
    ``warehouse-*``: the writer of ``warehouse.duckdb`` must neither count nor delete them."""
    main, copy = tmp_path / "warehouse.duckdb", tmp_path / "warehouse-copy.duckdb"
    for live in (main, copy):
        with warehouse.publish(live, fresh=True):
            pass
    _add_dataset(copy, "c")
    _add_dataset(main, "m")
    warehouse.rollback(main)
    assert _files(copy) == ["warehouse-copy-000001.duckdb", "warehouse-copy-000002.duckdb"]
    assert _files(main) == ["warehouse-000001.duckdb"]
    assert _datasets(copy) == ["c"]
    warehouse.rollback(copy)
    assert _datasets(copy) == []
