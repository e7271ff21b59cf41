"""The Explore page pivots, drills from a cell to its rows, searches and saves views (AppTest)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs

import pytest
from streamlit.testing.v1 import AppTest
from workbench_fixtures import build_fixture_warehouse

from pipelines.appstate import store as state
from pipelines.query import drill, slices
from pipelines.store import warehouse

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboard" / "app.py"
CONSOLE = ROOT / "dashboard" / "app_pages" / "sql_console.py"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    return build_fixture_warehouse(tmp_path_factory.mktemp("appex") / "warehouse.duckdb")


@pytest.fixture
def env(live, tmp_path, monkeypatch):
    monkeypatch.setenv("FUNDFLOWS_WAREHOUSE", str(live))
    monkeypatch.setenv("FUNDFLOWS_STATE", str(tmp_path / "state.sqlite"))
    return tmp_path / "state.sqlite"


@pytest.fixture
def app(env):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["dataset"] = "real"
    at.run()
    at.switch_page("app_pages/explore.py").run()
    assert not at.exception, at.exception
    return at


def _expected(live, **chosen):
    con = warehouse.connect_reader(live)  # the app's configuration: one per file per process
    try:
        params = slices.filter_params(dataset=["real"], **chosen)
        return slices.pivot(con, params, slices.PivotSpec(rows=("fund",), columns=("year",)))
    finally:
        con.close()


def test_the_default_pivot_shows_given_money_by_fund_and_year(app, live):
    table = app.dataframe[0].value
    want = _expected(live, stage_group=["transferred"], leg=["in", "direct"])
    assert table["Fund"].tolist()[-1] == "Total"  # headers and values in words (issue 18)
    assert table["Total"].iloc[-1] == pytest.approx(want.total())
    assert table["2001"].iloc[-1] == pytest.approx(want.total(year="2001"))


def test_drilling_through_the_selectboxes_shows_the_rows_behind_the_cell(app, live):
    app.selectbox(key="drill_fund").set_value("PGTF").run()
    app.selectbox(key="drill_year").set_value("2001").run()
    assert not app.exception
    want = _expected(live, stage_group=["transferred"], leg=["in", "direct"])
    cell = want.long[(want.long["fund"] == "PGTF") & (want.long["year"] == "2001")]
    assert any(f"{int(cell['flows'].item())} flows" in m.value for m in app.markdown)
    assert len(app.dataframe) == 1  # the rows are read on demand only
    app.toggle(key="ex_show_rows").set_value(True).run()
    assert not app.exception
    rows = app.dataframe[1].value
    assert rows["amount_display"].sum() == pytest.approx(want.total(fund="PGTF", year="2001"))
    assert set(rows["fund_name"]) == {"PGTF"}
    assert set(rows["year"]) == {2001}
    for column in ("source_title", "source_url", "source_locator", "batch_file", "fx_rate",
                   "fx_date", "fx_source", "flags"):  # fmt: skip
        assert column in rows.columns
    assert any(f"{len(rows)} flows" in m.value for m in app.markdown)


def test_changing_the_pivot_changes_the_numbers(app):
    app.multiselect(key="ex_rows").set_value(["contributor_kind"]).run()
    app.selectbox(key="ex_measure").set_value("flows").run()
    app.selectbox(key="ex_cols").set_value("").run()
    assert not app.exception
    table = app.dataframe[0].value
    assert list(table.columns[:2]) == ["Contributor kind", "Number of flows"]
    assert table["Number of flows"].iloc[-1] == table["Number of flows"].iloc[:-1].sum()


def test_original_amounts_are_split_by_currency(app):
    app.selectbox(key="ex_measure").set_value("amount_original").run()
    assert not app.exception
    assert "Currency" in "\n".join(c.value for c in app.caption)
    assert set(app.dataframe[0].value["Currency"]) == {"USD", "EUR", "CHF"}


def test_searching_an_alias_in_russian_keeps_thailand_only(app):
    app.text_input(key="ex_search").input("таиланд").run()
    assert not app.exception
    assert any("Thailand" in c.value for c in app.caption)
    app.selectbox(key="drill_fund").set_value("Total").run()
    app.selectbox(key="drill_year").set_value("Total").run()
    app.toggle(key="ex_show_rows").set_value(True).run()
    assert set(app.dataframe[1].value["contributor"]) == {"Thailand"}


def test_a_saved_view_gets_a_permalink_and_is_listed(app, env):
    app.multiselect(key="ex_rows").set_value(["modality"]).run()
    app.text_input(key="ex_view_name").input("By modality")
    app.button[0].click().run()
    assert not app.exception
    [view] = state.list_views(env)
    assert view.page == "explore"
    assert "dataset=real" in view.query
    assert view.settings["rows"] == ["modality"]
    assert any("/explore?dataset=real" in s.value for s in app.success)
    app.run()
    assert "By modality" in app.selectbox(key="ex_apply").options


def test_applying_a_saved_view_restores_its_pivot(env, app):
    state.save_view(env, "Flows by kind", "dataset=real", "explore",
                    settings={"rows": ["contributor_kind"], "columns": [], "measure": "flows",
                              "stage_group": "", "side": "all", "q": ""})  # fmt: skip
    app.run()
    app.selectbox(key="ex_apply").set_value("Flows by kind").run()
    assert not app.exception
    assert list(app.dataframe[0].value.columns[:2]) == ["Contributor kind", "Number of flows"]


def test_the_sql_console_page_runs_a_query_and_refuses_a_write(env):
    at = AppTest.from_file(str(CONSOLE), default_timeout=60).run()
    assert not at.exception
    at.button[0].click().run()
    assert set(at.dataframe[0].value.columns) == {"dataset", "stage", "flows", "usd"}
    at.text_area(key="sql_text").input("DELETE FROM flow")
    at.button[0].click().run()
    assert "Refused: writing is not allowed" in at.error[0].value


def test_a_cell_selected_in_the_table_drills_to_the_same_rows_as_the_selectboxes(live):
    from dashboard.workbench import pivot as pivot_view

    con = warehouse.connect_reader(live)
    try:
        params = slices.filter_params(dataset=["real"], stage_group=["transferred"], leg=["in"])
        pivot = slices.pivot(con, params, slices.PivotSpec(rows=("fund",), columns=("year",)))
        table = pivot.table()
        row = table.index[table["fund"] == "PGTF"][0]
        key = pivot_view.cell_key(pivot, table, (int(row), "2001"))
        assert key == {"fund": "PGTF", "year": "2001"}
        rows = drill.drill(con, params, key)
        assert rows["amount_display"].sum() == pytest.approx(table.loc[row, "2001"])
        total_key = pivot_view.cell_key(pivot, table, (int(row), "fund"))
        assert total_key == {"fund": "PGTF", "year": "Total"}
        assert pivot_view.valid_cell(table, [(99, "2001")]) is None
    finally:
        con.close()


COMBINATIONS = [
    {"dataset": "demo"},
    {"dataset": "real", "fund": "pgtf,direct", "year_from": "2001", "year_to": "2003"},
    {"dataset": "real", "status": "sids", "currency": "EUR"},
    {"dataset": "real", "contributor_kind": "local_government", "modality": "south_south"},
    {"dataset": "real", "contributor": "gov_tha", "stage": "paid"},
    {"dataset": "real", "stage": "expenditure"},  # no such flows: the empty state
]


@pytest.mark.parametrize("query", COMBINATIONS)
def test_the_workbench_pages_run_under_filter_combinations(env, query):
    for page in ("explore", "compare"):
        at = AppTest.from_file(str(APP), default_timeout=60)
        for name, value in query.items():
            at.query_params[name] = value
        at.run()
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, (page, query, at.exception)
        if query.get("stage") == "expenditure":
            assert at.info, (page, "an empty slice says so")


def test_a_saved_views_permalink_restores_its_pivot_in_a_new_session(env):
    view = state.save_view(env, "Flows by kind", "dataset=real&page=explore", "explore",
                           settings={"rows": ["contributor_kind"], "columns": [],
                                     "measure": "flows", "stage_group": "", "side": "all",
                                     "q": ""})  # fmt: skip
    link = view.permalink()
    assert link.startswith("/explore?")
    assert "ex_apply=Flows+by+kind" in link
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, values in parse_qs(link.split("?", 1)[1]).items():
        at.query_params[key] = values[0]
    at.run()
    assert not at.exception
    assert at.selectbox(key="ex_apply").value == "Flows by kind"
    assert list(at.dataframe[0].value.columns[:2]) == ["Contributor kind", "Number of flows"]
    assert at.query_params["ex_apply"] in ("Flows by kind", ["Flows by kind"])
