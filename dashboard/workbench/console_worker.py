"""One SQL console query in a process of its own (run as a script by ``console_runner``).

Reads a pickled request from stdin: ``path`` (a warehouse version file), ``sql`` (one
statement already checked by ``sql_console.check_statement``), ``limit`` (rows), ``memory_mb``
and ``threads``. Opens the file read-only with external access off, spilling to disk off and
the configuration locked, caps its own address space (``RLIMIT_AS``: the size after start-up
plus ``memory_mb``, so no allocation, tracked by DuckDB or not, can grow past it) and writes
back one pickled tuple: ``("ok", columns, rows, truncated)`` or ``("error", kind, message)``.
Only duckdb and the standard library are imported: the process starts in about 0.25 s.
"""

from __future__ import annotations

import pickle
import resource
import sys

import duckdb

MB = 2**20


def _vm_size() -> int:
    """This process's virtual memory size in bytes (0 where /proc is missing)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _connect(path: str, memory_mb: int, threads: int) -> duckdb.DuckDBPyConnection:
    # DuckDB's own limit sits below the hard one, so that what it tracks fails cleanly first
    managed = max(32, memory_mb * 3 // 4)
    con = duckdb.connect(
        path, read_only=True, config={"memory_limit": f"{managed}MiB", "threads": threads}
    )
    for statement in (
        "SET temp_directory = ''",  # no spill files: a killed worker leaves nothing behind
        "SET enable_external_access = false",
        "SET lock_configuration = true",
    ):
        con.execute(statement)
    return con


def _answer(request: dict) -> tuple:
    try:
        con = _connect(request["path"], request["memory_mb"], request["threads"])
        size = _vm_size()
        if size:
            cap = size + request["memory_mb"] * MB
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        result = con.execute(request["sql"])
        columns = [d[0] for d in result.description or []]
        rows = result.fetchmany(request["limit"] + 1)
    except duckdb.Error as exc:
        return ("error", type(exc).__name__, str(exc))
    except MemoryError:
        return ("error", "OutOfMemoryException", "out of memory")
    truncated = len(rows) > request["limit"]
    return ("ok", columns, rows[: request["limit"]], truncated)


def main() -> None:
    request = pickle.load(sys.stdin.buffer)  # noqa: S301 - written by our own parent process
    answer = _answer(request)
    try:
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        data = pickle.dumps(("error", "OutOfMemoryException", "out of memory"))
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
