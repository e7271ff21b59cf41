"""CSV shapes: valid RFC 4180 files load (quoted delimiters, quotes, line feeds and carriage
returns inside cells); ragged rows are rejected one by one with `wrong_field_count` (row number,
expected vs found); an unclosed quote, an over-long row and a file whose rows cannot be told
apart are refused with one line in words naming the row, never DuckDB's own error text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.ingest import load
from pipelines.sources import template
from pipelines.sources.candidates import UnusableFile

HEADER = "date,stage,contributor,contributor_kind,recipient,recipient_kind,amount,currency,source"
DUCKDB_WORDS = ("CSV Error on Line", "Error when sniffing", "Invalid Input Error", "state machine")


def _row(contributor: str, amount: int = 100, extra: str = "") -> str:
    return (
        f"2005-06-30,paid,{contributor},local_government,Bamako,local_government,{amount},EUR,s"
        + extra
    )


def _write(path: Path, text: str, newline: str = "\n") -> Path:
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


def _refused(path: Path) -> str:
    with pytest.raises(UnusableFile) as caught:
        template.parse(path)
    message = str(caught.value)
    assert "\n" not in message
    assert not any(words in message for words in DUCKDB_WORDS), message
    return message


def _contributors(path: Path) -> dict[int, str]:
    parsed = template.parse(path)
    rows = parsed.candidates.column("row_number").to_pylist()
    return dict(zip(rows, parsed.candidates.column("contributor").to_pylist(), strict=True))


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_quoted_cells_with_line_breaks_quotes_and_delimiters_load(
    tmp_path: Path, newline: str
) -> None:
    text = "\n".join([
        HEADER,
        _row('"Ville\nde Lyon"', 1),
        _row('"Ville\r\nde Nantes"', 2),
        _row('"Ville\rde Brest"', 3),
        _row('"Ville ""Nord"", Lille"', 4),
        _row("Rennes", 5),
        "",
    ])  # fmt: skip
    path = _write(tmp_path / "rfc.csv", text, newline)
    written = {  # as written into the file (its line feeds made ``newline``)
        1: "Ville\nde Lyon",
        2: "Ville\r\nde Nantes",
        3: "Ville\rde Brest",
        4: 'Ville "Nord", Lille',
        5: "Rennes",
    }
    expected = {row: cell.replace("\n", newline) for row, cell in written.items()}
    assert _contributors(path) == expected


def test_ragged_rows_are_rejected_one_by_one_with_expected_and_found(tmp_path: Path) -> None:
    text = "\n".join([
        "a title line",
        HEADER,
        _row('"Two\nlines"', 1),  # row 1: a record over two lines
        "",  # an empty line is no row
        _row("Lyon", 2, extra=",extra,cells"),  # row 2: 11 fields
        _row("Nantes", 3),  # row 3
        "2005-06-30,paid,Brest",  # row 4: 3 fields
        ",,,",  # row 5: blank (separators only): dropped, not counted
        _row("Lille", 6, extra=",,"),  # row 6: empty cells past the last column are allowed
        "",
    ])  # fmt: skip
    parsed = template.parse(_write(tmp_path / "ragged.csv", text))
    rejects = parsed.rejects.sort_values("row_number")
    assert list(rejects["row_number"]) == [2, 4]
    assert set(rejects["reason_code"]) == {"wrong_field_count"}
    assert list(rejects["reason"]) == [
        "expected 9 fields (the header's), found 11",
        "expected 9 fields (the header's), found 3",
    ]
    assert list(rejects["locator"]) == ["ragged.csv:2", "ragged.csv:4"]
    assert _contributors(tmp_path / "ragged.csv") == {1: "Two\nlines", 3: "Nantes", 6: "Lille"}
    assert parsed.rows_read == 5  # 3 loaded + 2 rejected; the blank row is not counted


def test_ragged_rows_load_the_good_rows_and_store_the_rejects(
    tmp_path: Path, built_copy: Path
) -> None:
    text = "\n".join([HEADER, _row("Lyon", 1), _row("Nantes", 2, extra=",x"), _row("Brest"), ""])
    report = load.load_files(built_copy, [_write(tmp_path / "r.csv", text)], dataset="shape")[0]
    assert report.status == "loaded", report.message
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (3, 2, 1)
    assert list(zip(report.rejects["row"], report.rejects["reason_code"], strict=True)) == [
        (2, "wrong_field_count")
    ]


def test_an_unclosed_quote_is_refused_naming_its_row(tmp_path: Path) -> None:
    text = "\n".join([HEADER, _row("Lyon"), _row('"Nantes'), _row("Brest"), ""])
    message = _refused(_write(tmp_path / "quote.csv", text))
    assert "row 2: a quoted value opens here and its closing quote" in message


@pytest.mark.parametrize("size", [3 << 20, 33 << 20])
def test_a_cell_over_the_limit_is_refused_naming_its_line(tmp_path: Path, size: int) -> None:
    """3 MB: DuckDB notes it; 33 MB (beyond DuckDB's read buffer): DuckDB skipped the row
    without a word, so the parser finds it first."""
    path = tmp_path / "long.csv"
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEADER + "\n" + _row("Lyon") + "\n")
        out.write(_row("x" * size) + "\n" + _row("Brest") + "\n")
    message = _refused(path)
    assert "line 3 is longer than the 2 MB limit for one row" in message


def test_rows_that_cannot_be_told_apart_are_refused_in_words(tmp_path: Path) -> None:
    """Line endings of two kinds outside quotes: DuckDB's strict reader cannot split the rows
    (its lenient one would silently cut extra cells off, so it is not used)."""
    text = HEADER + "\n" + _row("Lyon") + "\r\n" + _row("Nantes") + "\n"
    message = _refused(_write(tmp_path / "endings.csv", text))
    assert "the rows cannot be told apart" in message
    assert "save the file again as CSV" in message


def test_a_file_without_a_recognisable_header_gets_a_sentence(tmp_path: Path) -> None:
    message = _refused(_write(tmp_path / "junk.csv", "x|y|z\n1|2|3\n"))
    assert "no template header found in the first 5 lines" in message
