"""The IATI parser maps each transaction rule to candidate rows (no warehouse needed)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from pipelines.sources.candidates import CANDIDATE_COLUMNS, PARSER_REJECT_COLUMNS
from pipelines.sources.iati import parse as iati
from pipelines.sources.iati.frame import to_frame

FIXTURES = Path(__file__).parent / "fixtures" / "iati"


def filled(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing text as '' so that tests can compare plain lists."""
    text = [c for c, t in CANDIDATE_COLUMNS.items() if t == "str"]
    return frame.assign(**{c: frame[c].fillna("") for c in text})


@pytest.fixture(scope="module")
def rules() -> pd.DataFrame:
    return filled(iati.parse(FIXTURES / "rules.xml").candidates)


def test_absent_values_are_missing_not_empty_text():
    raw = iati.parse(FIXTURES / "rules.xml").candidates
    first = raw[raw["locator"] == "XX-TEST-SPLIT#1"].iloc[0]
    assert pd.isna(first["fund"])
    assert pd.isna(first["modality"])
    assert pd.isna(first["recipient_region"])
    assert first["recipient_country"] == "KE"


def rows_of(frame: pd.DataFrame, locator: str) -> pd.DataFrame:
    return frame[frame["locator"] == locator].sort_values("leg_seq")


def test_candidates_have_exactly_the_contract_columns_and_dtypes(rules):
    assert list(rules.columns) == list(CANDIDATE_COLUMNS)
    assert str(rules["row_number"].dtype) == "int64"
    assert str(rules["split_share"].dtype) == "float64"
    assert str(rules["locator"].dtype) == "str"
    assert all(isinstance(f, list) for f in rules["flags"])


def test_every_transaction_is_one_accounting_unit_numbered_in_file_order():
    parsed = iati.parse(FIXTURES / "rules.xml")
    assert parsed.rows_read == 8
    assert sorted(parsed.candidates["row_number"].unique()) == list(range(1, 9))
    assert parsed.format == "iati"
    assert parsed.rejects.empty


def test_split_by_country_percentages_adds_up_exactly_with_remainder_on_last(rules):
    split = rows_of(rules, "XX-TEST-SPLIT#1")
    assert split["recipient_country"].tolist() == ["KE", "SN", "BO"]
    assert split["amount_text"].tolist() == ["500.00", "300.00", "200.01"]
    assert split["split_share"].tolist() == [0.5, 0.3, 0.2]
    assert split["leg_seq"].tolist() == [0, 1, 2]
    assert sum(Decimal(a) for a in split["amount_text"]) == Decimal("1000.01")
    assert all(f == ["region_split"] for f in split["flags"])


def test_percentages_not_adding_to_100_are_rebased_and_flagged(rules):
    split = rows_of(rules, "XX-TEST-REBASE#1")
    assert split["recipient_country"].tolist() == ["NP", ""]
    assert split["recipient_region"].tolist() == ["", "289"]
    assert split["recipient_region_vocab"].tolist() == ["", "oecd_dac"]
    assert split["split_share"].tolist() == [0.5, 0.5]
    assert split["amount_text"].tolist() == ["166.66", "166.67"]
    assert split["flags"].iloc[0] == ["region_split", "region_split_rebased"]


def test_transaction_level_country_wins_over_the_activity_split(rules):
    row = rows_of(rules, "XX-TEST-SPLIT#3")
    assert len(row) == 1
    assert row["recipient_country"].item() == "ML"
    assert row["split_share"].item() == 1.0
    assert "region_split" not in row["flags"].item()
    assert row["sector"].item() == "12220"


def test_region_vocabularies_map_to_oecd_dac_m49_or_are_kept_raw_and_flagged(rules):
    split = rows_of(rules, "XX-TEST-REGIONS#1")
    assert split["recipient_region"].tolist() == ["R01", "002"]
    assert split["recipient_region_vocab"].tolist() == ["99", "m49"]
    assert split["amount_text"].tolist() == ["750.00", "250.00"]
    assert split["flags"].tolist() == [
        ["region_split", "unknown_region_vocabulary"],
        ["region_split"],
    ]
    only = rows_of(rules, "XX-TEST-REGIONS#3")
    assert only[["recipient_region", "recipient_region_vocab"]].values.tolist() == [
        ["589", "oecd_dac"]
    ]


