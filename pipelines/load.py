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
from pipelines.sources import iati_load
from pipelines.sources.iati import IatiStream, conflict_message
from pipelines.sources.iati_xml import looks_like_xml, may_have_transactions

PRELOAD_BYTES = 16 << 20  # smaller IATI files are read whole before the publication starts
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


def _is_xml(path: Path) -> bool:
    return looks_like_xml(path)  # UTF-8 or UTF-16, with or without a byte order mark


def _reading(path: Path, progress: Progress | None):
    """Byte progress of the XML reader as text: ``reading NAME: NN%`` (a bar on a terminal)."""
    if progress is None:
        return None

    def bytes_progress(done: int, total: int) -> None:
        progress(f"reading {path.name}: {done / max(total, 1):.0%}")

    return bytes_progress


def parse_any(path: Path, progress: Progress | None = None) -> ParsedFile:
    """Dispatch by content: XML → the IATI parser, anything else → the template parser."""
    path = Path(path)
    if not path.is_file():
        raise UnusableFile(f"{path}: no such file")
    if _is_xml(path):
        from pipelines.sources import iati

        return iati.parse(path, progress=_reading(path, progress))
    from pipelines.sources import template

    return template.parse(path)


def open_any(path: Path, dataset: str, progress: Progress | None = None) -> ParsedFile | IatiStream:
    """Like ``parse_any``, but an IATI file comes back as a stream (read while it is written)."""
    path = Path(path)
    if path.is_file() and _is_xml(path):
        prefix = f"iati:{dataset}:"  # flow ids: iati:<dataset>:<iati-identifier>#<n>#<split>
        stream = IatiStream(path, _reading(path, progress), key_prefix=prefix)
        if path.stat().st_size < PRELOAD_BYTES:
            stream.preload()  # malformed XML is refused before any publication starts
        if stream.preloaded or may_have_transactions(path):
            return stream
    return parse_any(path, progress)  # (an XML file without transactions: reports why)


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


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


def _nothing_to_load(name: str, unit: str, notes: list[str]) -> str:
    return f"{name}: no {unit} to load" + (f" ({'; '.join(notes)})" if notes else "")


def _read_nothing(source: ParsedFile | IatiStream) -> bool:
    if isinstance(source, IatiStream):
        return source.preloaded is not None and source.rows_read == 0
    return source.rows_read == 0


def _open_all(paths: list[Path], dataset: str, progress: Progress | None) -> list[list]:
    """[report, source, sha] per file: source is a parsed template file, an IATI stream (read
    while it is written), or None (unusable file, refused report)."""
    out = []
    for path in map(Path, paths):
        report = LoadReport(file=path, batch_id=None, dataset=dataset)
        try:
            sha = sha256_of(path) if path.is_file() else ""
            if progress:
                progress(f"reading {path.name}")
            timer = Timer()
            source = open_any(path, dataset, progress=progress)
            timer("parse" if isinstance(source, ParsedFile) else "open")
        except (UnusableFile, OSError) as exc:
            report.message = _one_line(exc)
            out.append([report, None, ""])
            continue
        if _read_nothing(source):
            unit = "rows" if getattr(source, "format", "iati") != "iati" else "transactions"
            report.message = _nothing_to_load(path.name, unit, source.notes)
            out.append([report, None, ""])
            continue
        out.append([report, source, sha])
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


class _Refused(Exception):
    """A streamed file turned out unusable or refused after writing: discard the publication."""

    def __init__(self, item: list) -> None:
        super().__init__(item[0].message)
        self.item = item


def _load_one(con, report, source, sha, replace, strict, loaded_by) -> None:
    """Load one file inside the open transaction (status ``loaded`` when it wrote a batch)."""
    earlier = _already_loaded(con, report.dataset, sha)
    if earlier:
        report.status, report.batch_id = "unchanged", earlier
        report.message = f"same file already loaded as batch {earlier}"
    elif isinstance(source, IatiStream):
        _load_stream(con, report, source, sha, replace, strict, loaded_by)
    else:
        _load_parsed(con, report, source, sha, replace, strict, loaded_by)


def _replace_same_name(con, dataset: str, file_name: str) -> list[str]:
    replaced = batches.previous_batches(con, dataset, file_name)
    for old in replaced:
        batches.delete_in(con, old)
    return replaced


def _write_batch(con, report: LoadReport, source, sha: str, loaded_by, replaced) -> None:
    run_script(
        con, "loader/write_batch", batch=report.batch_id, dataset=report.dataset,
        file=source.path.name, sha=sha, format="iati" if isinstance(source, IatiStream)
        else source.format, loaded_by=loaded_by, rows_read=source.rows_read,
    )  # fmt: skip
    report.status = "loaded"
    report.message = f"loaded {report.rows_loaded:,} of {report.rows_read:,} row(s)" + (
        f", replaced batch(es) {', '.join(replaced)}" if replaced else ""
    )


def _strict_refusal(report: LoadReport) -> None:
    report.status = "strict_rejected"
    report.message = f"{report.rows_rejected} row(s) would be rejected (--strict): nothing loaded"


def _load_parsed(con, report, parsed, sha, replace, strict, loaded_by) -> None:
    """A parsed (template) file: process, write, record the batch."""
    dataset = report.dataset
    conflicts = parsed.conflicts(con, dataset) if parsed.conflicts else []
    if conflicts and not replace:
        report.message = "; ".join(conflicts) + " (use --replace to replace them)"
        return
    report.batch_id = new_batch_id(dataset, sha)
    replaced = _replace_same_name(con, dataset, parsed.path.name) if replace else []
    process(con, parsed, report.batch_id)
    _fill_report(con, report, parsed)
    if strict and report.rows_rejected:
        _strict_refusal(report)
        return
    timer = Timer()
    run_script(con, "loader/write", batch=report.batch_id, dataset=dataset, file=parsed.path.name)
    _write_batch(con, report, parsed, sha, loaded_by, replaced)
    timer("write")
    drop_temp(con)


