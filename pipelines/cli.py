"""Entry point of the ``fundflows`` command: importing the command modules registers them."""

from __future__ import annotations

from pipelines import (  # noqa: F401  (each module registers its commands on `app`)
    cli_admin,
    cli_build,
    cli_deck,
    cli_export,
    cli_load,
)
from pipelines.cli_app import app

__all__ = ["app"]

if __name__ == "__main__":
    app()