def test_currency_comes_from_the_value_else_the_activity_default(rules):
    assert rows_of(rules, "XX-TEST-SPLIT#1")["currency"].unique().tolist() == ["EUR"]
    assert rows_of(rules, "XX-TEST-SPLIT#2")["currency"].unique().tolist() == ["USD"]
    assert rows_of(rules, "XX-TEST-REGIONS#2")["currency"].unique().tolist() == ["GBP"]


def test_date_is_the_value_date_else_the_transaction_date(rules):
    assert rows_of(rules, "XX-TEST-SPLIT#1")["date_text"].iloc[0] == "2023-02-01"
    assert rows_of(rules, "XX-TEST-SPLIT#2")["date_text"].iloc[0] == "2023-03-15"


@pytest.mark.parametrize(
    ("locator", "stage", "leg", "code"),
    [
        ("XX-TEST-SPLIT#1", "paid", "in", "1"),
        ("XX-TEST-SPLIT#2", "disbursement", "out", "3"),
        ("XX-TEST-REBASE#1", "commitment", "out", "2"),
        ("XX-TEST-REBASE#2", "expenditure", "out", "4"),
        ("XX-TEST-REGIONS#1", "pledge", "in", "13"),
        ("XX-TEST-REGIONS#2", "commitment", "in", "11"),
        ("XX-TEST-REGIONS#3", "pledge", "out", "12"),
    ],
)
def test_transaction_types_map_to_stage_and_leg(rules, locator, stage, leg, code):
    row = rows_of(rules, locator).iloc[0]
    assert (row["stage"], row["leg"], row["transaction_type"]) == (stage, leg, code)


def test_in_leg_goes_from_provider_to_the_reporting_organisation(rules):
    row = rows_of(rules, "XX-TEST-SPLIT#1").iloc[0]
    assert (row["contributor"], row["contributor_ref"], row["contributor_kind"]) == (
        "Donor Ministry",
        "XX-DONOR",
        "government",
    )
    assert (row["recipient"], row["recipient_ref"], row["recipient_kind"]) == (
        "Test Fund",
        "XX-FUND",
        "multilateral",
    )
    assert row["fund"] == ""
    assert "actor_fallback" not in row["flags"]


def test_out_leg_goes_from_the_reporting_organisation_to_the_receiver(rules):
    row = rows_of(rules, "XX-TEST-SPLIT#2").iloc[0]
    assert (row["contributor"], row["contributor_ref"]) == ("Test Fund", "XX-FUND")
    assert (row["recipient"], row["recipient_ref"], row["recipient_kind"]) == (
        "Partner NGO",
        "XX-NGO",
        "ngo",
    )
    assert row["instrument"] == "loan"
    assert rows_of(rules, "XX-TEST-SPLIT#1")["instrument"].iloc[0] == "grant"


def test_missing_receiver_falls_back_to_the_implementing_partner_and_is_flagged(rules):
    row = rows_of(rules, "XX-TEST-SPLIT#3").iloc[0]
    assert (row["recipient"], row["recipient_ref"]) == ("Partner NGO", "XX-NGO")
    assert row["flags"] == ["actor_fallback"]


def test_missing_provider_falls_back_to_the_funding_participant_and_is_flagged():
    parsed = iati.parse(FIXTURES / "v1.xml")
    row = rows_of(filled(parsed.candidates), "XX-CHC-1-P1#1").iloc[0]
    assert (row["contributor"], row["contributor_ref"]) == ("Old Donor", "XX-1")
    assert "actor_fallback" in row["flags"]


def test_no_provider_and_no_funding_participant_leaves_the_contributor_empty(rules):
    row = rows_of(rules, "XX-TEST-REGIONS#2").iloc[0]
    assert (row["contributor"], row["contributor_ref"]) == ("", "")
    assert (row["recipient"], row["recipient_ref"]) == ("Second NGO", "XX-NGO2")
    assert "actor_fallback" not in row["flags"]


