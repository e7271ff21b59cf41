"""`fundflows export --out` writes only where asked: a regular file, or a folder of partitions.

A folder, a device (/dev/null, /dev/full), a read-only place (procfs; a read-only bind mount)
or a full disk (a small tmpfs) gives one ``error:`` line on stderr and exit code 2, never a
traceback, and leaves no partial file. The data package descriptor goes only beside the regular
file written or inside the folder written. An existing file or export folder is replaced only
with ``--force``, and then only once the new export is complete. Each case runs the real
command: in process through typer's CliRunner (stderr apart, any exception but the exit
counted as a traceback), and end to end in a subprocess for a device and a full disk.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from test_faults import _mount, assert_one_line_error

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "FUNDFLOWS_QUIET": "1", "PYTHONWARNINGS": "ignore", "COLUMNS": "200"}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from workbench_fixtures import build_fixture_warehouse

    return build_fixture_warehouse(tmp_path_factory.mktemp("targets") / "warehouse.duckdb")


def export(live: Path, out: Path | str, *args: str) -> subprocess.CompletedProcess:
    """`fundflows export --out OUT --dataset real ARGS` run by CliRunner, as a finished process."""
    from typer.testing import CliRunner

    from pipelines.cli.main import app

    argv = ["export", "--out", str(out), "--warehouse", str(live), "--dataset", "real", *args]
    result = CliRunner().invoke(app, argv, env={"FUNDFLOWS_QUIET": "1", "COLUMNS": "200"})
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += f"\nTraceback: {result.exception!r}"  # what the user would have seen
    return subprocess.CompletedProcess(argv, result.exit_code, result.stdout, stderr)


def export_process(live: Path, out: Path | str, *args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "pipelines.cli", "export", "--out", str(out)]
    cmd += ["--warehouse", str(live), "--dataset", "real", *args]
    return subprocess.run(cmd, cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=300)


def partitioned(live: Path, out: Path | str, *args: str) -> subprocess.CompletedProcess:
    return export(live, out, "--format", "parquet", "--partition-by", "year", *args)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A 1 MB tmpfs, filled to the last byte by the test that needs it full."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    _mount("-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount_point))
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(disk: Path) -> None:
    with open(disk / "filler", "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError:
            pass
    assert os.statvfs(disk).f_bavail == 0


@pytest.fixture
def read_only(tmp_path: Path):
    """A folder holding one earlier export, seen through a read-only bind mount."""
    source = tmp_path / "rw"
    source.mkdir()
    (source / "flows.csv").write_bytes(b"earlier\r\n")
    view = tmp_path / "ro"
    view.mkdir()
    _mount("--bind", str(source), str(view))
    try:
        _mount("-o", "remount,ro,bind", str(view))
        yield view
    finally:
        subprocess.run(["umount", "-l", str(view)], check=False)


# ---- places that are not a regular file ---------------------------------------------------


def test_a_folder_as_out_is_refused_and_nothing_is_written(live: Path, tmp_path: Path) -> None:
    folder = tmp_path / "a folder"
    folder.mkdir()
    done = export(live, folder)
    assert_one_line_error(done, "is a folder")
    assert list(folder.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a folder"]


@pytest.mark.parametrize("device", ["/dev/null", "/dev/full"])
@pytest.mark.parametrize("partition", [False, True], ids=["file", "partitioned"])
def test_a_device_as_out_is_refused(live: Path, device: str, partition: bool) -> None:
    before = set(os.listdir("/dev"))
    done = partitioned(live, device) if partition else export(live, device, "--force")
    assert_one_line_error(done, "not a regular file")
    assert set(os.listdir("/dev")) == before  # no datapackage.json (or anything) beside it


def test_the_command_itself_refuses_dev_full_and_a_full_disk(live: Path, tiny_disk: Path) -> None:
    """End to end: the installed command's own stderr and exit code."""
    before = set(os.listdir("/dev"))
    assert_one_line_error(export_process(live, "/dev/full", "--force"), "not a regular file")
    assert set(os.listdir("/dev")) == before
    fill(tiny_disk)
    done = export_process(live, tiny_disk / "flows.csv")
    assert_one_line_error(done, "No space left")
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["filler"]


def test_a_symlink_to_a_device_is_refused(live: Path, tmp_path: Path) -> None:
    link = tmp_path / "flows.csv"
    link.symlink_to("/dev/null")
    assert_one_line_error(export(live, link, "--force"), "not a regular file")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["flows.csv"]


def test_a_file_as_a_partition_folder_is_refused(live: Path, tmp_path: Path) -> None:
    plain = tmp_path / "flows.parquet"
    plain.write_text("keep me")
    assert_one_line_error(partitioned(live, plain, "--force"), "not a folder")
    assert plain.read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["flows.parquet"]


# ---- read-only and full places ------------------------------------------------------------


