"""Constant prices (issue 19): the figures equal the cpi package's own inflate(), a year with
no index is counted and flagged, a user deflator takes precedence, a bad file loads nothing,
the URL round-trips, the Overview names its prices, exports carry the constant columns."""

from __future__ import annotations

import csv
import warnings
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from dashboard.filter_state import Choices, Filters, parse, sql_params, to_query
from pipelines.cli.main import app
from pipelines.store import warehouse

CHOICES = Choices(datasets=("demo", "cited"), deflators=(("us_cpi_u", 1913, 2025),))


def inflate(value: float, year: int, to: int) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the package's staleness warning (offline: expected)
        import cpi

        return cpi.inflate(value, year, to=to)


def by_year(live: Path, **changes: object) -> pd.DataFrame:
    params = sql_params(Filters(dataset="demo")) | changes
    con = warehouse.connect_plain(live)
    try:
        return warehouse.query(con, "overview_by_year", **params).set_index(["year", "stage_group"])
    finally:
        con.close()


def kpis(live: Path, **changes: object) -> pd.Series:
    con = warehouse.connect_plain(live)
    try:
        frame = warehouse.query(con, "overview_kpis", **sql_params(Filters()) | changes)
    finally:
        con.close()
    return frame[frame["is_total"] == 1].iloc[0]


@pytest.mark.parametrize("base_year", [2025, 2000, 1983])  # to later and to earlier money
def test_constant_amounts_equal_cpi_inflate(built_warehouse, base_year):
    current = by_year(built_warehouse)
    constant = by_year(built_warehouse, prices="constant", base_year=base_year)
    assert list(constant.index) == list(current.index)
    years = sorted({y for y, _ in current.index})
    assert len(years) > 20  # decades of demo money: both directions are exercised
    for (year, group), row in current.iterrows():
        want = inflate(float(row["amount"]), int(year), base_year)
        assert constant.loc[(year, group), "amount"] == pytest.approx(want, rel=1e-12)
    # and the known sample: 1,000 dollars of 1987 in 2024 prices, and back
    con = warehouse.connect_plain(built_warehouse)
    factors = dict(con.execute("SELECT year, factor FROM price_factors('us_cpi_u', 2024, 'USD')")
                   .fetchall())  # fmt: skip
    con.close()
    assert 1000 * factors[1987] == pytest.approx(inflate(1000, 1987, 2024), rel=1e-12)
    assert 1000 * factors[2024] == 1000


def test_default_base_year_is_the_deflators_last_year(built_warehouse):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import cpi

        latest = cpi.LATEST_YEAR
    default = by_year(built_warehouse, prices="constant", base_year=None)
    explicit = by_year(built_warehouse, prices="constant", base_year=latest)
    pd.testing.assert_frame_equal(default, explicit)
    assert not default["amount"].equals(by_year(built_warehouse)["amount"])


def test_constant_eur_is_constant_usd_at_the_base_years_average_rate(built_warehouse):
    usd = kpis(built_warehouse, prices="constant", base_year=2020)
    eur = kpis(built_warehouse, prices="constant", base_year=2020, currency="EUR")
    con = warehouse.connect_plain(built_warehouse)
    rate = con.execute(
        "SELECT avg(usd_per_unit) FROM fx_daily WHERE currency = 'EUR' AND year(rate_date) = 2020"
    ).fetchone()[0]
    con.close()
    assert float(eur["transferred"]) == pytest.approx(float(usd["transferred"]) / rate, rel=1e-9)


