"""Validation: decimal separator detection and the ordered checks of each candidate."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from pipelines.ingest import validate
from pipelines.ingest.steps import candidate_table
from pipelines.sources.candidates import CANDIDATE_COLUMNS
from pipelines.store import warehouse

GOOD = {
    "date_text": "2024-01-31",
    "stage": "paid",
    "contributor": "India",
    "amount_text": "10",
    "currency": "USD",
    "source": "doc",
}


def candidates(*rows: dict) -> pa.Table:
    """Candidates as the loader registers them (``cand``: Arrow, contract columns plus _cid)."""
    frame = pd.DataFrame([{**GOOD, **r} for r in rows])
    for column in CANDIDATE_COLUMNS:
        if column not in frame:
            frame[column] = None
    frame["row_number"] = range(1, len(frame) + 1)
    frame["leg_seq"] = 0
    frame["leg"] = "direct"
    return candidate_table(frame)


def run(live: Path, frame: pa.Table, decimal: str | None = "auto") -> pd.DataFrame:
    con = warehouse.connect_plain(live)
    try:
        con.register("cand", frame)
        sep = validate.detect_decimal(con) if decimal == "auto" else decimal
        validate.check(con, sep, template=True)
        return con.execute("SELECT * FROM cv ORDER BY _cid").df()
    finally:
        con.close()


@pytest.mark.parametrize(
    ("amounts", "expected"),
    [
        (["12.5", "1,234"], "dot"),
        (["0,125", "1.234"], "comma"),
        (["1,234,567", "10"], "dot"),
        (["1.234.567"], "comma"),
        (["1.234,50"], "comma"),
        (["1,234.50"], "dot"),
        (["1,234", "5.678"], None),
        (["100", "2000"], None),
    ],
)
def test_the_decimal_separator_is_detected_from_the_whole_file(empty_warehouse, amounts, expected):
    con = warehouse.connect_plain(empty_warehouse)
    con.register("cand", candidates(*({"amount_text": a} for a in amounts)))
    assert validate.detect_decimal(con) == expected
    con.close()


def test_amounts_follow_the_file_separator_and_spaces_group_thousands(empty_warehouse):
    out = run(
        empty_warehouse,
        candidates({"amount_text": "1 234,5"}, {"amount_text": "12,5"}, {"amount_text": "-3"}),
    )
    assert [float(a) for a in out["amount"]] == [1234.5, 12.5, -3.0]
    assert out["reason_code"].isna().all()


def test_an_ambiguous_amount_without_any_clue_is_rejected(empty_warehouse):
    out = run(empty_warehouse, candidates({"amount_text": "1,234"}, {"amount_text": "99"}))
    assert out["reason_code"].tolist()[0] == "ambiguous_amount"
    assert pd.isna(out["reason_code"].iloc[1])


def test_dates_in_three_forms_parse_and_others_fail(empty_warehouse):
    out = run(
        empty_warehouse,
        candidates(
            {"date_text": "2024-02-29"},
            {"date_text": "31/12/2020"},
            {"date_text": "1999"},
            {"date_text": "2023-02-30"},
            {"date_text": "12/31/2020"},
            {"date_text": "1900"},
        ),
    )
    dates = [None if pd.isna(d) else str(d)[:10] for d in out["flow_date"]]
    assert dates[:3] == ["2024-02-29", "2020-12-31", None]
    assert out["year"].tolist()[:3] == [2024, 2020, 1999]
    assert out["year_only"].tolist()[:3] == [False, False, True]
    assert out["reason_code"].tolist()[3:] == ["bad_date"] * 3


def test_the_first_failing_check_names_its_column_and_value(empty_warehouse):
    out = run(
        empty_warehouse,
        candidates(
            {"source": None},
            {"contributor": "@evil", "stage": "nope"},
            {"stage": "Pledge", "currency": "eur"},
            {"currency": "ABC"},
            {"instrument": "gift"},
            {"recipient_kind": "alien"},
            {"amount_text": "12 dollars"},
        ),
    )
    got = list(zip(out["reason_code"], out["column_name"], out["value"], strict=True))
    assert got[0][:2] == ("missing_value", "source")
    assert got[1] == ("formula_text", "contributor", "@evil")
    assert pd.isna(got[2][0])
    assert out["stage"].iloc[2] == "pledge"
    assert out["currency"].iloc[2] == "EUR"
    assert got[3] == ("unknown_currency", "currency", "ABC")
    assert got[4] == ("unknown_instrument", "instrument", "gift")
    assert got[5] == ("unknown_kind", "recipient_kind", "alien")
    assert got[6] == ("bad_amount", "amount", "12 dollars")


def test_every_reason_code_has_a_human_reason():
    codes = [
        "missing_value",
        "unknown_stage",
        "bad_date",
        "bad_amount",
        "ambiguous_amount",
        "unknown_currency",
        "formula_text",
        "duplicate_row",
        "unknown_country",
        "unknown_fund",
        "missing_kind",
        "fund_to_itself",
    ]
    assert all(validate.reason_text(c) != c for c in codes)
