"""Load template (CSV/XLSX) and IATI files into the warehouse: one batch per file.

``load_files`` parses every file, then publishes one new warehouse version
(``pipelines.warehouse.publish``: copy → one transaction → checks → atomic swap) holding every
file that changed. Inside the transaction each file goes through the same vectorised path:
validate (``pipelines.validate``), resolve names (``pipelines.resolve``), convert money
(``pipelines.fx``), write flows, ``load_batch`` and ``rejected_row``. Any failure leaves the
live version untouched. Statuses: ``loaded``, ``unchanged`` (same sha256 already loaded in the
dataset), ``refused`` (unusable file, conflicts without ``replace``, or another file's rejects
under ``strict``), ``strict_rejected`` (rows would be rejected and ``strict`` is set).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from pipelines import batches, fx, resolve, validate, warehouse
from pipelines.candidates import CANDIDATE_COLUMNS, ParsedFile, UnusableFile

REJECT_COLUMNS = ["file", "row", "column", "value", "reason_code", "reason"]
DATASET_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
Progress = Callable[[str], None]


@dataclass
class LoadReport:
    file: Path
    batch_id: str | None
    dataset: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rejects: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REJECT_COLUMNS))
    status: str = "refused"
    message: str = ""
    notes: list[str] = field(default_factory=list)


class _Timer:
    """Step timings on stderr when FUNDFLOWS_PROFILE is set (for bench/load.py)."""

    def __init__(self) -> None:
        self.last = (time.perf_counter(), time.process_time())

    def __call__(self, step: str) -> None:
        now = (time.perf_counter(), time.process_time())
        if os.environ.get("FUNDFLOWS_PROFILE"):
            wall, cpu = now[0] - self.last[0], now[1] - self.last[1]
            print(f"  {step}: {wall:.2f} s wall, {cpu:.2f} s CPU", file=sys.stderr)
        self.last = now


class _StrictAbort(Exception):
    """Raised inside the publication to discard it when --strict finds rejects."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def parse_any(path: Path, progress: Progress | None = None) -> ParsedFile:
    """Dispatch by content: XML → the IATI parser, anything else → the template parser."""
    path = Path(path)
    if not path.is_file():
        raise UnusableFile(f"{path}: no such file")
    with open(path, "rb") as handle:
        head = handle.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        from pipelines.sources import iati

        return iati.parse(path, progress=progress)
    from pipelines.sources import template

    return template.parse(path)


def new_batch_id(dataset: str, sha: str) -> str:
    """Short unique id: ``b`` + the load time (seconds) + a hash of dataset, file and time."""
    now = datetime.now(UTC)
    salt = hashlib.sha256(f"{dataset}:{sha}:{now.isoformat()}:{os.getpid()}".encode())
    return f"b{now:%y%m%d%H%M%S}{salt.hexdigest()[:6]}"


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
    timer = _Timer()
    _register_candidates(con, parsed)
    timer("register")
    decimal = validate.detect_decimal(con)
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


def _fill_report(con: duckdb.DuckDBPyConnection, report: LoadReport, parsed: ParsedFile) -> None:
    report.rows_read = parsed.rows_read
    report.rejects = rejects_frame(con, parsed.path.name)
    report.rows_rejected = len(report.rejects)
    report.rows_loaded = parsed.rows_read - report.rows_rejected
    report.notes = list(parsed.notes)


def _parse_all(paths: list[Path], dataset: str, progress: Progress | None) -> list[tuple]:
    """(report, parsed or None, sha) per file; unusable files get a refused report."""
    out = []
    for path in map(Path, paths):
        report = LoadReport(file=path, batch_id=None, dataset=dataset)
        try:
            sha = sha256_of(path) if path.is_file() else ""
            if progress:
                progress(f"reading {path.name}")
            timer = _Timer()
            parsed = parse_any(path, progress=progress)
            timer("parse")
        except (UnusableFile, OSError) as exc:
            report.message = str(exc)
            out.append((report, None, ""))
            continue
        out.append((report, parsed, sha))
    return out


def _check_dataset(con: duckdb.DuckDBPyConnection, dataset: str) -> str | None:
    if not DATASET_RE.fullmatch(dataset):
        return f"dataset name {dataset!r}: use letters, digits, '_', '.' or '-'"
    row = con.execute(
        "SELECT is_bundled FROM dataset WHERE dataset = $d", {"d": dataset}
    ).fetchone()
    if (row and row[0]) or dataset in ("cited", "demo"):
        return f"dataset {dataset!r} is bundled data; load into another dataset (e.g. main)"
    return None


