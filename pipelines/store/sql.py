"""The only reader of ``sql/``: SQL text by name, its ``$parameter`` names, folders, scripts.

Every other module asks for SQL by name (``text("queries/overview_kpis")``,
``script(con, "loader/write", batch=...)``) and binds parameters; nothing builds SQL from user
text. Names are ``folder/stem`` without ``.sql``. Text is cached per file version (mtime, size),
so a file edited on disk is read again. ``Timer`` prints step timings for the bench scripts.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import duckdb

from pipelines import settings

NAME_RE = re.compile(r"[a-z0-9_]+(/[a-z0-9_]+)*")
PARAM_RE = re.compile(r"\$([a-z_][a-z0-9_]*)")
# path -> (mtime_ns, size, text, names of its $params)
_FILES: dict[Path, tuple[int, int, str, frozenset[str]]] = {}


def _path(name: str) -> Path:
    if not NAME_RE.fullmatch(name):
        raise ValueError(f"not an SQL file name: {name!r}")
    return settings.SQL_DIR / f"{name}.sql"


def _read(name: str) -> tuple[str, frozenset[str]]:
    path = _path(name)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise FileNotFoundError(f"no SQL file {path}") from None
    known = _FILES.get(path)
    if known is not None and known[:2] == (stat.st_mtime_ns, stat.st_size):
        return known[2], known[3]
    if not path.is_file():
        raise FileNotFoundError(f"no SQL file {path}")
    body = path.read_text(encoding="utf-8")
    _FILES[path] = (stat.st_mtime_ns, stat.st_size, body, frozenset(PARAM_RE.findall(body)))
    return body, _FILES[path][3]


def text(name: str) -> str:
    """Text of ``sql/<name>.sql`` (``name`` like ``queries/overview_kpis``)."""
    return _read(name)[0]


def params(name: str) -> frozenset[str]:
    """The ``$parameter`` names that ``sql/<name>.sql`` uses."""
    return _read(name)[1]


def names(folder: str, pattern: str = "*") -> list[str]:
    """Sorted names of the SQL files in ``sql/<folder>/`` whose stem matches ``pattern``."""
    return [
        f"{folder}/{p.stem}" for p in sorted((settings.SQL_DIR / folder).glob(f"{pattern}.sql"))
    ]


def files(folders: list[str]) -> list[Path]:
    """Every file under these ``sql/`` folders (what a build's fingerprint hashes)."""
    roots = [settings.SQL_DIR / folder for folder in folders]
    return sorted(p for r in roots if r.is_dir() for p in r.rglob("*") if p.is_file())


def script(con: duckdb.DuckDBPyConnection, name: str, **bound: object) -> None:
    """Run every statement of ``sql/<name>.sql`` with the parameters each statement uses."""
    for chunk in text(name).split(";\n"):
        statement = re.sub(r"--[^\n]*", "", chunk).strip()
        if not statement:
            continue
        used = set(PARAM_RE.findall(statement))
        con.execute(statement, {k: v for k, v in bound.items() if k in used})


class Timer:
    """Step timings on stderr when FUNDFLOWS_PROFILE is set (for bench/load.py)."""

    def __init__(self) -> None:
        self.last = (time.perf_counter(), time.process_time())

    def __call__(self, step: str) -> None:
        now = (time.perf_counter(), time.process_time())
        if os.environ.get("FUNDFLOWS_PROFILE"):
            wall, cpu = now[0] - self.last[0], now[1] - self.last[1]
            print(f"  {step}: {wall:.2f} s wall, {cpu:.2f} s CPU", file=sys.stderr)
        self.last = now
