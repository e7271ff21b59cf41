"""Review list: an unmatched actor name becomes an alias of a known actor, in a new version."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.store import review, warehouse

FLOW = (
    "INSERT INTO flow (flow_id, dataset, batch_id, stage, leg, source_actor_id, "
    "destination_actor_id, year, amount_original, currency, fx_rate, fx_date, fx_source, "
    "amount_usd, is_illustrative) VALUES ($id, 'main', 'b1', 'paid', 'direct', $src, $dst, "
    "2005, 100, 'USD', 1.0, DATE '2005-01-01', 'identity', 100, false)"
)


@pytest.fixture
def live(empty_warehouse: Path) -> Path:
    with warehouse.publish(empty_warehouse) as pub:
        con = pub.con
        con.execute("INSERT INTO dataset VALUES ('main', false, false, 'test')")
        con.execute(
            "INSERT INTO load_batch (batch_id, dataset, file_name, sha256, format, loaded_at, "
            "rows_read, rows_loaded, rows_rejected) VALUES ('b1', 'main', 'f.csv', 'x', 'csv', "
            "TIMESTAMP '2024-01-01 00:00:00', 4, 4, 0)"
        )
        con.execute(
            "INSERT INTO actor (actor_id, name, kind, needs_review, origin) VALUES "
            "('lyon', 'Ville de Lyon', 'local_government', false, 'reference'), "
            "('ouaga', 'Ouagadougou', 'local_government', false, 'reference'), "
            "('rev-1', 'Mairie de Lyon', 'local_government', true, 'b1'), "
            "('rev-2', 'Somebody New', 'ngo', true, 'b1')"
        )
        con.execute(
            "INSERT INTO actor_alias VALUES ('ville de lyon', 'Ville de Lyon', 'lyon', 'fr', "
            "'reference'), ('mairie de lyon', 'Mairie de Lyon', 'rev-1', NULL, 'b1')"
        )
        con.execute(FLOW, {"id": "f1", "src": "rev-1", "dst": "ouaga"})
        con.execute(FLOW, {"id": "f2", "src": "rev-1", "dst": "ouaga"})
        con.execute(FLOW, {"id": "f3", "src": "ouaga", "dst": "rev-1"})
        con.execute(FLOW, {"id": "f4", "src": "rev-2", "dst": "ouaga"})
    return empty_warehouse


def _rows(live: Path, sql: str) -> list[tuple]:
    con = warehouse.connect_plain(live)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_the_review_list_shows_unmatched_actors_with_their_flow_counts(live: Path) -> None:
    con = warehouse.connect_plain(live)
    try:
        frame = review.review_list(con)
    finally:
        con.close()
    assert list(zip(frame["actor_id"], frame["flows"], strict=True)) == [("rev-1", 3), ("rev-2", 1)]


def test_resolving_repoints_flows_adds_the_alias_and_deletes_the_review_actor(live: Path) -> None:
    before = warehouse.version_of(warehouse.resolve(live))
    result = review.resolve_actor(live, "rev-1", "lyon")
    assert result.rows_repointed == 3
    assert result.version == before + 1
    assert warehouse.version_of(warehouse.resolve(live)) == before + 1
    assert _rows(live, "SELECT flow_id, source_actor_id, destination_actor_id FROM flow "
                       "ORDER BY 1") == [
        ("f1", "lyon", "ouaga"), ("f2", "lyon", "ouaga"), ("f3", "ouaga", "lyon"),
        ("f4", "rev-2", "ouaga"),
    ]  # fmt: skip
    assert _rows(live, "SELECT actor_id FROM actor ORDER BY 1") == [
        ("lyon",),
        ("ouaga",),
        ("rev-2",),
    ]
    assert _rows(live, "SELECT alias_norm, actor_id, origin FROM actor_alias ORDER BY 1") == [
        ("mairie de lyon", "lyon", "review"),
        ("ville de lyon", "lyon", "reference"),
    ]


def test_the_previous_version_still_holds_the_unresolved_state(live: Path) -> None:
    old = warehouse.resolve(live)
    review.resolve_actor(live, "rev-1", "lyon")
    assert warehouse.resolve(live) != old
    assert _rows(old, "SELECT count(*) FROM actor WHERE needs_review") == [(2,)]


@pytest.mark.parametrize(
    ("review_id", "target", "message"),
    [
        ("nobody", "lyon", "no actor 'nobody'"),
        ("lyon", "ouaga", "not on the review list"),
        ("rev-1", "nobody", "no actor 'nobody' to assign"),
        ("rev-1", "rev-2", "itself awaiting review"),
        ("rev-1", "rev-1", "itself awaiting review"),
    ],
)
def test_an_impossible_resolution_is_refused_and_changes_nothing(
    live: Path, review_id: str, target: str, message: str
) -> None:
    before = warehouse.resolve(live)
    with pytest.raises(review.ReviewError, match=message):
        review.resolve_actor(live, review_id, target)
    assert warehouse.resolve(live) == before
    assert _rows(live, "SELECT count(*) FROM actor WHERE needs_review") == [(2,)]