def _already_loaded(con: duckdb.DuckDBPyConnection, dataset: str, sha: str) -> str | None:
    row = con.execute(
        "SELECT batch_id FROM load_batch WHERE dataset = $d AND sha256 = $s",
        {"d": dataset, "s": sha},
    ).fetchone()
    return row[0] if row else None


def _load_one(con, report, parsed, sha, replace, strict, loaded_by) -> bool:
    """Load one parsed file inside the open transaction; True when it wrote a batch."""
    dataset = report.dataset
    earlier = _already_loaded(con, dataset, sha)
    if earlier:
        report.status, report.batch_id = "unchanged", earlier
        report.message = f"same file already loaded as batch {earlier}"
        return False
    conflicts = parsed.conflicts(con, dataset) if parsed.conflicts else []
    if conflicts and not replace:
        report.message = "; ".join(conflicts) + " (use --replace to replace them)"
        return False
    report.batch_id = new_batch_id(dataset, sha)
    replaced = []
    if replace:
        replaced = batches.previous_batches(con, dataset, parsed.path.name)
        for old in replaced:
            batches.delete_in(con, old)
    process(con, parsed, report.batch_id)
    _fill_report(con, report, parsed)
    if strict and report.rows_rejected:
        report.status = "strict_rejected"
        report.message = (
            f"{report.rows_rejected} row(s) would be rejected (--strict): nothing loaded"
        )
        return False
    timer = _Timer()
    run_script(
        con, "loader/write", batch=report.batch_id, dataset=dataset, file=parsed.path.name,
        sha=sha, format=parsed.format, loaded_by=loaded_by, rows_read=parsed.rows_read,
    )  # fmt: skip
    timer("write")
    drop_temp(con)
    report.status = "loaded"
    report.message = f"loaded {report.rows_loaded:,} of {report.rows_read:,} row(s)" + (
        f", replaced batch(es) {', '.join(replaced)}" if replaced else ""
    )
    return True


def _prefilter(live: Path, items: list[tuple], dataset: str) -> str | None:
    """Mark files already loaded as unchanged before any copy; return a dataset error."""
    con = warehouse.connect_plain(live)
    try:
        problem = _check_dataset(con, dataset)
        for report, parsed, sha in items:
            earlier = parsed is not None and _already_loaded(con, dataset, sha)
            if earlier:
                report.status, report.batch_id = "unchanged", earlier
                report.message = f"same file already loaded as batch {earlier}"
        return problem
    finally:
        con.close()


def load_files(
    live: Path,
    paths: list[Path],
    dataset: str = "main",
    replace: bool = False,
    strict: bool = False,
    loaded_by: str | None = None,
    progress: Progress | None = None,
) -> list[LoadReport]:
    """Load files into ``dataset``; one new warehouse version for every file that changed."""
    live = Path(live)
    if not warehouse.resolve(live).exists():
        raise warehouse.WarehouseError(f"no warehouse at {live}: run `fundflows build` first")
    items = _parse_all(paths, dataset, progress)
    problem = _prefilter(live, items, dataset)
    if problem:
        for report, _parsed, _sha in items:
            report.status, report.message = "refused", problem
        return [i[0] for i in items]
    todo = [i for i in items if i[1] is not None and i[0].status != "unchanged"]
    if not todo:
        return [i[0] for i in items]
    try:
        with warehouse.publish(live) as pub:
            for report, parsed, sha in todo:
                if progress:
                    progress(f"loading {parsed.path.name} ({parsed.rows_read:,} rows)")
                _load_one(pub.con, report, parsed, sha, replace, strict, loaded_by)
            if strict and any(r.status == "strict_rejected" for r, _p, _s in todo):
                raise _StrictAbort
            if not any(r.status == "loaded" for r, _p, _s in todo):
                raise _StrictAbort
            timer = _Timer()
        timer("checks, commit and swap")
    except _StrictAbort:
        for report, _parsed, _sha in todo:
            if report.status == "loaded":
                report.status = "refused"
                report.message = "not loaded: another file has rejected rows (--strict)"
    return [i[0] for i in items]


def validate_files(live: Path, paths: list[Path], dataset: str = "main") -> list[LoadReport]:
    """Parse and check files against the live warehouse without writing anything."""
    live = Path(live)
    items = _parse_all(paths, dataset, None)
    con = warehouse.connect_plain(live)
    try:
        for report, parsed, sha in items:
            if parsed is None:
                continue
            report.batch_id = new_batch_id(dataset, sha)
            process(con, parsed, report.batch_id)
            _fill_report(con, report, parsed)
            report.status = "validated"
            report.message = f"{report.rows_loaded:,} of {report.rows_read:,} row(s) would load" + (
                " (already loaded)" if _already_loaded(con, dataset, sha) else ""
            )
    finally:
        con.close()
    return [i[0] for i in items]
