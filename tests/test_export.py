"""Exports: every format re-reads to the slice, and spreadsheet formulas are neutralised."""

from __future__ import annotations

import io
import json

import duckdb
import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipelines.query import export

DANGEROUS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", '=HYPERLINK("http://x","y")']


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": ["Thailand", *DANGEROUS, "Genève"],
            "amount": [1.5, 2, 3, 4, 5, 6, 7, 8, -9.25],
            "year": [2000 + n for n in range(9)],
        }
    )


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_a_spreadsheet_would_execute_gets_an_apostrophe(text):
    assert export.neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Thailand", "a=b", "", 5, -3.0, None, "'=already"])
def test_other_values_are_left_alone(value):
    assert export.neutralise(value) == value


def test_csv_re_reads_to_the_slice_with_formulas_neutralised():
    frame = _frame()
    back = pd.read_csv(io.BytesIO(export.to_csv_bytes(frame)), keep_default_na=False)
    assert back["amount"].tolist() == frame["amount"].tolist()
    assert back["year"].tolist() == frame["year"].tolist()
    assert back["name"].tolist() == ["Thailand", *["'" + d for d in DANGEROUS], "Genève"]
    assert not any(str(v).startswith(export.FORMULA_STARTS) for v in back["name"])


def test_xlsx_cells_are_text_not_formulas_and_numbers_stay_numbers():
    frame = _frame()
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes(frame)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == ("name", "amount", "year")
    names = [r[0].replace("_x000D_", "\r") for r in rows[1:]]  # openpyxl keeps the escape
    assert names == ["Thailand", *["'" + d for d in DANGEROUS], "Genève"]
    assert [r[1] for r in rows[1:]] == frame["amount"].tolist()
    cells = [row[0] for row in book.active.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in cells)


def test_parquet_keeps_the_values_exactly():
    frame = _frame()
    back = pq.read_table(io.BytesIO(export.to_parquet_bytes(frame))).to_pandas()
    assert back["name"].tolist() == frame["name"].tolist()
    assert back["amount"].tolist() == frame["amount"].tolist()


def test_lists_become_semicolon_joined_text_in_spreadsheets():
    frame = pd.DataFrame({"flags": [["no_fx_rate", "outlier"], []]})
    back = pd.read_csv(io.BytesIO(export.to_csv_bytes(frame)), keep_default_na=False)
    assert back["flags"].tolist() == ["no_fx_rate;outlier", ""]


def test_an_unknown_format_is_refused():
    with pytest.raises(export.ExportError, match="unknown format"):
        export.frame_bytes(_frame(), "ods")


def test_the_datapackage_describes_every_column_with_a_frictionless_type():
    frame = _frame().assign(flags=[["a"]] * 9, when=pd.to_datetime(["2001-01-01"] * 9).date)
    package = json.loads(export.datapackage_bytes(frame, "slice", "slice.csv", "csv"))
    [resource] = package["resources"]
    assert package["profile"] == "data-package"
    assert resource["path"] == "slice.csv"
    assert resource["mediatype"] == "text/csv"
    types = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
    assert types == {"name": "string", "amount": "number", "year": "integer",
                     "flags": "string", "when": "date"}  # fmt: skip
    parquet = export.datapackage(frame, "slice", "slice.parquet", "parquet")
    assert {f["name"]: f["type"] for f in parquet["resources"][0]["schema"]["fields"]}["flags"] == (
        "array"
    )


@pytest.fixture
def source(tmp_path):
    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    con.execute(
        "CREATE TABLE t AS SELECT range AS n, 1990 + range % 7 AS year, range * 0.25 AS amount,"
        " CASE WHEN range % 5 = 0 THEN '=evil()' ELSE 'ok' END AS note FROM range(2500)"
    )
    yield con
    con.close()


QUERY = "SELECT * FROM t WHERE year >= $y ORDER BY n"


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_a_streamed_query_export_re_reads_to_the_same_rows(source, tmp_path, fmt, monkeypatch):
    monkeypatch.setattr(export, "BATCH_ROWS", 700)  # several batches
    out = tmp_path / f"out.{fmt}"
    written = export.export_query(source, QUERY, {"y": 1992}, fmt, out)
    expected = source.execute(QUERY, {"y": 1992}).df()
    back = {"csv": pd.read_csv, "xlsx": pd.read_excel, "parquet": pd.read_parquet}[fmt](out)
    assert written == len(expected) == len(back)
    assert back["amount"].sum() == pytest.approx(expected["amount"].sum())
    notes = set(back["note"])
    assert notes == ({"ok", "=evil()"} if fmt == "parquet" else {"ok", "'=evil()"})


def test_a_partitioned_parquet_export_gives_the_same_totals_per_year(source, tmp_path):
    out = tmp_path / "parts"
    written = export.export_query(source, QUERY, {"y": 1990}, "parquet", out, partition_by="year")
    assert written == 2500
    assert sorted(p.name for p in out.iterdir()) == [f"year={y}" for y in range(1990, 1997)]
    check = duckdb.connect()
    got = check.execute(
        "SELECT year, sum(amount), count(*) FROM read_parquet($p, hive_partitioning = true)"
        " GROUP BY year ORDER BY year",
        {"p": str(out / "**" / "*.parquet")},
    ).fetchall()
    want = source.execute("SELECT year, sum(amount), count(*) FROM t GROUP BY year ORDER BY year")
    assert [(int(y), float(s), c) for y, s, c in got] == [
        (int(y), float(s), c) for y, s, c in want.fetchall()
    ]