def write(path: Path, rows: list[str]) -> Path:
    path.write_text("series,year,index,source\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def cli(*args: object) -> object:
    return CliRunner().invoke(app, [str(a) for a in args])


def test_a_user_deflator_takes_precedence_and_a_year_without_index_is_flagged(built_copy, tmp_path):
    # a user series named like the bundled one, from 2000 on only, rising 10 % a year
    rows = [f"us_cpi_u,{y},{100 * 1.1 ** (y - 2000):.6f},my office" for y in range(2000, 2026)]
    result = cli("deflators", "load", write(tmp_path / "d.csv", rows), "--warehouse", built_copy)
    assert result.exit_code == 0, result.output
    assert "loaded 26 index value(s) of series us_cpi_u" in result.output
    current = by_year(built_copy)
    constant = by_year(built_copy, prices="constant", base_year=2010)
    for (year, group), row in current.iterrows():
        got = constant.loc[(year, group), "amount"]
        if year < 2000:  # no index that year: no constant amount, never a current one
            assert pd.isna(got)
        else:
            want = float(row["amount"]) * 1.1 ** (2010 - year)
            assert got == pytest.approx(want, rel=1e-6)
    # counted: the flows of the years without an index are "without an amount"
    con = warehouse.connect_plain(built_copy)
    before_2000 = con.execute(
        "SELECT count(*) FROM flow WHERE dataset = 'demo' AND year < 2000"
    ).fetchone()[0]
    con.close()
    assert before_2000 > 0
    total = kpis(built_copy, prices="constant", base_year=2010)
    assert int(total["flows_without_rate"]) == before_2000
    assert int(kpis(built_copy)["flows_without_rate"]) == 0
    # flagged in the export, every row kept
    out = tmp_path / "flows.csv"
    result = cli("export", "--warehouse", built_copy, "--dataset", "demo", "--prices",
                 "constant", "--base-year", 2010, "--out", out, "--no-datapackage")  # fmt: skip
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as handle:
        exported = list(csv.DictReader(handle))
    flagged = [r for r in exported if "no_deflator" in r["flags"].split(";")]
    assert len(flagged) == before_2000
    assert all(r["amount_usd_constant"] == "" for r in flagged)
    assert {r["deflator_series"] for r in exported} == {"us_cpi_u"}


def test_a_bad_deflator_file_loads_nothing_and_names_every_problem(built_copy, tmp_path):
    before = warehouse.resolve(built_copy)
    bad = write(
        tmp_path / "bad.csv",
        [
            "oecd_dac,2019,100,OECD",
            "oecd_dac,20x0,101,OECD",
            "Bad Name,2020,-3,",
            "oecd_dac,2019,1,x",
        ],
    )
    result = cli("deflators", "load", bad, "--warehouse", built_copy)
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    for expected in ("line 3, column year", "line 4, column series", "line 4, column index",
                     "line 4, column source", "line 5: oecd_dac 2019 repeats line 2"):  # fmt: skip
        assert expected in text, text
    assert warehouse.resolve(built_copy) == before
    con = warehouse.connect_plain(built_copy)
    assert con.execute("SELECT count(*) FROM deflator WHERE kind = 'user'").fetchone()[0] == 0
    con.close()


def test_a_user_series_is_offered_beside_the_bundled_one(built_copy, tmp_path):
    rows = ["oecd_dac_usa,2020,95.5,OECD DAC deflators", "oecd_dac_usa,2021,100,OECD DAC deflators"]
    assert cli("deflators", "load", write(tmp_path / "o.csv", rows),
               "--warehouse", built_copy).exit_code == 0  # fmt: skip
    listed = cli("deflators", "list", "--warehouse", built_copy)
    lines = [line.split() for line in listed.output.splitlines()]
    assert ["oecd_dac_usa", "2020-2021", "user", "OECD", "DAC", "deflators"] in lines
    assert any(line[:3] == ["us_cpi_u", "1913-2025", "bundled"] for line in lines)
    constant = by_year(built_copy, prices="constant", deflator="oecd_dac_usa", base_year=2021)
    current = by_year(built_copy)
    row = (2020, "transferred")
    want = float(current.loc[row, "amount"]) * 100 / 95.5
    assert constant.loc[row, "amount"] == pytest.approx(want, rel=1e-9)


def test_the_price_filters_round_trip_through_the_url():
    view = Filters(prices="constant", base_year=1990, deflator="us_cpi_u", currency="EUR")
    query = to_query(view)
    assert (query["prices"], query["base_year"]) == ("constant", "1990")
    assert parse(query, CHOICES) == (view, [])
    assert "prices" not in to_query(Filters())  # current prices: the URL says nothing
    # a base year the series does not hold and an unknown series are ignored, visibly
    got, ignored = parse({"prices": "constant", "base_year": "1850", "deflator": "nope"}, CHOICES)
    assert got == Filters(prices="constant")
    assert sorted(ignored) == [("base_year", "1850"), ("deflator", "nope")]
    got, ignored = parse({"prices": "fixed"}, CHOICES)
    assert (got.prices, ignored) == ("current", [("prices", "fixed")])


@pytest.fixture(scope="module")
def base_and_cube(built_warehouse):
    import duckdb
    from test_aggregates import row_by_row

    path = warehouse.resolve(built_warehouse)
    base, cube = row_by_row(path), duckdb.connect(str(path), read_only=True)
    yield base, cube
    base.close()
    cube.close()


def test_the_row_by_row_base_of_constant_prices_reads_the_flows(base_and_cube):
    base, _ = base_and_cube
    plan = "".join(
        r[1]
        for r in base.execute(
            "EXPLAIN SELECT sum(amount) FROM flows_cube_constant(2020, 'us_cpi_u', 'demo', NULL, "
            "NULL, [], [], [], [], [], [], [], [], 'USD')"
        ).fetchall()
    )
    assert "flow_cube" not in plan


@pytest.mark.parametrize("currency", ["USD", "GBP", "JPY"])
@pytest.mark.parametrize("base_year", [None, 1990])
def test_every_chart_query_in_constant_prices_equals_the_flow_by_flow_result(
    base_and_cube, currency, base_year
):
    """The cube is per year: the year's factor times a group's exact USD sum equals the sum of
    each flow's constant amount (tests/test_aggregates.py's row-by-row base, same query text)."""
    from dashboard_fixtures import no_filters
    from test_aggregates import EXTRA, QUERIES, same_results

    base, cube = base_and_cube
    for name in QUERIES:
        for dataset in ("demo", "cited"):
            params = no_filters(dataset=dataset, currency=currency) | EXTRA
            params |= {"prices": "constant", "base_year": base_year, "deflator": "us_cpi_u"}
            same_results(base, cube, name, params)


def test_the_bundled_index_is_read_without_a_staleness_warning_or_a_download():
    """-W error: the cpi package's StaleDataWarning would end the process; update() is never
    called (a socket opened would fail the run: no network here, and none is needed)."""
    import subprocess
    import sys

    code = (
        "import socket\n"
        "def refuse(*a, **k): raise SystemExit('network used')\n"
        "socket.socket.connect = refuse\n"
        "from pipelines.reference import deflators\n"
        "frame = deflators.bundled_series()\n"
        "print(frame['year'].min(), frame['year'].max(), len(frame))\n"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], cwd=root, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    first, last, rows = (int(x) for x in out.stdout.split())
    assert (first, last) == (1913, 2025)
    assert rows == last - first + 1
    assert "StaleDataWarning" not in out.stderr


def test_a_chart_image_in_constant_prices_names_them(built_warehouse, tmp_path):
    from dashboard.cli import app as installed

    out = tmp_path / "kpis.svg"
    args = ["chart", "kpis", "--warehouse", str(built_warehouse), "--prices", "constant",
            "--base-year", "2020", "--out", str(out)]  # fmt: skip
    result = CliRunner().invoke(installed, args)
    assert result.exit_code == 0, result.output
    assert "constant 2020 US$ (US CPI-U)" in out.read_text(encoding="utf-8")
    refused = CliRunner().invoke(installed, [*args[:-2], "--base-year", "1700", "--out", str(out)])
    assert refused.exit_code != 0
    assert "--base-year 1700: not offered" in refused.output


@pytest.mark.parametrize("fmt", ["parquet", "xlsx"])
def test_constant_exports_carry_the_columns_and_equal_cpi_inflate(built_warehouse, tmp_path, fmt):
    out = tmp_path / f"flows.{fmt}"
    result = cli("export", "--warehouse", built_warehouse, "--dataset", "demo", "--format", fmt,
                 "--prices", "constant", "--base-year", 1995, "--out", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    frame = pd.read_parquet(out) if fmt == "parquet" else pd.read_excel(out)
    columns = list(frame.columns)
    for name in ("amount_usd_constant", "price_base_year", "deflator_series",
                 "deflator_index_flow_year", "deflator_index_base_year"):  # fmt: skip
        assert name in columns
    assert columns.index("amount_usd") < columns.index("amount_usd_constant")
    assert set(frame["price_base_year"]) == {1995}
    sample = frame.dropna(subset=["amount_usd"]).groupby("year").head(1)
    assert sample["year"].nunique() > 20
    for row in sample.itertuples():
        want = inflate(float(row.amount_usd), int(row.year), 1995)
        assert row.amount_usd_constant == pytest.approx(want, abs=0.006)  # rounded to cents


def test_an_export_with_an_unknown_series_or_base_year_is_refused(built_warehouse, tmp_path):
    out = tmp_path / "x.csv"
    common = ["export", "--warehouse", built_warehouse, "--prices", "constant", "--out", out]
    result = cli(*common, "--deflator", "nope")
    assert result.exit_code == 2
    assert "no deflator series 'nope'" in result.output
    result = cli(*common, "--base-year", 1850)
    assert result.exit_code == 2
    assert "us_cpi_u has no index for 1850 (1913-2025)" in result.output
    assert not out.exists()
