"""The pre-aggregated ``flow_cube`` gives every chart query exactly the base results.

The base: each flow its own group. On a second connection the ``flows_cube`` macro is shadowed
by a temporary one that returns ``flows_filtered(...)`` (the computing views) row by row with
``flows = 1`` and ``flows_without_amount = (amount IS NULL)``, so the very same query text
computes ``count(*)``, ``count(*) FILTER (amount IS NULL)`` and ``amount IS NOT NULL`` as
before the cube existed. Hypothesis draws random filters (datasets, years, funds, stages,
modalities, kinds, contributors, countries, regions, statuses, display currencies) from the
values present; every query reading the cube must return the same frame on both: the same rows
(compared sorted, as some queries order on ties), equal counts and labels, and money equal up
to floating-point summation order (1e-12 relative).

Staleness: after a load into a new dataset, a second load into the same dataset, a deleted
batch and a full build, the table holds exactly the aggregation of the computing view.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pandas.testing as pdt
import pytest
from dashboard_fixtures import fixture_warehouse, no_filters  # noqa: F401 (fixture)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines import settings as project_settings
from pipelines.bundled import build
from pipelines.ingest import load
from pipelines.store import aggregates, batches, sql, warehouse

REPO = Path(__file__).resolve().parents[1]
QUERIES = sorted(
    p.stem for p in (project_settings.SQL_DIR / "queries").glob("*.sql")
    if "flows_cube(" in p.read_text(encoding="utf-8")
    or "flows_flagged(" in p.read_text(encoding="utf-8")
)  # fmt: skip
EXTRA = {"group": "transferred", "by": "kind", "groups": ["transferred", "used"],
         "side": "total", "direction": "received"}  # fmt: skip
DISTINCT = "SELECT DISTINCT {0} FROM flows_enriched WHERE {0} IS NOT NULL LIMIT 30"
CHOICES = {"fund": "channel", "stage": "stage", "modality": "modality",
           "contributor_kind": "source_kind", "contributor": "source_actor_id",
           "recipient_country": "recipient_country_iso3", "region": "recipient_subregion_code",
           "region_top": "recipient_region_code"}  # fmt: skip
ROW_BY_ROW = """
CREATE TEMP MACRO flows_cube(p_dataset, p_year_from, p_year_to, p_funds, p_stages, p_modalities,
                             p_kinds, p_contributors, p_countries, p_regions, p_statuses,
                             p_currency) AS TABLE
SELECT f.*, sa.city_id AS from_city_id,
       CASE WHEN sa.city_id IS NOT NULL THEN coalesce(f.recipient_city_id, da.city_id) END
           AS to_city_id,
       1::BIGINT AS flows, (f.amount IS NULL)::BIGINT AS flows_without_amount,
       (f.amount_usd IS NULL)::BIGINT AS flows_without_usd,
       CASE WHEN f.amount IS NULL THEN f.amount_original END AS original_without_amount
FROM flows_filtered(p_dataset, p_year_from, p_year_to, p_funds, p_stages, p_modalities, p_kinds,
                    p_contributors, p_countries, p_regions, p_statuses, p_currency) AS f
LEFT JOIN actor AS sa ON sa.actor_id = f.source_actor_id
LEFT JOIN actor AS da ON da.actor_id = f.destination_actor_id
"""
# the cube's groups recomputed from the computing view: key columns, flows, exact USD sums
KEYS = """dataset, is_illustrative, year, stage, stage_group, leg, modality, channel,
    fund_short_name, source_actor_id, source_name, source_kind, source_country_iso3,
    contributor_region, recipient_country_iso3, recipient_country_name, recipient_region_code,
    recipient_region_name, recipient_subregion_code, recipient_subregion_name,
    recipient_intermediate_code, is_ldc, is_lldc, is_sids, is_part, given_side, received_side,
    in_group_total, source_document_id, from_city_id, to_city_id, currency"""
FROM_VIEW = f"""SELECT {KEYS}, count(*) AS flows, sum(amount_usd) AS usd,
    count(*) - count(amount_usd) AS usd_missing,
    sum(amount_original) FILTER (amount_usd IS NULL) AS usd_missing_original
    FROM (SELECT e.*, sa.city_id AS from_city_id,
                 CASE WHEN sa.city_id IS NOT NULL
                      THEN coalesce(e.recipient_city_id, da.city_id) END AS to_city_id
          FROM flows_enriched AS e
          LEFT JOIN actor AS sa ON sa.actor_id = e.source_actor_id
          LEFT JOIN actor AS da ON da.actor_id = e.destination_actor_id)
    GROUP BY ALL"""  # noqa: S608 (fixed text)
FROM_CUBE = f"""SELECT {KEYS}, sum(flows) AS flows, sum(usd) AS usd,
    sum(usd_missing) AS usd_missing, sum(usd_missing_original) AS usd_missing_original
    FROM flow_cube GROUP BY ALL"""  # noqa: S608 (fixed text)


def cube_differences(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """Groups that differ between flow_cube and the computing view (none when up to date)."""
    return con.execute(
        f"({FROM_VIEW} EXCEPT ALL {FROM_CUBE}) UNION ALL ({FROM_CUBE} EXCEPT ALL {FROM_VIEW})"  # noqa: S608 (fixed text)
    ).fetchall()


FLAGGED_ROW_BY_ROW = """
CREATE TEMP MACRO flows_flagged(p_dataset, p_year_from, p_year_to, p_funds, p_stages,
                                p_modalities, p_kinds, p_contributors, p_countries, p_regions,
                                p_statuses, p_currency) AS TABLE
