"""The ``fundflows`` command: every pipelines command plus ``serve``, ``deck`` and ``chart``.

``serve`` runs this dashboard and ``deck`` and ``chart`` render its chart builders, so they are
registered here, one layer above ``pipelines`` (which never imports ``dashboard``).
``python -m dashboard.cli`` runs the same command as the installed ``fundflows``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from dashboard.present import commands  # noqa: F401  (registers `deck` and `chart` on `app`)
from pipelines import settings
from pipelines.bundled import build as build_mod
from pipelines.cli.app import WarehouseOpt, make_console, warehouse_or_default
from pipelines.cli.main import app

APP_FILE = Path(__file__).resolve().parent / "app.py"
console = make_console()


def _say(message: str) -> None:
    if not settings.quiet():
        console.print(f"[dim]…[/dim] {message}")


@app.command()
def serve(
    warehouse_path: WarehouseOpt = None,
    port: Annotated[int | None, typer.Option(help="Port (default FUNDFLOWS_PORT or 8501).")] = None,
) -> None:
    """Build the warehouse if needed, then serve the dashboard on 127.0.0.1."""
    live = warehouse_or_default(warehouse_path)
    if not build_mod.is_current(live):
        build_mod.build(live, progress=_say)
    env = {**os.environ, "FUNDFLOWS_WAREHOUSE": str(live.resolve().parent / live.name)}
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(APP_FILE),
        "--server.headless=true", "--server.address=127.0.0.1",
        f"--server.port={port or settings.port()}", "--browser.gatherUsageStats=false",
    ]  # fmt: skip
    console.print(f"serving on http://127.0.0.1:{port or settings.port()}")
    raise typer.Exit(subprocess.call(cmd, env=env, cwd=settings.REPO_ROOT))


__all__ = ["app"]

if __name__ == "__main__":
    app()
