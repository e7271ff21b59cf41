"""The read-only SQL console: one SELECT over the warehouse, inside a time and memory budget.

Layers of defence, each with a clear message:
1. the text must parse to exactly one read statement (SELECT, or DESCRIBE/SHOW/SUMMARIZE,
   which DuckDB parses as SELECT); writes, ATTACH/DETACH, INSTALL/LOAD, COPY, EXPORT, SET,
   PRAGMA, CALL, transactions and temporary objects are refused before anything runs;
2. the query runs in a worker process of its own (``console_runner``) on the current version
   file, opened ``read_only`` with ``enable_external_access=false``, no spilling and a locked
   configuration: DuckDB itself refuses file reads such as ``read_csv(...)``;
3. the worker is killed at the wall-clock limit (default 5 s) and when its memory passes the
   hard limit (default 512 MB; DuckDB's own ``memory_limit`` sits below it), so no query can
   hold the server's memory or outlive its budget; at most one query per session and
   ``max_concurrent`` per server run at once;
4. at most ``limit`` rows are fetched.
The error says how long the query ran and why it stopped.
No Streamlit here: the page is glue, this module is tested directly.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from dashboard.workbench.console_runner import Budget, Stopped, execute
from pipelines.store import warehouse

DEFAULT_LIMIT = 5_000
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
    """A query the console will not run, or that was stopped; the message says why.

    ``reason`` is ``refused`` (before running), ``error`` (DuckDB refused it), or why it was
    stopped (``time``, ``memory``, ``result``, ``crashed``, ``busy``, ``session``); ``seconds``
    how long it ran; ``peak_mb`` its worker's peak resident memory."""

    def __init__(
        self, message: str, reason: str = "refused", seconds: float = 0.0, peak_mb: float = 0.0
    ) -> None:
        super().__init__(message)
        self.reason, self.seconds, self.peak_mb = reason, seconds, peak_mb


@dataclass(frozen=True)
class ConsoleResult:
    frame: pd.DataFrame
    truncated: bool
    seconds: float
    limit: int
    peak_mb: float = 0.0  # the worker's peak resident memory


_PARSER = duckdb.connect()  # parses only: statements never run here
_PARSER_LOCK = threading.Lock()


def check_statement(text: str) -> str:
    """The single read statement in ``text``, or ConsoleRefusal with the reason."""
    text = (text or "").strip().rstrip(";").strip()
    if not text:
        raise ConsoleRefusal("write a SELECT query first")
    if len(text) > MAX_TEXT:
        raise ConsoleRefusal(f"the query is longer than {MAX_TEXT:,} characters")
    try:
        with _PARSER_LOCK:
            statements = _PARSER.extract_statements(text)
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


def _explain(kind: str, message: str) -> str:
    message = message.strip().splitlines()[0] if message.strip() else kind
    if kind == "PermissionException":
        return "reading or writing files is not allowed from the console (" + message + ")"
    if "configuration has been locked" in message:
        return "changing settings is not allowed"
    if kind == "InvalidInputException" and "read-only" in message.lower():
        return "writing is not allowed: the console is read-only"
    return message


STOPS = {
    "time": "it reached the time limit of {0} s: narrow it or add a LIMIT",
    "memory": "it needed more than the memory limit of {0} MB: aggregate more or add a LIMIT",
    "result": "its result is larger than {0} MB: select fewer columns or rows",
    "crashed": "its process ended unexpectedly ({0})",
}


def _stopped(stop: Stopped) -> ConsoleRefusal:
    if stop.reason == "session":
        message = "your previous query is still running: wait for it to finish or stop"
    elif stop.reason == "busy":
        message = (f"the console is busy ({stop.detail} queries are running on this server):"
                   " try again in a few seconds")  # fmt: skip
    else:
        why = STOPS[stop.reason].format(stop.detail)
        message = f"the query ran {stop.seconds:.2f} s and was stopped: {why}"
    return ConsoleRefusal(message, stop.reason, stop.seconds, stop.peak_mb)


def run(
    live: Path,
    text: str,
    limit: int = DEFAULT_LIMIT,
    budget: Budget | None = None,
    session: str | None = None,
    poll: Callable[[float], None] | None = None,
) -> ConsoleResult:
    """Run one read query on the version ``live`` points to now, inside ``budget``
    (``Budget.from_settings()`` by default); at most ``limit`` rows. ``session`` allows one
    query at a time per session; ``poll(seconds)`` is called while it runs and may raise to
    stop it (the worker is killed)."""
    statement = check_statement(text)
    budget = budget or Budget.from_settings()
    try:
        outcome = execute(warehouse.resolve(Path(live)), statement, limit, budget, session, poll)
    except Stopped as stop:
        raise _stopped(stop) from None
    if outcome.answer[0] == "error":
        kind, message = outcome.answer[1], outcome.answer[2]
        if kind == "OutOfMemoryException":
            memory = str(budget.memory_mb)
            raise _stopped(Stopped("memory", outcome.seconds, memory, outcome.peak_mb))
        raise ConsoleRefusal(_explain(kind, message), "error", outcome.seconds, outcome.peak_mb)
    _, columns, rows, truncated = outcome.answer
    frame = pd.DataFrame.from_records(rows, columns=_unique(columns))
    return ConsoleResult(frame, truncated, outcome.seconds, limit, outcome.peak_mb)


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