def test_partitioning_is_refused_for_formats_other_than_parquet(source, tmp_path):
    with pytest.raises(export.ExportError, match="parquet only"):
        export.export_query(source, QUERY, {"y": 1}, "csv", tmp_path / "x", partition_by="year")


def test_xlsx_refuses_more_rows_than_a_sheet_holds(source, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "XLSX_MAX_ROWS", 100)
    with pytest.raises(export.ExportError, match="at most 100 rows"):
        export.export_query(source, QUERY, {"y": 1990}, "xlsx", tmp_path / "x.xlsx")


# ---- the `fundflows export` command ------------------------------------------------------


@pytest.fixture(scope="module")
def fixture_live(tmp_path_factory):
    from workbench_fixtures import build_fixture_warehouse

    return build_fixture_warehouse(tmp_path_factory.mktemp("cli") / "warehouse.duckdb")


def _cli(*args: str):
    from typer.testing import CliRunner

    from pipelines.cli import export as cli_export  # noqa: F401  (registers the command)
    from pipelines.cli.app import app

    return CliRunner().invoke(app, ["export", *args])


def _expected(live, **filters):
    from pipelines.query import drill, slices
    from pipelines.store import warehouse

    con = warehouse.connect_plain(live)
    try:
        return drill.flows(con, slices.filter_params(**filters))
    finally:
        con.close()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_the_export_command_writes_the_filtered_flows_with_provenance(fixture_live, tmp_path, fmt):
    out = tmp_path / f"flows.{fmt}"
    where = ["--dataset", "real", "--fund", "pgtf", "--fund", "dgttf", "--year-from", "2001"]
    result = _cli("--format", fmt, "--out", str(out), "--warehouse", str(fixture_live), *where)
    assert result.exit_code == 0, result.output
    want = _expected(fixture_live, dataset=["real"], fund=["pgtf", "dgttf"], year_from=2001)
    back = {"csv": pd.read_csv, "xlsx": pd.read_excel, "parquet": pd.read_parquet}[fmt](out)
    assert sorted(back["flow_id"]) == sorted(want["flow_id"])
    assert back["amount_usd"].sum() == pytest.approx(want["amount_usd"].sum())
    assert {"source_title", "source_url", "source_locator", "batch_id", "batch_file", "fx_rate",
            "fx_date", "fx_source", "flags"} <= set(back.columns)  # fmt: skip
    assert set(back["fund"]) == {"pgtf", "dgttf"}
    assert back["year"].min() == 2001
    package = json.loads((tmp_path / "datapackage.json").read_text())
    fields = [f["name"] for f in package["resources"][0]["schema"]["fields"]]
    assert fields == list(back.columns)


def test_the_export_command_neutralises_formulas_in_csv(fixture_live, tmp_path):
    out = tmp_path / "flows.csv"
    result = _cli("--out", str(out), "--warehouse", str(fixture_live), "--dataset", "real")
    assert result.exit_code == 0
    back = pd.read_csv(out)
    texts = pd.concat([back[c].dropna().astype(str) for c in ("contributor", "description")])
    assert '\'=HYPERLINK("http://x","y")' in set(back["contributor"])
    assert "'=cmd|' /C calc'!A0" in set(back["description"])
    assert not texts.str.startswith(export.FORMULA_STARTS).any()


def test_partitioned_parquet_export_gives_the_same_totals_per_year(fixture_live, tmp_path):
    out = tmp_path / "by_year"
    result = _cli("--format", "parquet", "--partition-by", "year", "--out", str(out),
                  "--warehouse", str(fixture_live))  # fmt: skip
    assert result.exit_code == 0, result.output
    got = (
        duckdb.connect()
        .execute(
            "SELECT year, sum(amount_usd), count(*) FROM read_parquet($p, hive_partitioning = true)"
            " GROUP BY year ORDER BY year",
            {"p": str(out / "**" / "*.parquet")},
        )
        .fetchall()
    )
    want = _expected(fixture_live).groupby("year")["amount_usd"].agg(["sum", "count"])
    assert [(int(y), round(float(s), 2)) for y, s, _ in got] == [
        (int(y), round(float(s), 2)) for y, s in want["sum"].items()
    ]
    assert sum(n for *_, n in got) == len(_expected(fixture_live))
    assert (out / "datapackage.json").is_file()


def test_the_export_command_explains_a_bad_format_and_a_missing_warehouse(fixture_live, tmp_path):
    bad = _cli(
        "--format", "ods", "--out", str(tmp_path / "x.ods"), "--warehouse", str(fixture_live)
    )
    assert bad.exit_code == 2
    assert "unknown format" in bad.output
    missing = _cli("--out", str(tmp_path / "x.csv"), "--warehouse", str(tmp_path / "none.duckdb"))
    assert missing.exit_code == 2
    assert "no warehouse" in missing.output
