"""The vectorised steps of one file's load, run inside DuckDB on temp tables.

``process`` registers a parsed file's candidates (``cand``) and builds, in order: ``cv``
(validation, ``pipelines.validate``), ``cres``/``new_actor``/``rfail`` (resolution,
``pipelines.resolve``), ``row_reject`` (one reject per rejected row), the ``staged`` view (flow
rows with legs and modality), ``fx_result`` (``pipelines.fx``) and ``src_map`` (source
documents). ``sql/loader/write.sql`` then writes them; ``drop_temp`` frees them.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import time

import duckdb
import numpy as np
import pandas as pd

from pipelines import fx, resolve, validate, warehouse
from pipelines.candidates import CANDIDATE_COLUMNS, ParsedFile

REJECT_COLUMNS = ["file", "row", "column", "value", "reason_code", "reason"]


class Timer:
    """Step timings on stderr when FUNDFLOWS_PROFILE is set (for bench/load.py)."""

    def __init__(self) -> None:
        self.last = (time.perf_counter(), time.process_time())

    def __call__(self, step: str) -> None:
        now = (time.perf_counter(), time.process_time())
        if os.environ.get("FUNDFLOWS_PROFILE"):
            wall, cpu = now[0] - self.last[0], now[1] - self.last[1]
            print(f"  {step}: {wall:.2f} s wall, {cpu:.2f} s CPU", file=sys.stderr)
        self.last = now


def _register_candidates(con: duckdb.DuckDBPyConnection, parsed: ParsedFile) -> None:
    types = {c: t for c, t in CANDIDATE_COLUMNS.items() if c != "flags"}
    frame = parsed.candidates.drop(columns=["flags"]).astype(types).reset_index(drop=True)
    frame["_cid"] = np.arange(len(frame), dtype="int64")
    con.register("cand", frame)
    flags = parsed.candidates["flags"].reset_index(drop=True)
    exploded = flags[flags.notna()].explode().dropna()
    con.register(
        "cand_flags_frame",
        pd.DataFrame(
            {"_cid": exploded.index.to_numpy(dtype="int64"), "flag": exploded.astype("str")}
        ),
    )
    con.execute("CREATE OR REPLACE TEMP TABLE cand_flags AS SELECT * FROM cand_flags_frame")
    con.unregister("cand_flags_frame")
    rejects = parsed.rejects.astype("object").reset_index(drop=True)
    con.register("parser_rejects_frame", rejects)
    con.execute(warehouse.sql("loader/parser_rejects"))
    con.unregister("parser_rejects_frame")
    reasons = pd.DataFrame(list(validate.REASONS.items()), columns=["code", "reason"], dtype="str")
    con.register("reason_text_frame", reasons)
    con.execute("CREATE OR REPLACE TEMP TABLE reason_text AS SELECT * FROM reason_text_frame")
    con.unregister("reason_text_frame")


TEMP_TABLES = ["cv", "cres", "nm", "rfail", "fx_result", "cand_flags", "row_reject"]
MEMORY_LIMIT = "600MB"  # DuckDB spills to disk beyond this; keeps a 1M-row load under 1.5 GB


def drop_temp(con: duckdb.DuckDBPyConnection) -> None:
    """Free the temp tables of the last file (names from the fixed list above)."""
    con.execute("DROP VIEW IF EXISTS fx_input")
    con.execute("DROP VIEW IF EXISTS staged")
    for name in TEMP_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {name}")  # noqa: S608 - fixed names
    with contextlib.suppress(duckdb.Error):
        con.unregister("cand")


def process(con: duckdb.DuckDBPyConnection, parsed: ParsedFile, batch_id: str) -> None:
    """Temp tables for one parsed file: cv, cres, new_actor, row_reject, staged, fx_result."""
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")  # noqa: S608 - a constant
    timer = Timer()
    _register_candidates(con, parsed)
    timer("register")
    # IATI values are xsd:decimal: always a decimal point, never a thousands separator
    decimal = "dot" if parsed.format == "iati" else validate.detect_decimal(con)
    validate.check(con, decimal, template=parsed.format in ("csv", "xlsx"))
    timer("validate")
    resolve.resolve(con, batch_id)
    timer("resolve")
    con.execute(warehouse.sql("loader/row_rejects"))
    timer("row_rejects")
    con.execute(warehouse.sql("loader/stage"))
    timer("stage")
    con.execute(
        "CREATE OR REPLACE TEMP VIEW fx_input AS SELECT v._cid AS _i, v.currency, v.flow_date, "
        "v.year, v.amount AS amount_original FROM cv v ANTI JOIN row_reject r "
        "ON r.row_number = v.row_number"
    )
    fx.convert_table(con, "fx_input")
    timer("fx")
    con.execute(warehouse.sql("loader/sources"), {"batch": batch_id})
    timer("sources")


def rejects_frame(con: duckdb.DuckDBPyConnection, file_name: str) -> pd.DataFrame:
    frame = con.execute(
        "SELECT $f AS file, row_number AS row, column_name AS column, value, reason_code, reason "
        "FROM row_reject ORDER BY row_number",
        {"f": file_name},
    ).df()
    return frame[REJECT_COLUMNS]


def run_script(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> None:
    """Run every statement of ``sql/<name>.sql`` with the parameters it uses."""
    for chunk in warehouse.sql(name).split(";\n"):
        statement = re.sub(r"--[^\n]*", "", chunk).strip()
        if not statement:
            continue
        used = set(re.findall(r"\$([a-z_]+)", statement))
        con.execute(statement, {k: v for k, v in params.items() if k in used})
