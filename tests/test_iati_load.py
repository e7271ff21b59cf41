"""IATI files end to end through ``pipelines.load.load_files`` into a built warehouse."""

from __future__ import annotations

import shutil
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from iati_expect import transaction_totals

from pipelines import load, warehouse

FIXTURES = Path(__file__).parent / "fixtures" / "iati"
TYPE_STAGE_LEG = {
    "1": ("paid", "in"),
    "11": ("commitment", "in"),
    "13": ("pledge", "in"),
    "2": ("commitment", "out"),
    "12": ("pledge", "out"),
    "3": ("disbursement", "out"),
    "4": ("expenditure", "out"),
}


def fetch(live: Path, sql: str, **params: object) -> list[tuple]:
    con = warehouse.connect_reader(live)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def loaded_sums(live: Path, batch_id: str) -> Counter:
    rows = fetch(
        live,
        "SELECT transaction_type, currency, sum(amount_original) FROM flow "
        "WHERE batch_id = $b GROUP BY ALL",
        b=batch_id,
    )
    return Counter({(t, c): s for t, c, s in rows})


def loaded_rows(live: Path, batch_id: str) -> set[int]:
    rows = fetch(
        live,
        "SELECT DISTINCT split_part(flow_id, '-', -2) FROM flow WHERE batch_id = $b",
        b=batch_id,
    )
    return {int(r[0]) for r in rows}


@pytest.fixture
def rules_report(built_copy: Path) -> load.LoadReport:
    (report,) = load.load_files(built_copy, [FIXTURES / "rules.xml"], dataset="iati_test")
    assert report.status == "loaded", report.message
    return report


def test_row_accounting_counts_transactions_not_split_rows(built_copy, rules_report):
    batch = fetch(
        built_copy,
        "SELECT rows_read, rows_loaded, rows_rejected, format FROM load_batch WHERE batch_id = $b",
        b=rules_report.batch_id,
    )
    assert batch == [(8, 7, 1, "iati")]
    flows = fetch(
        built_copy, "SELECT count(*) FROM flow WHERE batch_id = $b", b=rules_report.batch_id
    )
    assert flows == [(14,)]


def test_a_transaction_without_any_contributor_is_rejected_with_its_locator(
    built_copy, rules_report
):
    rejected = fetch(
        built_copy,
        "SELECT row_number, locator, reason_code FROM rejected_row WHERE batch_id = $b",
        b=rules_report.batch_id,
    )
    assert rejected == [(7, "XX-TEST-REGIONS#2", "missing_value")]


def test_sums_by_stage_leg_and_currency_equal_the_files_transaction_totals(
    built_copy, rules_report
):
    _count, expected = transaction_totals(FIXTURES / "rules.xml")
    expected.pop(("11", "GBP"))  # the transaction rejected for its missing contributor
    assert loaded_sums(built_copy, rules_report.batch_id) == expected
    by_stage = fetch(
        built_copy,
        "SELECT DISTINCT transaction_type, stage, leg FROM flow WHERE batch_id = $b",
        b=rules_report.batch_id,
    )
    assert all(TYPE_STAGE_LEG[t] == (s, leg) for t, s, leg in by_stage)


def test_split_rows_keep_country_share_and_flags(built_copy, rules_report):
    rows = fetch(
        built_copy,
        "SELECT recipient_country_iso3, amount_original, split_share, flags FROM flow "
        "WHERE batch_id = $b AND source_locator = 'XX-TEST-SPLIT#1' ORDER BY split_share DESC",
        b=rules_report.batch_id,
    )
    assert rows == [
        ("KEN", Decimal("500.000000"), 0.5, ["region_split"]),
        ("SEN", Decimal("300.000000"), 0.3, ["region_split"]),
        ("BOL", Decimal("200.010000"), 0.2, ["region_split"]),
    ]


def test_reporting_organisation_is_the_intermediary_actor(built_copy, rules_report):
    rows = fetch(
        built_copy,
        "SELECT DISTINCT f.leg, s.iati_org_ref, d.iati_org_ref FROM flow f "
        "LEFT JOIN actor s ON s.actor_id = f.source_actor_id "
        "LEFT JOIN actor d ON d.actor_id = f.destination_actor_id "
        "WHERE f.batch_id = $b AND f.iati_activity_id = 'XX-TEST-SPLIT' ORDER BY ALL",
        b=rules_report.batch_id,
    )
    assert rows == [("in", "XX-DONOR", "XX-FUND"), ("out", "XX-FUND", "XX-NGO")]