SELECT * FROM flows_filtered(p_dataset, p_year_from, p_year_to, p_funds, p_stages, p_modalities,
                             p_kinds, p_contributors, p_countries, p_regions, p_statuses,
                             p_currency)
"""


def row_by_row(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path), read_only=True)
    con.execute(ROW_BY_ROW)
    # another display currency: warehouse.query reads flows_cube_flows; the base shadows it too
    con.execute(ROW_BY_ROW.replace("MACRO flows_cube(", "MACRO flows_cube_flows("))
    con.execute(FLAGGED_ROW_BY_ROW)
    return con


@pytest.fixture(scope="module")
def pairs(fixture_warehouse, built_warehouse):  # noqa: F811
    out = {}
    for name, source in (("fixture", fixture_warehouse), ("built", built_warehouse)):
        path = warehouse.resolve(source)
        base, cube = row_by_row(path), duckdb.connect(str(path), read_only=True)
        datasets = [r[0] for r in base.execute("SELECT DISTINCT dataset FROM flow").fetchall()]
        values = {k: [r[0] for r in base.execute(DISTINCT.format(c)).fetchall()]  # noqa: S608 (fixed names)
                  for k, c in CHOICES.items()}  # fmt: skip
        values["region"] = sorted(values["region"] + values.pop("region_top"))
        out[name] = (base, cube, datasets, values)
    yield out
    for base, cube, _, _ in out.values():
        base.close()
        cube.close()


def test_the_chart_queries_read_the_cube():
    assert {"overview_kpis", "overview_sankey", "regions_map", "overview_by_year",
            "overview_by_modality", "card_stats"} <= set(QUERIES)  # fmt: skip
    assert len(QUERIES) >= 15


def test_the_cube_holds_exactly_the_groups_of_the_computing_view(pairs):
    for base, cube, _, _ in pairs.values():
        assert cube_differences(cube) == []
        flows = base.execute("SELECT count(*) FROM flow").fetchone()[0]
        assert flows > 0
        assert cube.execute("SELECT sum(flows) FROM flow_cube").fetchone()[0] == flows
        groups = cube.execute("SELECT count(*) FROM flow_cube").fetchone()[0]
        assert 0 < groups <= flows


def test_the_flagged_flows_table_holds_the_flagged_rows_of_the_view(pairs):
    for base, cube, _, _ in pairs.values():
        want = base.execute(
            "SELECT * FROM flows_enriched WHERE list_has_any(flags, ['outlier', "
            "'negative_correction']) OR amount_usd < 0 ORDER BY flow_id"
        ).df()
        got = cube.execute("SELECT * FROM flow_flagged ORDER BY flow_id").df()
        pdt.assert_frame_equal(want, got, check_exact=True)
    fixture_base = pairs["fixture"][0]
    assert len(fixture_base.execute("SELECT * FROM flow_flagged").fetchall()) >= 1


def test_the_row_by_row_base_really_reads_the_computing_view(pairs):
    base = pairs["fixture"][0]
    text = sql.text("queries/card_stats")
    used = set(re.findall(r"\$([a-z_]+)", text))
    params = {k: v for k, v in (no_filters() | EXTRA).items() if k in used}
    plan = "".join(r[1] for r in base.execute("EXPLAIN " + text, params).fetchall())
    assert "flow_cube" not in plan
    assert "flow" in plan


def _subset(values: list[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(values), max_size=3, unique=True) if values else st.just([])


@st.composite
def filters(draw: st.DrawFn, datasets: list[str], values: dict[str, list[str]]) -> dict:
    years = sorted(draw(st.lists(st.integers(1980, 2026), min_size=2, max_size=2)))
    chosen = {k: draw(st.one_of(st.just([]), _subset(v))) for k, v in values.items()}
    extra = EXTRA | {
        "group": draw(st.sampled_from(["promised", "transferred", "allocated", "used"])),
        "by": draw(st.sampled_from(["kind", "region"])),
        "side": draw(st.sampled_from(["total", "given", "received", "any"])),
        "direction": draw(st.sampled_from(["received", "given"])),
    }
    return (
        no_filters(
            dataset=draw(st.sampled_from(datasets)),
            year_from=draw(st.one_of(st.none(), st.just(years[0]))),
            year_to=draw(st.one_of(st.none(), st.just(years[1]))),
            status=draw(
                st.lists(st.sampled_from(["ldc", "lldc", "sids"]), max_size=2, unique=True)
            ),
            currency=draw(st.sampled_from(["USD", "EUR", "CHF", "GBP"])),
            **chosen,
        )
        | extra
    )


def _canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted on every column: some queries order on ties (overview_kpis puts its total
    row and a year-less flows' row both at year NULL), so row order alone may differ."""
    return frame.sort_values(list(frame.columns), na_position="first", kind="stable").reset_index(
        drop=True
    )


