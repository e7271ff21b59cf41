"""Commands that load files, validate them, list and delete batches, and load user rates.

If the warehouse does not exist yet, ``fundflows load`` builds it first (``fundflows build``).
Exit codes of ``load``: 0 loaded (rejected rows are reported), 1 only with ``--strict`` when a
row would be rejected (nothing is loaded), 2 an unusable or refused file.
"""

from __future__ import annotations

import contextlib
import getpass
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import duckdb
import typer
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from pipelines import settings
from pipelines.cli.app import WarehouseOpt, app, make_console, rates_app, warehouse_or_default
from pipelines.store import warehouse

if TYPE_CHECKING:  # imported when a command runs (a quick --help)
    from pipelines.ingest.jobs import LoadReport

console = make_console()
out = make_console(stderr=False)
MAX_REJECTS_SHOWN = 50

FilesArg = Annotated[
    list[Path], typer.Argument(help="Template CSV/XLSX or IATI XML files.", show_default=False)
]
DatasetOpt = Annotated[
    str, typer.Option("--dataset", help="Dataset the rows go to (default: main).")
]


def _fail(message: str, code: int) -> None:
    console.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(code)


PERCENT_RE = re.compile(r"(.*?):?\s*(\d{1,3})%")


@contextlib.contextmanager
def _progress() -> Iterator[_Say | None]:
    """A progress bar on a terminal; silent in CI, pipes or with FUNDFLOWS_QUIET.

    Messages ending in ``NN%`` (how far a file is read; IATI files are written as they are
    read) move the bar; other messages name the step with the bar pulsing.
    """
    if settings.quiet() or not console.is_terminal:
        yield None
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        yield _Say(bar)


class _Say:
    """The progress callback: ``NN%`` moves the bar, other messages make it pulse."""

    def __init__(self, bar: Progress) -> None:
        self.bar = bar
        self.task = bar.add_task("working…", total=None)

    def __call__(self, message: str) -> None:
        match = PERCENT_RE.fullmatch(message)
        if match:
            self.bar.update(self.task, description=match[1], total=100, completed=int(match[2]))
        else:  # a step without a known length: a new, pulsing task
            self.bar.remove_task(self.task)
            self.task = self.bar.add_task(message, total=None)


def _rejects_table(report: LoadReport) -> Table:
    table = Table(title=f"rejected rows of {report.file.name}", title_justify="left")
    for column in ("file", "row", "column", "value", "reason"):
        table.add_column(column, overflow="fold")
    for row in report.rejects.head(MAX_REJECTS_SHOWN).itertuples(index=False):
        cell: object = row.value  # None or NaN (not equal to itself) shows as empty
        value = "" if cell is None or cell != cell else str(cell)
        table.add_row(str(row.file), str(row.row), str(row.column), value[:60],
                      f"{row.reason_code}: {row.reason}")  # fmt: skip
    return table


def _print_reports(reports: list[LoadReport]) -> int:
    """Print one line per file and the rejects; return the exit code."""
    code = 0
    for report in reports:
        colour = {"loaded": "green", "unchanged": "cyan", "validated": "green"}.get(
            report.status, "red"
        )
        out.print(
            f"[{colour}]{report.status}[/{colour}] {report.file.name}: {report.message}"
            + (
                f" (batch {report.batch_id})"
                if report.batch_id and report.status == "loaded"
                else ""
            ),
            highlight=False,
        )
        for note in report.notes:
            out.print(f"  note: {note}", highlight=False)
        if len(report.rejects):
            out.print(_rejects_table(report))
            shown = min(len(report.rejects), MAX_REJECTS_SHOWN)
            if max(report.rows_rejected, len(report.rejects)) > shown:
                more = max(report.rows_rejected, len(report.rejects)) - shown
                out.print(f"  … and {more:,} more (table rejected_row)")
        if report.status == "refused":
            code = 2
        elif report.status == "strict_rejected":
            code = max(code, 1)
    return code


@app.command()
def load(
    files: FilesArg,
    dataset: DatasetOpt = "main",
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace the earlier batch of the same file name.")
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Load nothing (exit 1) if any row would be rejected.")
    ] = False,
    warehouse_path: WarehouseOpt = None,
) -> None:
    """Load template CSV/XLSX or IATI XML files into a dataset as new batches.

    Rejected rows are stored and printed; the rest load. Loading the same file again changes
    nothing. Publishes a new warehouse version (the dashboard keeps working). Builds the
    warehouse first when it does not exist. Exit codes: 0 loaded, 1 --strict with rejects,
    2 unusable or refused file.
    """
    from pipelines.ingest import load as load_mod
    from pipelines.sources.candidates import UnusableFile

    live = warehouse_or_default(warehouse_path)
    try:
        with _progress() as say:
            if not warehouse.resolve(live).exists():
                from pipelines.bundled import build

                console.print(f"no warehouse at {live}: building it first")
                build.build(live, progress=say)
            reports = load_mod.load_files(
                live, files, dataset=dataset, replace=replace, strict=strict,
                loaded_by=_user(), progress=say,
            )  # fmt: skip
    except (UnusableFile, warehouse.WarehouseError, duckdb.Error, OSError) as exc:
        _fail(str(exc).splitlines()[0], 2)
    raise typer.Exit(_print_reports(reports))


