"""Exports of any slice: CSV, XLSX and Parquet, plus a Frictionless ``datapackage.json``.

Spreadsheets execute text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return; in CSV and XLSX every such text cell is prefixed with an apostrophe (OWASP's advice).
Parquet keeps values as they are (no spreadsheet reads it). CSV lines end in CRLF (RFC 4180), so
a carriage return inside a cell is always quoted. Large slices stream in record
batches, so the CLI exports ten million rows without holding them in memory.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import xlsxwriter

FORMATS = ("csv", "xlsx", "parquet")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_ROWS = 1_048_575
BATCH_ROWS = 100_000
MEDIA_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}


class ExportError(ValueError):
    """An export that cannot be written as asked (unknown format, too many rows for XLSX)."""


def neutralise(value: object) -> object:
    """Text a spreadsheet would execute gets a leading apostrophe; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value: object) -> object:
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    if hasattr(value, "tolist") and not isinstance(value, str | bytes):  # numpy arrays of flags
        return ";".join(str(v) for v in value.tolist())
    if isinstance(value, Decimal):
        return float(value)
    return neutralise(value)


def for_spreadsheet(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``frame`` safe for CSV/XLSX: lists joined with ``;``, formulas neutralised."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        if pd.api.types.is_datetime64_any_dtype(series):
            continue
        out[column] = series.map(_cell, na_action="ignore").astype(object)
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    return for_spreadsheet(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8")


def to_xlsx_bytes(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    buffer = io.BytesIO()
    _write_xlsx(iter([frame]), buffer, sheet)
    return buffer.getvalue()


def to_parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), buffer)
    return buffer.getvalue()


def frame_bytes(frame: pd.DataFrame, fmt: str) -> bytes:
    """Bytes of ``frame`` in one of FORMATS."""
    writers = {"csv": to_csv_bytes, "xlsx": to_xlsx_bytes, "parquet": to_parquet_bytes}
    if fmt not in writers:
        raise ExportError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    return writers[fmt](frame)


def _write_xlsx(frames: Iterator[pd.DataFrame], target: object, sheet: str) -> int:
    options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    options |= {"nan_inf_to_errors": True, "in_memory": True}
    book = xlsxwriter.Workbook(target, options)
    ws = book.add_worksheet(sheet)
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    written = 0
    for frame in frames:
        safe = for_spreadsheet(frame)
        if written == 0:
            ws.write_row(0, 0, [str(c) for c in safe.columns])
        if written + len(safe) > XLSX_MAX_ROWS:
            book.close()
            raise ExportError(f"XLSX holds at most {XLSX_MAX_ROWS:,} rows: use CSV or Parquet")
        for values in safe.itertuples(index=False):
            written += 1
            for col, value in enumerate(values):
                _write_xlsx_cell(ws, written, col, value, date_fmt)
    if written == 0:
        ws.write_row(0, 0, [])
    book.close()
    return written


def _write_xlsx_cell(ws: Any, row: int, col: int, value: Any, date_fmt: Any) -> None:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return
    if isinstance(value, pd.Timestamp) or hasattr(value, "isoformat"):
        ws.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), date_fmt)
    elif isinstance(value, bool | int | float) or hasattr(value, "item"):
        ws.write(row, col, value.item() if hasattr(value, "item") else value)
    else:
        ws.write_string(row, col, str(value))


# ---- streaming exports of a query (the CLI) ------------------------------------------------


def _reader(
    con: duckdb.DuckDBPyConnection, text: str, params: dict[str, object]
) -> pa.RecordBatchReader:
    return con.sql(text, params=params).to_arrow_reader(BATCH_ROWS)


def _frames(reader: pa.RecordBatchReader) -> Iterator[pd.DataFrame]:
    for batch in reader:
        yield batch.to_pandas()


