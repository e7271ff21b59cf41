"""The real IATI files in ../shared/data/iati/ parse and load with the totals the XML states."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from iati_expect import transaction_totals

from pipelines.ingest import load
from pipelines.sources.candidates import UnusableFile
from pipelines.sources.iati import parse as iati
from pipelines.store import warehouse

REAL_FILES = [
    "undp-subset-from-ocha-covid-2021.xml",
    "ocha-covid-dportal-2021.xml",
    "ocha-foodsecurity-dportal.xml",
    "dportal-2014-datastore-response-v1.xml",
    "iati-activity-standard-example-annotated-v201.xml",
]


@pytest.fixture(scope="module")
def iati_dir(shared_data: Path) -> Path:
    return shared_data / "iati"


def parsed_sums(parsed) -> Counter:
    frame = parsed.candidates
    sums: Counter = Counter()
    for t, c, a in zip(
        frame["transaction_type"], frame["currency"], frame["amount_text"], strict=True
    ):
        sums[(t, c)] += Decimal(a)
    return sums


def test_every_real_file_is_listed_here(iati_dir):
    assert sorted(p.name for p in iati_dir.glob("*.xml")) == sorted(REAL_FILES)


@pytest.mark.parametrize("name", REAL_FILES)
def test_real_file_counts_and_currency_sums_match_the_xml(iati_dir, name):
    path = iati_dir / name
    try:
        parsed = iati.parse(path)
    except UnusableFile as refused:  # refused cleanly is allowed; none of these is
        pytest.fail(f"{name} refused: {refused}")
    count, expected = transaction_totals(path)
    assert parsed.rows_read == count
    units = set(parsed.candidates["row_number"]) | set(parsed.rejects["row_number"])
    assert units == set(range(1, count + 1))
    assert not set(parsed.candidates["row_number"]) & set(parsed.rejects["row_number"])
    assert parsed_sums(parsed) == expected


def test_undp_subset_has_the_documented_totals(iati_dir):
    parsed = iati.parse(iati_dir / "undp-subset-from-ocha-covid-2021.xml")
    assert parsed.rows_read == 46
    assert parsed.rejects.empty
    assert set(parsed.candidates["currency"]) == {"USD"}
    assert parsed_sums(parsed) == {
        ("1", "USD"): Decimal(2_838_777),
        ("2", "USD"): Decimal(4_386_976),
        ("11", "USD"): Decimal(4_386_976),
        ("4", "USD"): Decimal(9_659),
    }
    assert parsed.candidates["recipient_country"].nunique() == 11


def test_covid_file_rejects_the_21_type_as_text_transactions_of_one_publisher(iati_dir):
    parsed = iati.parse(iati_dir / "ocha-covid-dportal-2021.xml")
    assert parsed.rows_read == 1033
    assert parsed.rejects["reason_code"].value_counts().to_dict() == {
        "transaction_type_as_text": 21
    }
    assert parsed.rejects["locator"].str.startswith("CZ-ICO-25755277-").all()
    assert set(parsed.candidates["currency"]) == {
        "GBP", "KRW", "USD", "CHF", "EUR", "NGN", "CZK", "MNT"
    }  # fmt: skip


def test_version_one_datastore_file_maps_letter_codes_and_rejects_repayments(iati_dir):
    parsed = iati.parse(iati_dir / "dportal-2014-datastore-response-v1.xml")
    assert parsed.rows_read == 447
    reasons = parsed.rejects["reason_code"].value_counts().to_dict()
    assert reasons == {"not_a_funding_flow": 79}  # 55 interest + 24 loan repayments
    assert set(parsed.candidates["transaction_type"]) <= {"1", "2", "3", "4"}


@pytest.mark.parametrize(
    "name", ["undp-subset-from-ocha-covid-2021.xml", "ocha-foodsecurity-dportal.xml"]
)
def test_real_file_loads_with_exact_accounting_and_totals(iati_dir, built_copy, name):
    path = iati_dir / name
    (report,) = load.load_files(built_copy, [path], dataset="iati_real")
    assert report.status == "loaded", report.message
    assert report.rows_loaded + report.rows_rejected == report.rows_read
    count, expected = transaction_totals(path)
    assert report.rows_read == count
    con = warehouse.connect_reader(built_copy)
    try:
        rows = con.execute(
            "SELECT transaction_type, currency, sum(amount_original) FROM flow "
            "WHERE batch_id = $b GROUP BY ALL",
            {"b": report.batch_id},
        ).fetchall()
        rejected = con.execute(
            "SELECT count(*) FROM rejected_row WHERE batch_id = $b", {"b": report.batch_id}
        ).fetchone()[0]
    finally:
        con.close()
    assert rejected == report.rows_rejected
    if report.rows_rejected == 0:
        assert Counter({(t, c): s for t, c, s in rows}) == expected
