"""Resolve names to reference rows; create new actors; derive the modality.

Matching (case- and accent-insensitive through ``pipelines.reference.names.normalise``):

- countries: ISO3, ISO2, or the name in English, French, Spanish or Russian;
- funds: fund id, short name, the names in the ``fund`` table, or an alias of the fund's actor;
- actors: the IATI organisation identifier (``actor.iati_org_ref``) first, then
  ``actor_alias``, then the actor's name or id, then a fund name (the fund's actor).

A contributor or recipient that matches nothing becomes a new actor (``origin`` = the batch,
``needs_review`` = true) with the first kind and country the file gives for that name; with no
kind anywhere in the file its rows are rejected (``missing_kind``).

Modality, when the row leaves it empty (first rule that applies; ``C`` the contributor, ``R``
the recipient, countries from the actor or the row, G-77/DAC membership from ``country``):

1. C is a multilateral organisation → ``multilateral``;
2. C is a company, foundation or individual and R a local government, city network or
   community → ``local_private``;
3. C and R are local governments or city networks → ``city_to_city``;
4. C's country is a DAC member, the row goes through a fund and R is in a G-77 country (or the
   row ends in the fund) → ``triangular``;
5. C's country is G-77 and R's country is G-77 (or the row ends in a fund) → ``south_south``;
6. C's country is a DAC member and R's country is not → ``north_south``;
7. C is a fund (an out-leg of the fund itself) and R's country is G-77 → ``south_south``;
8. otherwise NULL (unknown).
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from pipelines.reference.names import normalise
from pipelines.store import sql

NAME_COLUMNS = ["contributor", "recipient", "fund", "contributor_country", "recipient_country"]


def _register_keys(con: duckdb.DuckDBPyConnection, name: str, pairs: list[tuple[Any, ...]]) -> None:
    columns = ["key", "target", "extra"]
    seen: dict[str, tuple[Any, ...]] = {}
    for pair in pairs:
        key = normalise(pair[0]) if pair[0] else ""
        if key and key not in seen:
            seen[key] = (key, pair[1], pair[2] if len(pair) > 2 else None)
    frame = pd.DataFrame(list(seen.values()), columns=columns, dtype="str")
    con.register(f"{name}_frame", frame)
    # name comes from the fixed list in build_keys
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_frame")  # noqa: S608 - fixed names
    con.unregister(f"{name}_frame")


def build_keys(con: duckdb.DuckDBPyConnection) -> None:
    """Temp tables country_key, fund_key, actor_key (key, target, extra) and actor_ref."""
    countries = con.execute(
        "SELECT iso3, iso2, name_en, name_fr, name_es, name_ru FROM country ORDER BY iso3"
    ).fetchall()
    pairs: list[tuple[Any, ...]] = [(r[0], r[0]) for r in countries]
    pairs += [(r[1], r[0]) for r in countries]
    pairs += [(n, r[0]) for r in countries for n in r[2:]]
    _register_keys(con, "country_key", pairs)
    funds = con.execute(
        "SELECT fund_id, actor_id, short_name, name_en, name_fr, name_es, name_ru FROM fund"
    ).fetchall()
    pairs = [(n, f[0], f[1]) for f in funds for n in (f[0], *f[2:])]
    pairs += con.execute(
        "SELECT a.alias, f.fund_id, f.actor_id FROM actor_alias a JOIN fund f USING (actor_id)"
    ).fetchall()
    _register_keys(con, "fund_key", pairs)
    pairs = con.execute(
        "SELECT alias_norm, actor_id FROM actor_alias ORDER BY alias_norm"
    ).fetchall()
    pairs += con.execute("SELECT name, actor_id FROM actor ORDER BY actor_id").fetchall()
    pairs += [(a, a) for (a,) in con.execute("SELECT actor_id FROM actor").fetchall()]
    _register_keys(con, "actor_key", pairs)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE actor_ref AS SELECT trim(iati_org_ref) AS ref, "
        "min(actor_id) AS actor_id FROM actor WHERE iati_org_ref IS NOT NULL GROUP BY 1"
    )


def normalise_names(con: duckdb.DuckDBPyConnection) -> None:
    """Temp table name_norm(raw, norm) for the distinct names and countries in ``cand``."""
    raw = con.execute(sql.text("loader/distinct_names")).fetchall()
    frame = pd.DataFrame(
        {"raw": [r[0] for r in raw], "norm": [normalise(r[0]) for r in raw]}, dtype="str"
    )
    con.register("name_norm_frame", frame)
    con.execute("CREATE OR REPLACE TEMP TABLE name_norm AS SELECT * FROM name_norm_frame")
    con.unregister("name_norm_frame")


def resolve(
    con: duckdb.DuckDBPyConnection, batch_id: str, keep_unknown_codes: bool = False
) -> None:
    """Create temp tables ``cres`` (ids per candidate, resolution failures) and ``new_actor``.

    ``keep_unknown_codes`` (IATI files): a recipient country that resolves to nothing keeps the
    row, flagged ``unknown_country`` (``sql/loader/stage.sql``), instead of rejecting it.
    """
    build_keys(con)
    normalise_names(con)

    sql.script(con, "loader/resolve", keep_unknown_codes=keep_unknown_codes)
    sql.script(con, "loader/new_actors", batch=batch_id)
    con.execute(sql.text("loader/resolve_checks"))
