"""IATI files end to end through ``pipelines.ingest.load.load_files`` into a built warehouse."""

from __future__ import annotations

import shutil
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from hardening_support import table_checksums
from iati_expect import transaction_totals

from pipelines.ingest import formats, load
from pipelines.store import warehouse

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


def batch_counts(live: Path, batch_id: str) -> list[tuple]:
    return fetch(
        live,
        "SELECT rows_read, rows_loaded, rows_rejected FROM load_batch WHERE batch_id = $b",
        b=batch_id,
    )


def transactions_held(live: Path, batch_id: str) -> int:
    """Loaded transactions of a batch counted from its flows (one locator per transaction)."""
    rows = fetch(
        live, "SELECT count(DISTINCT source_locator) FROM flow WHERE batch_id = $b", b=batch_id
    )
    return rows[0][0]


def test_flow_ids_name_dataset_activity_position_and_split(built_copy, rules_report):
    ids = fetch(
        built_copy,
        "SELECT flow_id FROM flow WHERE batch_id = $b AND source_locator = 'XX-TEST-SPLIT#1' "
        "ORDER BY flow_id",
        b=rules_report.batch_id,
    )
    assert ids == [
        ("iati:iati_test:XX-TEST-SPLIT#1#0",),
        ("iati:iati_test:XX-TEST-SPLIT#1#1",),
        ("iati:iati_test:XX-TEST-SPLIT#1#2",),
    ]


def test_flow_ids_stay_the_same_after_delete_batch_and_a_reload(built_copy, rules_report):
    from pipelines.store import batches

    sql = "SELECT flow_id, amount_original FROM flow WHERE dataset = 'iati_test' ORDER BY 1"
    before = fetch(built_copy, sql)
    assert batches.delete_batch(built_copy, rules_report.batch_id) == 14
    assert fetch(built_copy, sql) == []
    (again,) = load.load_files(built_copy, [FIXTURES / "rules.xml"], dataset="iati_test")
    assert again.status == "loaded", again.message
    assert again.batch_id != rules_report.batch_id
    assert fetch(built_copy, sql) == before


def test_the_same_file_in_two_datasets_gets_two_sets_of_flow_ids(built_copy, rules_report):
    (other,) = load.load_files(built_copy, [FIXTURES / "rules.xml"], dataset="iati_other")
    assert other.status == "loaded", other.message
    rows = fetch(
        built_copy,
        "SELECT dataset, count(*), count(DISTINCT flow_id), min(flow_id) FROM flow "
        "WHERE dataset IN ('iati_test', 'iati_other') GROUP BY 1 ORDER BY 1",
    )
    assert rows == [
        ("iati_other", 14, 14, "iati:iati_other:XX-TEST-REBASE#1#0"),
        ("iati_test", 14, 14, "iati:iati_test:XX-TEST-REBASE#1#0"),
    ]


def test_replace_of_the_same_file_name_keeps_flow_ids_and_drops_the_old_batch(
    built_copy, rules_report, tmp_path
):
    changed = tmp_path / "rules.xml"
    text = (FIXTURES / "rules.xml").read_text(encoding="utf-8")
    changed.write_text(text.replace(">600<", ">650<"), encoding="utf-8")
    sql = "SELECT flow_id FROM flow WHERE dataset = 'iati_test' ORDER BY 1"
    before = fetch(built_copy, sql)
    (report,) = load.load_files(built_copy, [changed], dataset="iati_test", replace=True)
    assert report.status == "loaded", report.message
    assert f"replaced batch(es) {rules_report.batch_id}" in report.message
    assert fetch(built_copy, sql) == before
    assert fetch(built_copy, "SELECT batch_id FROM load_batch WHERE dataset = 'iati_test'") == [
        (report.batch_id,)
    ]
    assert batch_counts(built_copy, report.batch_id) == [(8, 7, 1)]


def _newer_regions_file(tmp_path: Path) -> Path:
    """A newer file (other name) repeating XX-TEST-REGIONS with a changed value, plus a new one."""
    text = (FIXTURES / "rules.xml").read_text(encoding="utf-8")
    head, rest = text.split(' <iati-activity default-currency="EUR"', 1)
    regions = rest[rest.index(' <iati-activity default-currency="GBP">') :]
    regions = regions.replace(">1000</value>", ">1500</value>")
    new = regions.replace("XX-TEST-REGIONS", "XX-TEST-NEW").split("</iati-activities>")[0]
    path = tmp_path / "rules-2024.xml"
    path.write_text(head + new + regions, encoding="utf-8")
    return path