def test_reloading_the_same_file_changes_nothing_and_keeps_flow_ids(built_copy, rules_report):
    before = fetch(
        built_copy,
        "SELECT flow_id FROM flow WHERE batch_id = $b ORDER BY 1",
        b=rules_report.batch_id,
    )
    (again,) = load.load_files(built_copy, [FIXTURES / "rules.xml"], dataset="iati_test")
    assert again.status == "unchanged"
    assert again.batch_id == rules_report.batch_id
    after = fetch(built_copy, "SELECT flow_id FROM flow WHERE dataset = 'iati_test' ORDER BY 1")
    assert after == before


def test_another_file_repeating_activities_is_refused_naming_them(
    built_copy, rules_report, tmp_path
):
    other = tmp_path / "rules-newer.xml"
    text = (FIXTURES / "rules.xml").read_text(encoding="utf-8")
    other.write_text(text.replace("generated-datetime", "linked-data-default"), encoding="utf-8")
    (report,) = load.load_files(built_copy, [other], dataset="iati_test")
    assert report.status == "refused"
    assert "3 IATI activities of rules-newer.xml" in report.message
    assert "XX-TEST-REBASE (from rules.xml)" in report.message
    count = fetch(built_copy, "SELECT count(*) FROM load_batch WHERE dataset = 'iati_test'")
    assert count == [(1,)]


def test_the_same_activities_load_into_another_dataset(built_copy, rules_report, tmp_path):
    other = tmp_path / "rules-copy.xml"
    shutil.copy(FIXTURES / "rules.xml", other)
    (report,) = load.load_files(built_copy, [other], dataset="iati_other")
    assert report.status == "loaded", report.message


def test_replace_reloads_a_changed_file_of_the_same_name(built_copy, rules_report, tmp_path):
    changed = tmp_path / "rules.xml"
    text = (FIXTURES / "rules.xml").read_text(encoding="utf-8")
    changed.write_text(text.replace(">1000.01<", ">2000.02<"), encoding="utf-8")
    (refused,) = load.load_files(built_copy, [changed], dataset="iati_test")
    assert refused.status == "refused"
    assert "XX-TEST-SPLIT (from rules.xml)" in refused.message
    (report,) = load.load_files(built_copy, [changed], dataset="iati_test", replace=True)
    assert report.status == "loaded", report.message
    paid = fetch(
        built_copy,
        "SELECT sum(amount_original) FROM flow WHERE dataset = 'iati_test' AND stage = 'paid'",
    )
    assert paid == [(Decimal("2000.020000"),)]


def test_malformed_transactions_land_in_rejected_row_with_the_activity(built_copy):
    (report,) = load.load_files(built_copy, [FIXTURES / "malformed.xml"], dataset="iati_bad")
    assert report.status == "loaded", report.message
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (13, 1, 12)
    rows = fetch(
        built_copy,
        "SELECT r.reason_code, r.reason FROM rejected_row r JOIN load_batch b USING (batch_id) "
        "WHERE b.dataset = 'iati_bad' AND r.row_number = 2",
    )
    assert rows[0][0] == "transaction_type_as_text"
    assert "activity XX-TEST-BAD" in rows[0][1]


def test_an_xml_bomb_is_refused_and_nothing_is_written(built_copy):
    before = warehouse.resolve(built_copy)
    (report,) = load.load_files(built_copy, [FIXTURES / "bomb.xml"], dataset="iati_test")
    assert report.status == "refused"
    assert "declares XML entities" in report.message
    assert warehouse.resolve(built_copy) == before


def test_negative_values_load_as_flagged_corrections(built_copy, rules_report):
    rows = fetch(
        built_copy,
        "SELECT amount_original, flags FROM flow WHERE batch_id = $b "
        "AND source_locator = 'XX-TEST-REBASE#2' ORDER BY flow_id",
        b=rules_report.batch_id,
    )
    assert [r[0] for r in rows] == [Decimal("-25.000000"), Decimal("-25.000000")]
    assert all("negative_correction" in r[1] and "region_split_rebased" in r[1] for r in rows)


def test_region_codes_keep_their_vocabulary_in_the_warehouse(built_copy, rules_report):
    rows = fetch(
        built_copy,
        "SELECT recipient_region, recipient_region_vocab, list_contains(flags, "
        "'unknown_region_vocabulary') FROM flow WHERE batch_id = $b "
        "AND recipient_region IS NOT NULL GROUP BY ALL ORDER BY ALL",
        b=rules_report.batch_id,
    )
    assert rows == [
        ("002", "m49", False),
        ("289", "oecd_dac", False),
        ("589", "oecd_dac", False),
        ("R01", "99", True),
    ]


def test_an_iati_load_reports_reading_progress_as_text(built_copy):
    messages: list[str] = []
    reports = load.load_files(
        built_copy, [FIXTURES / "rules.xml"], dataset="progress", progress=messages.append
    )
    assert reports[0].status == "loaded"
    reading = [m for m in messages if m.startswith("reading rules.xml: ")]
    assert reading
    assert reading[-1] == "reading rules.xml: 100%"
