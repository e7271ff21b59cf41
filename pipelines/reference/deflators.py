"""Price indexes for constant prices: the bundled US CPI-U and the user's own deflators.

- Bundled: the US consumer price index (CPI-U, all items, U.S. city average, not seasonally
  adjusted, annual average; U.S. Bureau of Labor Statistics) as shipped inside the ``cpi``
  package, read once at build into the ``deflator`` table as series ``us_cpi_u``. The package
  warns that its data is stale when it is older than a few weeks: offline that is expected, so
  the warning is silenced here and never reaches a user, and ``cpi.update()`` (a download) is
  never called. The dashboard says "US CPI-U through <last year>" instead.
- User: ``fundflows deflators load FILE`` (CSV ``series, year, index, source``), validated whole
  (every bad line named, nothing loaded when any is bad) and published as a new version. A
  series the user loads replaces the user's earlier rows of that series and, in use, the
  bundled rows of the same name (``sql/views/prices.sql``: ``deflator_effective``).

Constant amounts: amount at base-year prices = amount × index(base year) ÷ index(flow year).
"""

from __future__ import annotations

import math
import re
import warnings
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.store import sql, warehouse

DEFAULT_SERIES = "us_cpi_u"
SERIES_RE = re.compile(r"[a-z][a-z0-9_]{0,39}")
COLUMNS = ("series", "year", "index", "source")
FIRST_YEAR, LAST_YEAR = 1800, 2100


def bundled_series() -> pd.DataFrame:
    """The CPI-U annual averages the ``cpi`` package ships, as ``deflator`` rows."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the package's StaleDataWarning: expected offline
        import cpi

        series = cpi.series.get_by_id(cpi.DEFAULT_SERIES_ID)
        rows = [(i.year, float(i.value)) for i in series.indexes if i.period.type == "annual"]
        latest = cpi.LATEST_MONTH
        version = _version()
    frame = pd.DataFrame(sorted(rows), columns=["year", "index"])
    frame["series"] = DEFAULT_SERIES
    frame["source"] = (
        "US CPI-U, all items, U.S. city average, annual average (U.S. Bureau of Labor "
        f"Statistics, series {cpi.DEFAULT_SERIES_ID}), as shipped in the cpi package {version}"
    )
    frame["retrieved"] = latest if isinstance(latest, date) else None
    frame["kind"] = "bundled"
    return frame


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cpi")
    except PackageNotFoundError:  # pragma: no cover - the package is a dependency
        return "?"


def load_bundled(con: duckdb.DuckDBPyConnection) -> int:
    """Fill the bundled rows of ``deflator`` (inside the build's transaction); return the count."""
    bundled_deflator_frame = bundled_series()  # read by DuckDB's replacement scan
    con.execute(sql.text("loader/deflator_bundled"))
    return len(bundled_deflator_frame)


class DeflatorFileError(ValueError):
    """A deflator file that cannot be loaded; the message names every problem."""


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _problems(row: dict[str, str]) -> list[tuple[str, str]]:
    """(column, reason) for each bad value of one row."""
    bad = []
    if not SERIES_RE.fullmatch(row["series"]):
        bad.append(("series", "a lower-case name (a-z, 0-9, _; up to 40 characters)"))
    year = row["year"]
    if not (year.isdigit() and len(year) == 4 and FIRST_YEAR <= int(year) <= LAST_YEAR):
        bad.append(("year", f"a year from {FIRST_YEAR} to {LAST_YEAR}"))
    index = _number(row["index"])
    if index is None or index <= 0:
        bad.append(("index", "a positive number"))
    if not row["source"] or not row["source"].isprintable():
        bad.append(("source", "the source of the index (text)"))
    return bad


def read_user_file(path: Path) -> pd.DataFrame:
    """A deflator CSV as ``deflator`` rows, or ``DeflatorFileError`` naming every bad line."""
    name = Path(path).name
    try:
        raw = pd.read_csv(path, dtype="str", keep_default_na=False, sep=None, engine="python")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DeflatorFileError(f"{name}: cannot read as CSV: {exc}") from None
    raw.columns = [str(c).strip().lower().lstrip("\ufeff") for c in raw.columns]
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing or len(set(raw.columns)) != len(raw.columns):
        raise DeflatorFileError(
            f"{name}: needs the columns series, year, index, source once each "
            f"(missing: {', '.join(missing) or 'none'})"
        )
    if raw.empty:
        raise DeflatorFileError(f"{name}: no rows")
    rows = [{c: str(r[c]).strip() for c in COLUMNS} for r in raw.to_dict("records")]
    errors = [
        f"line {n}, column {column}: {value!r} is not {reason}"
        for n, row in enumerate(rows, start=2)
        for column, reason in _problems(row)
        for value in [row[column]]
    ]
    seen: dict[tuple[str, str], int] = {}
    for n, row in enumerate(rows, start=2):
        key = (row["series"], row["year"])
        if key in seen:
            errors.append(f"line {n}: {key[0]} {key[1]} repeats line {seen[key]}")
        seen.setdefault(key, n)
    if errors:
        shown = "; ".join(errors[:20]) + (
            f"; … {len(errors) - 20} more" if len(errors) > 20 else ""
        )
        raise DeflatorFileError(f"{name}: nothing loaded: {shown}")
    frame = pd.DataFrame(rows)
    frame["year"] = frame["year"].astype("int64")
    frame["index"] = frame["index"].astype("float64")
    return frame


def load_user_file(live: Path, path: Path) -> dict[str, int]:
    """Load a deflator file as one publication; return rows per series.

    Each series in the file replaces the user's earlier rows of that series (all or nothing).
    """
    frame = read_user_file(Path(path))
    now = datetime.now(UTC)
    user_deflator_frame = frame.assign(  # read by DuckDB's replacement scan in the SQL file
        retrieved=now.date(), kind="user", batch_id=f"deflators-{now:%Y%m%dT%H%M%S}"
    )
    with warehouse.publish(Path(live)) as pub:
        pub.touched_datasets = set()  # no flow changes: constant amounts are computed per query
        pub.con.execute(sql.text("loader/deflator_user")).fetchall()
    del user_deflator_frame
    return {str(k): int(v) for k, v in frame.groupby("series").size().items()}