def test_receiver_without_identifier_keeps_its_name_and_a_default_kind(rules):
    row = rows_of(rules, "XX-TEST-REBASE#1").iloc[0]
    assert (row["recipient"], row["recipient_ref"], row["recipient_kind"]) == (
        "Unnamed Cooperative",
        "",
        "other",
    )


def test_negative_values_are_kept_as_corrections(rules):
    rows = rows_of(rules, "XX-TEST-REBASE#2")
    assert rows["amount_text"].tolist() == ["-25.00", "-25.00"]


def test_iati_codes_and_activity_defaults_are_kept(rules):
    row = rows_of(rules, "XX-TEST-SPLIT#1").iloc[0]
    assert (row["flow_type"], row["finance_type"], row["aid_type"], row["sector"]) == (
        "10",
        "110",
        "C01",
        "15110",
    )
    assert row["iati_activity_id"] == "XX-TEST-SPLIT"
    assert row["source"] == "rules.xml"
    assert row["source_locator"] == "XX-TEST-SPLIT#1"
    assert row["description"] == "Three countries, percentages add up to 100"


@pytest.fixture(scope="module")
def malformed() -> pd.DataFrame:
    parsed = iati.parse(FIXTURES / "malformed.xml")
    assert parsed.rows_read == 13
    assert list(parsed.rejects.columns) == PARSER_REJECT_COLUMNS
    return parsed


@pytest.mark.parametrize(
    ("row_number", "column", "value", "code"),
    [
        (1, "value", "", "missing_amount"),
        (2, "transaction-type", "1", "transaction_type_as_text"),
        (3, "transaction-date/@iso-date", "", "missing_date"),
        (4, "value/@currency", "XYZ", "unknown_currency"),
        (5, "value", "1,000", "bad_amount"),
        (6, "transaction-date/@iso-date", "2020-02-30", "bad_date"),
        (7, "transaction-type", "6", "not_a_funding_flow"),
        (8, "transaction-type", "5", "not_a_funding_flow"),
        (9, "transaction-type", "99", "unknown_transaction_type"),
        (11, "value/@currency", "", "missing_currency"),
        (12, "iati-identifier", "", "missing_activity_id"),
        (13, "iati-identifier", "XX-TEST-BAD", "duplicate_activity"),
    ],
)
def test_malformed_transactions_are_rejected_with_a_reason(
    malformed, row_number, column, value, code
):
    reject = malformed.rejects.set_index("row_number").loc[row_number]
    assert (reject["column_name"], reject["value"], reject["reason_code"]) == (column, value, code)


def test_rejects_name_the_activity_and_list_every_problem(malformed):
    reject = malformed.rejects.set_index("row_number").loc[2]
    assert reject["locator"] == "XX-TEST-BAD#2"
    assert reject["reason"].startswith("activity XX-TEST-BAD, transaction 2:")
    assert "element text" in reject["reason"]
    assert "<value> element is empty" in reject["reason"]


def test_the_good_transaction_among_malformed_ones_still_loads(malformed):
    assert malformed.candidates["row_number"].tolist() == [10]
    assert malformed.candidates["amount_text"].tolist() == ["25.5"]
    assert len(malformed.rejects) + 1 == malformed.rows_read


def test_version_one_letter_codes_load_through_the_documented_mapping():
    parsed = iati.parse(FIXTURES / "v1.xml")
    assert parsed.rows_read == 5
    assert any("1.0x mapping" in note for note in parsed.notes)
    by_row = parsed.candidates.groupby("row_number")
    stages = by_row[["stage", "leg", "transaction_type"]].first()
    assert stages.values.tolist() == [
        ["paid", "in", "1"],
        ["commitment", "out", "2"],
        ["disbursement", "out", "3"],
        ["expenditure", "out", "4"],
    ]
    assert parsed.rejects["reason_code"].tolist() == ["not_a_funding_flow"]
    split = rows_of(filled(parsed.candidates), "XX-CHC-1-P1#3")
    assert split["recipient_country"].tolist() == ["RW", ""]
    assert split["recipient_region_vocab"].tolist() == ["", "oecd_dac"]
    assert split["recipient"].tolist() == ["Local Partner", "Local Partner"]
    assert split["contributor"].tolist() == ["Old NGO", "Old NGO"]


