"""Actors and their aliases (part of ``load_reference``).

Actors: one government per country (``gov-<iso3>``), one local government per city
(``city-<slug>``), one actor per fund (``fund-<fund_id>``) and the hand-curated list in
``data/reference/actors.csv``. Aliases are keyed by ``pipelines.reference.names.normalise`` (case-
and
accent-insensitive). When two actors claim one alias key, the more specific source wins:
curated aliases, then actor names, then country names and codes, then city names; two
claims of equal rank for different actors make the alias ambiguous and it is dropped.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from pipelines.reference.frames import insert_frame, read_table
from pipelines.reference.names import normalise

LANGS = ("en", "fr", "es", "ru", "ar", "zh")
ACTOR_COLUMNS = ["actor_id", "name", "kind", "country_iso3", "city_id", "iati_org_ref", "note"]


def actors_frame(
    countries: pd.DataFrame, cities: pd.DataFrame, funds: pd.DataFrame
) -> pd.DataFrame:
    gov = pd.DataFrame(
        {
            "actor_id": "gov-" + countries["iso3"].str.lower(),
            "name": countries["name_en"],
            "kind": "government",
            "country_iso3": countries["iso3"],
        }
    )
    city = pd.DataFrame(
        {
            "actor_id": "city-" + cities["city_id"],
            "name": cities["name"],
            "kind": "local_government",
            "country_iso3": cities["country_iso3"],
            "city_id": cities["city_id"],
        }
    )
    fund = pd.DataFrame(
        {
            "actor_id": "fund-" + funds["fund_id"],
            "name": funds["name_en"],
            "kind": "fund",
            "note": funds["short_name"],
        }
    )
    curated = read_table("actors.csv")
    out = pd.concat([gov, city, fund, curated], ignore_index=True).reindex(columns=ACTOR_COLUMNS)
    if out["actor_id"].duplicated().any():
        raise ValueError(
            f"duplicate actor ids: {out.loc[out['actor_id'].duplicated(), 'actor_id'].tolist()}"
        )
    return out.assign(origin="reference")


def _country_aliases(countries: pd.DataFrame) -> pd.DataFrame:
    actor = "gov-" + countries["iso3"].str.lower()
    parts = []
    for lang in LANGS:
        for col in (f"name_{lang}", f"official_{lang}"):
            parts.append(pd.DataFrame({"alias": countries[col], "actor_id": actor, "lang": lang}))
    for code in ("iso3", "iso2"):
        parts.append(pd.DataFrame({"alias": countries[code], "actor_id": actor, "lang": None}))
    return pd.concat(parts)


def _fund_aliases(funds: pd.DataFrame) -> pd.DataFrame:
    actor = "fund-" + funds["fund_id"]
    parts = [pd.DataFrame({"alias": funds["short_name"], "actor_id": actor, "lang": "en"})]
    parts.append(pd.DataFrame({"alias": funds["fund_id"], "actor_id": actor, "lang": None}))
    for lang in LANGS:
        parts.append(
            pd.DataFrame({"alias": funds[f"name_{lang}"], "actor_id": actor, "lang": lang})
        )
    return pd.concat(parts)


def aliases_frame(
    actors: pd.DataFrame, countries: pd.DataFrame, cities: pd.DataFrame, funds: pd.DataFrame
) -> pd.DataFrame:
    """One row per alias key, ranked as the module docstring says."""
    named = actors.loc[
        ~actors["kind"].isin(["government", "local_government"]), ["name", "actor_id"]
    ]
    ranked = [
        (0, read_table("actor_aliases.csv")),
        (1, named.rename(columns={"name": "alias"}).assign(lang="en")),
        (1, _fund_aliases(funds)),
        (2, _country_aliases(countries)),
        (3, pd.DataFrame({"alias": cities["name"], "actor_id": "city-" + cities["city_id"]})),
    ]
    frame = pd.concat([f.assign(rank=r) for r, f in ranked], ignore_index=True)
    frame = frame.dropna(subset=["alias"])
    frame["alias_norm"] = frame["alias"].map(normalise)
    frame = frame[frame["alias_norm"] != ""]
    best = frame[frame["rank"] == frame.groupby("alias_norm")["rank"].transform("min")]
    claims = best.groupby("alias_norm")["actor_id"].transform("nunique")
    clash = best[(claims > 1) & (best["rank"] == 0)]
    if not clash.empty:
        raise ValueError(f"curated aliases claimed by two actors: {sorted(set(clash['alias']))}")
    unique = best[claims == 1].drop_duplicates("alias_norm")
    return unique[["alias_norm", "alias", "actor_id", "lang"]].assign(origin="reference")


def load_actors(
    con: duckdb.DuckDBPyConnection, countries: pd.DataFrame, funds: pd.DataFrame
) -> None:
    cities = read_table("cities.csv")
    actors = actors_frame(countries, cities, funds)
    insert_frame(con, "actor", actors)
    insert_frame(con, "actor_alias", aliases_frame(actors, countries, cities, funds))
