"""The typer application objects; command modules register their commands on them."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console

from pipelines import settings
from pipelines.store.warehouse import WarehouseError

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


def make_console(stderr: bool = True) -> Console:
    """Messages stay one line (no wrapping at the terminal width); tables are not cut to 80
    columns in logs and pipes."""
    probe = Console(stderr=stderr)
    width = None if probe.is_terminal else 200
    return Console(stderr=stderr, soft_wrap=True, width=width)


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Warehouse, database and disk errors (full disk, read-only folder) as one line, exit 2."""
    try:
        yield
    except (WarehouseError, duckdb.Error, OSError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        make_console().print(f"[red]error:[/red] {first}", highlight=False)
        raise typer.Exit(2) from exc
