"""The pipelines' commands (build, load, validate, batches, rates, synth, export, serve, ...).

Importing the command modules registers them on ``app``. The installed ``fundflows`` command is
``dashboard.cli:app``: these commands plus ``deck`` and ``chart``, which draw with the
dashboard's chart builders (``pipelines`` never imports ``dashboard``; design.md §1).
"""

from __future__ import annotations

from pipelines.cli import (  # noqa: F401  (each module registers its commands on `app`)
    admin,
    build,
    export,
    load,
)
from pipelines.cli.app import app

__all__ = ["app"]

if __name__ == "__main__":
    app()
