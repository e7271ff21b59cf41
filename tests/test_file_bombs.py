"""XLSX bombs are refused before they cost memory, with one clear line, by `fundflows validate`,
`fundflows load` and the dashboard's upload preview alike (they share the template parser).

The two hostile files of issue 15 are generated here: ~2 KB with one cell at XFD1048576 and
~6 MB of 2.5 million identical rows. Time and peak memory of each refusal: bench/xlsx_bombs.py
(figures in the report, not asserted here); a generous memory bound is asserted on a child
process, so a parser that unpacks the bomb fails the test instead of the machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner
from xlsx_bomb_files import HEADER, VALUES, far_cell, fine, many_rows, row_xml, write_xlsx

from pipelines.cli.main import app
from pipelines.ingest import upload
from pipelines.sources import template, xlsx_guard
from pipelines.sources.candidates import UnusableFile
from pipelines.store import warehouse

REPO = Path(__file__).resolve().parents[1]
CHILD_MEMORY_MB = 600  # generous: the refusals peak near 170 MB (bench/xlsx_bombs.py)
CHILD_SECONDS = 120  # generous for a shared machine: the refusals take about 2 s of CPU


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bombs")
    return {
        "far_cell": far_cell(folder / "far_cell.xlsx"),
        "far_cell_undeclared": far_cell(folder / "far_cell_undeclared.xlsx", declare=False),
        "many_rows": many_rows(folder / "many_rows.xlsx"),
    }


def _refusal(path: Path) -> str:
    with pytest.raises(UnusableFile) as caught:
        template.parse(path)
    message = str(caught.value)
    assert "\n" not in message
    assert len(message) < 300
    return message


def test_the_hostile_files_are_the_ones_the_issue_describes(bombs: dict[str, Path]) -> None:
    assert bombs["far_cell"].stat().st_size < 5_000
    assert 4_000_000 < bombs["many_rows"].stat().st_size < 8_000_000
    with zipfile.ZipFile(bombs["many_rows"]) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    assert sheet.count(b"<row ") == 2_500_001  # the header and 2.5 million identical rows


def test_a_cell_at_xfd1048576_is_refused_naming_the_problem(bombs: dict[str, Path]) -> None:
    assert "declares columns up to XFD (the limit is 64)" in _refusal(bombs["far_cell"])
    # the same file without a dimension: the cell itself is found
    assert "a cell at XFD1048576" in _refusal(bombs["far_cell_undeclared"])


def test_two_and_a_half_million_rows_are_refused_as_more_than_a_sheet_can_hold(
    bombs: dict[str, Path],
) -> None:
    assert "more than 1,048,576 rows" in _refusal(bombs["many_rows"])


def _child_refusal(path: Path) -> dict:
    """Parse ``path`` in a fresh process; its message, seconds and peak RSS."""
    code = (
        "import json, resource, sys, time\n"
        "from pathlib import Path\n"
        "from pipelines.sources import template\n"
        "start = time.monotonic()\n"
        "try:\n"
        "    template.parse(Path(sys.argv[1])); message = None\n"
        "except Exception as exc:\n"
        "    message = f'{type(exc).__name__}: {exc}'\n"
        # VmHWM is this process's own peak; ru_maxrss also carries the forking parent's
        # (a big test worker) across exec
        "peak = next(int(line.split()[1]) for line in open('/proc/self/status')\n"
        "            if line.startswith('VmHWM:')) / 1024\n"
        "print(json.dumps({'message': message, 'seconds': time.monotonic() - start,"
        " 'peak_mb': peak}))\n"
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code, str(path)], cwd=REPO, capture_output=True, text=True,
        timeout=CHILD_SECONDS, check=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("kind", ["far_cell", "far_cell_undeclared", "many_rows"])
def test_a_refusal_stays_far_below_the_memory_a_bomb_would_take(
    bombs: dict[str, Path], kind: str
) -> None:
    result = _child_refusal(bombs[kind])
    assert (result["message"] or "").startswith("UnusableFile: "), result
    assert "possible XLSX bomb" in result["message"]
    assert result["peak_mb"] < CHILD_MEMORY_MB, result


def _zip_with(path: Path, name: str, data: bytes) -> Path:
    fine(path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, data)
    return path


def test_a_member_that_expands_more_than_100_times_is_refused_before_openpyxl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _zip_with(tmp_path / "ratio.xlsx", "xl/media/padding.xml", b" " * (4 << 20))
    opened = []
    monkeypatch.setattr("openpyxl.load_workbook", lambda *a, **k: opened.append(a))
    message = _refusal(path)
    assert "xl/media/padding.xml expands" in message
    assert "(the limit is 100)" in message
    assert opened == []


def test_a_workbook_that_unpacks_beyond_200_mb_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_guard, "MAX_UNCOMPRESSED", 1 << 20)
    path = _zip_with(tmp_path / "big.xlsx", "xl/media/data.bin", bytes(range(256)) * 8192)
    assert "it unpacks to 2 MB (the limit is 1 MB)" in _refusal(path)


def _declare_size(path: Path, member: str, size: int) -> None:
    """Rewrite the uncompressed size the zip's central directory gives for ``member``."""
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    position = int.from_bytes(data[end + 16 : end + 20], "little")
    while data[position : position + 4] == b"PK\x01\x02":
        lengths = [
            int.from_bytes(data[position + o : position + o + 2], "little") for o in (28, 30, 32)
        ]
        if data[position + 46 : position + 46 + lengths[0]] == member.encode():
            data[position + 24 : position + 28] = size.to_bytes(4, "little")
            path.write_bytes(bytes(data))
            return
        position += 46 + sum(lengths)
    raise AssertionError(f"no {member} in {path}")