def test_replace_takes_over_activities_another_file_holds_and_keeps_accounting_exact(
    built_copy, rules_report, tmp_path
):
    newer = _newer_regions_file(tmp_path)
    (refused,) = load.load_files(built_copy, [newer], dataset="iati_test")
    assert refused.status == "refused"
    assert "1 IATI activities of rules-2024.xml" in refused.message
    assert "XX-TEST-REGIONS (from rules.xml)" in refused.message
    (report,) = load.load_files(built_copy, [newer], dataset="iati_test", replace=True)
    assert report.status == "loaded", report.message
    assert batch_counts(built_copy, report.batch_id) == [(6, 4, 2)]
    # the older batch lost XX-TEST-REGIONS: 2 loaded and 1 rejected transaction
    assert batch_counts(built_copy, rules_report.batch_id) == [(5, 5, 0)]
    assert transactions_held(built_copy, rules_report.batch_id) == 5
    assert transactions_held(built_copy, report.batch_id) == 4
    note = next(n for n in report.notes if "replaced 1 IATI activities" in n)
    assert f"batch {rules_report.batch_id} (rules.xml)" in note
    assert "2 loaded and 1 rejected transaction(s) removed" in note
    assert "still holds" in note
    pledged = fetch(
        built_copy,
        "SELECT batch_id, sum(amount_original) FROM flow WHERE dataset = 'iati_test' "
        "AND iati_activity_id = 'XX-TEST-REGIONS' AND stage = 'pledge' AND leg = 'in' GROUP BY 1",
    )
    assert pledged == [(report.batch_id, Decimal("1500.000000"))]
    rejects = fetch(
        built_copy,
        "SELECT batch_id, locator FROM rejected_row WHERE locator LIKE 'XX-TEST-REGIONS#%'",
    )
    assert rejects == [(report.batch_id, "XX-TEST-REGIONS#2")]


