"""The template parser: delimiters, encodings, header detection, legs, unusable files."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipelines.sources import template
from pipelines.sources.candidates import CANDIDATE_COLUMNS, ParsedFile, UnusableFile

BAD = Path(__file__).resolve().parent / "bad_template"
SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def frame(parsed: ParsedFile) -> pd.DataFrame:
    return parsed.candidates.to_pandas()


def test_the_sample_csv_and_xlsx_give_the_same_candidates():
    csv = template.parse(SAMPLES / "template.csv")
    xlsx = template.parse(SAMPLES / "template.xlsx")
    assert (csv.format, xlsx.format) == ("csv", "xlsx")
    assert csv.rows_read == xlsx.rows_read == 7
    assert csv.candidates.column_names == list(CANDIDATE_COLUMNS)  # an Arrow table
    keys = ["row_number", "leg_seq", "leg", "contributor", "fund", "recipient", "date_text"]
    a = frame(csv).sort_values(["row_number", "leg_seq"]).reset_index(drop=True)
    b = frame(xlsx).sort_values(["row_number", "leg_seq"]).reset_index(drop=True)
    assert a[keys].astype(str).values.tolist() == b[keys].astype(str).values.tolist()
    assert a["amount_text"].iloc[3] == "120000.50"
    assert b["amount_text"].iloc[3] == "120000.5"  # a number cell in the spreadsheet


def test_rows_through_a_fund_get_two_legs_and_others_one():
    parsed = template.parse(SAMPLES / "template.csv")
    legs = frame(parsed).sort_values(["row_number", "leg_seq"])
    got = list(zip(legs["row_number"], legs["leg_seq"], legs["leg"], strict=True))
    assert got[:5] == [(1, 0, "in"), (2, 0, "in"), (2, 1, "out"), (3, 0, "in"), (3, 1, "out")]
    assert got[5:] == [(4, 0, "direct"), (5, 0, "direct"), (6, 0, "direct"), (7, 0, "direct")]
    assert set(legs["locator"]) == {f"template.csv:{n}" for n in range(1, 8)}


def test_header_names_are_case_insensitive_in_any_order_and_blank_rows_are_skipped(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text(
        "Source;AMOUNT;Currency;Stage;Contributor;Date;Extra\n"
        "doc;10;usd;PAID;India;2024-01-01;x\n"
        ";;;;;;\n"
        "doc;11;usd;paid;India;2024-01-02;y\n",
        encoding="utf-8",
    )
    parsed = template.parse(path)
    assert parsed.rows_read == 2
    ordered = frame(parsed).sort_values("row_number")
    assert ordered["row_number"].tolist() == [1, 3]
    assert ordered["amount_text"].tolist() == ["10", "11"]
    assert parsed.notes == ["ignored unknown column(s): extra"]


def test_formulas_in_xlsx_are_read_as_their_text(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["date", "stage", "contributor", "amount", "currency", "source"])
    book.active.append(["2024-01-01", "paid", "=1+1", "=2*5", "USD", '=HYPERLINK("x")'])
    path = tmp_path / "formula.xlsx"
    book.save(path)
    parsed = template.parse(path)
    row = frame(parsed).iloc[0]
    assert (row["contributor"], row["amount_text"], row["source"]) == (
        "=1+1",
        "=2*5",
        '=HYPERLINK("x")',
    )


def test_an_xlsx_without_a_header_is_unusable(tmp_path):
    book = openpyxl.Workbook()
    for _ in range(6):
        book.active.append(["nothing", "here"])
    path = tmp_path / "noheader.xlsx"
    book.save(path)
    with pytest.raises(UnusableFile, match="no template header found in the first 5 rows"):
        template.parse(path)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.csv", "the file is empty"),
        ("header_only.csv", "no data rows under the header"),
        ("missing_column.csv", "missing required column(s): currency"),
        ("wrong_delimiter.csv", "separated by , ; or tab"),
        ("duplicate_header.csv", "appear twice: amount"),
    ],
)
def test_unusable_csv_files_raise_a_clear_message(name, message):
    with pytest.raises(UnusableFile, match="^" + name) as caught:
        template.parse(BAD / name)
    assert message in str(caught.value)
