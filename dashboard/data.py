"""The dashboard's only door to the warehouse: a cached read-only connection, cached queries.

The live path is a symlink to a versioned file. The connection is cached on the *resolved*
path, so when a writer publishes a new version the next rerun resolves a new path, opens it,
and the old connection is closed. Query results are cached on (resolved path, name, params):
a new version never serves an old result.

This module is the one owner of cached results: the named chart queries (``query``) and the
Explore page's pivots and drill-downs (``remember``) share one cache. Each rerun reads the
warehouse version once (``pin_version`` at the top of the app script): every query and cache key
of that rerun uses the same resolved file, so a publication in between cannot file a new result
under the old version.

The result cache is a small in-process LRU (``_RESULTS``), not ``st.cache_data``: that one
pickles every result on the way in and unpickles it on every hit (about a millisecond for a
small chart query, seconds for a million rows). Here a hit returns a shallow copy of the cached
DataFrame (of each DataFrame field of a cached dataclass): pandas' copy-on-write copies the data
the moment a page changes it, so no page can alter what another session gets. Bounded by
entries and by bytes; ``clear()`` empties it.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd
import streamlit as st

from pipelines import settings
from pipelines.store import warehouse

_LOCK = threading.Lock()
_RUN = threading.local()  # the version pinned by this thread's script run
T = TypeVar("T")


def live_path() -> Path:
    return settings.warehouse_path()


def current_version_path() -> str:
    """The versioned file of this rerun (``pin_version``), else the one the live path points
    to right now."""
    return getattr(_RUN, "version", None) or str(warehouse.resolve(live_path()))


def pin_version() -> str:
    """Resolve the live path once for this script run; every later call of the run uses it."""
    _RUN.version = None
    _RUN.version = current_version_path()
    return _RUN.version


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


def _copy(value: Any) -> Any:
    """What a caller gets: a shallow copy of a DataFrame, or of each DataFrame field of a
    frozen dataclass (copy-on-write keeps the cached data unchanged whatever the caller does)."""
    if isinstance(value, pd.DataFrame):
        return value.copy(deep=False)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        frames = {
            f.name: getattr(value, f.name).copy(deep=False)
            for f in dataclasses.fields(value)
            if isinstance(getattr(value, f.name), pd.DataFrame)
        }
        return dataclasses.replace(value, **frames) if frames else value
    return value


def _cached(key: tuple) -> Any:
    with _RESULTS_LOCK:
        hit = _RESULTS.get(key)
        if hit is None:
            return None
        _RESULTS.move_to_end(key)
    return _copy(hit[0])


def _value_size(value: Any) -> int:
    if isinstance(value, pd.DataFrame):
        return _size(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = [getattr(value, f.name) for f in dataclasses.fields(value)]
        return 1024 + sum(_size(v) for v in fields if isinstance(v, pd.DataFrame))
    return 1024


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


def _keep(key: tuple, frame: Any) -> None:
    global _result_bytes
    size = _value_size(frame)
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
    return _cached_query(current_version_path(), name, frozen(params))


def frozen(params: dict[str, object]) -> tuple:
    """Parameters as a hashable, order-free cache key (lists become tuples)."""
    return tuple(sorted((k, _hashable(v)) for k, v in params.items()))


def remember(kind: str, key: tuple, compute: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """``compute(cursor)`` on this rerun's version, cached on (version, kind, key).

    For results whose SQL is not one named query (the Explore pivots, whose GROUP BY follows
    the user's whitelisted choices). ``compute`` gets its own cursor of the version's read-only
    connection; the result (a DataFrame, or a dataclass holding DataFrames) is returned as a
    copy, so callers may change it freely."""
    resolved = current_version_path()
    full = (resolved, kind, key)
    hit = _cached(full)
    if hit is not None:
        return hit
    cursor = _connection(resolved).cursor()
    try:
        value = compute(cursor)
    finally:
        cursor.close()
    _keep(full, value)
    return _copy(value)


def available() -> bool:
    """True when the live warehouse exists (the app shows a clear message otherwise)."""
    return Path(current_version_path()).exists()