def test_a_batch_left_with_nothing_after_replace_is_deleted(built_copy, rules_report, tmp_path):
    newer = tmp_path / "rules-newer.xml"
    shutil.copy(FIXTURES / "rules.xml", newer)
    newer.write_text(newer.read_text(encoding="utf-8") + "\n<!-- newer -->\n", encoding="utf-8")
    (report,) = load.load_files(built_copy, [newer], dataset="iati_test", replace=True)
    assert report.status == "loaded", report.message
    assert any("held nothing else and was deleted" in n for n in report.notes)
    batches = fetch(built_copy, "SELECT batch_id FROM load_batch WHERE dataset = 'iati_test'")
    assert batches == [(report.batch_id,)]
    assert batch_counts(built_copy, report.batch_id) == [(8, 7, 1)]
    count = fetch(built_copy, "SELECT count(*) FROM rejected_row WHERE batch_id = $b",
                  b=rules_report.batch_id)  # fmt: skip
    assert count == [(0,)]


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of about 2 candidate rows: rules.xml streams in 3 chunks (one per activity),
    each written before the next is read (small files are otherwise read whole first)."""
    from pipelines.sources.iati import parse as iati

    monkeypatch.setattr(iati, "CHUNK_ROWS", 2)
    monkeypatch.setattr(formats, "PRELOAD_BYTES", 0)


def test_a_file_streamed_in_many_chunks_loads_exactly_as_in_one(
    built_copy, rules_report, small_chunks
):
    (chunked,) = load.load_files(built_copy, [FIXTURES / "rules.xml"], dataset="chunked")
    assert chunked.status == "loaded", chunked.message
    assert batch_counts(built_copy, chunked.batch_id) == [(8, 7, 1)]
    sql = (
        "SELECT split_part(flow_id, ':', 3), stage, leg, amount_original, currency, "
        "recipient_country_iso3, recipient_region, flags FROM flow WHERE batch_id = $b ORDER BY 1"
    )
    assert fetch(built_copy, sql, b=chunked.batch_id) == fetch(
        built_copy, sql, b=rules_report.batch_id
    )
    rejects = "SELECT row_number, locator, reason_code FROM rejected_row WHERE batch_id = $b"
    assert fetch(built_copy, rejects, b=chunked.batch_id) == [
        (7, "XX-TEST-REGIONS#2", "missing_value")
    ]
    assert list(chunked.rejects["row"]) == [7]


def test_strict_loads_nothing_when_a_later_chunk_has_a_reject(built_copy, small_chunks):
    before = table_checksums(built_copy)
    (report,) = load.load_files(built_copy, [FIXTURES / "rules.xml"], dataset="strict", strict=True)
    assert report.status == "strict_rejected"
    assert report.rows_rejected == 1
    assert table_checksums(built_copy) == before


def test_a_conflict_in_a_later_chunk_refuses_the_file_and_the_other_file_still_loads(
    built_copy, tmp_path, small_chunks
):
    newer = _newer_regions_file(tmp_path)  # XX-TEST-NEW (new) comes before XX-TEST-REGIONS
    (first,) = load.load_files(built_copy, [FIXTURES / "rules.xml"], dataset="iati_test")
    reports = load.load_files(built_copy, [newer, FIXTURES / "v1.xml"], dataset="iati_test")
    assert [r.status for r in reports] == ["refused", "loaded"], [r.message for r in reports]
    assert "XX-TEST-REGIONS (from rules.xml)" in reports[0].message
    assert reports[0].batch_id is None
    held = fetch(
        built_copy,
        "SELECT DISTINCT b.file_name FROM flow f JOIN load_batch b USING (batch_id) "
        "WHERE f.dataset = 'iati_test' ORDER BY 1",
    )
    assert held == [("rules.xml",), ("v1.xml",)]
    assert batch_counts(built_copy, first.batch_id) == [(8, 7, 1)]


def test_xml_that_breaks_after_written_chunks_is_refused_and_nothing_of_it_stays(
    built_copy, tmp_path, small_chunks
):
    broken = tmp_path / "broken.xml"
    text = (FIXTURES / "rules.xml").read_text(encoding="utf-8")
    broken.write_text(text.replace("</iati-activities>", "<oops></iati-activities>"), "utf-8")
    before = table_checksums(built_copy)
    (report,) = load.load_files(built_copy, [broken], dataset="iati_test")
    assert report.status == "refused"
    assert "not well-formed XML" in report.message
    assert table_checksums(built_copy) == before


def test_the_report_keeps_a_capped_list_of_rejects_and_rejected_row_keeps_all(
    built_copy, monkeypatch
):
    from pipelines.ingest import iati_stream as iati_load

    monkeypatch.setattr(iati_load, "MAX_REPORT_REJECTS", 3)
    (report,) = load.load_files(built_copy, [FIXTURES / "malformed.xml"], dataset="iati_bad")
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (13, 1, 12)
    assert len(report.rejects) == 3
    assert any("first 3 of 12 rejected transactions" in n for n in report.notes)
    stored = fetch(built_copy, "SELECT count(*) FROM rejected_row WHERE batch_id = $b",
                   b=report.batch_id)  # fmt: skip
    assert stored == [(12,)]


def test_a_large_file_without_transactions_is_refused_before_any_publication(
    built_copy, tmp_path, monkeypatch
):
    monkeypatch.setattr(formats, "PRELOAD_BYTES", 0)  # treated as a file too large to read first
    empty = tmp_path / "no-transactions.xml"
    text = (FIXTURES / "rules.xml").read_text(encoding="utf-8")
    head, _sep, rest = text.partition("  <transaction>")
    empty.write_text(head + "</iati-activity></iati-activities>\n", encoding="utf-8")
    before = table_checksums(built_copy)
    (report,) = load.load_files(built_copy, [empty], dataset="iati_test")
    assert report.status == "refused"
    assert "no transactions to load" in report.message
    assert table_checksums(built_copy) == before


@pytest.mark.parametrize("limit", ["64MB", "1KB"])  # 1KB: a limit DuckDB cannot meet
def test_checkpoints_between_chunks_under_a_small_limit_load_the_same_flows(
    built_copy, rules_report, small_chunks, monkeypatch, limit
):
    """Every chunk's commit checkpoints (WAL threshold 0); the load equals the one-chunk load,
    also when the checkpoint's memory limit cannot be met (it falls back, never fails)."""
    from pipelines.ingest import iati_stream as iati_load

    calls = []
    real = iati_load._checkpoint
    monkeypatch.setattr(iati_load, "CHECKPOINT_WAL_BYTES", 0)
    monkeypatch.setattr(iati_load, "CHECKPOINT_LIMIT", limit)
    monkeypatch.setattr(iati_load, "_checkpoint", lambda con: (calls.append(1), real(con)))
    (chunked,) = load.load_files(built_copy, [FIXTURES / "rules.xml"], dataset="checkpointed")
    assert chunked.status == "loaded", chunked.message
    assert len(calls) >= 3  # one per chunk: rules.xml streams in 3 chunks
    assert batch_counts(built_copy, chunked.batch_id) == [(8, 7, 1)]
    sql = (
        "SELECT split_part(flow_id, ':', 3), stage, leg, amount_original, currency, flags "
        "FROM flow WHERE batch_id = $b ORDER BY 1"
    )
    assert fetch(built_copy, sql, b=chunked.batch_id) == fetch(
        built_copy, sql, b=rules_report.batch_id
    )
