"""The read-only SQL console: one SELECT over the warehouse, bounded in time and rows.

Layers of defence, each with a clear message:
1. the text must parse to exactly one read statement (SELECT, or DESCRIBE/SHOW/SUMMARIZE,
   which DuckDB parses as SELECT); writes, ATTACH/DETACH, INSTALL/LOAD, COPY, EXPORT, SET,
   PRAGMA, CALL, transactions and temporary objects are refused before anything runs;
2. the connection is the dashboard's own (``read_only=True``, ``enable_external_access=false``,
   ``lock_configuration=true``): DuckDB itself refuses file reads such as ``read_csv(...)``;
3. a timer interrupts the query after ``timeout`` seconds (DuckDB has no statement timeout);
4. at most ``limit`` rows are fetched.
Each query runs on its own cursor so an interrupt never touches the shared connection.
No Streamlit here: the page is glue, this module is tested directly.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import duckdb
import pandas as pd

DEFAULT_LIMIT = 5_000
DEFAULT_TIMEOUT = 5.0
MAX_TEXT = 20_000

_REFUSALS = {
    "INSERT": "writing is not allowed: the console is read-only",
    "UPDATE": "writing is not allowed: the console is read-only",
    "DELETE": "writing is not allowed: the console is read-only",
    "CREATE": "creating tables, views or macros is not allowed: the console is read-only",
    "DROP": "dropping objects is not allowed: the console is read-only",
    "ALTER": "altering objects is not allowed: the console is read-only",
    "ATTACH": "attaching another database is not allowed",
    "DETACH": "detaching databases is not allowed",
    "LOAD": "installing or loading extensions is not allowed",
    "COPY": "reading or writing files (COPY) is not allowed",
    "COPY_DATABASE": "copying databases is not allowed",
    "EXPORT": "exporting files is not allowed",
    "SET": "changing settings (SET, PRAGMA, USE) is not allowed",
    "PRAGMA": "changing settings (PRAGMA) is not allowed",
    "VARIABLE_SET": "changing settings (SET VARIABLE) is not allowed",
    "CALL": "CALL and PRAGMA statements are not allowed: use SELECT * FROM <function>()",
    "TRANSACTION": "transactions are not needed: the console is read-only",
    "VACUUM": "maintenance statements are not allowed",
    "EXPLAIN": "EXPLAIN is not available in the console",
    "PREPARE": "prepared statements are not allowed",
    "EXECUTE": "prepared statements are not allowed",
}


class ConsoleRefusal(ValueError):
    """A query the console will not run, or that DuckDB stopped; the message says why."""


@dataclass(frozen=True)
class ConsoleResult:
    frame: pd.DataFrame
    truncated: bool
    seconds: float
    limit: int


def check_statement(con: duckdb.DuckDBPyConnection, text: str) -> str:
    """The single read statement in ``text``, or ConsoleRefusal with the reason."""
    text = (text or "").strip().rstrip(";").strip()
    if not text:
        raise ConsoleRefusal("write a SELECT query first")
    if len(text) > MAX_TEXT:
        raise ConsoleRefusal(f"the query is longer than {MAX_TEXT:,} characters")
    try:
        statements = con.extract_statements(text)
    except duckdb.Error as exc:
        raise ConsoleRefusal(f"the query does not parse: {_first_line(exc)}") from exc
    if len(statements) != 1:
        raise ConsoleRefusal("run one statement at a time")
    kind = statements[0].type.name
    if kind != "SELECT":
        raise ConsoleRefusal(_REFUSALS.get(kind, f"{kind} statements are not allowed"))
    return text


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _explain(exc: duckdb.Error, timeout: float) -> str:
    message = _first_line(exc)
    if isinstance(exc, duckdb.InterruptException):
        return f"the query was stopped after {timeout:g} seconds: narrow it or add a LIMIT"
    if isinstance(exc, duckdb.PermissionException):
        return "reading or writing files is not allowed from the console (" + message + ")"
    if "configuration has been locked" in message:
        return "changing settings is not allowed"
    if isinstance(exc, duckdb.InvalidInputException) and "read-only" in message.lower():
        return "writing is not allowed: the console is read-only"
    return message


def run(
    con: duckdb.DuckDBPyConnection,
    text: str,
    limit: int = DEFAULT_LIMIT,
    timeout: float = DEFAULT_TIMEOUT,
) -> ConsoleResult:
    """Run one read query on a cursor of ``con``; stop it after ``timeout`` s; ≤ ``limit`` rows."""
    statement = check_statement(con, text)
    cursor = con.cursor()
    timer = threading.Timer(timeout, cursor.interrupt)
    started = time.perf_counter()
    timer.start()
    try:
        result = cursor.execute(statement)
        columns = [d[0] for d in result.description or []]
        rows = result.fetchmany(limit + 1)
    except duckdb.Error as exc:
        raise ConsoleRefusal(_explain(exc, timeout)) from exc
    finally:
        timer.cancel()
        cursor.close()
    truncated = len(rows) > limit
    frame = pd.DataFrame.from_records(rows[:limit], columns=_unique(columns))
    return ConsoleResult(frame, truncated, time.perf_counter() - started, limit)


def _unique(columns: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in columns:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return out


def tables(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Tables and views a user may query, with their columns (for the console's help)."""
    cursor = con.cursor()
    try:
        return cursor.execute(
            "SELECT table_name AS name, lower(table_type) AS kind,"
            " string_agg(column_name, ', ' ORDER BY ordinal_position) AS columns"
            " FROM information_schema.columns JOIN information_schema.tables"
            " USING (table_catalog, table_schema, table_name)"
            " WHERE table_schema = 'main' GROUP BY ALL ORDER BY name"
        ).df()
    finally:
        cursor.close()