def test_a_zip_that_lies_about_a_members_size_is_refused(tmp_path: Path) -> None:
    path = fine(tmp_path / "lying.xlsx", rows=2000)
    _declare_size(path, "xl/worksheets/sheet1.xml", 1000)
    with zipfile.ZipFile(path) as z:
        assert z.getinfo("xl/worksheets/sheet1.xml").file_size == 1000
    assert "cannot read as XLSX" in _refusal(path)


def test_a_row_with_more_cells_than_a_template_is_refused(tmp_path: Path) -> None:
    wide = write_xlsx(tmp_path / "wide.xlsx", [row_xml(1, HEADER), row_xml(2, ["x"] * 70)])
    assert "a cell at BM2 (the limit is 64 columns)" in _refusal(wide)
    # cells without references (varied, so that no ratio check catches them first)
    cells = "".join(f"<c><v>{i * 7919 % 100_003}</v></c>" for i in range(200_000))
    positional = write_xlsx(tmp_path / "cells.xlsx", [row_xml(1, HEADER), f"<row>{cells}</row>"])
    assert "a row has more than 64 cells" in _refusal(positional)


def test_a_lone_far_row_does_not_become_a_million_padded_rows(tmp_path: Path) -> None:
    parts = [row_xml(1, HEADER), row_xml(2, VALUES), row_xml(1_000_000, VALUES)]
    parsed = template.parse(write_xlsx(tmp_path / "far_row.xlsx", parts))
    assert parsed.rows_read == 2
    numbers = sorted(set(parsed.candidates.column("row_number").to_pylist()))
    assert numbers == [1, 999_999]  # rows count from the header, blank rows included


def test_a_normal_workbook_written_the_same_way_loads(tmp_path: Path) -> None:
    parsed = template.parse(fine(tmp_path / "fine.xlsx", rows=3))
    assert parsed.rows_read == 3


def _cli(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_validate_load_and_the_upload_preview_all_refuse_the_bomb(
    bombs: dict[str, Path], built_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FUNDFLOWS_QUIET", "1")
    monkeypatch.setenv("COLUMNS", "220")
    before = warehouse.resolve(built_copy).read_bytes()
    path = bombs["far_cell"]
    for command in ("validate", "load"):
        result = _cli(command, path, "--warehouse", built_copy)
        assert result.exit_code == 2, result.output
        assert "possible XLSX bomb" in result.output
        assert "Traceback" not in result.output
    with upload.saved(path.read_bytes(), "bomb.xlsx", built_copy) as saved:
        preview = upload.preview(built_copy, saved, "main", label="bomb.xlsx")
    assert preview.report.status != "validated"
    assert "possible XLSX bomb" in preview.report.message
    assert warehouse.resolve(built_copy).read_bytes() == before
