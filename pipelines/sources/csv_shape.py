"""Read a template CSV's data rows through DuckDB and account for every record's shape.

RFC 4180: quoted fields may hold the delimiter, doubled quotes, line feeds and carriage returns.
DuckDB reads the records (``strict_mode``, no sniffing: the delimiter and the header come from
``pipelines.sources.template``) with ``store_rejects``, so a record that does not fit is noted
with its record number instead of stopping the read:

- a record with more or fewer fields than the header is rejected on its own, reason
  ``wrong_field_count`` ("expected 15 fields, found 17"); the other rows load;
- a quote that is never closed, or a record longer than ``MAX_ROW_BYTES`` (one cell that large
  is no template value), makes the whole file unusable: one line naming the row and the problem
  in words, never DuckDB's own "CSV Error on Line" text.

Row numbers count data records (1 = the first record under the header), whatever line breaks
quoted fields hold.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from pipelines.sources import text_encoding
from pipelines.sources.candidates import UnusableFile

MAX_ROW_BYTES = 2_000_000  # DuckDB's max_line_size: the longest record (quotes included)
CHUNK_BYTES = 1 << 20  # must stay below MAX_ROW_BYTES (see scan_bytes)
WRONG_FIELD_COUNT = "wrong_field_count"
LINE_RE = re.compile(r"(?:on )?Line:? (\d+)", re.IGNORECASE)


def _line_ends(chunk: bytes) -> tuple[int, int]:
    """Positions of the first and the last line break in ``chunk`` (-1, -1 if none)."""
    firsts = [i for i in (chunk.find(b"\n"), chunk.find(b"\r")) if i >= 0]
    return (min(firsts) if firsts else -1), max(chunk.rfind(b"\n"), chunk.rfind(b"\r"))


def scan_bytes(path: Path) -> tuple[bool, int | None]:
    """One pass over the file: whether its bytes may hold mojibake (UTF-8 text read as
    Windows-1252 and saved as UTF-8 again; ``text_encoding.MOJIBAKE_UTF8``), and the number of
    the first line longer than ``MAX_ROW_BYTES`` (None if none). DuckDB skips a line longer
    than its read buffer without a word, so such a file is refused before DuckDB sees it."""
    suspect = False
    run = 0  # bytes since the last line break
    lines = 1
    tail = b""  # a sequence cut at the end of a chunk is seen whole with the next one
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK_BYTES), b""):
            suspect = suspect or text_encoding.MOJIBAKE_UTF8.search(tail + chunk) is not None
            tail = chunk[-8:]
            first, last = _line_ends(chunk)
            if first < 0:
                run += len(chunk)
            else:
                if run + first > MAX_ROW_BYTES:
                    return suspect, lines
                # (a line inside one chunk is shorter than a chunk, so within the limit)
                lines += chunk.count(b"\n", 0, last + 1) or chunk.count(b"\r", 0, last + 1)
                run = len(chunk) - last - 1
            if run > MAX_ROW_BYTES:
                return suspect, lines
    return suspect, None


@dataclass
class Shape:
    """What the read found: the data rows' numbers (for the cells in order), the rejected
    records as (row, fields found, raw text) and the number of fields every record needs."""

    row_numbers: pa.Array
    wrong: list[tuple[int, int, str]]
    expected: int


def too_long(line: int, name: str) -> UnusableFile:
    return UnusableFile(
        f"{name}: line {line} is longer than the {MAX_ROW_BYTES // 1_000_000} MB limit for one "
        "row (a cell this long is not a template value)"
    )


def _words(kind: str, row: int, name: str) -> str:
    if kind == "UNQUOTED VALUE":
        return (
            f'{name}: row {row}: a quoted value opens here and its closing quote (") is '
            "missing, so the rest of the file cannot be split into rows"
        )
    if kind == "LINE SIZE OVER MAXIMUM":
        return (
            f"{name}: row {row}: longer than the {MAX_ROW_BYTES // 1_000_000} MB limit for one "
            "row (a cell this long is not a template value, or a quote is never closed)"
        )
    if kind == "INVALID UNICODE":
        return f"{name}: row {row}: bytes that are not valid text in the file's encoding"
    return f"{name}: row {row}: the row cannot be read as CSV ({kind.lower()})"


def _unreadable(exc: duckdb.Error, skip: int, name: str) -> UnusableFile:
    """DuckDB's error in words: the row it stopped at and what a person can do."""
    text = str(exc).lower()
    match = LINE_RE.search(text)
    row = max(int(match.group(1)) - skip - 1, 1) if match else None
    where = f"row {row}: " if row else ""
    if "maximum line size" in text:
        return UnusableFile(_words("LINE SIZE OVER MAXIMUM", row or 0, name))
    if "unterminated quote" in text:
        return UnusableFile(_words("UNQUOTED VALUE", row or 0, name))
    if "invalid state" in text:
        return UnusableFile(
            f"{name}: {where}the rows cannot be told apart (line endings of several kinds, or "
            "a quote inside an unquoted value); save the file again as CSV"
        )
    return UnusableFile(f"{name}: {where}the file cannot be read as CSV")


