"""``fundflows admin``: set the local admin password used by the Load data page.

The password is read from a prompt (twice, hidden) or, when stdin is not a terminal, from the
first line of stdin. It is never taken from the command line, where it would land in the shell
history and the process list.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Annotated

import typer

from pipelines.appstate import admin
from pipelines.cli.app import app, make_console

console = make_console()
admin_app = typer.Typer(
    help="Admin sign-in for the dashboard's Load data page.", no_args_is_help=True
)
app.add_typer(admin_app, name="admin")

StateOpt = Annotated[
    Path | None,
    typer.Option(
        "--state", help="App state store (default: FUNDFLOWS_STATE or data/state.sqlite)."
    ),
]


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("New admin password: ")
        if getpass.getpass("Repeat it: ") != first:
            console.print("[red]error:[/red] the two passwords differ; nothing was changed")
            raise typer.Exit(2)
        return first
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


@admin_app.command("set-password")
def set_password(state: StateOpt = None) -> None:
    """Set (or replace) the local admin password, stored as a salted scrypt hash.

    Reads the password from a hidden prompt, or from the first line of stdin when piped
    (e.g. `printf '%s\\n' "$PW" | fundflows admin set-password`). Never pass it as an argument.
    """
    password = _read_password()
    try:
        admin.set_password(password, state)
    except admin.AdminError as exc:
        console.print(f"[red]error:[/red] {exc}; nothing was changed")
        raise typer.Exit(2) from exc
    console.print("admin password set; earlier failed sign-ins cleared")


@admin_app.command("status")
def status(state: StateOpt = None) -> None:
    """Say whether a local admin password is set (the hash itself is never shown)."""
    typer.echo("admin password: set" if admin.has_password(state) else "admin password: not set")
