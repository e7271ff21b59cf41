"""The typer application objects; command modules register their commands on them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipelines import settings

app = typer.Typer(
    help="fundflows: load funding flows into a DuckDB warehouse and serve the dashboard.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rates_app = typer.Typer(help="Exchange rates beyond the bundled ECB history.", no_args_is_help=True)
app.add_typer(rates_app, name="rates")

WarehouseOpt = Annotated[
    Path | None,
    typer.Option(
        "--warehouse",
        help="Live warehouse path (default: FUNDFLOWS_WAREHOUSE or data/warehouse.duckdb).",
    ),
]


def warehouse_or_default(path: Path | None) -> Path:
    return Path(path) if path else settings.warehouse_path()
