"""Entry point of the ``fundflows`` command: importing the command modules registers them."""

from __future__ import annotations

from pipelines import cli_build  # noqa: F401  (registers build, synth, status, serve, rollback)
from pipelines.cli_app import app

try:  # registered by the loader module once present
    from pipelines import cli_load  # noqa: F401
except ModuleNotFoundError as exc:  # pragma: no cover - only while the loader is absent
    if exc.name != "pipelines.cli_load":
        raise

__all__ = ["app"]

if __name__ == "__main__":
    app()