@pytest.mark.parametrize(
    "out", ["/proc/fundflows-export.csv", "/proc/version"], ids=["new", "existing"]
)
def test_a_file_in_a_read_only_place_gives_one_error_line(live: Path, out: str) -> None:
    done = export(live, out, "--force")
    assert_one_line_error(done, "cannot write", "not a regular file")
    assert not Path("/proc/datapackage.json").exists()


def test_a_read_only_mount_gives_one_error_line_and_keeps_the_file(
    live: Path, read_only: Path
) -> None:
    for args in (("--force",), ("--format", "xlsx", "--force")):
        done = export(live, read_only / "flows.csv", *args)
        assert_one_line_error(done, "Read-only file system")
    assert_one_line_error(partitioned(live, read_only / "parts"), "Read-only file system")
    assert sorted(p.name for p in read_only.iterdir()) == ["flows.csv"]
    assert (read_only / "flows.csv").read_bytes() == b"earlier\r\n"


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_a_full_disk_gives_one_error_line_and_leaves_no_partial_file(
    live: Path, tiny_disk: Path, fmt: str
) -> None:
    earlier = tiny_disk / f"flows.{fmt}"
    earlier.write_bytes(b"earlier export")
    fill(tiny_disk)
    done = export(live, earlier, "--format", fmt, "--force")
    assert_one_line_error(done, "No space left")
    assert earlier.read_bytes() == b"earlier export"
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["filler", f"flows.{fmt}"]


def test_a_full_disk_during_a_partitioned_export_leaves_no_partial_folder(
    live: Path, tiny_disk: Path
) -> None:
    fill(tiny_disk)
    done = partitioned(live, tiny_disk / "parts")
    assert_one_line_error(done, "No space left")
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["filler"]


# ---- replacing only with --force ----------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_an_existing_file_is_replaced_only_with_force(live: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"flows.{fmt}"
    out.write_bytes(b"my own work")
    refused = export(live, out, "--format", fmt)
    assert_one_line_error(refused, "already exists", "--force")
    assert out.read_bytes() == b"my own work"
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"flows.{fmt}"]
    forced = export(live, out, "--format", fmt, "--force")
    assert forced.returncode == 0, forced.stderr
    back = {"csv": pd.read_csv, "xlsx": pd.read_excel, "parquet": pd.read_parquet}[fmt](out)
    assert len(back) > 0
    assert set(back["dataset"]) == {"real"}
    package = json.loads((tmp_path / "datapackage.json").read_text())
    assert package["resources"][0]["path"] == out.name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["datapackage.json", f"flows.{fmt}"]


def test_an_existing_datapackage_beside_the_file_needs_force(live: Path, tmp_path: Path) -> None:
    (tmp_path / "datapackage.json").write_text("{}")
    done = export(live, tmp_path / "flows.csv")
    assert_one_line_error(done, "datapackage.json already exists", "--force")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["datapackage.json"]
    assert export(live, tmp_path / "flows.csv", "--no-datapackage").returncode == 0
    assert (tmp_path / "datapackage.json").read_text() == "{}"


def test_a_new_file_in_a_new_folder_is_written_with_its_descriptor(
    live: Path, tmp_path: Path
) -> None:
    out = tmp_path / "new" / "flows.csv"
    done = export(live, out)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.parent.iterdir()) == ["datapackage.json", "flows.csv"]


def test_a_partitioned_export_replaces_an_earlier_export_only_with_force(
    live: Path, tmp_path: Path
) -> None:
    out = tmp_path / "parts"
    first = partitioned(live, out, "--year-from", "2004")
    assert first.returncode == 0, first.stderr
    years = sorted(p.name for p in out.iterdir())
    assert years == ["datapackage.json", "year=2004", "year=2005"]
    again = partitioned(live, out)
    assert_one_line_error(again, "already exists", "--force")
    assert sorted(p.name for p in out.iterdir()) == years
    forced = partitioned(live, out, "--year-to", "2001", "--force")
    assert forced.returncode == 0, forced.stderr
    now = sorted(p.name for p in out.iterdir())
    assert now == ["datapackage.json", "year=2000", "year=2001"]
    assert leftovers(tmp_path) == []


def test_force_never_empties_a_folder_that_is_not_an_export(live: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "thesis.docx").write_text("years of work")
    done = partitioned(live, home, "--force")
    assert_one_line_error(done, "not an earlier partitioned export")
    assert sorted(p.name for p in home.iterdir()) == ["thesis.docx"]


def test_an_empty_slice_still_gives_a_folder_with_its_descriptor(
    live: Path, tmp_path: Path
) -> None:
    out = tmp_path / "none"
    done = partitioned(live, out, "--year-from", "2050")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["datapackage.json"]


def test_an_empty_folder_takes_a_partitioned_export(live: Path, tmp_path: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    done = partitioned(live, out)
    assert done.returncode == 0, done.stderr
    assert (out / "datapackage.json").is_file()
    assert any(p.name.startswith("year=") for p in out.iterdir())