def same_results(base, cube, name: str, params: dict) -> None:
    want = _canonical(warehouse.query(base, name, **params))
    got = _canonical(warehouse.query(cube, name, **params))
    assert list(want.columns) == list(got.columns)
    pdt.assert_frame_equal(want, got, check_exact=False, rtol=1e-12, atol=0)


@pytest.mark.parametrize("which", ["fixture", "built"])
def test_chart_queries_give_the_base_results_for_random_filters(pairs, which):
    base, cube, datasets, values = pairs[which]

    @settings(max_examples=60, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
    @given(params=filters(datasets, values), name=st.sampled_from(QUERIES))
    def check(params: dict, name: str) -> None:
        same_results(base, cube, name, params)

    check()


@pytest.mark.parametrize("name", QUERIES)
def test_each_chart_query_gives_the_base_results_with_no_filter(pairs, name):
    for base, cube, datasets, _ in pairs.values():
        for dataset in datasets:
            for currency in ("USD", "EUR"):
                params = no_filters(dataset=dataset, currency=currency) | EXTRA
                same_results(base, cube, name, params)


@pytest.mark.parametrize("name", QUERIES)
def test_another_display_currency_is_computed_flow_by_flow_with_the_same_results(pairs, name):
    base, cube, _, _ = pairs["built"]
    for currency in ("JPY", "SEK"):
        params = no_filters(dataset="demo", currency=currency) | EXTRA
        same_results(base, cube, name, params)
    got = warehouse.query(cube, "overview_by_year", **(no_filters(currency="JPY") | EXTRA))
    assert got["amount"].notna().any()


def _check_current(live: Path) -> None:
    con = warehouse.connect_plain(live)
    try:
        assert cube_differences(con) == []
        assert (con.execute("SELECT sum(flows) FROM flow_cube").fetchone()[0]
                == con.execute("SELECT count(*) FROM flow").fetchone()[0])  # fmt: skip
    finally:
        con.close()
    base = row_by_row(warehouse.resolve(live))
    cube = warehouse.connect_plain(live)
    try:
        for dataset in ("demo", "main"):
            for currency in ("USD", "GBP"):
                for name in QUERIES:
                    same_results(
                        base, cube, name, no_filters(dataset=dataset, currency=currency) | EXTRA
                    )
    finally:
        base.close()
        cube.close()


def test_loads_a_deleted_batch_and_a_build_keep_the_cube_current(built_copy, tmp_path):
    sample = REPO / "data" / "samples" / "template.csv"
    (first,) = load.load_files(built_copy, [sample], dataset="main")
    assert first.status == "loaded"
    _check_current(built_copy)
    second_file = tmp_path / "second.csv"
    text = sample.read_text(encoding="utf-8")
    second_file.write_text(text.replace("2024", "2023"), encoding="utf-8")
    (second,) = load.load_files(built_copy, [second_file], dataset="main")
    assert second.status == "loaded"
    _check_current(built_copy)
    flows_before = _flows(built_copy, "main")
    assert batches.delete_batch(built_copy, first.batch_id) > 0
    assert 0 < _flows(built_copy, "main") < flows_before
    _check_current(built_copy)
    build.build(built_copy)
    _check_current(built_copy)


def _flows(live: Path, dataset: str) -> int:
    con = warehouse.connect_plain(live)
    try:
        return con.execute("SELECT sum(flows) FROM flow_cube WHERE dataset = $d",
                           {"d": dataset}).fetchone()[0] or 0  # fmt: skip
    finally:
        con.close()


def test_a_dataset_missing_from_the_cube_is_aggregated_at_the_next_publication(built_copy):
    with warehouse.publish(built_copy) as pub:  # a publication that says it touched nothing
        pub.con.execute("DELETE FROM flow_cube WHERE dataset = 'demo'")
        pub.touched_datasets = set()
    con = warehouse.connect_plain(built_copy)
    try:
        assert (
            con.execute("SELECT count(*) FROM flow_cube WHERE dataset = 'demo'").fetchone()[0] > 0
        )
        assert cube_differences(con) == []
    finally:
        con.close()


def test_refresh_rebuilds_the_cube_from_every_flow(built_copy, tmp_path):
    path = tmp_path / "copy.duckdb"
    shutil.copyfile(warehouse.resolve(built_copy), path)
    con = duckdb.connect(str(path))
    try:
        con.execute("DELETE FROM flow_cube")
        aggregates.refresh(con)
        assert cube_differences(con) == []
    finally:
        con.close()


def test_a_city_link_through_the_destination_actors_city_is_counted(built_copy):
    """A direct flow from a city to a city actor, with no recipient city on the flow."""
    with warehouse.publish(built_copy) as pub:
        pub.con.execute("""
            INSERT INTO flow SELECT * REPLACE ('agg-city-link' AS flow_id, 'direct' AS leg,
                'paid' AS stage, 'city-lyon' AS source_actor_id,
                'city-bamako' AS destination_actor_id, NULL AS recipient_city_id,
                NULL AS part_of)
            FROM flow WHERE dataset = 'demo' AND amount_usd > 0 ORDER BY flow_id LIMIT 1
        """)
        pub.touched_datasets = {"demo"}
    base, cube = row_by_row(warehouse.resolve(built_copy)), warehouse.connect_plain(built_copy)
    try:
        params = no_filters(dataset="demo") | EXTRA
        same_results(base, cube, "regions_city_links", params)
        links = warehouse.query(cube, "regions_city_links", **params)
        flows = links[(links["kind"] == "flow") & (links["to_city"] == "Bamako")]
        assert len(flows) >= 1
        assert cube_differences(cube) == []
    finally:
        base.close()
        cube.close()


OPTIONS_FROM_FLOWS = {  # the option lists as they read before the cube: straight from flow
    "options_datasets": """
        SELECT d.dataset, d.is_illustrative, count(f.flow_id) AS flows
        FROM dataset AS d LEFT JOIN flow AS f ON f.dataset = d.dataset
        GROUP BY d.dataset, d.is_illustrative, d.is_bundled
        ORDER BY d.is_bundled DESC, d.dataset""",
    "options_funds": """
        SELECT fu.fund_id, fu.short_name, fu.name_en, fu.is_target FROM fund AS fu
        WHERE fu.is_target OR EXISTS (SELECT 1 FROM flow AS f WHERE f.fund_id = fu.fund_id)
        ORDER BY fu.is_target DESC,
                 CASE fu.fund_id WHEN 'pgtf' THEN 0 WHEN 'unfssc' THEN 1
                     WHEN 'cities_fund' THEN 2 WHEN 'dgttf' THEN 3 ELSE 4 END,
                 fu.short_name""",
    "options_contributors": """
        SELECT a.actor_id, a.name, a.kind FROM actor AS a
        WHERE EXISTS (SELECT 1 FROM flow AS f WHERE f.source_actor_id = a.actor_id)
        ORDER BY a.name""",
}


@pytest.mark.parametrize("name", sorted(OPTIONS_FROM_FLOWS))
def test_option_lists_read_from_the_cube_equal_those_read_from_the_flows(pairs, built_copy, name):
    sample = REPO / "data" / "samples" / "template.csv"
    (report,) = load.load_files(built_copy, [sample], dataset="main")
    assert report.status == "loaded"
    loaded = warehouse.connect_plain(built_copy)
    try:
        for con in [loaded] + [cube for _, cube, _, _ in pairs.values()]:
            want = con.execute(OPTIONS_FROM_FLOWS[name]).df()
            got = warehouse.query(con, name)
            assert len(got) > 0
            pdt.assert_frame_equal(want, got, check_exact=True)
    finally:
        loaded.close()


@pytest.mark.parametrize("by_ids", [0, 1000])
def test_both_ways_of_finding_flagged_flows_give_the_rows_of_the_view(
    fixture_warehouse,  # noqa: F811 (fixture)
    tmp_path,
    monkeypatch,
    by_ids,  # noqa: F811
):
    path = tmp_path / "copy.duckdb"
    shutil.copyfile(warehouse.resolve(fixture_warehouse), path)
    monkeypatch.setattr(aggregates, "FLAGGED_BY_IDS", by_ids)
    con = duckdb.connect(str(path))
    try:
        con.execute("DROP TABLE flow_flagged")
        aggregates.refresh(con)
        want = con.execute(
            "SELECT * FROM flows_enriched WHERE list_has_any(flags, ['outlier', "
            "'negative_correction']) OR amount_usd < 0 ORDER BY flow_id"
        ).df()
        got = con.execute("SELECT * FROM flow_flagged ORDER BY flow_id").df()
        assert len(want) >= 1
        pdt.assert_frame_equal(want, got, check_exact=True)
    finally:
        con.close()
