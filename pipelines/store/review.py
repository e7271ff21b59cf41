"""Resolve the review list: an actor name a load could not match becomes an alias of a known actor.

A load that meets an unknown contributor or recipient creates an actor with
``needs_review = true``. An admin resolves it by naming the known actor it really is: the
name (and every alias of the review actor) becomes an alias of that actor, every flow,
statistic and partnership pointing at the review actor is repointed, and the review actor is
deleted — all in one new warehouse version published by ``warehouse.publish``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.reference import names
from pipelines.store import warehouse
from pipelines.store.rows import one

# (table, column) pairs that may name an actor; fixed here, never taken from input
ACTOR_REFERENCES = (
    ("flow", "source_actor_id"),
    ("flow", "destination_actor_id"),
    ("fund_statistic", "actor_id"),
    ("partnership", "source_actor_id"),
    ("partnership", "destination_actor_id"),
    ("fund", "actor_id"),
)


class ReviewError(ValueError):
    """The resolution cannot be applied (unknown actor, not under review, same actor)."""


@dataclass(frozen=True)
class Resolution:
    review_actor_id: str
    actor_id: str
    alias: str
    rows_repointed: int
    version: int


def review_list(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Actors awaiting review, with how many flows name them."""
    return warehouse.query(con, "review_actors")


def _actor(con: duckdb.DuckDBPyConnection, actor_id: str) -> tuple[str, str, bool] | None:
    return con.execute(
        "SELECT actor_id, name, needs_review FROM actor WHERE actor_id = $id", {"id": actor_id}
    ).fetchone()


def _check(con: duckdb.DuckDBPyConnection, review_id: str, target_id: str) -> str:
    review = _actor(con, review_id)
    target = _actor(con, target_id)
    if review is None:
        raise ReviewError(f"no actor {review_id!r} in the warehouse")
    if not review[2]:
        raise ReviewError(f"actor {review_id!r} is not on the review list")
    if target is None:
        raise ReviewError(f"no actor {target_id!r} to assign the name to")
    if target[2] or target_id == review_id:
        raise ReviewError(f"{target_id!r} is itself awaiting review; choose a known actor")
    return review[1]


def _repoint(con: duckdb.DuckDBPyConnection, review_id: str, target_id: str) -> int:
    moved = 0
    for table, column in ACTOR_REFERENCES:
        # table and column come from ACTOR_REFERENCES above, never from input
        statement = f"UPDATE {table} SET {column} = $new WHERE {column} = $old"  # noqa: S608 - fixed table/column pairs
        moved += one(con.execute(statement, {"new": target_id, "old": review_id}).fetchone())[0]
    return moved


def resolve_actor(live: Path, review_actor_id: str, actor_id: str) -> Resolution:
    """Make the review actor's name an alias of ``actor_id`` and publish a new version."""
    with warehouse.publish(Path(live)) as pub:
        con = pub.con
        name = _check(con, review_actor_id, actor_id)
        con.execute(
            "UPDATE actor_alias SET actor_id = $new, origin = 'review' WHERE actor_id = $old",
            {"new": actor_id, "old": review_actor_id},
        )
        con.execute(
            "INSERT INTO actor_alias (alias_norm, alias, actor_id, lang, origin) "
            "VALUES ($norm, $alias, $new, NULL, 'review') ON CONFLICT DO NOTHING",
            {"norm": names.normalise(name), "alias": name, "new": actor_id},
        )
        moved = _repoint(con, review_actor_id, actor_id)
        con.execute("DELETE FROM actor WHERE actor_id = $old", {"old": review_actor_id})
        version = pub.version
    return Resolution(review_actor_id, actor_id, name, moved, version)
