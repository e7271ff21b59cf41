"""Build: reference + bundled data into a new version; user batches carried forward."""

from __future__ import annotations

from pathlib import Path

from pipelines.bundled import build
from pipelines.store import warehouse


def _count(live: Path, sql_text: str) -> int:
    con = warehouse.connect_plain(live)
    try:
        return con.execute(sql_text).fetchone()[0]
    finally:
        con.close()


def test_a_build_fills_reference_tables_and_both_bundled_datasets(built_warehouse: Path) -> None:
    assert _count(built_warehouse, "SELECT count(*) FROM country") > 240
    assert _count(built_warehouse, "SELECT count(*) FROM fund WHERE is_target") == 4
    assert _count(built_warehouse, "SELECT count(*) FROM flow WHERE dataset = 'demo'") == 3000
    assert _count(built_warehouse, "SELECT count(*) FROM flow WHERE dataset = 'cited'") > 0
    mixed = "SELECT count(*) FROM flow WHERE (dataset = 'demo') <> is_illustrative"
    assert _count(built_warehouse, mixed) == 0
    assert _count(built_warehouse, "SELECT count(*) FROM fx_daily") > 100_000


def test_a_fresh_build_is_current_and_an_edited_bundle_is_not(
    built_warehouse: Path, monkeypatch
) -> None:
    assert build.is_current(built_warehouse)
    monkeypatch.setattr(build, "bundle_hash", lambda: "something else")
    assert not build.is_current(built_warehouse)


def test_a_missing_warehouse_is_not_current(tmp_path: Path) -> None:
    assert not build.is_current(tmp_path / "nothing.duckdb")


def test_a_rebuild_carries_user_batches_forward_unchanged(built_copy: Path) -> None:
    with warehouse.publish(built_copy) as pub:
        con = pub.con
        con.execute("INSERT INTO dataset VALUES ('main', false, false, 'user data')")
        con.execute(
            "INSERT INTO load_batch VALUES ('b-user', 'main', 'mine.csv', 'abc', 'csv', "
            "TIMESTAMP '2026-01-01 00:00:00', 'me', 2, 1, 1, false)"
        )
        con.execute(
            "INSERT INTO rejected_row VALUES ('b-user', 'mine.csv', 2, 'mine.csv:2', 'amount', "
            "'x', 'bad_amount', 'not a number')"
        )
        con.execute(
            "INSERT INTO actor (actor_id, name, kind, origin, needs_review) "
            "VALUES ('new-actor', 'Ville de Test', 'local_government', 'b-user', true)"
        )
        con.execute(
            "INSERT INTO flow (flow_id, dataset, batch_id, stage, leg, source_actor_id, year, "
            "amount_original, currency, fx_rate, fx_source, amount_usd, is_illustrative) "
            "VALUES ('u1', 'main', 'b-user', 'paid', 'direct', 'new-actor', 2020, 12.5, 'USD', "
            "1.0, 'identity', 12.5, false)"
        )
    version_before = warehouse.version_of(warehouse.resolve(built_copy))
    build.build(built_copy, demo_rows=500)
    assert warehouse.version_of(warehouse.resolve(built_copy)) == version_before + 1
    assert _count(built_copy, "SELECT count(*) FROM flow WHERE batch_id = 'b-user'") == 1
    assert _count(built_copy, "SELECT count(*) FROM rejected_row WHERE batch_id = 'b-user'") == 1
    assert _count(built_copy, "SELECT count(*) FROM actor WHERE actor_id = 'new-actor'") == 1
    assert _count(built_copy, "SELECT count(*) FROM dataset WHERE dataset = 'main'") == 1
    assert _count(built_copy, "SELECT count(*) FROM flow WHERE dataset = 'demo'") == 500
    amount = "SELECT amount_original FROM flow WHERE flow_id = 'u1'"
    assert float(_count(built_copy, amount)) == 12.5
