"""Compare logic: entity totals, allocation mixes whose shares sum to 100%, ranks and peers."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from workbench_fixtures import CONTRIBUTORS, build_fixture_warehouse

from dashboard.filter_state import Filters, sql_params
from dashboard.workbench import compare as cv
from pipelines.store import warehouse

IDS = [c[0] for c in CONTRIBUTORS]


@pytest.fixture(scope="module")
def frames(tmp_path_factory):
    live = build_fixture_warehouse(tmp_path_factory.mktemp("cmp") / "warehouse.duckdb")
    con = warehouse.connect_reader(live)
    params = sql_params(Filters(dataset="real"))
    contributors = warehouse.query(con, "compare_contributors", **params)
    mixes = warehouse.query(con, "compare_mix", **params)
    raw = con.execute(
        "SELECT source_actor_id, stage, sum(amount_usd) FROM flow WHERE dataset = 'real'"
        " AND leg IN ('in', 'direct') AND part_of IS NULL GROUP BY ALL"
    ).fetchall()
    con.close()
    return contributors, mixes, raw


entity_lists = st.lists(
    st.one_of(st.sampled_from(IDS).map(lambda a: ("actor", a)),
              st.sampled_from(sorted(cv.BUILTIN_GROUPS)).map(lambda g: ("group", g))),
    min_size=cv.MIN, max_size=cv.MAX, unique=True,
)  # fmt: skip


def _entities(contributors, chosen):
    return [cv.actor_entity(contributors, key) if kind == "actor"
            else cv.builtin_entity(contributors, key, key) for kind, key in chosen]  # fmt: skip


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(chosen=entity_lists, facet=st.sampled_from([*cv.FACETS, "year"]))
def test_shares_sum_to_100_percent_per_contributor_and_amounts_to_its_total(frames, chosen, facet):
    contributors, mixes, _ = frames
    entities = _entities(contributors, chosen)
    table = cv.mix(entities, mixes, facet)
    totals = cv.totals(entities, contributors).set_index("entity")["given"]
    for entity in entities:
        part = table[table["entity"] == entity.label]
        if part.empty:
            continue
        assert part["share"].sum() == pytest.approx(1.0)
        assert part["amount"].sum() == pytest.approx(totals[entity.label], abs=0.01)


def test_a_contributors_totals_match_the_raw_flows(frames):
    contributors, _, raw = frames
    thailand = cv.totals([cv.actor_entity(contributors, "gov_tha")], contributors).iloc[0]
    paid = sum(float(s) for a, stage, s in raw if a == "gov_tha" and stage == "paid" and s)
    pledged = sum(float(s) for a, stage, s in raw if a == "gov_tha" and stage == "pledge" and s)
    assert thailand["given"] == pytest.approx(paid)
    assert thailand["pledged"] == pytest.approx(pledged)
    assert thailand["fulfilment"] == pytest.approx(paid / pledged)


def test_builtin_groups_take_their_members_from_the_reference_flags(frames):
    contributors, _, _ = frames
    members = {name: set(cv.builtin_entity(contributors, name, name).members)
               for name in cv.BUILTIN_GROUPS}  # fmt: skip
    assert members == {"g77": {"gov_tha", "gov_chn", "gov_ind", "gov_bra"},
                       "dac": {"gov_fra", "gov_che"}, "cities": {"city_lyon", "city_geneva"},
                       "private": {"fdn_br", "co_evil"}}  # fmt: skip


def test_a_group_total_is_the_sum_of_its_members(frames):
    contributors, _, _ = frames
    group = cv.builtin_entity(contributors, "dac", "DAC")
    members = [cv.actor_entity(contributors, a) for a in group.members]
    assert cv.totals([group], contributors)["given"].item() == pytest.approx(
        cv.totals(members, contributors)["given"].sum()
    )


def test_ranks_place_each_entity_among_all_contributors(frames):
    contributors, _, _ = frames
    order = contributors.sort_values("given", ascending=False)["contributor_id"].tolist()
    first, last = cv.actor_entity(contributors, order[0]), cv.actor_entity(contributors, order[-1])
    ranked = cv.ranks([first, last], contributors)
    assert ranked["given"].tolist() == [1, len(order)]
    assert set(ranked["of"]) == {len(order)}


def test_peers_are_the_same_kind_and_region_without_the_contributor_itself(frames):
    contributors, _, _ = frames
    thailand = cv.actor_entity(contributors, "gov_tha")
    assert set(cv.peers(thailand, contributors)["contributor_id"]) == {"gov_chn", "gov_ind"}
    assert cv.peers(cv.builtin_entity(contributors, "g77", "G-77"), contributors).empty


def test_the_peer_benchmark_is_the_median_of_peer_shares(frames):
    contributors, mixes, _ = frames
    thailand = cv.actor_entity(contributors, "gov_tha")
    bench = cv.peer_shares(thailand, contributors, mixes, "fund").set_index("category")
    china = cv.mix([cv.actor_entity(contributors, "gov_chn")], mixes, "fund").set_index("category")
    india = cv.mix([cv.actor_entity(contributors, "gov_ind")], mixes, "fund").set_index("category")
    for category in bench.index:
        shares = [float(f["share"].get(category, 0.0)) for f in (china, india)]
        assert bench.loc[category, "peer_median"] == pytest.approx(sum(shares) / 2)
    assert bench["share"].sum() == pytest.approx(1.0)


def test_the_headline_names_the_largest_fund_and_the_ratio_to_the_peer_median(frames):
    contributors, mixes, _ = frames
    thailand = cv.actor_entity(contributors, "gov_tha")
    facts = cv.headline(thailand, contributors, mixes)
    own = cv.mix([thailand], mixes, "fund").set_index("category")["share"]
    assert facts["category"] == own.idxmax()
    assert facts["share"] == pytest.approx(own.max())
    if facts["peer_median"]:
        assert facts["ratio"] == pytest.approx(facts["share"] / facts["peer_median"])
    assert facts["peers"] == 2