def test_a_2014_datastore_result_root_is_read_as_version_one():
    parsed = iati.parse(FIXTURES / "datastore-result.xml")
    assert parsed.rows_read == 2
    assert parsed.candidates["stage"].tolist() == ["disbursement"]
    assert parsed.candidates["contributor"].tolist() == ["Example Bank"]
    assert parsed.rejects["reason_code"].tolist() == ["not_a_funding_flow"]
    assert "Datastore" in parsed.notes[0]


def test_progress_is_reported_up_to_the_file_size():
    seen: list[tuple[int, int]] = []
    iati.parse(FIXTURES / "rules.xml", progress=lambda done, total: seen.append((done, total)))
    size = (FIXTURES / "rules.xml").stat().st_size
    assert seen[-1] == (size, size)


def test_the_bundled_sample_file_parses_without_rejects():
    sample = Path(__file__).parents[1] / "data" / "samples" / "sample-iati.xml"
    parsed = iati.parse(sample)
    assert (parsed.rows_read, len(parsed.candidates), len(parsed.rejects)) == (6, 10, 0)
    assert set(parsed.candidates["stage"]) == {"paid", "commitment", "disbursement", "expenditure"}


@pytest.mark.parametrize(
    ("written", "kept"),
    [("2021-05-03", "2021-05-03"), ("2021-05-03Z", "2021-05-03"),
     ("2021-05-03+02:00", "2021-05-03"), ("2021-05-03T10:00:00", "2021-05-03")],
)  # fmt: skip
def test_dates_with_time_zone_or_time_keep_the_calendar_date(tmp_path, written, kept):
    one = tmp_path / "one.xml"
    one.write_text(
        '<iati-activities version="2.03"><iati-activity default-currency="USD">'
        "<iati-identifier>XX-1</iati-identifier>"
        '<reporting-org ref="XX" type="10"><narrative>R</narrative></reporting-org>'
        f'<transaction><transaction-type code="3"/><transaction-date iso-date="{written}"/>'
        "<value>5</value></transaction></iati-activity></iati-activities>",
        encoding="utf-8",
    )
    assert iati.parse(one).candidates["date_text"].tolist() == [kept]


def test_streamed_chunks_end_at_activity_boundaries_and_add_up_to_the_parsed_file():
    whole = iati.parse(FIXTURES / "rules.xml")
    stream = iati.IatiStream(FIXTURES / "rules.xml", chunk_rows=4)
    chunks = list(stream.chunks())
    assert [c.candidates.num_rows for c in chunks] == [7, 4, 5]
    seen: set[str] = set()
    for chunk in chunks:  # an activity's rows (and its splits) never span two chunks
        ids = set(chunk.candidates["iati_activity_id"].to_pylist())
        assert ids <= set(chunk.activity_ids)
        assert not ids & seen
        seen |= ids
    joined = to_frame(pa.concat_tables([c.candidates for c in chunks]))
    pd.testing.assert_frame_equal(joined, whole.candidates)
    parsed = stream.parsed(joined)
    assert parsed.rows_read == whole.rows_read
    assert parsed.notes == whole.notes


def test_flow_keys_name_the_activity_the_transaction_position_and_the_split():
    parsed = iati.parse(FIXTURES / "rules.xml", key_prefix="iati:main:")
    split = rows_of(parsed.candidates, "XX-TEST-SPLIT#1")
    assert split["flow_key"].tolist() == [
        "iati:main:XX-TEST-SPLIT#1#0",
        "iati:main:XX-TEST-SPLIT#1#1",
        "iati:main:XX-TEST-SPLIT#1#2",
    ]
    assert parsed.candidates["flow_key"].is_unique
    again = iati.parse(FIXTURES / "rules.xml", key_prefix="iati:main:")
    assert again.candidates["flow_key"].tolist() == parsed.candidates["flow_key"].tolist()