def _load_stream(con, report, stream: IatiStream, sha, replace, strict, loaded_by) -> None:
    """An IATI file: chunks written as they are read (``pipelines.sources.iati_load``)."""
    dataset, name = report.dataset, stream.path.name
    report.batch_id = new_batch_id(dataset, sha)
    replaced = _replace_same_name(con, dataset, name) if replace else []
    result = iati_load.load_stream(con, stream, report.batch_id, dataset, replace, strict)
    report.rows_read, report.notes = stream.rows_read, stream.notes
    report.rows_rejected, report.rejects = result.rows_rejected, result.rejects_frame()
    report.rows_loaded = report.rows_read - report.rows_rejected
    if result.conflicts or report.rows_read == 0:
        report.batch_id, report.rows_loaded = None, 0
        report.message = (
            conflict_message(name, dataset, result.conflicts) + " (use --replace to replace them)"
            if result.conflicts
            else _nothing_to_load(name, "transactions", report.notes)
        )
        if result.wrote or replaced or result.replaced:
            raise _Refused([report, stream, sha])
        return
    if strict and report.rows_rejected:
        _strict_refusal(report)
        return
    report.notes += iati_load.replaced_notes(con, result)
    if result.kept_rejects < result.rows_rejected:
        report.notes.append(
            f"the report lists the first {result.kept_rejects:,} of {result.rows_rejected:,} "
            "rejected transactions; table rejected_row holds them all"
        )
    _write_batch(con, report, stream, sha, loaded_by, replaced)


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


def _reset(item: list, dataset: str, progress: Progress | None) -> list:
    """The item of a file to load again in a new publication (a stream is reopened)."""
    report, source, sha = item
    fresh = LoadReport(file=report.file, batch_id=None, dataset=dataset)
    report.__dict__.update(fresh.__dict__)
    if isinstance(source, IatiStream):
        source = open_any(source.path, dataset, progress)
    return [report, source, sha]


def _publish(live: Path, todo: list[list], dataset: str, options: dict, progress) -> None:
    """One publication for every file to load (``_Refused`` discards it)."""
    try:
        with warehouse.publish(live) as pub:
            pub.touched_datasets = {dataset}
            for item in todo:
                report, source, sha = item
                if progress:
                    progress(f"loading {source.path.name}")
                try:
                    _load_one(pub.con, report, source, sha, **options)
                except UnusableFile as exc:  # an XML file that breaks after its start
                    report.message = _one_line(exc)
                    raise _Refused(item) from exc
            if options["strict"] and any(r.status == "strict_rejected" for r, _p, _s in todo):
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


def load_files(
    live: Path,
    paths: list[Path],
    dataset: str = "main",
    replace: bool = False,
    strict: bool = False,
    loaded_by: str | None = None,
    progress: Progress | None = None,
) -> list[LoadReport]:
    """Load files into ``dataset``; one new warehouse version for every file that changed.

    ``progress`` gets short text messages; one that ends in ``NN%`` reports how far a file is
    read (IATI files are read and written chunk by chunk, so that is how far the load is).
    """
    live = Path(live)
    if not warehouse.resolve(live).exists():
        raise warehouse.WarehouseError(f"no warehouse at {live}: run `fundflows build` first")
    items = _open_all(paths, dataset, progress)
    reports = [i[0] for i in items]
    problem = _prefilter(live, items, dataset)
    if problem:
        for report in reports:
            report.status, report.message = "refused", problem
        return reports
    todo = [i for i in items if i[1] is not None and i[0].status != "unchanged"]
    options = {"replace": replace, "strict": strict, "loaded_by": loaded_by}
    while todo:
        try:
            _publish(live, todo, dataset, options, progress)
            break
        except _Refused as refused:  # load the other files without it
            refused.item[0].status = "refused"
            refused.item[0].batch_id = None
            todo = [_reset(i, dataset, progress) for i in todo if i[0] is not refused.item[0]]
    return reports


def _validate_one(con, report: LoadReport, source, sha: str) -> None:
    report.batch_id = new_batch_id(report.dataset, sha)
    if isinstance(source, IatiStream):
        try:
            result = iati_load.check_stream(con, source, report.batch_id)
        except UnusableFile as exc:
            report.message, report.batch_id = _one_line(exc), None
            return
        report.rows_read, report.notes = source.rows_read, source.notes
        report.rows_rejected, report.rejects = result.rows_rejected, result.rejects_frame()
        report.rows_loaded = report.rows_read - report.rows_rejected
        if report.rows_read == 0:
            report.message = _nothing_to_load(source.path.name, "transactions", report.notes)
            report.batch_id = None
            return
    else:
        process(con, source, report.batch_id)
        _fill_report(con, report, source)
        drop_temp(con)
    report.status = "validated"
    report.message = f"{report.rows_loaded:,} of {report.rows_read:,} row(s) would load" + (
        " (already loaded)" if _already_loaded(con, report.dataset, sha) else ""
    )


def validate_files(live: Path, paths: list[Path], dataset: str = "main") -> list[LoadReport]:
    """Parse and check files against the live warehouse without writing anything."""
    live = Path(live)
    items = _open_all(paths, dataset, None)
    with warehouse.attached_reader(live) as con:  # temp tables; nothing written to the file
        for report, source, sha in items:
            if source is not None:
                _validate_one(con, report, source, sha)
    return [i[0] for i in items]
