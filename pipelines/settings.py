"""The only reader of FUNDFLOWS_* environment variables; paths anchored to the repository root."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SQL_DIR = REPO_ROOT / "sql"
DATA_DIR = REPO_ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
FLOWS_DIR = DATA_DIR / "flows"
SAMPLES_DIR = DATA_DIR / "samples"


def warehouse_path() -> Path:
    """Live warehouse path: FUNDFLOWS_WAREHOUSE or data/warehouse.duckdb."""
    value = os.environ.get("FUNDFLOWS_WAREHOUSE")
    return Path(value) if value else DATA_DIR / "warehouse.duckdb"


def state_path() -> Path:
    """App state store (saved views, groups, admin hash): FUNDFLOWS_STATE or data/state.sqlite."""
    value = os.environ.get("FUNDFLOWS_STATE")
    return Path(value) if value else DATA_DIR / "state.sqlite"


def port() -> int:
    return int(os.environ.get("FUNDFLOWS_PORT", "8501"))


def keep_versions() -> int:
    """How many warehouse versions are kept for rollback."""
    return int(os.environ.get("FUNDFLOWS_KEEP_VERSIONS", "5"))


def quiet() -> bool:
    """No progress bars (CI logs, pipes)."""
    return bool(os.environ.get("CI")) or os.environ.get("FUNDFLOWS_QUIET", "") not in ("", "0")
