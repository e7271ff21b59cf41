"""`fundflows deflators load FILE` and `fundflows deflators list`: price indexes for constant
prices (pipelines/reference/deflators.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipelines.cli.app import WarehouseOpt, app, make_console, user_errors, warehouse_or_default
from pipelines.store import warehouse

deflators_app = typer.Typer(
    help="Price indexes for constant prices (bundled: US CPI-U).", no_args_is_help=True
)
app.add_typer(deflators_app, name="deflators")
err = make_console()
out = make_console(stderr=False)


def _live(warehouse_path: Path | None) -> Path:
    live = warehouse_or_default(warehouse_path)
    if not warehouse.resolve(live).exists():
        err.print(f"[red]error:[/red] no warehouse at {live}: run `fundflows build` first")
        raise typer.Exit(2)
    return live


@deflators_app.command("load")
def deflators_load(
    file: Annotated[Path, typer.Argument(help="CSV: series, year, index, source.")],
    warehouse_path: WarehouseOpt = None,
) -> None:
    """Load your own price indexes (e.g. OECD DAC deflators); they take precedence.

    The whole file is checked first: any bad line (series not a lower-case name, year not
    1800-2100, index not a positive number, source empty, a series and year repeated) refuses
    the file, naming every problem (exit code 2). Each series in the file replaces your earlier
    rows of that series and, in use, the bundled series of the same name (`us_cpi_u`). Publishes
    a new warehouse version; choose a series with `deflator=SERIES` (URL) or `--deflator`.
    """
    from pipelines.reference import deflators

    live = _live(warehouse_path)
    try:
        with user_errors():
            loaded = deflators.load_user_file(live, file)
    except deflators.DeflatorFileError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from exc
    for series, rows in loaded.items():
        out.print(f"loaded {rows:,} index value(s) of series {series} from {file.name}")


@deflators_app.command("list")
def deflators_list(warehouse_path: WarehouseOpt = None) -> None:
    """The series in use: name, years, kind (bundled or user) and source."""
    live = _live(warehouse_path)
    con = warehouse.connect_plain(live)
    try:
        frame = warehouse.query(con, "options_deflators")
    finally:
        con.close()
    for row in frame.itertuples():
        out.print(
            f"{row.series}\t{row.first_year}-{row.last_year}\t{row.kind}\t{row.source}",
            highlight=False,
        )
