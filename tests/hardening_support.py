"""Helpers shared by the hardening tests (bad inputs, faults, concurrency, fuzzing)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.store import sql, warehouse


def table_checksums(live: Path) -> dict[str, tuple[int, str]]:
    """{table: (row count, checksum)} for every base table of the live version."""
    con = warehouse.connect_plain(live)
    try:
        return checksums_of(con)
    finally:
        con.close()


def checksums_of(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, str]]:
    names = [r[0] for r in con.execute(sql.text("checks_support/table_names")).fetchall()]
    text = sql.text("checks_support/table_checksum")
    return {n: tuple(con.execute(text, {"table": n}).fetchone()) for n in names}


CONTRIBUTORS = [
    ("Ville de Lyon", "local_government", "FRA"),
    ("Ville de Genève", "local_government", "CHE"),
    ("Government of India", "government", "IND"),
    ("Fondation Test Hardening", "foundation", "SEN"),
]
RECIPIENTS = [("Bamako", "MLI"), ("Ouagadougou", "BFA"), ("Lomé", "TGO"), ("Dakar", "SEN")]
BIG_HEADER = (
    "date,stage,contributor,contributor_kind,contributor_country,recipient,recipient_kind,"
    "recipient_country,instrument,amount,currency,description,source\n"
)


def write_big_csv(path: Path, rows: int, seed: int = 0) -> Path:
    """A valid template CSV of ``rows`` distinct direct flows (one flow per row)."""
    import random

    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as out:
        out.write(BIG_HEADER)
        for i in range(rows):
            c, ck, cc = CONTRIBUTORS[i % len(CONTRIBUTORS)]
            r, rc = RECIPIENTS[(i // 7) % len(RECIPIENTS)]
            year = 2000 + i % 20
            cur = "EUR" if i % 3 else "USD"
            out.write(
                f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d},paid,{c},{ck},{cc},{r},"
                f"local_government,{rc},grant,{1000 + i}.{rng.randrange(100):02d},{cur},"
                f"row {i},hardening test\n"
            )
    return path
