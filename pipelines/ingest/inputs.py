"""An opened input file, whatever its format: what the load and validate steps do with it.

- ``ParsedInput``: a file parsed whole (the import template as CSV or XLSX, and any new format
  whose parser returns a ``ParsedFile``): validated, resolved and converted in one pass, then
  written;
- ``StreamInput``: an IATI file read chunk by chunk while it is written
  (``pipelines.ingest.iati_stream``), so memory stays flat whatever its size.

Both give ``path``, ``format``, ``unit``, ``rows_read``, ``notes``, ``is_empty()``,
``reopen()`` (for a second publication), ``load()`` (inside the open publication) and
``validate()`` (on a scratch connection, nothing written).
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from pipelines.ingest import iati_stream
from pipelines.ingest.jobs import (
    LoadJob,
    LoadOptions,
    Opened,
    Refused,
    already_loaded,
    new_batch_id,
    nothing_to_load,
    one_line,
    replace_same_name,
    strict_refusal,
    write_batch,
)
from pipelines.ingest.steps import drop_temp, process, rejects_frame
from pipelines.sources.candidates import ParsedFile, UnusableFile
from pipelines.sources.iati.parse import IatiStream, conflict_message
from pipelines.store import sql

Progress = Callable[[str], None]


class ParsedInput:
    """A file parsed whole: one pass of validate, resolve and FX, then one write."""

    def __init__(self, parsed: ParsedFile) -> None:
        self.parsed = parsed
        self.path, self.format = parsed.path, parsed.format
        self.unit = "transactions" if parsed.format == "iati" else "rows"

    @property
    def rows_read(self) -> int:
        return self.parsed.rows_read

    @property
    def notes(self) -> list[str]:
        return list(self.parsed.notes)

    def is_empty(self) -> bool:
        return self.parsed.rows_read == 0

    def reopen(self, dataset: str, progress: Progress | None) -> ParsedInput:
        return self

    def _fill(self, con: duckdb.DuckDBPyConnection, job: LoadJob) -> None:
        report = job.report
        report.rows_read = self.parsed.rows_read
        report.rejects = rejects_frame(con, self.path.name)
        report.rows_rejected = len(report.rejects)
        report.rows_loaded = self.parsed.rows_read - report.rows_rejected
        report.notes = self.notes

    def load(self, con: duckdb.DuckDBPyConnection, job: LoadJob, options: LoadOptions) -> None:
        report, dataset = job.report, job.report.dataset
        conflicts = self.parsed.conflicts(con, dataset) if self.parsed.conflicts else []
        if conflicts and not options.replace:
            report.message = "; ".join(conflicts) + " (use --replace to replace them)"
            return
        report.batch_id = new_batch_id(dataset, job.sha)
        replaced = replace_same_name(con, dataset, self.path.name) if options.replace else []
        process(con, self.parsed, report.batch_id)
        self._fill(con, job)
        if options.strict and report.rows_rejected:
            strict_refusal(report)
            return
        timer = sql.Timer()
        sql.script(con, "loader/write", batch=report.batch_id, dataset=dataset, file=self.path.name)
        write_batch(con, job, options, replaced)
        timer("write")
        drop_temp(con)

    def validate(self, con: duckdb.DuckDBPyConnection, job: LoadJob) -> bool:
        assert job.report.batch_id is not None  # validate_files names the batch first
        process(con, self.parsed, job.report.batch_id)
        self._fill(con, job)
        drop_temp(con)
        return True


class StreamInput:
    """An IATI file: chunks written as they are read (``pipelines.ingest.iati_stream``)."""

    unit = "transactions"
    format = "iati"

    def __init__(
        self, stream: IatiStream, reopen: Callable[[str, Progress | None], Opened]
    ) -> None:
        self.stream = stream
        self.path = stream.path
        self._reopen = reopen

    @property
    def rows_read(self) -> int:
        return self.stream.rows_read

    @property
    def notes(self) -> list[str]:
        return self.stream.notes

    def is_empty(self) -> bool:
        return self.stream.preloaded is not None and self.stream.rows_read == 0

    def reopen(self, dataset: str, progress: Progress | None) -> Opened:
        return self._reopen(dataset, progress)

    def load(self, con: duckdb.DuckDBPyConnection, job: LoadJob, options: LoadOptions) -> None:
        report, stream = job.report, self.stream
        dataset, name = report.dataset, self.path.name
        report.batch_id = new_batch_id(dataset, job.sha)
        replaced = replace_same_name(con, dataset, name) if options.replace else []
        result = iati_stream.load_stream(
            con, stream, report.batch_id, dataset, options.replace, options.strict
        )
        report.rows_read, report.notes = stream.rows_read, stream.notes
        report.rows_rejected, report.rejects = result.rows_rejected, result.rejects_frame()
        report.rows_loaded = report.rows_read - report.rows_rejected
        if result.conflicts or report.rows_read == 0:
            report.batch_id, report.rows_loaded = None, 0
            report.message = (
                conflict_message(name, dataset, result.conflicts)
                + " (use --replace to replace them)"
                if result.conflicts
                else nothing_to_load(name, "transactions", report.notes)
            )
            if result.wrote or replaced or result.replaced:
                raise Refused(job)
            return
        if options.strict and report.rows_rejected:
            strict_refusal(report)
            return
        report.notes += iati_stream.replaced_notes(con, result)
        if result.kept_rejects < result.rows_rejected:
            report.notes.append(
                f"the report lists the first {result.kept_rejects:,} of {result.rows_rejected:,} "
                "rejected transactions; table rejected_row holds them all"
            )
        write_batch(con, job, options, replaced)

    def validate(self, con: duckdb.DuckDBPyConnection, job: LoadJob) -> bool:
        report = job.report
        assert report.batch_id is not None  # validate_files names the batch first
        try:
            result = iati_stream.check_stream(con, self.stream, report.batch_id)
        except UnusableFile as exc:
            report.message, report.batch_id = one_line(exc), None
            return False
        report.rows_read, report.notes = self.stream.rows_read, self.stream.notes
        report.rows_rejected, report.rejects = result.rows_rejected, result.rejects_frame()
        report.rows_loaded = report.rows_read - report.rows_rejected
        if report.rows_read == 0:
            report.message = nothing_to_load(self.path.name, "transactions", report.notes)
            report.batch_id = None
            return False
        return True


def load_one(con: duckdb.DuckDBPyConnection, job: LoadJob, options: LoadOptions) -> None:
    """Load one file inside the open transaction (status ``loaded`` when it wrote a batch)."""
    earlier = already_loaded(con, job.report.dataset, job.sha)
    if earlier:
        job.report.status, job.report.batch_id = "unchanged", earlier
        job.report.message = f"same file already loaded as batch {earlier}"
    elif job.source is not None:
        job.source.load(con, job, options)
