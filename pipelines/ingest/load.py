"""Load template (CSV/XLSX) and IATI files into the warehouse: one batch per file.

``load_files`` parses every file, then publishes one new warehouse version
(``pipelines.store.warehouse.publish``: copy → one transaction → checks → atomic swap) holding every
file that changed. Inside the transaction each file goes through the same vectorised path:
validate (``pipelines.ingest.validate``), resolve names (``pipelines.ingest.resolve``), convert
money
(``pipelines.ingest.fx``), write flows, ``load_batch`` and ``rejected_row``. Any failure leaves the
live version untouched. Statuses: ``loaded``, ``unchanged`` (same sha256 already loaded in the
dataset), ``refused`` (unusable file, conflicts without ``replace``, or another file's rejects
under ``strict``), ``strict_rejected`` (rows would be rejected and ``strict`` is set).
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from pipelines.ingest import formats, inputs
from pipelines.ingest.inputs import Progress
from pipelines.ingest.jobs import (
    LoadJob,
    LoadOptions,
    LoadReport,
    Refused,
    already_loaded,
    new_batch_id,
    nothing_to_load,
    one_line,
    sha256_of,
)
from pipelines.ingest.steps import process, rejects_frame
from pipelines.sources.candidates import UnusableFile
from pipelines.store import sql, warehouse

DATASET_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
parse_any = formats.parse_any  # the upload preview parses with the loader's own sources
__all__ = [
    "LoadJob", "LoadOptions", "LoadReport", "load_files", "parse_any", "process", "rejects_frame",
    "validate_files",
]  # fmt: skip


class _StrictAbort(Exception):
    """Raised inside the publication to discard it when --strict finds rejects."""


def _open_all(paths: list[Path], dataset: str, progress: Progress | None) -> list[LoadJob]:
    """One job per file; its source is None when the file is unusable (a refused report)."""
    jobs = []
    for path in map(Path, paths):
        job = LoadJob(LoadReport(file=path, batch_id=None, dataset=dataset))
        jobs.append(job)
        try:
            sha = sha256_of(path) if path.is_file() else ""
            if progress:
                progress(f"reading {path.name}")
            timer = sql.Timer()
            source = formats.open_input(path, dataset, progress=progress)
            timer("open" if isinstance(source, inputs.StreamInput) else "parse")
        except (UnusableFile, OSError) as exc:
            job.report.message = one_line(exc)
            continue
        if source.is_empty():
            job.report.message = nothing_to_load(path.name, source.unit, source.notes)
            continue
        job.source, job.sha = source, sha
    return jobs


def _check_dataset(con: duckdb.DuckDBPyConnection, dataset: str) -> str | None:
    if not DATASET_RE.fullmatch(dataset):
        return f"dataset name {dataset!r}: use letters, digits, '_', '.' or '-'"
    row = con.execute(
        "SELECT is_bundled FROM dataset WHERE dataset = $d", {"d": dataset}
    ).fetchone()
    if (row and row[0]) or dataset in ("cited", "demo"):
        return f"dataset {dataset!r} is bundled data; load into another dataset (e.g. main)"
    return None


def _prefilter(live: Path, jobs: list[LoadJob], dataset: str) -> str | None:
    """Mark files already loaded as unchanged before any copy; return a dataset error."""
    with warehouse.attached_reader(live) as con:  # works beside the dashboard's connection
        problem = _check_dataset(con, dataset)
        for job in jobs:
            earlier = job.source is not None and already_loaded(con, dataset, job.sha)
            if earlier:
                job.report.status, job.report.batch_id = "unchanged", earlier
                job.report.message = f"same file already loaded as batch {earlier}"
        return problem


def _reset(job: LoadJob, dataset: str, progress: Progress | None) -> LoadJob:
    """The job of a file to load again in a new publication (a stream is reopened)."""
    fresh = LoadReport(file=job.report.file, batch_id=None, dataset=dataset)
    job.report.__dict__.update(fresh.__dict__)
    assert job.source is not None
    return LoadJob(job.report, job.source.reopen(dataset, progress), job.sha)


def _publish(
    live: Path, todo: list[LoadJob], options: LoadOptions, progress: Progress | None
) -> None:
    """One publication for every file to load (``Refused`` discards it)."""
    try:
        with warehouse.publish(live) as pub:
            pub.touched_datasets = {options.dataset}
            for job in todo:
                assert job.source is not None
                if progress:
                    progress(f"loading {job.source.path.name}")
                try:
                    inputs.load_one(pub.con, job, options)
                except UnusableFile as exc:  # an XML file that breaks after its start
                    job.report.message = one_line(exc)
                    raise Refused(job) from exc
            if options.strict and any(j.report.status == "strict_rejected" for j in todo):
                raise _StrictAbort
            if not any(j.report.status == "loaded" for j in todo):
                raise _StrictAbort
            timer = sql.Timer()
        timer("checks, commit and swap")
    except _StrictAbort:
        for job in todo:
            if job.report.status == "loaded":
                job.report.status = "refused"
                job.report.message = "not loaded: another file has rejected rows (--strict)"


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
    options = LoadOptions(dataset=dataset, replace=replace, strict=strict, loaded_by=loaded_by)
    jobs = _open_all(paths, dataset, progress)
    problem = _prefilter(live, jobs, dataset)
    if problem:
        for job in jobs:
            job.report.status, job.report.message = "refused", problem
        return [job.report for job in jobs]
    todo = [j for j in jobs if j.source is not None and j.report.status != "unchanged"]
    while todo:
        try:
            _publish(live, todo, options, progress)
            break
        except Refused as refused:  # load the other files without it
            refused.job.report.status = "refused"
            refused.job.report.batch_id = None
            todo = [
                _reset(j, dataset, progress) for j in todo if j.report is not refused.job.report
            ]
    return [job.report for job in jobs]


def validate_files(live: Path, paths: list[Path], dataset: str = "main") -> list[LoadReport]:
    """Parse and check files against the live warehouse without writing anything."""
    live = Path(live)
    jobs = _open_all(paths, dataset, None)
    with warehouse.attached_reader(live) as con:  # temp tables; nothing written to the file
        for job in jobs:
            if job.source is None:
                continue
            report = job.report
            report.batch_id = new_batch_id(report.dataset, job.sha)
            if not job.source.validate(con, job):
                continue
            report.status = "validated"
            report.message = f"{report.rows_loaded:,} of {report.rows_read:,} row(s) would load" + (
                " (already loaded)" if already_loaded(con, report.dataset, job.sha) else ""
            )
    return [job.report for job in jobs]
