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

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from pipelines import batches, warehouse
from pipelines.candidates import ParsedFile, UnusableFile
from pipelines.load_steps import (
    REJECT_COLUMNS,
    Timer,
    drop_temp,
    process,
    rejects_frame,
    run_script,
)

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

        def bytes_progress(done: int, total: int) -> None:
            progress(f"reading {path.name}: {done / max(total, 1):.0%}")

        return iati.parse(path, progress=None if progress is None else bytes_progress)
    from pipelines.sources import template

    return template.parse(path)


def new_batch_id(dataset: str, sha: str) -> str:
    """Short unique id: ``b`` + the load time (seconds) + a hash of dataset, file and time."""
    now = datetime.now(UTC)
    salt = hashlib.sha256(f"{dataset}:{sha}:{now.isoformat()}:{os.getpid()}".encode())
    return f"b{now:%y%m%d%H%M%S}{salt.hexdigest()[:6]}"


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
            timer = Timer()
            parsed = parse_any(path, progress=progress)
            timer("parse")
        except (UnusableFile, OSError) as exc:
            report.message = " ".join(str(exc).split())  # one line
            out.append((report, None, ""))
            continue
        if parsed.rows_read == 0:
            unit = "transactions" if parsed.format == "iati" else "rows"
            report.message = f"{path.name}: no {unit} to load" + (
                f" ({'; '.join(parsed.notes)})" if parsed.notes else ""
            )
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
    kept = list(parsed.notes)
    replaced = []
    if replace:
        replaced = batches.previous_batches(con, dataset, parsed.path.name)
        for old in replaced:
            batches.delete_in(con, old)
    process(con, parsed, report.batch_id)
    _fill_report(con, report, parsed)
    if conflicts:  # --replace: batches of the same file name go; other files' rows stay
        still = parsed.conflicts(con, dataset) if parsed.conflicts else []
        report.notes = kept + [f"kept (held by other files): {m}" for m in still]
    if strict and report.rows_rejected:
        report.status = "strict_rejected"
        report.message = (
            f"{report.rows_rejected} row(s) would be rejected (--strict): nothing loaded"
        )
        return False
    timer = Timer()
    run_script(con, "loader/write", batch=report.batch_id, dataset=dataset, file=parsed.path.name)
    run_script(
        con, "loader/write_batch", batch=report.batch_id, dataset=dataset, file=parsed.path.name,
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
    with warehouse.attached_reader(live) as con:  # works beside the dashboard's connection
        problem = _check_dataset(con, dataset)
        for report, parsed, sha in items:
            earlier = parsed is not None and _already_loaded(con, dataset, sha)
            if earlier:
                report.status, report.batch_id = "unchanged", earlier
                report.message = f"same file already loaded as batch {earlier}"
        return problem


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
            pub.touched_datasets = {dataset}
            for report, parsed, sha in todo:
                if progress:
                    progress(f"loading {parsed.path.name} ({parsed.rows_read:,} rows)")
                _load_one(pub.con, report, parsed, sha, replace, strict, loaded_by)
            if strict and any(r.status == "strict_rejected" for r, _p, _s in todo):
                raise _StrictAbort
            if not any(r.status == "loaded" for r, _p, _s in todo):
                raise _StrictAbort
            timer = Timer()
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
    with warehouse.attached_reader(live) as con:  # temp tables; nothing written to the file
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
    return [i[0] for i in items]
