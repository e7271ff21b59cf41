"""`fundflows export`: the filtered flows, one row per flow with every provenance column."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from pipelines import settings
from pipelines.cli.app import WarehouseOpt, app, make_console, warehouse_or_default
from pipelines.query import export, slices
from pipelines.store import sql, warehouse

console = make_console()
Many = Annotated[list[str] | None, typer.Option(help="Repeat for several values.")]


@app.command("export")
def export_command(
    out: Annotated[
        Path, typer.Option("--out", help="File to write (a folder with --partition-by).")
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
        bool, typer.Option(help="Also write datapackage.json beside the output.")
    ] = True,
) -> None:
    """Export the filtered flows as CSV, XLSX or Parquet (same slices as the Explore page).

    Every provenance column is kept: source document (symbol, title, link), locator, batch and
    file, exchange rate, rate date and source, flags. In CSV and XLSX, text a spreadsheet would
    execute (starting with = + - @, tab or carriage return) is prefixed with an apostrophe.
    Filters take the dashboard's vocabulary; repeat an option for several values.
    """
    live = warehouse_or_default(warehouse_path)
    if not warehouse.resolve(live).exists():
        console.print(f"[red]error:[/red] no warehouse at {live}: run `fundflows build` first")
        raise typer.Exit(2)
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
        console.print(f"[red]error:[/red] --prices is current or constant, not {prices!r}")
        raise typer.Exit(2)
    text += "\nORDER BY year, flow_id"
    con = warehouse.connect_plain(live)
    if prices == "constant":
        _check_deflator(con, deflator, base_year)
    if settings.quiet():
        con.execute("SET enable_progress_bar = false")
    try:
        rows = export.export_query(con, text, params, fmt, out, partition_by=partition_by)
        schema = con.sql(text + " LIMIT 0", params=params).to_arrow_table().schema
    except export.ExportError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    finally:
        con.close()
    if datapackage:
        _write_datapackage(out, fmt, schema, partition_by)
    console.print(f"wrote {rows:,} flows to {out}")


def _check_deflator(con: object, series: str, base_year: int | None) -> None:
    """Exit 2 with one line when the series or its base year is not in the warehouse."""
    offered = warehouse.query(con, "options_deflators").set_index("series")  # type: ignore[arg-type]
    if series not in offered.index:
        con.close()  # type: ignore[attr-defined]
        names = ", ".join(offered.index)
        console.print(f"[red]error:[/red] no deflator series {series!r} (offered: {names})")
        raise typer.Exit(2)
    first, last = offered.loc[series, ["first_year", "last_year"]]
    if base_year is not None and not first <= base_year <= last:
        con.close()  # type: ignore[attr-defined]
        console.print(f"[red]error:[/red] {series} has no index for {base_year} ({first}-{last})")
        raise typer.Exit(2)


def _write_datapackage(out: Path, fmt: str, schema: object, partition_by: str | None) -> None:
    target = out / "datapackage.json" if partition_by else out.with_name("datapackage.json")
    path = f"{partition_by}=*/*.parquet" if partition_by else out.name
    descriptor = export.datapackage(schema, "fundflows-flows", path, fmt)
    target.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