def export_query(
    con: duckdb.DuckDBPyConnection,
    text: str,
    params: dict[str, object],
    fmt: str,
    out: Path,
    partition_by: str | None = None,
) -> int:
    """Write the rows of ``text`` (bound ``params``) to ``out``; return the number of rows."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    if partition_by and fmt != "parquet":
        raise ExportError("--partition-by works with --format parquet only")
    out = Path(out)
    reader = _reader(con, text, params)
    if partition_by:
        return _write_partitioned(reader, out, partition_by)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        return _write_parquet(reader, out)
    if fmt == "xlsx":
        # assembled in memory (xlsxwriter's in_memory mode holds the sheet there anyway): a
        # full disk then fails in our write, not inside xlsxwriter, whose half-written zip
        # would otherwise be closed again by the garbage collector
        buffer = io.BytesIO()
        written = _write_xlsx(_frames(reader), buffer, "flows")
        with open(out, "wb") as handle:
            handle.write(buffer.getbuffer())
        return written
    return _write_csv(reader, out)


def _write_csv(reader: pa.RecordBatchReader, out: Path) -> int:
    written = 0
    with open(out, "w", encoding="utf-8", newline="") as handle:
        for frame in _frames(reader):
            for_spreadsheet(frame).to_csv(
                handle, index=False, header=written == 0, lineterminator="\r\n"
            )
            written += len(frame)
        if written == 0:
            handle.write(",".join(reader.schema.names) + "\r\n")
    return written


def _write_parquet(reader: pa.RecordBatchReader, out: Path) -> int:
    written = 0
    with pq.ParquetWriter(out, reader.schema) as writer:
        for batch in reader:
            writer.write_batch(batch)
            written += batch.num_rows
    return written


def _write_partitioned(reader: pa.RecordBatchReader, out: Path, column: str) -> int:
    if column not in reader.schema.names:
        raise ExportError(f"cannot partition by {column!r}: no such column")
    counted = _Counter(reader)
    pads.write_dataset(
        counted.reader(),
        out,
        format="parquet",
        partitioning=[column],
        partitioning_flavor="hive",
        existing_data_behavior="delete_matching",
    )
    return counted.rows


class _Counter:
    """Counts the rows that pass through a record batch reader."""

    def __init__(self, source: pa.RecordBatchReader) -> None:
        self.source = source
        self.rows = 0

    def reader(self) -> pa.RecordBatchReader:
        def batches() -> Iterator[pa.RecordBatch]:
            for batch in self.source:
                self.rows += batch.num_rows
                yield batch

        return pa.RecordBatchReader.from_batches(self.source.schema, batches())


# ---- Frictionless data package -------------------------------------------------------------


def _field_type(kind: pa.DataType) -> str:
    checks = [
        (pa.types.is_boolean, "boolean"),
        (pa.types.is_integer, "integer"),
        (lambda t: pa.types.is_floating(t) or pa.types.is_decimal(t), "number"),
        (pa.types.is_date, "date"),
        (pa.types.is_timestamp, "datetime"),
        (lambda t: pa.types.is_list(t) or pa.types.is_large_list(t), "array"),
    ]
    return next((name for check, name in checks if check(kind)), "string")


def datapackage(
    schema: pa.Schema | pd.DataFrame,
    name: str,
    path: str,
    fmt: str,
    descriptions: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A Frictionless Data Package descriptor for one exported resource."""
    if isinstance(schema, pd.DataFrame):
        schema = pa.Schema.from_pandas(schema, preserve_index=False)
    docs = {**COLUMN_DOCS, **(descriptions or {})}
    fields = []
    for field in schema:
        kind = _field_type(field.type)
        if fmt != "parquet" and kind == "array":
            kind = "string"  # lists are joined with ';' in CSV and XLSX
        entry = {"name": field.name, "type": kind}
        if field.name in docs:
            entry["description"] = docs[field.name]
        fields.append(entry)
    resource = {"name": name, "path": path, "format": fmt, "mediatype": MEDIA_TYPES[fmt]}
    if fmt == "csv":
        resource["encoding"] = "utf-8"
    resources = [{**resource, "schema": {"fields": fields}}]
    return {"name": name, "profile": "data-package", "resources": resources}


def datapackage_bytes(*args: Any, **kwargs: Any) -> bytes:
    return json.dumps(datapackage(*args, **kwargs), indent=2).encode("utf-8")


COLUMN_DOCS = {
    "flow_id": "Stable identifier of the flow row",
    "dataset": "Dataset the row belongs to (cited, demo, or a user dataset)",
    "is_illustrative": "True for synthetic rows; never summed with real rows",
    "year": "Year of the flow",
    "flow_date": "Date of the flow (empty when only the year is known)",
    "stage": "pledge, commitment, paid, allocation, disbursement or expenditure",
    "stage_group": "promised, transferred, allocated or used (never added to each other)",
    "leg": "in (into a fund), out (out of a fund) or direct",
    "amount_original": "Amount in the original currency, as written in the source",
    "currency": "ISO 4217 code of amount_original",
    "amount_usd": "Amount in US dollars at the flow date (empty when no rate exists)",
    "fx_rate": "US dollars per one unit of currency",
    "fx_date": "Date of the exchange rate used",
    "fx_source": "Where the exchange rate comes from",
    "flags": "Data flags (no_fx_rate, outlier, illustrative, ...)",
    "source_document_id": "Identifier of the source document",
    "source_symbol": "UN document symbol of the source, when it has one",
    "source_title": "Title of the source document",
    "source_url": "Link to the source document",
    "source_locator": "Where in the source: page, paragraph, URL, file:row or IATI activity",
    "batch_id": "Load batch that brought the row in",
    "batch_file": "File name of the load batch",
    "part_of": "Figure this row is a breakdown of (never added to it)",
}
