"""AppTest: every page runs with default filters and with several filter combinations; a
filter change changes a KPI to the value the SQL gives; the permalink round-trips."""

from __future__ import annotations

from pathlib import Path

import pytest
from dashboard_fixtures import fixture_warehouse, no_filters  # noqa: F401 (fixture)
from streamlit.testing.v1 import AppTest

from dashboard import i18n
from pipelines.store import warehouse

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"
PAGES = ("overview", "funds", "regions", "sources")
COMBINATIONS = [
    {"dataset": "cited"},
    {"fund": "pgtf", "currency": "EUR"},
    {"year_from": "2020", "status": "ldc"},
    {"modality": "city_to_city", "region": "002"},
    {"contributor_kind": "company", "stage": "paid", "currency": "GBP"},
    {"dataset": "main", "recipient_country": "SEN"},
    {"fund": "dgttf"},  # nothing: the empty state
]


@pytest.fixture(autouse=True)
def live(fixture_warehouse, monkeypatch):  # noqa: F811
    monkeypatch.setenv("FUNDFLOWS_WAREHOUSE", str(fixture_warehouse))
    return fixture_warehouse


def open_app(page: str = "overview", params: dict[str, str] | None = None) -> AppTest:
    """The app opened at ``/?<params>``, then (if ``page`` is not the default) that page."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    if page != "overview":
        at.switch_page(f"app_pages/{page}.py").run()
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def url(at: AppTest) -> dict[str, str]:
    return {k: v[0] if isinstance(v, list) else v for k, v in at.query_params.items()}


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_with_default_filters_and_draws_its_charts(page):
    at = open_app(page)
    assert not at.exception
    assert len(at.get("plotly_chart")) >= 1
    assert at.warning[0].value.startswith("You are looking at demo data — synthetic")
    assert url(at) == {"dataset": "demo", "page": page}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    "params", COMBINATIONS, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items())
)
def test_every_page_runs_with_filter_combinations(page, params):
    at = open_app(page, params)
    assert not at.exception
    assert url(at) == params | {"dataset": params.get("dataset", "demo"), "page": page}


def test_a_filter_with_no_data_shows_the_empty_state_not_an_axis():
    at = open_app("overview", {"fund": "dgttf"})
    assert not at.exception
    assert len(at.get("plotly_chart")) == 0
    assert [i.value for i in at.info].count(i18n.t("card.empty")) == 3
    assert metric(at, "Transferred") == "–"


def test_overview_kpis_show_the_sql_totals(live):
    at = open_app()
    assert metric(at, "Transferred") == "$2.1M"
    assert metric(at, "Promised") == "$2M"
    assert metric(at, "Contributors") == "6"
    transferred = next(m for m in at.metric if m.label == "Transferred")
    assert transferred.delta == "+6.0% in 2020"


def test_changing_a_filter_changes_the_kpi_to_the_value_the_sql_gives(live):
    at = open_app()
    at.multiselect(key="ff_contributor").set_value(["gov_fra"]).run()
    con = warehouse.connect_reader(live)  # the same configuration as the app's connection
    frame = warehouse.query(con, "overview_kpis", **no_filters(contributor=["gov_fra"]))
    con.close()
    expected = frame[frame["year"].isna()]["transferred"].iloc[0]
    assert expected == 900_000
    assert metric(at, "Transferred") == i18n.money(expected, "USD") == "$900K"
    assert url(at)["contributor"] == "gov_fra"


def test_changing_the_currency_converts_the_kpi_and_the_url_says_so():
    at = open_app()
    at.selectbox(key="ff_currency").set_value("EUR").run()
    assert metric(at, "Transferred") == "€1.8M"
    assert url(at)["currency"] == "EUR"


def test_permalink_round_trips_state_to_url_to_state():
    params = {
        "dataset": "demo", "year_from": "2019", "year_to": "2020", "fund": "pgtf,direct",
        "stage": "paid,allocation", "status": "ldc", "currency": "CHF", "page": "regions",
    }  # fmt: skip
    first = open_app("overview", params)  # the link opens the page it names
    assert first.title[0].value == "Regions"
    assert url(first) == params
    again = open_app("overview", url(first))
    assert url(again) == params
    assert again.multiselect(key="ff_fund").value == ["pgtf", "direct"]
    assert again.selectbox(key="ff_currency").value == "CHF"


def test_invalid_link_parameters_are_ignored_with_a_visible_note():
    at = open_app(
        params={"fund": "pgtf,nonsense", "year_from": "abcd", "currency": "XYZ", "x": "1"}
    )
    assert not at.exception
    note = next(w.value for w in at.warning if "not understood" in w.value)
    assert "fund=nonsense" in note
    assert "year_from=abcd" in note
    assert "currency=XYZ" in note
    assert url(at) == {"dataset": "demo", "fund": "pgtf", "page": "overview"}


def test_the_page_parameter_opens_that_page():
    at = open_app(params={"page": "sources"})
    assert not at.exception
    assert at.title[0].value == "Sources & data quality"
    assert url(at)["page"] == "sources"


def test_the_real_dataset_shows_no_demo_warning():
    at = open_app(params={"dataset": "cited"})
    assert not any("demo data" in w.value for w in at.warning)
    assert metric(at, "Allocated") == "$148.9K"


def test_funds_page_follows_the_fund_picker_into_the_url():
    at = open_app("funds")
    picker = next(s for s in at.selectbox if s.label == "Fund or channel")
    assert picker.value == "pgtf"
    picker.set_value("direct").run()
    assert url(at)["fund"] == "direct"
    assert not at.exception


def test_a_new_warehouse_version_is_picked_up_on_the_next_rerun(tmp_path, monkeypatch):
    from dashboard_fixtures import make_fixture_warehouse

    live = make_fixture_warehouse(tmp_path / "warehouse.duckdb")
    monkeypatch.setenv("FUNDFLOWS_WAREHOUSE", str(live))
    at = open_app()
    assert metric(at, "Transferred") == "$2.1M"
    with warehouse.publish(live) as pub:  # a writer publishes while the app is open
        pub.con.execute(
            "UPDATE flow SET amount_usd = 9000000, amount_original = 9000000 WHERE flow_id = 'd1'"
        )
    at.run()
    assert metric(at, "Transferred") == "$10.1M"
    assert "warehouse version 2" in at.caption[0].value


def test_a_missing_warehouse_gives_a_clear_message_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("FUNDFLOWS_WAREHOUSE", str(tmp_path / "none" / "warehouse.duckdb"))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert at.error[0].value.startswith("No warehouse at ")


def test_page_controls_round_trip_through_the_url():
    at = open_app(params={"ov_group": "promised", "ov_by": "region", "ov_threshold": "5"})
    assert not at.exception
    assert at.selectbox(key="ov_group").value == "promised"
    assert at.radio(key="ov_by").value == "region"
    assert at.slider(key="ov_threshold").value == 5.0
    at.selectbox(key="ov_group").set_value("allocated").run()
    assert url(at)["ov_group"] == "allocated"
    assert url(at)["ov_threshold"] == "5"
    again = open_app(params=url(at))
    assert again.selectbox(key="ov_group").value == "allocated"
    assert again.radio(key="ov_by").value == "region"


def test_invalid_page_controls_are_ignored_with_a_visible_note():
    at = open_app(params={"ov_by": "nonsense", "ov_threshold": "99", "fu_top_n": "2.5"})
    assert not at.exception
    note = next(w.value for w in at.warning if "not understood" in w.value)
    assert "ov_by=nonsense" in note
    assert "ov_threshold=99" in note
    assert at.radio(key="ov_by").value == "kind"
    assert at.slider(key="ov_threshold").value == 2.0
