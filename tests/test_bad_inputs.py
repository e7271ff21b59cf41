"""Bad input corpus: every file is refused with a clear one-line message (warehouse unchanged)
or loads with exactly the expected rows rejected. Cases and outcomes: bad_inputs/manifest.toml.
"""

from __future__ import annotations

import shutil
import sys
import time
import tomllib
from pathlib import Path

import pytest
from hardening_support import table_checksums

from pipelines.ingest import load
from pipelines.store import warehouse

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
CASES = tomllib.loads((CORPUS / "manifest.toml").read_text(encoding="utf-8"))["case"]
MAX_MESSAGE = 500
sys.path.insert(0, str(CORPUS))
from make_corpus import GOOD as GOOD_ROW  # noqa: E402
from make_corpus import HEADER  # noqa: E402

TEMPLATE_HEADER = HEADER.split(",")


@pytest.fixture(scope="module")
def live(built_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One private copy of the built warehouse for the whole corpus."""
    path = tmp_path_factory.mktemp("bad_inputs") / "warehouse.duckdb"
    shutil.copyfile(warehouse.resolve(built_warehouse), path)
    return path


def _rows(live: Path, sql: str, **params: object) -> list[tuple]:
    con = warehouse.connect_plain(live)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


REFUSED = [c for c in CASES if c["outcome"] == "refused"]
LOADED = [c for c in CASES if c["outcome"] == "loaded"]


def assert_refused_cleanly(
    live: Path, path: Path, dataset: str, before: dict | None = None
) -> load.LoadReport:
    """Load ``path``; it must be refused with a short one-line message and change no table."""
    before = before if before is not None else table_checksums(live)
    target = warehouse.resolve(live)
    report = load.load_files(live, [path], dataset=dataset)[0]
    assert report.status == "refused", report.message
    assert "\n" not in report.message, report.message[:300]
    assert len(report.message) <= MAX_MESSAGE, report.message[:300]
    assert "Traceback" not in report.message
    assert warehouse.resolve(live) == target
    assert table_checksums(live) == before
    return report


@pytest.fixture(scope="module")
def loaded_reports(live: Path) -> dict[str, load.LoadReport]:
    """Every loadable bad file, loaded together in one call (one new warehouse version)."""
    paths = [CORPUS / c["file"] for c in LOADED]
    return {r.file.name: r for r in load.load_files(live, paths, dataset="corpus")}


def test_the_corpus_has_at_least_40_files_and_the_manifest_covers_each_once() -> None:
    on_disk = sorted(p.name for p in CORPUS.iterdir() if p.suffix in (".csv", ".xlsx", ".xml"))
    listed = [c["file"] for c in CASES]
    assert len(listed) == len(set(listed))
    assert sorted(listed) == on_disk
    assert len(on_disk) >= 40
    assert {c["outcome"] for c in CASES} == {"refused", "loaded"}


@pytest.mark.parametrize("case", REFUSED, ids=lambda c: c["file"])
def test_a_refused_file_names_its_problem_and_leaves_every_table_unchanged(
    live: Path, case: dict
) -> None:
    report = assert_refused_cleanly(live, CORPUS / case["file"], "corpus")
    assert case["message"] in report.message
    assert report.rows_loaded == 0


def _expected_rejects(case: dict) -> set[tuple[int, str]]:
    return {(int(r.split(":")[0]), r.split(":")[1]) for r in case["rejected"]}


@pytest.mark.parametrize("case", LOADED, ids=lambda c: c["file"])
def test_a_loaded_file_rejects_exactly_the_bad_rows_with_their_reason_codes(
    live: Path, loaded_reports: dict, case: dict
) -> None:
    report = loaded_reports[case["file"]]
    assert report.status == "loaded", report.message
    expected = _expected_rejects(case)
    pairs = zip(report.rejects["row"], report.rejects["reason_code"], strict=True)
    assert {(int(r), c) for r, c in pairs} == expected
    assert report.rows_read == case["rows_read"]
    assert report.rows_rejected == len(expected)
    assert report.rows_read == report.rows_loaded + report.rows_rejected
    stored = _rows(
        live,
        "SELECT rows_read, rows_loaded, rows_rejected FROM load_batch WHERE batch_id = $b",
        b=report.batch_id,
    )
    assert stored == [(report.rows_read, report.rows_loaded, report.rows_rejected)]
    in_table = _rows(
        live,
        "SELECT row_number, reason_code FROM rejected_row WHERE batch_id = $b",
        b=report.batch_id,
    )
    assert set(in_table) == expected
    loaded_rows = _rows(
        live, "SELECT count(DISTINCT split_part(flow_id, '-', -2)) FROM flow WHERE batch_id = $b",
        b=report.batch_id,
    )  # fmt: skip
    assert loaded_rows == [(report.rows_loaded,)]
    _check_extras(live, case, report)


def _check_extras(live: Path, case: dict, report: load.LoadReport) -> None:
    for item in case.get("flags", []):
        row, flag = item.split(":")
        flags = _rows(
            live, "SELECT flags FROM flow WHERE batch_id = $b AND flow_id LIKE $pat",
            b=report.batch_id, pat=f"%-{row}-0",
        )  # fmt: skip
        assert flag in flags[0][0]
    if "currencies" in case:
        got = _rows(
            live,
            "SELECT currency FROM flow WHERE batch_id = $b ORDER BY flow_id",
            b=report.batch_id,
        )
        assert [c for (c,) in got] == case["currencies"]
    if "note" in case:
        assert any(case["note"] in n for n in report.notes)


def _wide_header(path: Path, columns: int) -> Path:
    """The template header followed by ``columns`` more columns, and one good row."""
    header = ",".join(TEMPLATE_HEADER) + "".join(f",extra{i}" for i in range(columns))
    path.write_text(header + "\n" + GOOD_ROW + "," * columns + "\n", encoding="utf-8")
    return path


def _huge_cell(path: Path, size: int) -> Path:
    """One good row, then a row whose description is a single cell of ``size`` bytes."""
    with open(path, "w", encoding="utf-8") as out:
        out.write(",".join(TEMPLATE_HEADER) + "\n" + GOOD_ROW + "\n")
        prefix, suffix = GOOD_ROW.split("city link")
        out.write(prefix)
        chunk = "x" * (1 << 20)
        for _ in range(size // len(chunk)):
            out.write(chunk)
        out.write(suffix + "\n")
    return path


def _deep_xml(path: Path, depth: int) -> Path:
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0"?>\n<iati-activities version="2.03"><iati-activity>')
        out.write("<a>" * depth + "</a>" * depth)
        out.write("</iati-activity></iati-activities>\n")
    return path


GENERATED = {
    "wide_header": _wide_header,
    "huge_cell": _huge_cell,
    "deep_xml": _deep_xml,
}
SMALL_SIZES = {"wide_header": 20_000, "huge_cell": 3 << 20, "deep_xml": 5_000}
LONG_SIZES = {"wide_header": 1_000_000, "huge_cell": 100 << 20, "deep_xml": 1_000_000}


@pytest.mark.parametrize("kind", sorted(GENERATED))
def test_a_generated_monster_file_is_refused_with_a_short_message(
    live: Path, tmp_path: Path, kind: str
) -> None:
    suffix = ".xml" if kind == "deep_xml" else ".csv"
    path = GENERATED[kind](tmp_path / f"{kind}{suffix}", SMALL_SIZES[kind])
    assert_refused_cleanly(live, path, "corpus")


@pytest.mark.long
@pytest.mark.parametrize("kind", sorted(GENERATED))
def test_a_full_size_monster_file_is_refused_with_a_short_message(
    live: Path, tmp_path: Path, kind: str
) -> None:
    """1-million-column header, a 100 MB cell, XML nested a million deep."""
    suffix = ".xml" if kind == "deep_xml" else ".csv"
    path = GENERATED[kind](tmp_path / f"{kind}{suffix}", LONG_SIZES[kind])
    started = time.monotonic()
    assert_refused_cleanly(live, path, "corpus")
    print(f"\n{kind}: {path.stat().st_size:,} bytes refused in {time.monotonic() - started:.1f}s")
