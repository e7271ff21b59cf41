"""Money conversion: ECB history, weekends, annual averages, pegs, user rates, no rate."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from pipelines.ingest import fx
from pipelines.store import warehouse


@pytest.fixture
def rates(empty_warehouse: Path) -> Path:
    """The empty warehouse with the ECB history, the XOF peg and two user rates."""
    with warehouse.publish(empty_warehouse) as pub:
        fx.load_ecb_rates(pub.con)
        pub.con.execute(
            "INSERT INTO fx_peg VALUES ('XOF', 'EUR', 655.957, DATE '1999-01-01', NULL, 'peg')"
        )
        pub.con.execute(
            "INSERT INTO fx_rate_table VALUES ('NGN', NULL, 2005, 0.0075, 'my NGN', 'user', NULL),"
            "('EUR', DATE '2024-12-30', 2024, 2.0, 'my EUR', 'user', NULL)"
        )
    return empty_warehouse


def convert(live: Path, rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["currency", "flow_date", "year", "amount_original"])
    frame["flow_date"] = pd.to_datetime(frame["flow_date"])
    frame.index = [f"r{i}" for i in range(len(frame))]
    con = warehouse.connect_plain(live)
    try:
        return fx.convert(con, frame)
    finally:
        con.close()


def test_the_ecb_history_becomes_usd_per_unit_including_the_euro(rates):
    con = warehouse.connect_plain(rates)
    got = dict(
        con.execute(
            "SELECT currency, usd_per_unit FROM fx_daily WHERE rate_date = DATE '2024-12-31'"
        ).fetchall()
    )
    span = con.execute("SELECT min(rate_date), count(DISTINCT currency) FROM fx_daily").fetchone()
    con.close()
    assert got["EUR"] == pytest.approx(1.0389)
    assert got["GBP"] == pytest.approx(1.0389 / 0.82918)
    assert got["JPY"] == pytest.approx(1.0389 / 163.06)
    assert "USD" not in got
    assert str(span[0]) == "1999-01-04"
    assert span[1] >= 40


def test_a_weekend_uses_the_last_earlier_rate_without_a_flag(rates):
    out = convert(rates, [("GBP", "2024-12-29", 2024, 100.0), ("GBP", "2024-12-27", 2024, 100.0)])
    assert list(out.index) == ["r0", "r1"]
    assert out["fx_date"].astype(str).tolist() == ["2024-12-27", "2024-12-27"]
    assert out["amount_usd"].tolist() == [round(100 * 1.0435 / 0.83098, 2)] * 2
    assert out["fx_flags"].tolist() == [[], []]


def test_a_bare_year_uses_the_average_of_the_daily_rates(rates):
    con = warehouse.connect_plain(rates)
    mean = con.execute(
        "SELECT avg(usd_per_unit) FROM fx_daily WHERE currency = 'CHF' AND year(rate_date) = 2010"
    ).fetchone()[0]
    con.close()
    out = convert(rates, [("chf", None, 2010, Decimal("1000.50"))])
    assert out["fx_rate"].iloc[0] == pytest.approx(mean)
    assert out["amount_usd"].iloc[0] == pytest.approx(round(1000.5 * mean, 2))
    assert pd.isna(out["fx_date"].iloc[0])
    assert out["fx_flags"].iloc[0] == ["fx_annual_average"]


def test_a_pegged_currency_goes_through_its_anchor(rates):
    out = convert(rates, [("XOF", "2024-12-31", 2024, 655957.0), ("XOF", None, 1998, 1.0)])
    assert out["amount_usd"].iloc[0] == pytest.approx(1038.90)
    assert out["fx_flags"].iloc[0] == ["fx_fixed_peg"]
    assert out["fx_source"].iloc[0] == "peg"
    assert pd.isna(out["amount_usd"].iloc[1])  # 1998: before the peg and the ECB history
    assert out["fx_flags"].iloc[1] == ["no_fx_rate"]


def test_user_rates_take_precedence_and_usd_is_one(rates):
    out = convert(
        rates,
        [
            ("EUR", "2024-12-31", 2024, 10.0),  # dated user rate of 2024-12-30
            ("EUR", "2024-12-20", 2024, 10.0),  # before it: the ECB rate
            ("NGN", "2005-06-01", 2005, 1000.0),  # yearly user rate
            ("USD", "1985-01-01", 1985, 7.0),
        ],
    )
    assert out["fx_rate"].tolist()[0] == 2.0
    assert out["fx_flags"].iloc[0] == ["fx_user_rate"]
    assert out["fx_source"].iloc[0] == "my EUR"
    assert out["fx_flags"].iloc[1] == []
    assert out["fx_rate"].iloc[1] < 1.2
    assert out["amount_usd"].iloc[2] == 7.5
    assert out["fx_flags"].iloc[2] == ["fx_user_rate"]
    assert out["amount_usd"].iloc[3] == 7.0
    assert out["fx_flags"].iloc[3] == []


def test_no_rate_leaves_usd_empty_and_flags_the_row(rates):
    out = convert(rates, [("MNT", "2020-01-01", 2020, 5.0), ("RUB", "2024-05-01", 2024, 5.0)])
    assert out["amount_usd"].isna().all()
    assert out["fx_flags"].tolist() == [["no_fx_rate"], ["no_fx_rate"]]


def test_a_user_rates_file_is_loaded_and_bad_files_are_refused(rates, tmp_path):
    good = tmp_path / "rates.csv"
    good.write_text("currency,date,usd_per_unit,source\nmnt,2020,0.00035,central bank\n")
    assert fx.load_user_rates(rates, good) == 1
    out = convert(rates, [("MNT", "2020-03-01", 2020, 1000.0)])
    assert out["amount_usd"].iloc[0] == 0.35
    assert out["fx_flags"].iloc[0] == ["fx_user_rate"]
    bad = tmp_path / "bad.csv"
    bad.write_text("currency,date,usd_per_unit,source\nMNT,someday,0.1,x\n")
    with pytest.raises(fx.RatesFileError, match="line 2"):
        fx.read_user_rates(bad)
    (tmp_path / "cols.csv").write_text("currency,rate\nMNT,1\n")
    with pytest.raises(fx.RatesFileError, match="missing column"):
        fx.read_user_rates(tmp_path / "cols.csv")


def test_rates_read_from_the_used_slice_match_an_asof_lookup_over_all_daily_rates(rates):
    """fx_convert.sql reads only the daily rates its input can use (currencies, the dated rows'
    span less the staleness allowance, year-only rows' whole years): every row still gets the
    rate an ASOF lookup over the whole of fx_daily gives, also rows far apart in time."""
    import random

    rng = random.Random(11)
    rows = []
    for _ in range(300):  # dated rows only: their span is what limits the slice
        currency = rng.choice(["EUR", "GBP", "JPY", "CHF", "XOF", "SEK"])
        day = pd.Timestamp("1999-01-01") + pd.Timedelta(days=rng.randint(0, 9400))
        rows.append((currency, day.strftime("%Y-%m-%d"), day.year, 100.0))
    out = convert(rates, rows)
    # year-only rows of a few years (their whole years are read), beside two dated rows
    years = [(c, None, y, 100.0) for c in ("GBP", "JPY", "SEK") for y in (2001, 2013, 2024)]
    dated = [("GBP", "2007-05-02", 2007, 100.0), ("SEK", "2019-11-29", 2019, 100.0)]
    rows += years + dated
    out = pd.concat([out, convert(rates, years + dated)])
    out = convert(rates, rows)
    con = warehouse.connect_plain(rates)
    try:
        for (currency, day, year, _amount), (_i, got) in zip(rows, out.iterrows(), strict=True):
            if currency == "XOF" or "fx_user_rate" in got["fx_flags"]:
                continue  # the peg and the fixture's user rates: other tests cover them
            if day is None:
                want = con.execute(
                    "SELECT avg(usd_per_unit) FROM fx_daily WHERE currency = $c "
                    "AND year(rate_date) = $y HAVING count(*) >= $n",
                    {"c": currency, "y": year, "n": fx.MIN_DAYS_FOR_AVERAGE},
                ).fetchone()
            else:
                want = con.execute(
                    "SELECT usd_per_unit FROM fx_daily WHERE currency = $c AND rate_date <= $d "
                    "AND CAST($d AS DATE) - rate_date <= $s ORDER BY rate_date DESC LIMIT 1",
                    {"c": currency, "d": day, "s": fx.MAX_STALE_DAYS},
                ).fetchone()
            if want is None or want[0] is None:
                assert pd.isna(got["fx_rate"]), (currency, day, year)
            else:
                assert got["fx_rate"] == pytest.approx(want[0]), (currency, day, year)
    finally:
        con.close()
