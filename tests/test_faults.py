"""Faults: SIGKILL during `fundflows load` and `fundflows build`, a full disk, a read-only disk.

After every fault the warehouse opens, `sql/checks` pass, and a batch is there whole or not at
all; errors are one clear line (exit code 2), never a traceback. Heavier variants (more kills,
bigger files) are marked ``long``.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hardening_support import table_checksums, write_big_csv

from pipelines.store import warehouse

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "FUNDFLOWS_QUIET": "1", "PYTHONWARNINGS": "ignore"}


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipelines.cli", *args]


def run_cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        cli(*args), cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=timeout
    )


def fresh_copy(built: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    live = folder / "warehouse.duckdb"
    shutil.copyfile(warehouse.resolve(built), live)
    return live


def state_of(live: Path, dataset: str) -> tuple[int, list[tuple], list[str]]:
    """(flows in dataset, its load_batch rows, failing checks) of the live version."""
    con = warehouse.connect_reader(live)
    try:
        flows = con.execute("SELECT count(*) FROM flow WHERE dataset = $d", {"d": dataset})
        n = flows.fetchone()[0]
        batches = con.execute(
            "SELECT rows_read, rows_loaded, rows_rejected FROM load_batch WHERE dataset = $d",
            {"d": dataset},
        ).fetchall()
        return n, batches, warehouse.run_checks(con)
    finally:
        con.close()


def _publishing(live: Path) -> bool:
    folder = warehouse.versions_dir(live)
    return folder.is_dir() and any(p.name.endswith(".tmp") for p in folder.iterdir())


def kill_after(cmd: list[str], delay: float, live: Path | None = None) -> str:
    """Start ``cmd`` and SIGKILL its process group ``delay`` s after it starts or, with
    ``live``, after it starts publishing (a new version file appears). Returns when it died:
    ``before-publish``, ``publishing``, or ``finished`` when it ended first."""
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    if live is not None:
        while proc.poll() is None and not _publishing(live):
            time.sleep(0.005)
    try:
        proc.wait(timeout=delay)
        return "finished"
    except subprocess.TimeoutExpired:
        point = "publishing" if live is not None and _publishing(live) else "before-publish"
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        return point


def assert_whole_or_nothing(live: Path, dataset: str, rows: int) -> str:
    flows, batches, failures = state_of(live, dataset)
    assert failures == []
    if flows == 0:
        assert batches == []
        return "none"
    assert flows == rows
    assert batches == [(rows, rows, 0)]
    return "whole"


def kill_loads(built: Path, tmp: Path, rows: int, kills: int, seed: int) -> dict[str, int]:
    """Kill `fundflows load` of a ``rows``-row file at ``kills`` points spread over its run;
    after each kill, `fundflows rollback` returns every table to its state before the load
    (or, when the load never went live, says there is nothing to roll back)."""
    big = write_big_csv(tmp / "big.csv", rows, seed)
    reference = fresh_copy(built, tmp / "reference")
    started = time.monotonic()
    done = run_cli("load", str(big), "--dataset", "big", "--warehouse", str(reference))
    duration = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert assert_whole_or_nothing(reference, "big", rows) == "whole"
    rng = random.Random(seed)
    outcomes = {"none": 0, "whole": 0}
    points: dict[str, int] = {}
    original = table_checksums(built)
    for i in range(kills):
        live = fresh_copy(built, tmp / f"kill{i}")
        command = cli("load", str(big), "--dataset", "big", "--warehouse", str(live))
        if i % 2:  # a random moment of the whole run
            point = kill_after(command, duration * (0.1 + 0.85 * rng.random()))
        else:  # a random moment of the publication (copy, transaction, checks, swap)
            point = kill_after(command, rng.random() * duration / 3, live)
        points[point] = points.get(point, 0) + 1
        outcome = assert_whole_or_nothing(live, "big", rows)
        outcomes[outcome] += 1
        undo = run_cli("rollback", "--warehouse", str(live))  # undoes the load, if it was live
        if outcome == "whole":
            assert undo.returncode == 0, undo.stderr
        else:
            assert_one_line_error(undo, "no earlier version")
        assert table_checksums(live) == original
    again = run_cli("load", str(big), "--dataset", "big", "--warehouse", str(live))
    assert again.returncode == 0, again.stderr  # the lock and leftovers do not block a retry
    assert assert_whole_or_nothing(live, "big", rows) == "whole"
    print(f"\nload faults: {kills} SIGKILLs of a {duration:.1f}s load of {rows:,} rows: "
          f"killed {points}; batch afterwards {outcomes}")  # fmt: skip
    return outcomes


def test_a_killed_load_leaves_the_whole_batch_or_none_and_a_retry_loads_it(
    built_warehouse: Path, tmp_path: Path
) -> None:
    outcomes = kill_loads(built_warehouse, tmp_path, rows=10_000, kills=2, seed=1)
    assert sum(outcomes.values()) == 2


@pytest.mark.long
def test_many_kills_during_a_large_load_never_leave_part_of_a_batch(
    built_warehouse: Path, tmp_path: Path
) -> None:
    outcomes = kill_loads(built_warehouse, tmp_path, rows=200_000, kills=12, seed=2)
    assert sum(outcomes.values()) == 12


class Reader(threading.Thread):
    """Keeps a read-only connection on the version it opened and queries it until stopped."""

    def __init__(self, live: Path) -> None:
        super().__init__(daemon=True)
        self.con = warehouse.connect_reader(live)
        self.stop = threading.Event()
        self.errors: list[str] = []
        self.reads = 0
        self.counts: set[int] = set()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                n = self.con.execute("SELECT count(*) FROM flow").fetchone()[0]
                self.counts.add(n)
                self.reads += 1
            except Exception as exc:  # noqa: BLE001 - any error is a failure we report
                self.errors.append(repr(exc))
            time.sleep(0.01)
        self.con.close()


def kill_builds(built: Path, tmp: Path, kills: int, seed: int) -> dict[str, int]:
    live = fresh_copy(built, tmp / "live")
    small = write_big_csv(tmp / "user.csv", 50, seed)
    assert (
        run_cli("load", str(small), "--dataset", "mine", "--warehouse", str(live)).returncode == 0
    )
    rng = random.Random(seed)
    outcomes = {"old": 0, "new": 0}
    points: dict[str, int] = {}
    for _ in range(kills):
        before = warehouse.resolve(live)
        reader = Reader(live)
        reader.start()
        command = cli("build", "--warehouse", str(live), "--demo-rows", "3000")
        point = kill_after(command, rng.random() * 4.0, live)
        points[point] = points.get(point, 0) + 1
        reader.stop.set()
        reader.join(timeout=30)
        assert reader.errors == []
        assert reader.reads > 0
        assert len(reader.counts) == 1  # the reader saw one version throughout
        outcomes["old" if warehouse.resolve(live) == before else "new"] += 1
        assert assert_whole_or_nothing(live, "mine", 50) == "whole"  # user batch carried
        con = warehouse.connect_reader(live)
        try:
            version = warehouse.get_meta(con, "warehouse_version")
        finally:
            con.close()
        assert version == str(warehouse.version_of(warehouse.resolve(live)))
    print(f"\nbuild faults: {kills} SIGKILLs of `fundflows build` with a reader open: "
          f"killed {points}; live version afterwards {outcomes}")  # fmt: skip
    return outcomes


def test_a_killed_build_keeps_readers_working_and_the_warehouse_whole(
    built_warehouse: Path, tmp_path: Path
) -> None:
    outcomes = kill_builds(built_warehouse, tmp_path, kills=1, seed=3)
    assert sum(outcomes.values()) == 1


@pytest.mark.long
def test_many_killed_builds_keep_readers_working_and_the_warehouse_whole(
    built_warehouse: Path, tmp_path: Path
) -> None:
    outcomes = kill_builds(built_warehouse, tmp_path, kills=5, seed=4)
    assert sum(outcomes.values()) == 5


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here ({done.stderr.strip() or 'not permitted'})")


@pytest.fixture
def small_disk(tmp_path: Path, built_warehouse: Path):
    """A tmpfs a little larger than one warehouse copy, holding a copy of the warehouse."""
    size = warehouse.resolve(built_warehouse).stat().st_size
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    _mount("-t", "tmpfs", "-o", f"size={int(size * 1.5) // 4096 * 4096}", "tmpfs", str(mount_point))
    try:
        yield fresh_copy(built_warehouse, mount_point)
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


@pytest.fixture
def read_only_dir(tmp_path: Path, built_warehouse: Path):
    """A warehouse in a folder seen through a read-only bind mount."""
    source = tmp_path / "rw"
    fresh_copy(built_warehouse, source)
    view = tmp_path / "ro"
    view.mkdir()
    _mount("--bind", str(source), str(view))
    try:
        _mount("-o", "remount,ro,bind", str(view))
        yield view / "warehouse.duckdb"
    finally:
        subprocess.run(["umount", "-l", str(view)], check=False)


def assert_one_line_error(done: subprocess.CompletedProcess, *words: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr[-2000:]
    assert lines[0].startswith("error:")
    assert any(w in lines[0] for w in words), lines[0]


WRITERS = {
    "load": lambda live, csv: ("load", str(csv), "--dataset", "big", "--warehouse", str(live)),
    "build": lambda live, csv: ("build", "--warehouse", str(live), "--demo-rows", "3000"),
    "rollback": lambda live, csv: ("rollback", "--warehouse", str(live)),
}


@pytest.mark.parametrize("command", ["build", "load"])
def test_a_full_disk_gives_one_clear_error_and_leaves_the_warehouse_as_it_was(
    small_disk: Path, tmp_path: Path, command: str
) -> None:
    csv = write_big_csv(tmp_path / "big.csv", 2_000)
    if command == "rollback":  # something to roll back to, made before the disk fills
        assert (
            run_cli(*WRITERS["load"](small_disk, write_big_csv(tmp_path / "s.csv", 5))).returncode
            == 0
        )
    before = table_checksums(small_disk)
    target = warehouse.resolve(small_disk)
    filler = small_disk.parent / "filler"
    free = shutil.disk_usage(small_disk.parent).free
    filler.write_bytes(b"\0" * max(free - 64 * 1024, 0))
    done = run_cli(*WRITERS[command](small_disk, csv))
    assert_one_line_error(done, "No space left", "space", "disk")
    filler.unlink()
    assert warehouse.resolve(small_disk) == target
    assert table_checksums(small_disk) == before
    leftovers = [p.name for p in small_disk.parent.rglob("*") if p.name.endswith((".tmp", ".wal"))]
    assert leftovers == []
    for version in warehouse.list_versions(small_disk):  # no truncated file posing as a version
        warehouse.connect_reader(version).close()


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_read_only_warehouse_gives_one_clear_error(
    read_only_dir: Path, tmp_path: Path, command: str
) -> None:
    csv = write_big_csv(tmp_path / "big.csv", 100)
    before = table_checksums(read_only_dir)
    done = run_cli(*WRITERS[command](read_only_dir, csv))
    assert_one_line_error(done, "Read-only file system", "read-only")
    assert table_checksums(read_only_dir) == before


KILLED_AT = """
import os, signal, sys
from pathlib import Path
from pipelines.store import publication_log, warehouse

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

