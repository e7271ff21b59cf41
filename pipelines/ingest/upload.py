"""Files uploaded through the dashboard's Load data page: saved safely, previewed, loaded.

An uploaded file's name never becomes a path: the bytes are written under a server-generated
name (``upload-<random hex><suffix>``) in a private folder of the warehouse folder's temp area
(``pipelines.store.scratch``: removed afterwards, and by the next writer if this process is killed),
the suffix coming from a fixed whitelist, and the original name is kept only as a label.
Uploads above ``MAX_UPLOAD_BYTES`` are refused before anything is written or parsed; the
server itself refuses bodies above ``server.maxUploadSize`` (``.streamlit/config.toml``, the
same 50 MB) before the app sees them.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipelines import settings
from pipelines.ingest import load
from pipelines.sources.candidates import UnusableFile
from pipelines.store import scratch, sql, warehouse

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
SUFFIXES = {"csv": ".csv", "tsv": ".csv", "txt": ".csv", "xlsx": ".xlsx", "xml": ".xml"}
TOTALS_COLUMNS = ["stage", "leg", "currency", "flows", "amount_original"]


class UploadError(ValueError):
    """An upload refused before loading (too large, empty, type not accepted)."""


@dataclass
class Preview:
    """What a load would do: the loader's report plus totals of the rows that would load."""

    report: load.LoadReport
    totals: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=TOTALS_COLUMNS))


def suffix_for(original_name: str) -> str:
    """The whitelisted suffix for an uploaded name (the name itself is never used as a path)."""
    ext = original_name.rsplit(".", 1)[-1].lower() if "." in original_name else ""
    if ext not in SUFFIXES:
        raise UploadError(f"only CSV, XLSX or IATI XML files can be loaded (got .{ext or '?'})")
    return SUFFIXES[ext]


def check_size(size: int) -> None:
    """Refuse an upload of ``size`` bytes above the limit (before its bytes are read)."""
    if size > MAX_UPLOAD_BYTES:
        raise UploadError(f"the file is larger than the {MAX_UPLOAD_BYTES // 2**20} MB limit")


@contextlib.contextmanager
def saved(data: bytes, original_name: str, live: Path | None = None) -> Iterator[Path]:
    """Write ``data`` under a generated name in a private folder of the temp area of the
    warehouse at ``live`` (default: the configured one); remove it afterwards."""
    check_size(len(data))
    if not data:
        raise UploadError("the file is empty")
    suffix = suffix_for(original_name)
    with scratch.private_folder(live or settings.warehouse_path(), "upload") as folder:
        path = folder / f"upload-{secrets.token_hex(8)}{suffix}"
        path.write_bytes(data)
        yield path


def preview(live: Path, path: Path, dataset: str, label: str = "") -> Preview:
    """Check one saved upload against the live warehouse without writing anything.

    Runs the loader's own parse and checks (``load.parse_any``, ``load.process``) on a scratch
    connection, so it works beside the app's open connection. ``status`` is ``validated`` or
    ``refused``.
    """
    report = load.LoadReport(file=path, batch_id=None, dataset=dataset)
    try:
        parsed = load.parse_any(path)
    except UnusableFile as exc:
        report.message = str(exc)
        return Preview(report)
    with warehouse.attached_reader(Path(live)) as con:
        load.process(con, parsed, "preview")
        report.rejects = load.rejects_frame(con, label or path.name)
        totals = con.execute(sql.text("checks_support/preview_totals")).df()
    report.rows_read = parsed.rows_read
    report.rows_rejected = len(report.rejects)
    report.rows_loaded = parsed.rows_read - report.rows_rejected
    report.notes = list(parsed.notes)
    report.status = "validated"
    return Preview(report, totals)
