"""Shared fixtures: real DuckDB warehouses in temporary folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.store import warehouse

# public data the tests read (figures, UN country lists, real IATI files): a copy of the
# project's shared data folder, kept in the repository so a clone anywhere runs every test;
# fixtures/shared/SOURCES.md names where each file comes from
SHARED_DATA = Path(__file__).resolve().parent / "fixtures" / "shared"


@pytest.fixture
def empty_warehouse(tmp_path: Path) -> Path:
    """A published warehouse with the schema and no rows (version 1)."""
    live = tmp_path / "warehouse.duckdb"
    with warehouse.publish(live, fresh=True):
        pass
    return live


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A full build (reference, cited, a small demo dataset). Treat as read-only."""
    from pipelines.bundled import build

    live = tmp_path_factory.mktemp("built") / "warehouse.duckdb"
    build.build(live, demo_rows=3000)
    return live


@pytest.fixture
def built_copy(built_warehouse: Path, tmp_path: Path) -> Path:
    """A private writable copy of the built warehouse (a plain file, adopted on first write)."""
    live = tmp_path / "warehouse.duckdb"
    live.write_bytes(warehouse.resolve(built_warehouse).read_bytes())
    return live


@pytest.fixture(scope="session")
def shared_data() -> Path:
    return SHARED_DATA
