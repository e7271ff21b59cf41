"""Fuzzing the template loader with hypothesis: random rows (unicode, huge and tiny numbers,
random dates and codes) never crash validation or loading, the row accounting is exact, and
every loaded row comes back unchanged through the exporter (CSV and Parquet)."""

from __future__ import annotations

import csv
import itertools
import shutil
import string
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.ingest import load
from pipelines.query import export
from pipelines.store import warehouse

HEADER = ["date", "stage", "contributor", "contributor_kind", "recipient", "recipient_kind",
          "recipient_country", "amount", "currency", "description", "source"]  # fmt: skip
STAGES = ["pledge", "commitment", "paid", "allocation", "disbursement", "expenditure"]
KINDS = ["government", "local_government", "foundation", "company", "ngo", "community"]
CURRENCIES = ["USD", "EUR", "CHF", "XOF", "GBP", "JPY", "NGN"]
text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
names = st.text(string.ascii_letters + "éèçñøßЖж中 -'", min_size=1, max_size=30)
dates = st.one_of(
    st.dates(min_value=date(1946, 1, 1), max_value=date(2099, 12, 31)).map(date.isoformat),
    st.integers(1900, 2200).map(str),
    text,
)  # fmt: skip
amounts = st.one_of(
    st.decimals(min_value=-(10**14), max_value=10**14, places=2, allow_nan=False).map(str),
    st.decimals(min_value=Decimal("1e-9"), max_value=10, places=9, allow_nan=False).map(str),
    st.integers(-(10**20), 10**20).map(str),
    st.sampled_from(["1e309", "NaN", "--5", "inf", "", "1,5", "12 000", "0"]),
    text,
)  # fmt: skip
rows = st.fixed_dictionaries({
    "date": dates,
    "stage": st.one_of(st.sampled_from(STAGES), st.sampled_from(STAGES).map(str.upper), text),
    "contributor": names,
    "contributor_kind": st.sampled_from(KINDS),
    "recipient": names,
    "recipient_kind": st.sampled_from(KINDS),
    "recipient_country": st.sampled_from(["MLI", "BFA", "Sénégal", "Togo", "XXX", ""]),
    "amount": amounts,
    "currency": st.one_of(st.sampled_from(CURRENCIES), st.sampled_from(CURRENCIES).map(
        lambda c: f" {c.lower()} "), text),  # fmt: skip
    "description": text,
    "source": st.one_of(names, st.just("https://example.org/doc")),
})  # fmt: skip
counter = itertools.count()
FUZZ = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture]}


@pytest.fixture(scope="module")
def live(built_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fuzz") / "warehouse.duckdb"
    shutil.copyfile(warehouse.resolve(built_warehouse), path)
    return path


def write_csv(folder: Path, batch: list[dict]) -> Path:
    path = folder / f"fuzz-{next(counter)}.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, HEADER, quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerows(batch)
    return path


def blank(value: str) -> bool:
    """The template trims cells of spaces only (DuckDB ``trim``); other whitespace is kept."""
    return not value.strip(" ")


def counted_rows(batch: list[dict]) -> int:
    """Rows the loader must count: fully blank rows are skipped by the template rules."""
    return sum(1 for r in batch if not all(blank(v) for v in r.values()))


def check_accounting(report: load.LoadReport, batch: list[dict]) -> None:
    assert report.status in ("validated", "loaded", "refused"), report.message
    if report.status == "refused":
        assert "\n" not in report.message
        return
    assert report.rows_read == counted_rows(batch)
    assert report.rows_loaded + report.rows_rejected == report.rows_read
    assert set(report.rejects["row"]) <= set(range(1, report.rows_read + 1))
    assert report.rejects["row"].is_unique


def validate_random(live: Path, tmp_path: Path, batch: list[dict]) -> None:
    report = load.validate_files(live, [write_csv(tmp_path, batch)], dataset="fuzz")[0]
    check_accounting(report, batch)


@settings(max_examples=25, **FUZZ)
@given(batch=st.lists(rows, min_size=1, max_size=12))
def test_validation_of_random_rows_never_crashes_and_counts_every_row(
    live: Path, tmp_path: Path, batch: list[dict]
) -> None:
    validate_random(live, tmp_path, batch)


@pytest.mark.long
@settings(max_examples=400, **FUZZ)
@given(batch=st.lists(rows, min_size=1, max_size=40))
def test_validation_of_many_random_files_never_crashes_and_counts_every_row(
    live: Path, tmp_path: Path, batch: list[dict]
) -> None:
    validate_random(live, tmp_path, batch)


def exported(live: Path, batch_id: str, folder: Path, fmt: str) -> pd.DataFrame:
    con = warehouse.connect_reader(live)
    out = folder / f"export-{batch_id}.{fmt}"
    try:
        export.export_query(
            con, "SELECT flow_id, amount_original, currency, description FROM flow "
            "WHERE batch_id = $b ORDER BY flow_id", {"b": batch_id}, fmt, out,
        )  # fmt: skip
    finally:
        con.close()
    if fmt == "parquet":
        return pd.read_parquet(out)
    return pd.read_csv(out, dtype=str, keep_default_na=False)


def expected_amount(text: str) -> Decimal:
    """The amount as the template reads it: spaces group thousands, a lone comma is decimal."""
    plain = text.replace(" ", "")
    if "," in plain and "." not in plain:
        plain = plain.replace(",", ".")
    return Decimal(plain).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def expected_row(row: dict) -> tuple[Decimal, str, str]:
    return (expected_amount(row["amount"]), row["currency"].strip(" ").upper(),
            row["description"].strip(" "))  # fmt: skip


def check_round_trip(live: Path, report: load.LoadReport, batch: list[dict], folder: Path) -> None:
    rejected = set(report.rejects["row"])
    # row numbers are file rows: a fully blank row is skipped but still takes its number
    wanted = {
        i: expected_row(r)
        for i, r in enumerate(batch, start=1)
        if i not in rejected and not all(blank(v) for v in r.values())
    }
    parquet = exported(live, report.batch_id, folder, "parquet")
    got = {int(f.split("-")[-2]): (Decimal(a), c, d if isinstance(d, str) else "")
           for f, a, c, d in parquet.itertuples(index=False)}  # fmt: skip
    assert got == wanted
    as_csv = exported(live, report.batch_id, folder, "csv")
    texts = [d[1:] if d.startswith("'") and d[1:].startswith(export.FORMULA_STARTS) else d
             for d in as_csv["description"]]  # fmt: skip
    assert texts == [d if isinstance(d, str) else "" for d in parquet["description"]]


def load_random(live: Path, tmp_path: Path, batch: list[dict]) -> None:
    path = write_csv(tmp_path, batch)  # its own dataset: a replayed example is not "unchanged"
    report = load.load_files(live, [path], dataset=path.stem)[0]
    check_accounting(report, batch)
    if report.status == "loaded":
        check_round_trip(live, report, batch, tmp_path)


@settings(max_examples=5, **FUZZ)
@given(batch=st.lists(rows, min_size=1, max_size=12))
def test_loading_random_rows_is_exact_and_loaded_rows_round_trip_through_export(
    live: Path, tmp_path: Path, batch: list[dict]
) -> None:
    load_random(live, tmp_path, batch)


@pytest.mark.long
@settings(max_examples=60, **FUZZ)
@given(batch=st.lists(rows, min_size=1, max_size=40))
def test_loading_many_random_files_is_exact_and_round_trips_through_export(
    live: Path, tmp_path: Path, batch: list[dict]
) -> None:
    load_random(live, tmp_path, batch)
