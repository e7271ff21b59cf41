"""`fundflows export`: the filtered flows, one row per flow with every provenance column."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, NoReturn

import duckdb
import typer
from rich.markup import escape
from xlsxwriter.exceptions import XlsxFileError

from pipelines import settings
from pipelines.cli.app import WarehouseOpt, app, make_console, warehouse_or_default
from pipelines.query import export, export_target, slices
from pipelines.store import sql, warehouse

console = make_console()
Many = Annotated[list[str] | None, typer.Option(help="Repeat for several values.")]


@app.command("export")
def export_command(
    out: Annotated[
        Path,
        typer.Option("--out", help="Regular file to write (a folder with --partition-by)."),
    ],
    fmt: Annotated[str, typer.Option("--format", help="csv, xlsx or parquet.")] = "csv",
    dataset: Annotated[list[str] | None, typer.Option(help="Dataset(s); default: all.")] = None,
    warehouse_path: WarehouseOpt = None,
    year_from: Annotated[int | None, typer.Option(help="First year.")] = None,
    year_to: Annotated[int | None, typer.Option(help="Last year.")] = None,
    fund: Many = None,
    stage: Many = None,
    modality: Many = None,
    contributor_kind: Many = None,
    contributor: Many = None,
    recipient_country: Many = None,
    region: Many = None,
    status: Annotated[list[str] | None, typer.Option(help="ldc, lldc or sids.")] = None,
    currency: Annotated[str, typer.Option(help="Display currency of amount_display.")] = "USD",
    prices: Annotated[
        str, typer.Option(help="current, or constant: adds amount_usd_constant and its index.")
    ] = "current",
    base_year: Annotated[
        int | None, typer.Option(help="Constant prices of this year (default: the last).")
    ] = None,
    deflator: Annotated[str, typer.Option(help="Price index series (deflators list).")] = (
        "us_cpi_u"
    ),
    search: Annotated[
        str, typer.Option(help="Free text over actor names, aliases, descriptions.")
    ] = "",
    partition_by: Annotated[
        str | None, typer.Option(help="Hive-partitioned Parquet folder by this column (year).")
    ] = None,
    datapackage: Annotated[
        bool, typer.Option(help="Also write datapackage.json beside the file (in the folder).")
    ] = True,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing file (or earlier export folder).")
    ] = False,
) -> None:
    """Export the filtered flows as CSV, XLSX or Parquet (same slices as the Explore page).

    Every provenance column is kept: source document (symbol, title, link), locator, batch and
    file, exchange rate, rate date and source, flags. In CSV and XLSX, text a spreadsheet would
    execute (starting with = + - @, tab or carriage return) is prefixed with an apostrophe.
    Filters take the dashboard's vocabulary; repeat an option for several values. ``--out``
    must be a regular file (or, with --partition-by, a new, empty or earlier export folder);
    an existing one is replaced only with --force, once the new export is complete.
    """
    live = warehouse_or_default(warehouse_path)
    if not warehouse.resolve(live).exists():
        _fail(f"no warehouse at {live}: run `fundflows build` first")
    try:
        target = export_target.check(out, partition_by, datapackage, force)
    except export.ExportError as exc:
        _fail(str(exc), exc)
    params = slices.filter_params(
        currency.upper(), search, dataset=dataset, year_from=year_from, year_to=year_to,
        fund=fund, stage=stage, modality=modality, contributor_kind=contributor_kind,
        contributor=contributor, recipient_country=recipient_country, region=region,
        status=status,
    )  # fmt: skip
    text = sql.text("queries/explore_flows")
    if prices == "constant":  # the rows as a CTE, then their constant-price columns
        text = f"WITH flows AS ({text})\n{sql.text('queries/export_constant_prices')}"
        params |= {"base_year": base_year, "deflator": deflator}
    elif prices != "current":
        _fail(f"--prices is current or constant, not {prices!r}")
    text += "\nORDER BY year, flow_id"
    check = (deflator, base_year) if prices == "constant" else None
    try:
        rows = _export(live, text, params, fmt, target, partition_by, check)
    except export.ExportError as exc:
        _fail(str(exc), exc)
    except (OSError, XlsxFileError, duckdb.IOException) as exc:
        _fail(f"cannot write {out}: {_reason(exc)}", exc)
    console.print(f"wrote {rows:,} flows to {out}")


def _fail(message: str, cause: BaseException | None = None) -> NoReturn:
    console.print(f"[red]error:[/red] {escape(message)}", highlight=False)
    raise typer.Exit(2) from cause


def _reason(exc: BaseException) -> str:
    """One line: the OS's words (No space left on device, Read-only file system, ...)."""
    inner = exc
    while not isinstance(inner, OSError) and inner.__context__ is not None:
        inner = inner.__context__  # xlsxwriter wraps the OSError it met
    if isinstance(inner, OSError) and inner.strerror:
        return inner.strerror
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _export(
    live: Path,
    text: str,
    params: dict[str, object],
    fmt: str,
    target: export_target.Target,
    partition_by: str | None,
    check: tuple[str, int | None] | None,
) -> int:
    con = warehouse.connect_plain(live)
    if check is not None:
        _check_deflator(con, *check)
    if settings.quiet():
        con.execute("SET enable_progress_bar = false")
    try:
        with export_target.staged(target) as (data, descriptor):
            rows = export.export_query(con, text, params, fmt, data, partition_by=partition_by)
            if descriptor is not None:
                schema = con.sql(text + " LIMIT 0", params=params).to_arrow_table().schema
                _write_datapackage(descriptor, target.out.name, fmt, schema, partition_by)
    finally:
        con.close()
    return rows


def _check_deflator(con: duckdb.DuckDBPyConnection, series: str, base_year: int | None) -> None:
    """Exit 2 with one line when the series or its base year is not in the warehouse."""
    offered = warehouse.query(con, "options_deflators").set_index("series")
    if series not in offered.index:
        con.close()
        names = ", ".join(offered.index)
        console.print(f"[red]error:[/red] no deflator series {series!r} (offered: {names})")
        raise typer.Exit(2)
    years = offered.loc[[series], ["first_year", "last_year"]].to_numpy(dtype="int64")[0]
    first, last = int(years[0]), int(years[1])
    if base_year is not None and not first <= base_year <= last:
        con.close()
        console.print(f"[red]error:[/red] {series} has no index for {base_year} ({first}-{last})")
        raise typer.Exit(2)


def _write_datapackage(
    descriptor: Path, name: str, fmt: str, schema: object, partition_by: str | None
) -> None:
    path = f"{partition_by}=*/*.parquet" if partition_by else name
    package = export.datapackage(schema, "fundflows-flows", path, fmt)
    with open(descriptor, "x", encoding="utf-8") as handle:  # a new file, never a device
        handle.write(json.dumps(package, indent=2))
