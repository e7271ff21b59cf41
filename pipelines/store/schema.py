"""The warehouse schema's steps inside a publication: migrations, views, checks and meta.

Everything here runs on an open connection and reads its SQL by name through
``pipelines.store.sql`` (numbered ``sql/migrations``, ``sql/views``, ``sql/checks``).
"""

from __future__ import annotations

import duckdb

from pipelines.store import sql
from pipelines.store.rows import one

MIGRATION = "[0-9][0-9][0-9]_*"  # numbered migration files


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply numbered migrations from sql/migrations not yet recorded; return the version."""
    exists = one(
        con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
        ).fetchone()
    )[0]
    done = set()
    if exists:
        done = {r[0] for r in con.execute("SELECT version FROM schema_version").fetchall()}
    for name in sql.names("migrations", MIGRATION):
        number, stem = int(name.split("/")[1][:3]), name.split("/")[1]
        if number in done:
            continue
        con.execute(sql.text(name))
        con.execute(
            "INSERT INTO schema_version (version, name) VALUES ($v, $n)",
            {"v": number, "n": stem},
        )
    return schema_version(con)


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
    return int(one(row)[0])


def latest_schema_version() -> int:
    return max(int(name.split("/")[1][:3]) for name in sql.names("migrations", MIGRATION))


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    for name in sql.names("views"):
        con.execute(sql.text(name))


def run_checks(con: duckdb.DuckDBPyConnection, batches: list[str] | None = None) -> list[str]:
    """Run every sql/checks/*.sql; each must return no rows. Returns the failures.

    ``batches``: when only the flows of these batches can have changed since a version that
    passed every check (see ``check_scope``), checks that take ``$batches`` look at those flows
    only; ``None`` checks every flow.
    """
    failures = []
    for name in sql.names("checks"):
        params = {"batches": batches} if "batches" in sql.params(name) else {}
        rows = con.execute(sql.text(name), params).fetchall()
        if rows:
            failures.append(f"{name.split('/')[1]}: {len(rows)} row(s), e.g. {rows[0]}")
    return failures


# tables the flow checks look up: a publication that shrinks one of them is checked whole
REFERENCED = ("flow", "load_batch", "actor", "fund", "country", "source_document")


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {
        t: int(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0])  # noqa: S608 - fixed names
        for t in REFERENCED
    }


def check_scope(con: duckdb.DuckDBPyConnection, start: dict[str, int]) -> list[str] | None:
    """The batches the checks may be limited to, or None for every flow.

    ``sql/loader/write.sql`` records each batch it inserts in the temp table
    ``publication_write`` and ``sql/loader/delete_batch.sql`` records each deletion. The
    version the publication started from passed every check, so when the body only inserted
    those batches (no deletion recorded; the flow count grew by exactly their flows; no looked-up
    table shrank), the old flows and everything they point at are unchanged: checking the new
    flows is equivalent to checking all of them. Any other body gets the whole check.
    """
    known = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = 'publication_write'"
    ).fetchall()[0][0]
    if not known:
        return None
    ops = con.execute("SELECT DISTINCT op, batch_id FROM publication_write").fetchall()
    if any(op != "insert" for op, _batch in ops):
        return None
    batches = sorted({batch for _op, batch in ops})
    now = counts(con)
    written = con.execute(
        "SELECT count(*) FROM flow WHERE list_contains($b, batch_id)", {"b": batches}
    ).fetchall()[0][0]
    if now["flow"] != start["flow"] + written or any(now[t] < start[t] for t in REFERENCED):
        return None
    return batches


def get_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = $k", {"k": key}).fetchone()
    return row[0] if row else None


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ($k, $v)", {"k": key, "v": value})
