"""Uploads: the server's own limit matches the documented 50 MB, the page checks the size before
reading the bytes, and every temporary file lives in the warehouse folder's temp area, which the
next writer clears of what killed processes left behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.admin_gate import ADMIN_KEY
from pipelines.ingest import load, upload
from pipelines.store import scratch, warehouse

REPO = Path(__file__).resolve().parents[1]
PAGE = REPO / "dashboard" / "app_pages" / "load.py"
SAMPLE = REPO / "data" / "samples" / "template.csv"


def test_the_server_refuses_uploads_above_the_documented_50_mb() -> None:
    """Streamlit reads .streamlit/config.toml from the folder it runs in (the repository)."""
    code = (
        "from streamlit import config\n"
        "config.get_config_options(force_reparse=True)\n"
        "print(config.get_option('server.maxUploadSize'))\n"
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True,
        timeout=120,
    )  # fmt: skip
    assert int(done.stdout.strip().splitlines()[-1]) == 50
    assert upload.MAX_UPLOAD_BYTES == 50 * 2**20


@pytest.fixture
def live(built_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data" / "warehouse.duckdb"
    path.parent.mkdir()
    shutil.copyfile(warehouse.resolve(built_warehouse), path)
    monkeypatch.setenv("FUNDFLOWS_WAREHOUSE", str(path))
    monkeypatch.setenv("FUNDFLOWS_STATE", str(tmp_path / "state.sqlite"))
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    return path


def test_an_oversized_upload_is_refused_before_its_bytes_are_read(
    live: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    touched = []
    monkeypatch.setattr(upload, "saved", lambda *a, **k: touched.append(a))
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    at.session_state[ADMIN_KEY] = time.time() + 600
    at.run()
    big = b"date,stage\n" + b"x" * (upload.MAX_UPLOAD_BYTES + 1)
    at.file_uploader[0].set_value(("big.csv", big, "text/csv")).run()
    assert not at.exception
    assert any("larger than the 50 MB limit" in e.value for e in at.error)
    assert touched == []


def test_an_upload_is_written_in_the_warehouse_temp_area_and_removed(live: Path) -> None:
    with upload.saved(SAMPLE.read_bytes(), "../x.csv", live) as path:
        assert path.parent.parent == scratch.area(live) == live.parent / "tmp"
        assert path.read_bytes() == SAMPLE.read_bytes()
        assert oct(path.parent.stat().st_mode & 0o777) == "0o700"
    assert list(scratch.area(live).iterdir()) == []
    assert list(Path(tempfile.gettempdir()).iterdir()) == []


def test_the_next_writer_removes_what_a_killed_process_left(live: Path) -> None:
    """A process holding an upload is killed (SIGKILL: no clean-up runs); a stale file and a
    lock-less folder lie there too. The next load takes the writer lock and removes them all,
    but not the folder of a process still at work."""
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from pipelines.ingest import upload\n"
        "with upload.saved(b'date,stage\\n1,2\\n', 'a.csv', Path(sys.argv[1])) as path:\n"
        "    print(path, flush=True)\n"
        "    time.sleep(120)\n"
    )
    child = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", code, str(live)], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    left = Path(child.stdout.readline().strip())
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    child.stdout.close()
    assert left.exists()
    area = scratch.area(live)
    (area / "stale-file.csv").write_text("x")
    old = area / "no-lock"
    old.mkdir()
    (old / "partial.csv").write_text("x")
    past = time.time() - 2 * scratch.GRACE_SECONDS
    os.utime(old, (past, past))
    with scratch.private_folder(live, "busy") as busy:
        report = load.load_files(live, [SAMPLE], dataset="temp")[0]
        assert report.status == "loaded", report.message
        assert busy.exists()
        assert sorted(p.name for p in area.iterdir()) == [busy.name]
    assert not left.parent.exists()
    assert list(area.iterdir()) == []
