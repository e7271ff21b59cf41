"""Deterministic illustrative flows, generated inside DuckDB (``fundflows synth``).

``generate(con, rows, seed, dataset)`` writes exactly ``rows`` flows into ``dataset`` (batch
``synth-<dataset>``), replacing that batch's earlier rows, with one ``load_batch`` row and the
``dataset`` row. Every row is ``is_illustrative`` with the ``illustrative`` flag, cites the
``synth-generator`` source document and locates itself as ``synth:seed=<s>:row=<n>``.

How it is made (SQL in ``sql/synth/``, a few vectorised statements per step, no Python per
row): randomness is ``hash(key xor hash(seed, salt))`` (DuckDB's ``hash``) and every sum that
feeds an amount is exact (DECIMAL), so the same seed gives the same rows whatever the number of
threads (with the pinned DuckDB version: ``hash`` may change between versions).

The rows are laid out in segments: for each fund (``pgtf``, ``unfssc``, ``cities_fund``,
``dgttf``) in-leg units of two rows (a pledge, or a commitment for DGTTF and the cities' fund,
then the paid part: 30 % fully paid, the rest 55-95 %) and out-leg units of three rows
(allocation, disbursement 80-99 % of it, expenditure 85-99 % of that) to recipients; then direct
city-to-city units (commitment, paid); local private financing (pledge, paid) takes the rest.
Every out unit passes on the money of one paid in-leg of its fund (``parent_flow_id``) from the
same year or up to three years before, and a paid in-leg is at least its children's allocations
divided by a utilisation of 70-95 %, so what goes out of a fund never exceeds what came in,
cumulatively by year. Years follow each fund's life (PGTF contributions from 1983, projects from
1987 with the cited project counts and sizes; UNFSSC from 1996; the cities' fund 2001-2009; DGTTF
2001-2013; local private 1983-2024). Recipients are weighted 3:1 toward least developed
countries. Contributors in other currencies than US dollars convert at the ECB rate of the day
in ``fx_daily`` (or the year's average for a year-only date); before 1999 there is no rate, so
those rows are in US dollars. Modality of a given (in or direct) row comes from its contributor:
G-77 government south_south, DAC government triangular (through a fund to the South),
multilateral multilateral, local government or city network city_to_city, company, foundation,
community or individual local_private; an out-leg keeps its parent's modality, except that
triangular money reaching a country outside the G-77 is north_south.

Calibration: the default 20,000 rows give PGTF US$15.5M allocated over 361 projects, DGTTF
US$102.2M paid in by the end of 2007, the UN Fund for South-South Cooperation US$29.0M paid in
("over 28.5 million") and the cities' fund US$9.0M paid in (illustrative: about EUR 1M a year).
At other sizes the row counts per segment scale with ``rows`` and so do these totals
(``target * rows / 20,000``): per-row amounts keep the same realistic distribution at every
size. Local private and city-to-city amounts are not calibrated (no cited aggregate).
"""

from __future__ import annotations

import contextlib
import re

import duckdb

from pipelines.store import sql
from pipelines.store.rows import one

# sql/synth/<step>.sql in order; only 00_params takes parameters
STEPS = (
    "00_params", "01_setup", "02_actors", "03_pools", "04_pairs", "05_outs", "06_rates",
    "07_insert",
)  # fmt: skip
TEMP_MACROS = ("synth_day", "synth_pick", "synth_z", "synth_u", "synth_h")
TEMP_NAME_RE = re.compile(r"synth_[a-z0-9_]+")
DATASET_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")
MAX_ROWS = 100_000_000


def batch_id(dataset: str) -> str:
    return f"synth-{dataset}"


def _check(rows: int, seed: int, dataset: str) -> None:
    if not 0 <= rows <= MAX_ROWS:
        raise ValueError(f"rows must be between 0 and {MAX_ROWS:,}, not {rows}")
    if not -(2**40) <= seed <= 2**40:
        raise ValueError(f"seed must be between -2**40 and 2**40, not {seed}")
    if not DATASET_RE.fullmatch(dataset):
        raise ValueError(f"dataset names use a-z, 0-9, '-' and '_': {dataset!r}")


def _drop_temporaries(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the generator's temporary tables and macros (an aborted transaction refuses; its
    temporaries go with the rollback)."""
    with contextlib.suppress(duckdb.Error):
        tables = con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE temporary AND table_name LIKE 'synth!_%' "
            "ESCAPE '!'"
        ).fetchall()
        for (table,) in tables:
            if TEMP_NAME_RE.fullmatch(table):  # catalog names of this module's own tables
                con.execute(f"DROP TABLE IF EXISTS temp.{table}")  # noqa: S608 - fixed step names
        for macro in TEMP_MACROS:
            con.execute(f"DROP MACRO IF EXISTS temp.{macro}")


def generate(con: duckdb.DuckDBPyConnection, rows: int, seed: int, dataset: str) -> int:
    """Write ``rows`` illustrative flows into ``dataset``; return the number written.

    Runs on ``con`` as it is (callers open the transaction). Needs the reference tables
    (country, actor, fund) and ``fx_daily``; demo actors are created once and shared.
    """
    _check(rows, seed, dataset)
    params = {"rows": rows, "seed": seed, "dataset": dataset}
    try:
        for step in STEPS:
            text = sql.text(f"synth/{step}")
            con.execute(text, params if step == "00_params" else None)
        written = one(
            con.execute(
                "SELECT count(*) FROM flow WHERE batch_id = $b", {"b": batch_id(dataset)}
            ).fetchone()
        )[0]
    finally:
        _drop_temporaries(con)
    return int(written)
