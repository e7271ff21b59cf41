"""The vectorised steps of one file's load, run inside DuckDB on temp tables.

``process`` registers a parsed file's candidates as the Arrow table ``cand`` (a pandas frame or an
Arrow table; never copied into DuckDB) and builds, in order: the view ``cv`` (validation,
``pipelines.ingest.validate``), ``cres`` (the one per-candidate table: cv's columns plus ids),
``new_actor``/``rfail`` (resolution, ``pipelines.ingest.resolve``), ``row_reject`` (one reject per
rejected row), the ``staged`` view (flow rows with legs and modality), ``fx_pick`` (one rate per
currency and date, ``pipelines.ingest.fx``) and ``src_map`` (source documents). Every later step
joins
only small tables to ``cres``. ``sql/loader/write.sql`` then writes them; ``drop_temp`` frees
them.
"""

from __future__ import annotations

import contextlib

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from pipelines.ingest import fx, resolve, validate
from pipelines.sources.candidates import CANDIDATE_COLUMNS, ParsedFile
from pipelines.store import sql

# the rejects a load reports to its user (file, row, column, value, reason): one row per rejected
# input row; parsers hand over candidates.PARSER_REJECT_COLUMNS; the warehouse keeps rejected_row
REPORT_REJECT_COLUMNS = ["file", "row", "column", "value", "reason_code", "reason"]


def _arrow_type(dtype: str) -> pa.DataType:
    return {"int64": pa.int64(), "float64": pa.float64(), "object": pa.list_(pa.string())}.get(
        dtype, pa.string()
    )


CANDIDATE_SCHEMA = pa.schema([(c, _arrow_type(t)) for c, t in CANDIDATE_COLUMNS.items()])


def _flags_array(flags: pd.Series) -> pa.Array:
    """A list<string> array from a column of flag lists (None, NaN or [] for no flags)."""
    flags = flags.reset_index(drop=True)
    exploded = flags[flags.notna()].explode().dropna()
    counts = np.bincount(exploded.index.to_numpy(dtype="int64"), minlength=len(flags))
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype("int32")
    values = pa.array(exploded.astype("str").to_numpy(dtype=object), type=pa.string())
    return pa.ListArray.from_arrays(pa.array(offsets, type=pa.int32()), values)


def candidate_table(candidates: pd.DataFrame | pa.Table) -> pa.Table:
    """The candidates (a pandas frame or an Arrow table) as an Arrow table of the contract's
    columns and types, plus ``_cid`` (0, 1, ...: the key of every temp table of the load)."""
    if isinstance(candidates, pa.Table):
        table = candidates
    else:
        frame = candidates.reset_index(drop=True)
        types = {c: t for c, t in CANDIDATE_COLUMNS.items() if c != "flags"}
        plain = frame[list(types)].astype(types)
        table = pa.Table.from_pandas(plain, preserve_index=False)
        table = table.append_column("flags", _flags_array(frame["flags"]))
    table = table.select(list(CANDIDATE_COLUMNS)).cast(CANDIDATE_SCHEMA)
    return table.append_column("_cid", pa.array(np.arange(table.num_rows, dtype="int64")))


def _register_candidates(con: duckdb.DuckDBPyConnection, parsed: ParsedFile) -> None:
    con.register("cand", candidate_table(parsed.candidates))
    rejects = parsed.rejects.astype("object").reset_index(drop=True)
    con.register("parser_rejects_frame", rejects)
    con.execute(sql.text("loader/parser_rejects"))
    con.unregister("parser_rejects_frame")
    reasons = pd.DataFrame(list(validate.REASONS.items()), columns=["code", "reason"], dtype="str")
    con.register("reason_text_frame", reasons)
    con.execute("CREATE OR REPLACE TEMP TABLE reason_text AS SELECT * FROM reason_text_frame")
    con.unregister("reason_text_frame")


TEMP_TABLES = [
    "cres",
    "nm",
    "rfail",
    "fx_pick",
    "fx_inp",
    "fx_daily_used",
    "row_reject",
    "cv_date",
    "cv_dupe",
    "leg_rows",
]
TEMP_VIEWS = ["fx_input", "fx_rows", "fx_result", "staged", "cv"]
MEMORY_LIMIT = "800MB"  # DuckDB spills to disk beyond this; keeps a 1M-row load under 1.5 GB


def drop_temp(con: duckdb.DuckDBPyConnection) -> None:
    """Free the temp tables of the last file (names from the fixed lists above)."""
    for name in TEMP_VIEWS:
        con.execute(f"DROP VIEW IF EXISTS {name}")  # noqa: S608 - fixed names
    for name in TEMP_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {name}")  # noqa: S608 - fixed names
    with contextlib.suppress(duckdb.Error):
        con.unregister("cand")


def process(con: duckdb.DuckDBPyConnection, parsed: ParsedFile, batch_id: str) -> None:
    """Temp tables for one parsed file: cv, cres, new_actor, row_reject, staged, fx_pick."""
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")  # noqa: S608 - a constant
    timer = sql.Timer()
    _register_candidates(con, parsed)
    timer("register")
    # IATI values are xsd:decimal: always a decimal point, never a thousands separator
    decimal = "dot" if parsed.format == "iati" else validate.detect_decimal(con)
    validate.check(con, decimal, template=parsed.format in ("csv", "xlsx"))
    timer("validate")
    # IATI: a descriptive code that resolves to nothing keeps the transaction, flagged
    resolve.resolve(con, batch_id, keep_unknown_codes=parsed.format == "iati")
    timer("resolve")
    con.execute(sql.text("loader/row_rejects"))
    timer("row_rejects")
    con.execute(sql.text("loader/stage"))
    timer("stage")
    con.execute(
        "CREATE OR REPLACE TEMP VIEW fx_input AS SELECT v._cid AS _i, v.currency, v.flow_date, "
        "v.year, v.amount AS amount_original FROM cres v ANTI JOIN row_reject r "
        "ON r.row_number = v.row_number"
    )
    fx.convert_table(con, "fx_input")
    timer("fx")
    con.execute(sql.text("loader/sources"), {"batch": batch_id})
    timer("sources")


def rejects_frame(con: duckdb.DuckDBPyConnection, file_name: str) -> pd.DataFrame:
    frame = con.execute(
        "SELECT $f AS file, row_number AS row, column_name AS column, value, reason_code, reason "
        "FROM row_reject ORDER BY row_number",
        {"f": file_name},
    ).df()
    return frame[REPORT_REJECT_COLUMNS]
