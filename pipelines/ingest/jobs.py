"""What one load is about: the options, one job per file, and the report each file gets.

``LoadOptions`` carries what the user chose for the whole load (dataset, ``--replace``,
``--strict``, who loads); a ``LoadJob`` pairs one file's ``LoadReport`` with its opened input
(``pipelines.ingest.formats``) and its sha256. The small steps every format shares (batch ids,
the batch row, the "nothing to load" and ``--strict`` messages) live here too.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import duckdb
import pandas as pd

from pipelines.ingest.steps import REPORT_REJECT_COLUMNS
from pipelines.store import batches, sql


@dataclass(frozen=True)
class LoadOptions:
    dataset: str = "main"
    replace: bool = False
    strict: bool = False
    loaded_by: str | None = None


@dataclass
class LoadReport:
    file: Path
    batch_id: str | None
    dataset: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rejects: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=REPORT_REJECT_COLUMNS)
    )
    status: str = "refused"
    message: str = ""
    notes: list[str] = field(default_factory=list)


class Opened(Protocol):
    """An opened input file, whatever its format (``pipelines.ingest.inputs``)."""

    path: Path
    format: str  # csv, xlsx, iati
    unit: str  # what a row of the accounting is: rows, transactions

    @property
    def rows_read(self) -> int: ...

    @property
    def notes(self) -> list[str]: ...

    def is_empty(self) -> bool: ...

    def reopen(self, dataset: str, progress: Callable[[str], None] | None) -> Opened: ...

    def load(self, con: duckdb.DuckDBPyConnection, job: LoadJob, options: LoadOptions) -> None: ...

    def validate(self, con: duckdb.DuckDBPyConnection, job: LoadJob) -> bool: ...


@dataclass
class LoadJob:
    """One file of a load: its report, its opened input (None when unusable) and its sha256."""

    report: LoadReport
    source: Opened | None = None
    sha: str = ""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def new_batch_id(dataset: str, sha: str) -> str:
    """Short unique id: ``b`` + the load time (seconds) + a hash of dataset, file and time."""
    now = datetime.now(UTC)
    salt = hashlib.sha256(f"{dataset}:{sha}:{now.isoformat()}:{os.getpid()}".encode())
    return f"b{now:%y%m%d%H%M%S}{salt.hexdigest()[:6]}"


def one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


def nothing_to_load(name: str, unit: str, notes: list[str]) -> str:
    return f"{name}: no {unit} to load" + (f" ({'; '.join(notes)})" if notes else "")


def already_loaded(con: duckdb.DuckDBPyConnection, dataset: str, sha: str) -> str | None:
    row = con.execute(
        "SELECT batch_id FROM load_batch WHERE dataset = $d AND sha256 = $s",
        {"d": dataset, "s": sha},
    ).fetchone()
    return row[0] if row else None


def replace_same_name(con: duckdb.DuckDBPyConnection, dataset: str, file_name: str) -> list[str]:
    replaced = batches.previous_batches(con, dataset, file_name)
    for old in replaced:
        batches.delete_in(con, old)
    return replaced


def write_batch(
    con: duckdb.DuckDBPyConnection, job: LoadJob, options: LoadOptions, replaced: list[str]
) -> None:
    """The ``load_batch`` row of a written file, and its ``loaded`` report."""
    report, source = job.report, job.source
    assert source is not None
    sql.script(
        con, "loader/write_batch", batch=report.batch_id, dataset=report.dataset,
        file=source.path.name, sha=job.sha, format=source.format, loaded_by=options.loaded_by,
        rows_read=source.rows_read,
    )  # fmt: skip
    report.status = "loaded"
    report.message = f"loaded {report.rows_loaded:,} of {report.rows_read:,} row(s)" + (
        f", replaced batch(es) {', '.join(replaced)}" if replaced else ""
    )


def strict_refusal(report: LoadReport) -> None:
    report.status = "strict_rejected"
    report.message = f"{report.rows_rejected} row(s) would be rejected (--strict): nothing loaded"


class Refused(Exception):
    """A streamed file turned out unusable or refused after writing: discard the publication."""

    def __init__(self, job: LoadJob) -> None:
        super().__init__(job.report.message)
        self.job = job
