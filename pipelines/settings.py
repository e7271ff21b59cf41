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


def _positive_int(name: str, default: int) -> int:
    """A positive whole number from the environment variable ``name``, else ``default``."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None
    if number < 1:
        raise ValueError(f"{name} must be at least 1, not {number}")
    return number


def reader_memory_mb() -> int:
    """DuckDB ``memory_limit`` of every reader connection (dashboard charts, Explore, previews):
    FUNDFLOWS_READER_MEMORY_MB, default 1024."""
    return _positive_int("FUNDFLOWS_READER_MEMORY_MB", 1024)


def reader_threads() -> int:
    """DuckDB ``threads`` of every reader connection: FUNDFLOWS_READER_THREADS, default the
    number of CPUs up to 4."""
    return _positive_int("FUNDFLOWS_READER_THREADS", min(4, os.cpu_count() or 1))


def console_memory_mb() -> int:
    """Hard memory limit (MB of RSS) of one SQL console query: FUNDFLOWS_CONSOLE_MEMORY_MB,
    default 512 (the dashboard's ``[fundflows] console_memory_mb`` secret takes precedence)."""
    return _positive_int("FUNDFLOWS_CONSOLE_MEMORY_MB", 512)


def console_seconds() -> int:
    """Wall-clock limit of one SQL console query: FUNDFLOWS_CONSOLE_SECONDS, default 5."""
    return _positive_int("FUNDFLOWS_CONSOLE_SECONDS", 5)


def console_max_concurrent() -> int:
    """SQL console queries running at once in one server process:
    FUNDFLOWS_CONSOLE_MAX_CONCURRENT, default 2."""
    return _positive_int("FUNDFLOWS_CONSOLE_MAX_CONCURRENT", 2)


def console_threads() -> int:
    """DuckDB ``threads`` of one SQL console query: FUNDFLOWS_CONSOLE_THREADS, default 1."""
    return _positive_int("FUNDFLOWS_CONSOLE_THREADS", 1)
