"""The dashboard's only door to the warehouse: a cached read-only connection, cached queries.

The live path is a symlink to a versioned file. The connection is cached on the *resolved*
path, so when a writer publishes a new version the next rerun resolves a new path, opens it,
and the old connection is closed. Query results are cached on (resolved path, name, params):
a new version never serves an old result.

The result cache is a small in-process LRU (``_RESULTS``), not ``st.cache_data``: that one
pickles every result on the way in and unpickles it on every hit (about a millisecond for a
small chart query, seconds for a million rows). Here a hit returns a shallow copy of the cached
DataFrame: pandas' copy-on-write copies the data the moment a page changes it, so no page can
alter what another session gets. Bounded by entries and by bytes; ``clear()`` empties it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from pipelines import settings
from pipelines.store import warehouse

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


MAX_RESULTS = 512  # cached query results, and at most this many bytes of them:
MAX_RESULT_BYTES = 512 * 2**20  # a bigger result is returned, not kept
SMALL_RESULT_CELLS = 100_000  # up to this many cells, a result's size is a rough estimate
OBJECT_BYTES = 64  # estimated bytes of one Python object in a result (a list, a decimal)
_CURSORS: OrderedDict[str, duckdb.DuckDBPyConnection] = OrderedDict()  # guarded by _LOCK
_RESULTS: OrderedDict[tuple, tuple[pd.DataFrame, int]] = OrderedDict()
_RESULTS_LOCK = threading.Lock()  # guards _RESULTS only (held for microseconds)
_result_bytes = 0


def clear() -> None:
    """Forget every cached query result (the next query of each runs again)."""
    global _result_bytes
    with _RESULTS_LOCK:
        _RESULTS.clear()
        _result_bytes = 0


def _cached(key: tuple) -> pd.DataFrame | None:
    with _RESULTS_LOCK:
        hit = _RESULTS.get(key)
        if hit is None:
            return None
        _RESULTS.move_to_end(key)
    return hit[0].copy(deep=False)


def _size(frame: pd.DataFrame) -> int:
    """Bytes a result holds, estimated: measuring Python objects one by one
    (``memory_usage(deep=True)``) costs about 0.3 ms for the smallest results and 0.12 s for
    100,000 explore rows. Arrow strings and numbers count exactly; each Python object (lists,
    decimals) as its pointer plus ``OBJECT_BYTES``."""
    cells = frame.shape[0] * max(frame.shape[1], 1)
    if cells <= SMALL_RESULT_CELLS:
        return 1024 + 32 * cells
    objects = sum(1 for dtype in frame.dtypes if pd.api.types.is_object_dtype(dtype))
    shallow = int(frame.memory_usage(index=True, deep=False).sum())
    return shallow + OBJECT_BYTES * objects * frame.shape[0]


def _keep(key: tuple, frame: pd.DataFrame) -> None:
    global _result_bytes
    size = _size(frame)
    if size > MAX_RESULT_BYTES:
        return
    with _RESULTS_LOCK:
        old = _RESULTS.pop(key, None)
        _result_bytes += size - (old[1] if old else 0)
        _RESULTS[key] = (frame, size)
        while len(_RESULTS) > MAX_RESULTS or _result_bytes > MAX_RESULT_BYTES:
            _result_bytes -= _RESULTS.popitem(last=False)[1][1]


def _query_cursor(resolved: str) -> duckdb.DuckDBPyConnection:
    """The cursor this module's queries run on, one per version (call with ``_LOCK`` held):
    made once, not per query; the two newest versions are kept."""
    cursor = _CURSORS.get(resolved)
    if cursor is None:
        cursor = _CURSORS[resolved] = _connection(resolved).cursor()
        while len(_CURSORS) > 2:
            _CURSORS.popitem(last=False)
    return cursor


def _cached_query(resolved: str, name: str, params: tuple) -> pd.DataFrame:
    key = (resolved, name, params)
    hit = _cached(key)
    if hit is not None:
        return hit
    bound = {k: list(v) if isinstance(v, tuple) else v for k, v in params}
    with _LOCK:  # one DuckDB connection: queries from concurrent sessions take turns
        frame = warehouse.query(_query_cursor(resolved), name, **bound)
    _keep(key, frame)
    return frame.copy(deep=False)


def query(name: str, **params: object) -> pd.DataFrame:
    """Run ``sql/queries/<name>.sql`` on the current warehouse version (cached)."""
    resolved = current_version_path()
    key = tuple(sorted((k, _hashable(v)) for k, v in params.items()))
    return _cached_query(resolved, name, key)


def available() -> bool:
    """True when the live warehouse exists (the app shows a clear message otherwise)."""
    return Path(current_version_path()).exists()
