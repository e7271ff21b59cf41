"""The dashboard's only door to the warehouse: a cached read-only connection, cached queries.

The live path is a symlink to a versioned file. The connection is cached on the *resolved*
path, so when a writer publishes a new version the next rerun resolves a new path, opens it,
and the old connection is closed. Query results are cached on (resolved path, name, params):
a new version never serves an old result.
"""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from pipelines import settings, warehouse

_LOCK = threading.Lock()


def live_path() -> Path:
    return settings.warehouse_path()


def current_version_path() -> str:
    """The versioned file the live path points to right now (resolved on every call)."""
    return str(warehouse.resolve(live_path()))


@st.cache_resource(max_entries=2)
def _connection(resolved: str) -> duckdb.DuckDBPyConnection:
    """One read-only connection per versioned file; older versions drop out of the cache."""
    return warehouse.connect_reader(Path(resolved))


def connection() -> duckdb.DuckDBPyConnection:
    """The connection to the version the live path points to now (reopened after a swap)."""
    return _connection(current_version_path())


def _hashable(value: object) -> object:
    if isinstance(value, list | set):
        return tuple(value)
    return value


@st.cache_data(max_entries=512, show_spinner=False)
def _cached_query(resolved: str, name: str, params: tuple) -> pd.DataFrame:
    con = _connection(resolved)
    bound = {k: list(v) if isinstance(v, tuple) else v for k, v in params}
    with _LOCK:  # one DuckDB connection: queries from concurrent sessions take turns
        return warehouse.query(con.cursor(), name, **bound)


def query(name: str, **params: object) -> pd.DataFrame:
    """Run ``sql/queries/<name>.sql`` on the current warehouse version (cached)."""
    resolved = current_version_path()
    key = tuple(sorted((k, _hashable(v)) for k, v in params.items()))
    return _cached_query(resolved, name, key)


def available() -> bool:
    """True when the live warehouse exists (the app shows a clear message otherwise)."""
    return Path(current_version_path()).exists()
