"""Commands that build, inspect and roll back the warehouse (``serve`` is the dashboard's)."""

from __future__ import annotations

from typing import Annotated

import typer

from pipelines import settings
from pipelines.bundled import build as build_mod
from pipelines.cli.app import WarehouseOpt, app, make_console, user_errors, warehouse_or_default
from pipelines.store import warehouse

console = make_console()


def _say(message: str) -> None:
    if not settings.quiet():
        console.print(f"[dim]…[/dim] {message}")


@app.command()
def build(
    warehouse_path: WarehouseOpt = None,
    if_needed: Annotated[
        bool, typer.Option("--if-needed", help="Only build when missing or out of date.")
    ] = False,
    demo_rows: Annotated[int, typer.Option(help="Rows in the demo dataset.")] = build_mod.DEMO_ROWS,
    seed: Annotated[int, typer.Option(help="Seed of the demo generator.")] = build_mod.DEMO_SEED,
) -> None:
    """Rebuild reference tables and the bundled `cited` and `demo` datasets.

    Every user batch in the current version is carried forward unchanged. The new warehouse
    is written to a new versioned file and published atomically.
    """
    live = warehouse_or_default(warehouse_path)
    if if_needed and build_mod.is_current(live):
        console.print(f"warehouse {live} is up to date")
        return
    with user_errors():
        version = build_mod.build(live, demo_rows=demo_rows, seed=seed, progress=_say)
    console.print(f"built {live} (version {version})")


@app.command()
def synth(
    rows: Annotated[int, typer.Option(help="Number of flows to generate.")] = 20_000,
    seed: Annotated[
        int, typer.Option(help="Random seed (same seed, same rows).")
    ] = build_mod.DEMO_SEED,
    dataset: Annotated[str, typer.Option(help="Dataset the rows go to.")] = "synthetic",
    warehouse_path: WarehouseOpt = None,
) -> None:
    """Generate deterministic illustrative flows (flagged `illustrative`) into a dataset.

    Generated inside DuckDB; 10 million rows take a few minutes. The rows replace any earlier
    generated rows of the same dataset (the bundled `demo` dataset is rebuilt by `build`; give
    another name such as `scale` for your own). Builds the warehouse first when it is missing.
    """
    from pipelines.bundled import synth as synth_mod

    live = warehouse_or_default(warehouse_path)
    with user_errors():
        if not warehouse.resolve(live).exists():
            build_mod.build(live, progress=_say)
        with warehouse.publish(live) as pub:
            _say(f"generating {rows:,} rows into {dataset!r}")
            pub.con.execute("SET memory_limit = '2GB'")  # 10M rows: 2.4 GB peak, not 4.2 GB
            n = synth_mod.generate(pub.con, rows=rows, seed=seed, dataset=dataset)
    console.print(f"generated {n:,} flows into dataset {dataset!r} of {live}")


@app.command()
def status(warehouse_path: WarehouseOpt = None) -> None:
    """Show the live version, schema, datasets and the latest load."""
    live = warehouse_or_default(warehouse_path)
    target = warehouse.resolve(live)
    if not target.exists():
        console.print(f"no warehouse at {live}: run `fundflows build`")
        raise typer.Exit(1)
    con = warehouse.connect_plain(live)
    try:
        typer.echo(f"warehouse: {live} -> {target.name}")
        typer.echo(f"version: {warehouse.get_meta(con, 'warehouse_version')}")
        typer.echo(f"published: {warehouse.get_meta(con, 'published_at')}")
        typer.echo(f"schema: {warehouse.schema_version(con)}")
        typer.echo(f"up to date with bundled data: {build_mod.is_current(live)}")
        typer.echo(warehouse.query(con, "datasets_summary").to_string(index=False))
    finally:
        con.close()
    versions = [p.name for p in warehouse.list_versions(live)]
    typer.echo(f"versions kept: {', '.join(versions)}")


@app.command()
def rollback(warehouse_path: WarehouseOpt = None) -> None:
    """Undo the last publication (load, build, batch deletion, name resolution, rates).

    Returns to the version that was live before it, from the publication log; run again to go
    one further back (the last FUNDFLOWS_KEEP_VERSIONS versions are kept). The undone version
    is deleted: a rollback is not undone by another rollback.
    """
    live = warehouse_or_default(warehouse_path)
    with user_errors():
        target = warehouse.rollback(live)
    console.print(f"live warehouse now points to {target.name}")
