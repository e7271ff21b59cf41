"""Parse the import template (CSV or XLSX) into loader candidates.

Columns (exact names, any order, case-insensitive): ``date, stage, contributor,
contributor_kind, contributor_country, fund, recipient, recipient_kind, recipient_country,
modality, instrument, amount, currency, description, source``. Required: ``date, stage,
contributor, amount, currency, source``; other known columns may be absent; unknown columns
are ignored (noted).

Reading: CSV with ``,`` ``;`` or tab (chosen from the header line), UTF-8 with or without BOM,
else Windows-1252 (garbled rows rejected, reason ``encoding``: ``text_encoding``); records of
the wrong width are rejected, reason ``wrong_field_count`` (``csv_shape``); XLSX (first sheet)
checked for bombs and streamed (``xlsx_guard``), formulas read as their text, never evaluated.
The header is looked for in the first ``HEADER_SCAN`` lines: title rows above it are
skipped (noted). Fully blank rows are dropped and not counted. Row numbers count data rows
(1 = the first row under the header); the locator is ``<file name>:<row>``.

Legs (design.md §5): no fund → one ``direct`` candidate; a fund and no recipient → one ``in``
candidate; a fund and a recipient → an ``in`` candidate (leg_seq 0) and an ``out`` candidate
(leg_seq 1) of the same row. The loader drops the in-leg when the contributor turns out to be
the fund itself (then the row is a plain out-leg).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.sources import csv_shape, text_encoding, xlsx_guard
from pipelines.sources.candidates import (
    CANDIDATE_COLUMNS,
    PARSER_REJECT_COLUMNS,
    ParsedFile,
    UnusableFile,
    empty_rejects,
)
from pipelines.store import sql

TEMPLATE_COLUMNS = [
    "date", "stage", "contributor", "contributor_kind", "contributor_country", "fund",
    "recipient", "recipient_kind", "recipient_country", "modality", "instrument", "amount",
    "currency", "description", "source",
]  # fmt: skip
REQUIRED_COLUMNS = ["date", "stage", "contributor", "amount", "currency", "source"]
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
HEADER_SCAN = 5
XLSX_MAGIC = b"PK\x03\x04"


def _clean(name: object) -> str:
    return str(name or "").replace("\ufeff", "").strip().strip('"').strip().lower()


def _recognised(cells: Sequence[str | None]) -> int:
    return sum(1 for c in cells if _clean(c) in TEMPLATE_COLUMNS)


def _check_header(names: list[str], path: Path) -> list[str]:
    """Return the notes for a header; raise UnusableFile when it cannot be used."""
    seen = [n for n in names if n in TEMPLATE_COLUMNS]
    dupes = sorted({n for n in seen if seen.count(n) > 1})
    if dupes:
        raise UnusableFile(f"{path.name}: column(s) appear twice: {', '.join(dupes)}")
    missing = [c for c in REQUIRED_COLUMNS if c not in seen]
    if missing:
        raise UnusableFile(
            f"{path.name}: missing required column(s): {', '.join(missing)} "
            f"(the template needs {', '.join(REQUIRED_COLUMNS)})"
        )
    extra = [n for n in names if n and n not in TEMPLATE_COLUMNS]
    return [f"ignored unknown column(s): {', '.join(extra)}"] if extra else []


def _find_header_csv(text: str, path: Path) -> tuple[int, str, list[str]]:
    """(lines to skip, delimiter, header names) from the first lines of the text."""
    lines = text.splitlines()[:HEADER_SCAN]
    best = (0, -1, ",")
    for index, line in enumerate(lines):
        for delim in DELIMITERS:
            score = _recognised(line.split(delim))
            if score > best[1]:
                best = (index, score, delim)
    index, score, delim = best
    if score < 2:
        raise UnusableFile(
            f"{path.name}: no template header found in the first {HEADER_SCAN} lines "
            f"(expected columns such as {', '.join(REQUIRED_COLUMNS)}, separated by , ; or tab)"
        )
    return index, delim, [_clean(c) for c in lines[index].split(delim)]


def _read_csv(
    path: Path, con: duckdb.DuckDBPyConnection
) -> tuple[list[str], list[str], list[dict[str, object]]]:
    if not text_encoding.has_byte_outside(path, 0, re.compile(rb"[^ \t\r\n\xef\xbb\xbf]")):
        raise UnusableFile(f"{path.name}: the file is empty")
    encoding = "utf-8" if text_encoding.is_utf8(path) else "cp1252"
    head = text_encoding.head_text(path, encoding)
    skip, delim, names = _find_header_csv(head, path)
    notes = _check_header(names, path)
    header_end = re.match(rf"(?:[^\r\n]*(?:\r\n|\r|\n)){{{skip + 1}}}", head)
    # data after the header: any byte other than blanks and separators (ASCII in both encodings)
    offset = len(head[: header_end.end()].encode(encoding)) if header_end else None
    if offset is not None and text_encoding.has_bom(path):
        offset += len(text_encoding.BOM)
    if offset is None or not text_encoding.has_byte_outside(
        path, offset, re.compile(rb"[^ \t\r\n,;]")
    ):
        raise UnusableFile(f"{path.name}: no data rows under the header")
    suspect, long_line = csv_shape.scan_bytes(path)
    if long_line is not None:
        raise csv_shape.too_long(long_line, path.name)
    if encoding != "utf-8":
        notes.append("read as Windows-1252 (not valid UTF-8)")
    if skip:
        notes.append(f"skipped {skip} line(s) above the header")
    cols = [f"c{i}" for i in range(len(names))]
    with contextlib.ExitStack() as stack:
        # DuckDB reads UTF-8: a Windows-1252 file is decoded on the way, through a pipe
        source = str(path)
        if encoding != "utf-8":
            source = stack.enter_context(text_encoding.cp1252_source(path))
        batches, shape_of = csv_shape.read(con, source, path, encoding, delim, skip, len(names))
        # trimmed batch by batch: the untrimmed cells never sit whole in memory
        table = _trimmed_cells(batches, cols, rows=False)
        shape = shape_of()
    table = table.append_column("_row", shape.row_numbers)
    rejects = csv_shape.wrong_field_rejects(shape, path.name)
    if suspect or encoding != "utf-8":  # cells checked where garbling is possible
        known = {i: n for i, n in enumerate(names) if n in TEMPLATE_COLUMNS}
        rejects += text_encoding.encoding_rejects(table, known, encoding != "utf-8", path.name)
    con.register("template_cells", table)
    return names, notes, rejects


def _row_numbers(count: int) -> pa.Array:
    return pa.array(np.arange(1, count + 1, dtype="int64"))


# the characters DuckDB's trim() removes (Unicode category Zs; not tabs or line breaks)
SPACES = " \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" + (
    "\u202f\u205f\u3000"
)


def _trimmed_cells(
    batches: Iterable[pa.RecordBatch], names: list[str], rows: bool = True
) -> pa.Table:
    """The cells trimmed of spaces, empty ones NULL, plus ``_row`` (1, 2, ...) unless ``rows``
    is false. Done in Arrow: about four times less CPU than trim() in DuckDB, which copies
    every string."""
    trimmed = []
    for batch in batches:
        columns = [
            _empty_as_null(pc.utf8_trim(column.cast(pa.string()), characters=SPACES))
            for column in batch.columns
        ]
        trimmed.append(pa.RecordBatch.from_arrays(columns, names=names))
    schema = pa.schema([(name, pa.string()) for name in names])
    table = pa.Table.from_batches(trimmed, schema=schema)
    return table.append_column("_row", _row_numbers(table.num_rows)) if rows else table


def _empty_as_null(text: pa.StringArray) -> pa.Array:
    """The array with empty strings as NULL: a new validity bitmap over the same string data
    (pc.if_else would copy every string)."""
    valid = pc.fill_null(pc.greater(pc.binary_length(text), 0), False)
    if text.offset or valid.offset:
        return pc.if_else(valid, text, pa.scalar(None, pa.string()))
    _validity, offsets, data = text.buffers()
    return pa.Array.from_buffers(pa.string(), len(text), [valid.buffers()[1], offsets, data])


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format(value, ".15g") if abs(value) < 1e15 else format(value, ".2f")
    return str(value)


def _read_xlsx(
    path: Path, con: duckdb.DuckDBPyConnection
) -> tuple[list[str], list[str], list[dict[str, object]]]:
    rows = [(i, [_cell_text(v) for v in r]) for i, r in xlsx_guard.read_rows(path)]
    top = [(_recognised(r), i, r) for i, r in rows if i <= HEADER_SCAN]
    if not top or max(t[0] for t in top) < 2:
        raise UnusableFile(
            f"{path.name}: no template header found in the first {HEADER_SCAN} rows of the "
            f"first sheet (expected columns such as {', '.join(REQUIRED_COLUMNS)})"
        )
    best = max(t[0] for t in top)
    _score, header_at, header = next(t for t in top if t[0] == best)
    names = [_clean(c) for c in header]
    notes = _check_header(names, path)
    if header_at > 1:
        notes.append(f"skipped {header_at - 1} row(s) above the header")
    width = len(names)
    body = [(r + [None] * width)[:width] for i, r in rows if i > header_at]
    numbers = np.array([i - header_at for i, _r in rows if i > header_at], dtype="int64")
    frame = pd.DataFrame(body, columns=[f"c{i}" for i in range(width)], dtype="str")
    table = pa.Table.from_pandas(frame, preserve_index=False)
    cells = _trimmed_cells(table.to_batches(), list(frame.columns), rows=False)
    con.register("template_cells", cells.append_column("_row", pa.array(numbers)))
    return names, notes, []


FLAG_LIST = pa.list_(pa.field("l", pa.string()))


def _with_constants(table: pa.Table) -> pa.Table:
    """The candidate columns a template never fills, added without going through DuckDB:
    ``split_share`` 1.0, ``flags`` and the rest NULL."""
    count = table.num_rows
    for column in CANDIDATE_COLUMNS:
        if column in table.column_names:
            continue
        if column == "split_share":
            table = table.append_column(column, pa.array(np.ones(count)))
        else:
            kind = FLAG_LIST if column == "flags" else pa.string()
            table = table.append_column(pa.field(column, kind), pa.nulls(count, kind))
    return table


def parse(path: Path) -> ParsedFile:
    """Read a template file (CSV or XLSX) into candidates; raise UnusableFile when unusable."""
    path = Path(path)
    if not path.is_file():
        raise UnusableFile(f"{path}: no such file")
    with open(path, "rb") as handle:
        is_xlsx = handle.read(4) == XLSX_MAGIC
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    try:
        reader = _read_xlsx if is_xlsx else _read_csv
        names, notes, rejects = reader(path, con)
        exprs = []
        for column in TEMPLATE_COLUMNS:
            # positions come from the header; names from the fixed TEMPLATE_COLUMNS list
            expr = f"c{names.index(column)}" if column in names else "NULL"
            exprs.append(f"CAST({expr} AS VARCHAR) AS {column}")  # trimmed: _trimmed_cells
        con.execute(
            "CREATE TEMP VIEW template_raw AS SELECT _row, "  # noqa: S608
            + ", ".join(exprs)
            + " FROM template_cells"
        )
        candidates = _with_constants(
            con.sql(
                sql.text("loader/template_candidates"), params={"file": path.name}
            ).to_arrow_table()
        )
    finally:
        con.close()
        # the trimmed cells are freed: give their memory back before the load's DuckDB work
        pa.default_memory_pool().release_unused()
    # every kept row has its leg 0 (fully blank rows are dropped and not counted)
    rows_read = int(pc.sum(pc.equal(candidates["leg_seq"], 0)).as_py() or 0)
    # records rejected for their shape never became candidates; garbled rows did
    rows_read += sum(1 for r in rejects if r["reason_code"] == csv_shape.WRONG_FIELD_COUNT)
    if rows_read == 0:
        raise UnusableFile(f"{path.name}: no data rows under the header")
    return ParsedFile(
        path=path,
        format="xlsx" if is_xlsx else "csv",
        candidates=candidates.select(list(CANDIDATE_COLUMNS)),
        rejects=pd.DataFrame(rejects, columns=PARSER_REJECT_COLUMNS)
        if rejects
        else empty_rejects(),
        rows_read=rows_read,
        notes=notes,
    )
