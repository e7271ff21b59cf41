"""Bad input corpus: every file is refused with a clear one-line message (warehouse unchanged)
or loads with exactly the expected rows rejected. Cases and outcomes: bad_inputs/manifest.toml.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from hardening_support import table_checksums

from pipelines import load, warehouse

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
CASES = tomllib.loads((CORPUS / "manifest.toml").read_text(encoding="utf-8"))["case"]
MAX_MESSAGE = 500


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