live, point, name = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
if point == "swap":  # the version file is written and renamed; the symlink not yet swapped
    warehouse._point = die
elif point == "log":  # the symlink is swapped; the log not yet written
    publication_log.write = die
if name == "-rollback":
    warehouse.rollback(live)
else:
    with warehouse.publish(live) as pub:
        pub.con.execute("INSERT INTO dataset VALUES ($n, false, false, 'x')", {"n": name})
"""


def killed_at(live: Path, point: str, name: str) -> None:
    """Run a publication (or, with name ``-rollback``, a rollback) in a child process that is
    SIGKILLed at ``point``: ``swap`` (new version file written, live symlink not swapped) or
    ``log`` (symlink swapped, publication log not written)."""
    done = subprocess.run([sys.executable, "-c", KILLED_AT, str(live), point, name], cwd=ROOT,
                          env=ENV, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == -signal.SIGKILL, done.stderr


def _datasets(live: Path) -> list[str]:
    con = warehouse.connect_reader(live)
    try:
        return [r[0] for r in con.execute("SELECT dataset FROM dataset ORDER BY 1").fetchall()]
    finally:
        con.close()


def _publish(live: Path, name: str) -> None:
    with warehouse.publish(live) as pub:
        pub.con.execute("INSERT INTO dataset VALUES ($n, false, false, 'x')", {"n": name})


def test_a_version_killed_in_the_swap_window_is_never_a_rollback_target(
    empty_warehouse: Path,
) -> None:
    _publish(empty_warehouse, "a")
    live_before = warehouse.resolve(empty_warehouse)
    killed_at(empty_warehouse, "swap", "ghost")
    orphans = [p for p in warehouse.list_versions(empty_warehouse) if p > live_before]
    assert len(orphans) == 1  # the fault really left a whole, unpublished version file
    assert warehouse.resolve(empty_warehouse) == live_before
    _publish(empty_warehouse, "b")
    warehouse.rollback(empty_warehouse)
    assert _datasets(empty_warehouse) == ["a"]  # not the ghost version
    assert not orphans[0].exists()  # the next writer removed it
    warehouse.rollback(empty_warehouse)
    assert _datasets(empty_warehouse) == []


def test_a_rollback_right_after_a_swap_window_kill_skips_the_unpublished_file(
    empty_warehouse: Path,
) -> None:
    _publish(empty_warehouse, "a")
    killed_at(empty_warehouse, "swap", "ghost")
    warehouse.rollback(empty_warehouse)
    assert _datasets(empty_warehouse) == []
    assert [p.name for p in warehouse.list_versions(empty_warehouse)] == ["warehouse-000001.duckdb"]


def test_a_publication_killed_before_its_log_entry_is_still_undone_by_rollback(
    empty_warehouse: Path,
) -> None:
    _publish(empty_warehouse, "a")
    killed_at(empty_warehouse, "log", "b")
    assert _datasets(empty_warehouse) == ["a", "b"]  # b went live: it is a publication
    warehouse.rollback(empty_warehouse)
    assert _datasets(empty_warehouse) == ["a"]
    warehouse.rollback(empty_warehouse)
    assert _datasets(empty_warehouse) == []


def test_a_rollback_killed_before_its_log_entry_is_not_undone_by_the_next_one(
    empty_warehouse: Path,
) -> None:
    for name in "abc":
        _publish(empty_warehouse, name)
    killed_at(empty_warehouse, "log", "-rollback")
    assert _datasets(empty_warehouse) == ["a", "b"]
    warehouse.rollback(empty_warehouse)  # one further back, not forward to c
    assert _datasets(empty_warehouse) == ["a"]
    _publish(empty_warehouse, "d")
    warehouse.rollback(empty_warehouse)
    assert _datasets(empty_warehouse) == ["a"]