@app.command()
def validate(
    files: FilesArg, dataset: DatasetOpt = "main", warehouse_path: WarehouseOpt = None
) -> None:
    """Check files against the warehouse without loading them; print what would be rejected.

    Exit codes: 0 every row would load, 1 some rows would be rejected, 2 unusable file.
    """
    from pipelines.ingest import load as load_mod

    live = warehouse_or_default(warehouse_path)
    if not warehouse.resolve(live).exists():
        _fail(f"no warehouse at {live}: run `fundflows build` first", 2)
    try:
        reports = load_mod.validate_files(live, files, dataset=dataset)
    except (warehouse.WarehouseError, duckdb.Error, OSError) as exc:
        _fail(str(exc).splitlines()[0], 2)
    code = _print_reports(reports)
    if code == 0 and any(r.rows_rejected for r in reports):
        code = 1
    raise typer.Exit(code)


@app.command()
def batches(
    dataset: Annotated[str | None, typer.Option("--dataset", help="Only this dataset.")] = None,
    warehouse_path: WarehouseOpt = None,
) -> None:
    """List load batches, newest first: id, dataset, file, rows read/loaded/rejected."""
    from pipelines.store import batches as batches_mod

    live = warehouse_or_default(warehouse_path)
    if not warehouse.resolve(live).exists():
        _fail(f"no warehouse at {live}: run `fundflows build` first", 2)
    frame = batches_mod.list_batches(live, dataset)
    table = Table(title=f"batches in {live}", title_justify="left")
    table.add_column("batch", no_wrap=True)
    for column in ("dataset", "file", "loaded at (UTC)", "read", "loaded", "rejected"):
        table.add_column(column, overflow="fold")
    for row in frame.itertuples(index=False):
        table.add_row(
            str(row.batch_id) + (" (bundled)" if row.is_bundled else ""), str(row.dataset),
            Path(str(row.file_name)).name, str(row.loaded_at)[:16], f"{row.rows_read:,}",
            f"{row.rows_loaded:,}", f"{row.rows_rejected:,}",
        )  # fmt: skip
    out.print(table)
    if frame.empty:
        out.print("no batches")


@app.command("delete-batch")
def delete_batch(
    batch_id: Annotated[str, typer.Argument(help="Batch id (see `fundflows batches`).")],
    warehouse_path: WarehouseOpt = None,
) -> None:
    """Delete one loaded batch (its flows, rejects, and the actors/documents it created).

    Publishes a new warehouse version; `fundflows rollback` brings the batch back. Bundled
    batches are refused.
    """
    from pipelines.store import batches as batches_mod

    live = warehouse_or_default(warehouse_path)
    if not warehouse.resolve(live).exists():
        _fail(f"no warehouse at {live}: run `fundflows build` first", 2)
    try:
        removed = batches_mod.delete_batch(live, batch_id)
    except batches_mod.BatchError as exc:
        _fail(str(exc), 2)
    out.print(f"deleted batch {batch_id} ({removed:,} flows)")


@rates_app.command("load")
def rates_load(
    file: Annotated[
        Path, typer.Argument(help="CSV: currency, date (YYYY-MM-DD or YYYY), usd_per_unit, source.")
    ],
    warehouse_path: WarehouseOpt = None,
) -> None:
    """Load your own exchange rates (US dollars per unit); they take precedence over ECB rates.

    A rate with a date applies to flows of that year from that date on; a rate with a year to
    every flow of that year without a dated user rate. Publishes a new warehouse version.
    Flows already loaded keep their rates; reload them (--replace) to use the new ones.
    """
    from pipelines.ingest import fx

    live = warehouse_or_default(warehouse_path)
    if not warehouse.resolve(live).exists():
        _fail(f"no warehouse at {live}: run `fundflows build` first", 2)
    try:
        count = fx.load_user_rates(live, file)
    except fx.RatesFileError as exc:
        _fail(str(exc), 2)
    out.print(f"loaded {count:,} user rate(s) from {file.name}")


def _user() -> str | None:
    with contextlib.suppress(Exception):
        return getpass.getuser()
    return None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
