"""Every dashboard query: its header matches its parameters and columns, and it returns the
values the small fixture warehouse implies."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from dashboard_fixtures import (  # noqa: F401 (fixture)
    DASHBOARD_QUERY_PREFIXES,
    FILTER_PARAMS,
    fixture_warehouse,
    make_fixture_warehouse,
    no_filters,
)

from pipelines import settings
from pipelines.store import warehouse

QUERIES = sorted(
    p.stem for p in (settings.SQL_DIR / "queries").glob("*.sql")
    if p.stem.startswith(DASHBOARD_QUERY_PREFIXES)
)  # fmt: skip
EXTRA = {"group": "transferred", "by": "kind", "groups": [], "side": "total",
         "direction": "received"}  # fmt: skip


def header(name: str) -> dict[str, str]:
    text = (settings.SQL_DIR / "queries" / f"{name}.sql").read_text(encoding="utf-8")
    fields: dict[str, str] = {}
    for line in text.splitlines():
        match = re.match(r"-- (purpose|grain|params|columns): (.*)", line)
        if match:
            fields[match.group(1)] = match.group(2).strip()
    return fields


def declared_params(name: str) -> set[str]:
    text = header(name)["params"]
    if text == "none":
        return set()
    names = {p.strip() for p in text.split(",")}
    if "@filters" in names:
        names = (names - {"@filters"}) | set(FILTER_PARAMS)
    return names


def used_params(name: str) -> set[str]:
    text = (settings.SQL_DIR / "queries" / f"{name}.sql").read_text(encoding="utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.startswith("--"))
    return set(re.findall(r"\$([a-z_][a-z0-9_]*)", body))


@pytest.fixture(scope="module")
def con(fixture_warehouse: Path) -> duckdb.DuckDBPyConnection:  # noqa: F811
    connection = warehouse.connect_reader(fixture_warehouse)
    yield connection
    connection.close()


def run(con: duckdb.DuckDBPyConnection, name: str, **changes: object):
    return warehouse.query(con, name, **(no_filters(**EXTRA) | changes))


def test_the_dashboard_has_a_query_for_every_chart_area():
    assert len(QUERIES) >= 25


@pytest.mark.parametrize("name", QUERIES)
def test_query_header_names_purpose_grain_params_and_columns(name):
    assert set(header(name)) == {"purpose", "grain", "params", "columns"}


@pytest.mark.parametrize("name", QUERIES)
def test_query_binds_exactly_the_parameters_its_header_declares(name):
    assert used_params(name) == declared_params(name)


@pytest.mark.parametrize("name", QUERIES)
def test_query_returns_exactly_the_columns_its_header_declares(con, name):
    params = {"fund": "pgtf"} if name in ("fund_statistics", "fund_events") else {}
    frame = run(con, name, **params)
    declared = [c.strip() for c in header(name)["columns"].split(",")]
    assert list(frame.columns) == declared


@pytest.mark.parametrize("name", QUERIES)
def test_query_runs_on_an_empty_warehouse(empty_con, name):
    params = {"fund": "pgtf"} if name in ("fund_statistics", "fund_events") else {}
    frame = run(empty_con, name, **params)
    assert len(frame) <= 1  # aggregates give one row, everything else none


@pytest.fixture(scope="module")
def empty_con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    live = tmp_path_factory.mktemp("empty") / "warehouse.duckdb"
    with warehouse.publish(live, fresh=True):
        pass
    connection = warehouse.connect_reader(live)
    yield connection
    connection.close()


def total(con, **changes) -> dict:
    frame = run(con, "overview_kpis", **changes)
    return frame[frame["is_total"] == 1].iloc[0].to_dict()


def test_kpis_add_each_stage_group_on_its_own_side_of_the_fund(con):
    row = total(con)
    assert (row["promised"], row["transferred"]) == (2_000_000, 2_060_000)
    assert (row["allocated"], row["used"]) == (500_000, 250_000)
    assert (row["contributors"], row["recipient_countries"]) == (6, 4)
    assert row["ss_share"] == pytest.approx(1_400_000 / 2_060_000)
    assert (row["flows"], row["flows_without_rate"], row["sources"]) == (10, 1, 2)


def test_kpis_by_year_give_the_base_of_the_year_over_year_change(con):
    frame = run(con, "overview_kpis").dropna(subset=["year"]).set_index("year")
    assert frame.loc[2019, "transferred"] == 1_000_000
    assert frame.loc[2020, "transferred"] == 1_060_000


def test_a_breakdown_row_is_never_added_to_the_figure_it_is_part_of(con):
    assert total(con, dataset="cited")["allocated"] == 148_910


def test_display_currency_converts_each_flow_at_its_own_date(con):
    expected = 1e6 / 1.1 + 5e5 / 1.2 + 1.1e5 / 1.1 + 5e4 / 1.2 + 4e5 / 1.2
    row = total(con, currency="EUR")
    assert row["transferred"] == pytest.approx(expected)
    assert row["flows_without_rate"] == 2  # the GBP flow, and a pledge before the first EUR rate


@pytest.mark.parametrize(
    ("changes", "group", "expected"),
    [
        ({"fund": ["pgtf"]}, "transferred", 1_000_000),
        ({"fund": ["direct"]}, "transferred", 610_000),
        ({"fund": ["local_private"]}, "transferred", 50_000),
        ({"stage": ["pledge"]}, "promised", 2_000_000),
        ({"modality": ["city_to_city"]}, "transferred", 110_000),
        ({"contributor_kind": ["company"]}, "transferred", 50_000),
        ({"contributor": ["gov_fra"]}, "transferred", 900_000),
        ({"recipient_country": ["SEN"]}, "used", 250_000),
        ({"region": ["419"]}, "allocated", 200_000),
        ({"region": ["011"]}, "allocated", 300_000),
        ({"status": ["sids"]}, "allocated", 200_000),
        ({"status": ["lldc"]}, "transferred", 500_000),
        ({"year_from": 2020}, "transferred", 1_060_000),
        ({"year_to": 2019}, "transferred", 1_000_000),
    ],
)
def test_each_filter_narrows_the_totals_to_the_flows_it_names(con, changes, group, expected):
    assert total(con, **changes)[group] == expected


def test_a_filter_with_no_match_gives_no_money_and_no_flows(con):
    row = total(con, fund=["dgttf"])
    assert row["flows"] == 0
    assert row["transferred"] is None or row["transferred"] != row["transferred"]


def test_illustrative_and_real_datasets_never_share_a_total(con):
    assert total(con, dataset="main")["transferred"] == 20_001_005_000
    assert total(con, dataset="demo")["transferred"] == 2_060_000


def test_sankey_links_contributor_kinds_to_channels_and_channels_to_regions(con):
    links = run(con, "overview_sankey").set_index(["side", "source", "target"])["amount"]
    assert links.to_dict() == {
        ("in", "government", "pgtf"): 1_000_000, ("in", "government", "direct"): 500_000,
        ("in", "government", "cities_fund"): 400_000,
        ("in", "local_government", "direct"): 110_000,
        ("in", "company", "local_private"): 50_000,
        ("out", "direct", "Africa"): 610_000, ("out", "local_private", "Africa"): 50_000,
    }  # fmt: skip


def test_sankey_by_region_uses_the_contributor_country_region(con):
    links = run(con, "overview_sankey", by="region")
    left = links[links["side"] == "in"].groupby("source")["amount"].sum().to_dict()
    assert left == {"Asia": 1_000_000, "Europe": 1_060_000}


def test_money_by_year_keeps_stage_groups_apart(con):
    frame = run(con, "overview_by_year").set_index(["year", "stage_group"])["amount"]
    assert frame.to_dict() == {
        (2019, "allocated"): 300_000, (2019, "promised"): 2_000_000,
        (2019, "transferred"): 1_000_000, (2020, "allocated"): 200_000,
        (2020, "transferred"): 1_060_000, (2020, "used"): 250_000,
    }  # fmt: skip


def test_money_by_modality_sums_to_each_group_total(con):
    frame = run(con, "overview_by_modality")
    sums = frame.groupby("stage_group")["amount"].sum().to_dict()
    assert sums == {"allocated": 500_000, "promised": 2_000_000, "transferred": 2_060_000,
                    "used": 250_000}  # fmt: skip


def test_card_stats_count_flows_sources_and_missing_rates_of_one_side(con):
    row = run(con, "card_stats", groups=["transferred"], side="given").iloc[0]
    assert (row["flows"], row["sources"], row["flows_without_rate"]) == (6, 2, 1)
    assert run(con, "card_stats", groups=[], side="any").iloc[0]["flows"] == 10


def test_fund_queries_describe_one_fund(con):
    only = {"fund": ["pgtf"]}
    people = run(con, "fund_contributors", **only).set_index("contributor_id")
    assert people.loc["gov_tha", "transferred"] == 1_000_000
    assert people.loc["gov_chn", "promised"] == 2_000_000
    years = run(con, "fund_by_year", **only).set_index("year")
    assert years.loc[2019, "fulfilment"] == pytest.approx(0.5)
    places = run(con, "fund_allocations", **only).set_index("country")["amount"].to_dict()
    assert places == {"Senegal": 300_000, "Haiti": 200_000}


def test_fund_stocks_and_events_come_with_their_sources(con):
    stocks = run(con, "fund_statistics", dataset="cited", fund="pgtf")
    assert stocks[["kind", "amount", "source_title"]].values.tolist() == [
        ["endowment", 7_000_000, "Mayors meeting"]
    ]
    events = run(con, "fund_events", fund="pgtf")
    assert events["kind"].tolist() == ["established", "pledging_conference"]


def test_map_counts_money_received_or_given_per_country(con):
    received = run(con, "regions_map").set_index("iso3")
    assert received["amount"].to_dict() == {"BFA": 500_000, "TGO": 110_000, "SEN": 50_000}
    assert received.loc["SEN", "flows"] == 2  # the GBP flow is counted, not added
    given = run(con, "regions_map", direction="given").set_index("iso3")["amount"].to_dict()
    assert given == {"THA": 1_000_000, "FRA": 1_010_000, "CHE": 50_000}


def test_regions_by_modality_and_status_shares(con):
    frame = run(con, "regions_by_modality").set_index("modality")["amount"].to_dict()
    assert frame == {"city_to_city": 110_000, "local_private": 50_000, "north_south": 500_000}
    shares = run(con, "regions_status_shares", group="allocated").iloc[0]
    assert (shares["total"], shares["ldc"], shares["lldc"], shares["sids"]) == (
        500_000, 500_000, 0, 200_000)  # fmt: skip


def test_city_links_hold_partnerships_and_city_level_flows(con):
    frame = run(con, "regions_city_links")
    assert frame[["kind", "from_city", "to_city"]].values.tolist() == [
        ["partnership", "Lyon", "Lomé"], ["flow", "Lyon", "Lomé"]]  # fmt: skip
    assert frame["amount"].iloc[1] == 110_000


def test_sources_page_queries_find_the_fixture_problems(con):
    docs = run(con, "sources_documents").set_index("source_document_id")["flows"].to_dict()
    assert docs == {"doc_b": 7, "doc_a": 3}
    no_rate = run(con, "sources_no_rate")
    assert no_rate[["currency", "year", "flows", "no_usd"]].values.tolist() == [["GBP", 2020, 1, 1]]
    assert run(con, "sources_outliers", dataset="main")["flow_id"].tolist() == ["u3"]
    rejected = run(con, "sources_rejected", dataset="main")
    assert rejected["value"].tolist() == ['=HYPERLINK("x")', "XYZ"]
    assert run(con, "sources_review_actors", dataset="main")["flows"].tolist() == [1]
    dupes = run(con, "sources_duplicates", dataset="main")
    assert dupes[["flow_id", "other_dataset", "other_flow_id"]].values.tolist() == [
        ["u1", "demo", "d1"]]  # fmt: skip
    coverage = run(con, "sources_coverage").set_index(["channel", "year"])["flows"].to_dict()
    assert coverage == {
        ("cities_fund", 2020): 1, ("direct", 2020): 3, ("local_private", 2020): 1,
        ("pgtf", 2019): 3, ("pgtf", 2020): 2,
    }  # fmt: skip
    assert run(con, "sources_batches")["batch_id"].tolist() == ["b_demo"]


def test_options_and_stamp_describe_the_warehouse(con):
    assert run(con, "options_datasets")["dataset"].tolist() == ["cited", "demo", "main"]
    assert run(con, "options_funds")["fund_id"].tolist() == ["pgtf", "unfssc", "cities_fund",
                                                             "dgttf"]  # fmt: skip
    assert run(con, "options_years").iloc[0].tolist() == [1997, 2021]
    regions = run(con, "options_regions").set_index("code")["level"].to_dict()
    assert (regions["002"], regions["202"], regions["011"]) == ("region", "subregion",
                                                                "intermediate")  # fmt: skip
    stamp = run(con, "data_as_of").iloc[0]
    assert (stamp["warehouse_version"], stamp["last_load_file"]) == ("1", "grants.csv")


def test_the_kpi_total_row_is_not_the_row_of_flows_without_a_year(built_warehouse):
    con = warehouse.connect_reader(built_warehouse)
    try:
        frame = warehouse.query(con, "overview_kpis", **no_filters(dataset="cited"))
        paid = con.execute(
            "SELECT sum(amount_usd) FROM flows_enriched WHERE dataset = 'cited' "
            "AND stage_group = 'transferred' AND in_group_total AND NOT is_part"
        ).fetchone()[0]
    finally:
        con.close()
    totals = frame[frame["is_total"] == 1]
    assert len(totals) == 1
    assert float(totals.iloc[0]["transferred"]) == pytest.approx(float(paid))
    assert frame["year"].isna().sum() == 2  # the total and the flows without a year
