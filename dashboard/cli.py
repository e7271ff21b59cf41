"""The ``fundflows`` command: every pipelines command plus ``deck`` and ``chart``.

``deck`` and ``chart`` render the dashboard's chart builders, so they are registered here, one
layer above ``pipelines`` (which never imports ``dashboard``). ``python -m dashboard.cli`` runs
the same command as the installed ``fundflows``.
"""

from __future__ import annotations

from dashboard.present import commands  # noqa: F401  (registers `deck` and `chart` on `app`)
from pipelines.cli.main import app

__all__ = ["app"]

if __name__ == "__main__":
    app()
