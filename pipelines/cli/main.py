"""The pipelines' commands (build, load, validate, batches, rates, synth, export, ...).

Importing the command modules registers them on ``app``. The installed ``fundflows`` command is
``dashboard.cli:app``: these commands plus ``serve``, ``deck`` and ``chart``, which run the
dashboard or draw with its chart builders (``pipelines`` never imports ``dashboard``: README,
"How the code is laid out").
"""

from __future__ import annotations

from pipelines.cli import (  # noqa: F401  (each module registers its commands on `app`)
    admin,
    build,
    deflators,
    export,
    load,
)
from pipelines.cli.app import app

__all__ = ["app"]

if __name__ == "__main__":
    app()