def read(
    con: duckdb.DuckDBPyConnection,
    source: str,
    path: Path,
    encoding: str,
    delim: str,
    skip: int,
    width: int,
) -> tuple[Iterator[pa.RecordBatch], Callable[[], Shape]]:
    """Start reading the data records of ``source`` (``path`` itself, or a pipe of it decoded
    from ``encoding``); return the record batches (cells as ``c0..c{width-1}``) and a function
    giving the ``Shape`` once they are consumed."""
    name = path.name
    columns = {f"c{i}": "VARCHAR" for i in range(width)}
    try:
        rel = con.read_csv(
            source, delimiter=delim, header=False, skiprows=skip + 1, quotechar='"',
            escapechar='"', columns=columns, auto_detect=False, strict_mode=True,
            ignore_errors=True, store_rejects=True, rejects_table="csv_rejects",
            rejects_scan="csv_scans", max_line_size=MAX_ROW_BYTES,
        )  # fmt: skip
        reader = rel.to_arrow_reader()
    except duckdb.Error as exc:
        raise _unreadable(exc, skip, name) from None

    count = [0]

    def batches() -> Iterator[pa.RecordBatch]:
        try:
            for batch in reader:
                count[0] += batch.num_rows
                yield batch
        except duckdb.Error as exc:
            raise _unreadable(exc, skip, name) from None

    def shape() -> Shape:
        return _shape(con, count[0], TextFile(path, encoding, delim, skip, width))

    return batches(), shape


def _shape(con: duckdb.DuckDBPyConnection, kept: int, file: TextFile) -> Shape:
    """The rows' numbers and shape errors. No error noted (the usual case): the kept records
    are rows 1, 2, ... in order. Otherwise a second pass with Python's csv reader counts each
    record's fields (DuckDB's notes count blank lines, and the numbers must not)."""
    kinds = con.execute(
        "SELECT error_type, min(line) FROM csv_rejects GROUP BY error_type ORDER BY 2"
    ).fetchall()
    for kind, line in kinds:
        if kind not in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
            raise UnusableFile(_words(kind, int(line) - file.skip - 1, file.path.name))
    if not kinds:
        return Shape(pa.array(np.arange(1, kept + 1, dtype="int64")), [], file.width)
    good, wrong = _count_fields(file)
    if len(good) != kept:  # the records DuckDB kept do not line up with Python's reading
        raise UnusableFile(
            f"{file.path.name}: the rows cannot be told apart; save the file again as CSV"
        )
    return Shape(pa.array(np.array(good, dtype="int64")), wrong, file.width)


@dataclass
class TextFile:
    """Where and how to read a CSV file's records again."""

    path: Path
    encoding: str  # utf-8 or cp1252
    delim: str
    skip: int  # lines above the header
    width: int  # fields in the header


def _count_fields(file: TextFile) -> tuple[list[int], list[tuple[int, int, str]]]:
    """(numbers of the rows of the right width, (row, fields, text) of the others). Empty
    lines are not rows; a record of blanks and separators only is a blank row (numbered,
    neither kept nor rejected); empty cells after the last column are allowed, as DuckDB
    allows them."""
    csv.field_size_limit(MAX_ROW_BYTES)
    encoding = "utf-8-sig" if file.encoding == "utf-8" else "cp1252"
    good: list[int] = []
    wrong: list[tuple[int, int, str]] = []
    with open(file.path, encoding=encoding, errors="replace", newline="") as handle:
        records = csv.reader(handle, delimiter=file.delim)
        for _ in range(file.skip + 1):
            next(records, None)
        number = 0
        for record in records:
            if not record:
                continue
            number += 1
            if len(record) >= file.width and not any(record[file.width :]):
                good.append(number)  # extra empty cells at the end: DuckDB reads the row
            elif any(cell.strip() for cell in record):
                wrong.append((number, len(record), file.delim.join(record)))
    return good, wrong


def wrong_field_rejects(shape: Shape, name: str) -> list[dict[str, object]]:
    """One reject per record whose field count differs from the header's."""
    return [
        {
            "row_number": row,
            "locator": f"{name}:{row}",
            "column_name": None,
            "value": raw[:200],
            "reason_code": WRONG_FIELD_COUNT,
            "reason": f"expected {shape.expected} fields (the header's), found {found}",
        }
        for row, found, raw in shape.wrong
    ]
