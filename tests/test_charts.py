"""Chart builders: trace types, node and link counts, values, fixed colours."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.charts import flows as charts
from dashboard.charts import funds as charts_funds
from dashboard.charts import geo as charts_geo

NAMES = {"pgtf": "PGTF", "direct": "Direct", "government": "Governments", "other": "Other"}


def links() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "side": ["in", "in", "in", "out", "out"],
            "source": ["government", "company", "government", "pgtf", "direct"],
            "target": ["pgtf", "direct", "direct", "Africa", "Africa"],
            "amount": [1000.0, 5.0, 300.0, 800.0, 305.0],
            "flows": [2, 1, 1, 4, 2],
        }
    )


def test_sankey_has_one_node_per_column_value_and_one_link_per_row():
    fig = charts.sankey(links(), NAMES, "USD")
    trace = fig.data[0]
    assert trace.type == "sankey"
    assert list(trace.node.label) == ["Governments", "PGTF", "company", "Direct", "Africa"]
    assert list(trace.link.value) == [1000.0, 5.0, 300.0, 800.0, 305.0]
    assert (list(trace.link.source), list(trace.link.target)) == ([0, 2, 0, 1, 3], [1, 3, 3, 4, 4])


def test_sankey_paints_channel_nodes_with_their_fund_colour():
    colours = list(charts.sankey(links(), NAMES, "USD").data[0].node.color)
    assert colours[1] == charts.CHANNEL_COLOURS["pgtf"]
    assert colours[3] == charts.CHANNEL_COLOURS["direct"]
    assert colours[0] == charts.GREY


def test_a_region_that_gives_and_receives_gets_two_nodes():
    frame = pd.DataFrame(
        {
            "side": ["in", "out"],
            "source": ["Africa", "pgtf"],
            "target": ["pgtf", "Africa"],
            "amount": [1.0, 1.0],
            "flows": [1, 1],
        }
    )
    assert list(charts.sankey(frame, {}, "USD").data[0].node.label) == ["Africa", "pgtf", "Africa"]


def test_small_links_fold_into_other_on_their_own_side():
    folded = charts.fold_small_links(links(), 0.01, "other")
    left = folded[folded["side"] == "in"].set_index(["source", "target"])["amount"].to_dict()
    assert left == {
        ("government", "pgtf"): 1000.0,
        ("government", "direct"): 300.0,
        ("other", "direct"): 5.0,
    }
    assert folded["amount"].sum() == links()["amount"].sum()


def test_a_zero_threshold_folds_nothing():
    folded = charts.fold_small_links(links(), 0.0, "other")
    assert "other" not in set(folded["source"]) | set(folded["target"])
    assert len(folded) == 5


def test_top_n_keeps_the_largest_and_sums_the_rest_into_other():
    frame = pd.DataFrame(
        {
            "contributor": list("abcde"),
            "transferred": [5.0, 1.0, 4.0, 2.0, 3.0],
            "promised": [1.0] * 5,
        }
    )
    top = charts.top_n_other(frame, "contributor", "transferred", 2, "Other")
    assert top["contributor"].tolist() == ["a", "c", "Other"]
    assert top["transferred"].tolist() == [5.0, 4.0, 6.0]
    assert top["promised"].tolist() == [1.0, 1.0, 3.0]


def test_money_by_year_draws_one_line_per_group_never_stacked():
    frame = pd.DataFrame({"year": [2020, 2019, 2019], "stage_group": ["transferred", "promised",
                          "transferred"], "amount": [3.0, 2.0, 1.0]})  # fmt: skip
    fig = charts.by_year(frame, "USD")
    assert [t.type for t in fig.data] == ["scatter", "scatter"]
    assert all(t.stackgroup is None for t in fig.data)
    assert list(fig.data[1].x) == [2019, 2020]
    assert list(fig.data[1].y) == [1.0, 3.0]
    assert fig.data[0].line.color == charts.GROUP_COLOURS["promised"]


def test_money_by_modality_uses_display_names():
    frame = pd.DataFrame(
        {"modality": ["south_south"], "stage_group": ["allocated"], "amount": [7.0]}
    )
    fig = charts.by_modality(frame, {"south_south": "South–South"}, "EUR")
    assert list(fig.data[0].y) == ["South–South"]
    assert list(fig.data[0].x) == [7.0]


def test_contributors_chart_puts_the_largest_on_top():
    frame = pd.DataFrame(
        {"contributor": ["a", "b"], "promised": [3.0, 1.0], "transferred": [2.0, 1.0]}
    )
    fig = charts_funds.contributors(frame, "USD")
    assert [t.name for t in fig.data] == ["Promised", "Transferred"]
    assert list(fig.data[1].y) == ["b", "a"]


def test_pledged_vs_paid_draws_the_fulfilment_rate_on_a_second_axis():
    frame = pd.DataFrame(
        {"year": [2019], "promised": [2.0], "transferred": [1.0], "fulfilment": [0.5]}
    )
    fig = charts_funds.pledged_vs_paid(frame, "USD")
    assert [t.type for t in fig.data] == ["bar", "bar", "scatter"]
    assert fig.data[2].yaxis == "y2"
    assert list(fig.data[2].y) == [0.5]


def test_treemap_nests_countries_under_their_region():
    frame = pd.DataFrame(
        {
            "region": ["Africa", "Africa", "Americas"],
            "country": ["Senegal", "Togo", "Haiti"],
            "amount": [3.0, 1.0, 2.0],
        }
    )
    trace = charts_funds.treemap(frame, "USD").data[0]
    assert trace.type == "treemap"
    assert list(trace.values) == [4.0, 2.0, 3.0, 1.0, 2.0]
    assert list(trace.parents) == ["", "", "r:Africa", "r:Africa", "r:Americas"]


def test_region_modality_stacks_modalities_per_sub_region():
    frame = pd.DataFrame(
        {
            "region": ["Africa", "Africa", "Asia"],
            "subregion": ["Western Africa", "Western Africa", "Southern Asia"],
            "modality": ["south_south", "triangular", "south_south"],
            "amount": [3.0, 1.0, 5.0],
        }
    )
    fig = charts_geo.region_modality(frame, {}, "USD")
    assert fig.layout.barmode == "stack"
    assert [t.name for t in fig.data] == ["south_south", "triangular"]
    assert list(fig.data[0].x) == [3.0, 5.0]
    assert fig.data[1].marker.color == charts.MODALITY_COLOURS["triangular"]


def test_status_shares_divide_each_status_by_the_total():
    fig = charts_geo.status_shares({"total": 500.0, "ldc": 500.0, "lldc": 0.0, "sids": 200.0})
    assert list(fig.data[0].y) == [1.0, 0.0, 0.4]
    assert list(fig.data[0].x) == ["LDC", "LLDC", "SIDS"]


def test_coverage_heatmap_is_channel_by_year():
    frame = pd.DataFrame(
        {"channel": ["pgtf", "pgtf", "direct"], "year": [2019, 2020, 2020], "flows": [3, 2, 1]}
    )
    trace = charts.coverage(frame, NAMES).data[0]
    assert trace.type == "heatmap"
    assert list(trace.y) == ["Direct", "PGTF"]
    assert list(trace.x) == [2019, 2020]


def test_timeline_places_undated_events_in_mid_year():
    frame = pd.DataFrame(
        {
            "event_date": [pd.Timestamp("1983-12-20"), pd.NaT],
            "year": [1983, 2003],
            "kind": ["established", "pledging_conference"],
            "description": ["a", "b"],
        }
    )
    trace = charts_funds.timeline(frame).data[0]
    assert [pd.Timestamp(x) for x in trace.x] == [
        pd.Timestamp("1983-12-20"),
        pd.Timestamp("2003-07-01"),
    ]
    assert list(trace.text) == ["Established", "Pledging Conference"]


def test_choropleth_locates_countries_by_iso3():
    frame = pd.DataFrame(
        {"iso3": ["SEN", "HTI"], "country": ["Senegal", "Haiti"], "amount": [3.0, 2.0]}
    )
    trace = charts_geo.choropleth(frame, "USD").data[0]
    assert trace.type == "choropleth"
    assert trace.locationmode == "ISO-3"
    assert list(trace.locations) == ["SEN", "HTI"]
    assert list(trace.z) == [3.0, 2.0]


def test_city_map_draws_arcs_per_kind_and_each_city_once():
    frame = pd.DataFrame(
        {
            "kind": ["partnership", "flow"],
            "from_city": ["Lyon", "Lyon"],
            "from_lat": [45.8, 45.8],
            "from_lon": [4.8, 4.8],
            "to_city": ["Lomé", "Lomé"],
            "to_lat": [6.1, 6.1],
            "to_lon": [1.2, 1.2],
        }
    )
    fig = charts_geo.city_links(frame, "USD")
    assert [t.type for t in fig.data] == ["scattergeo"] * 3
    assert fig.data[0].line.dash == "solid"  # flows under partnerships
    assert fig.data[1].line.dash == "dash"
    assert list(fig.data[1].lat) == [45.8, 6.1, None]
    assert list(fig.data[2].hovertext) == ["Lyon", "Lomé"]
    assert list(fig.data[2].text) == ["Lyon", "Lomé"]  # partnership cities are labelled


@pytest.mark.parametrize("fund", ["pgtf", "unfssc", "cities_fund", "dgttf", "local_private"])
def test_every_target_fund_has_its_own_colour(fund):
    colours = [
        charts.channel_colour(f)
        for f in ("pgtf", "unfssc", "cities_fund", "dgttf", "local_private", "direct")
    ]
    assert colours.count(charts.channel_colour(fund)) == 1
    assert charts.channel_colour(fund) in charts.OKABE_ITO
