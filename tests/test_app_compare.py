"""The Compare page runs, compares contributors and groups, and saves a group (AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from workbench_fixtures import build_fixture_warehouse

from pipelines.appstate import store as state

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    return build_fixture_warehouse(tmp_path_factory.mktemp("appcmp") / "warehouse.duckdb")


@pytest.fixture
def app(live, tmp_path, monkeypatch):
    monkeypatch.setenv("FUNDFLOWS_WAREHOUSE", str(live))
    monkeypatch.setenv("FUNDFLOWS_STATE", str(tmp_path / "state.sqlite"))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["dataset"] = "real"
    at.run()
    at.switch_page("app_pages/compare.py").run()
    assert not at.exception, at.exception
    return at


def _markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_the_compare_page_shows_a_sentence_per_contributor(app):
    chosen = app.multiselect(key="cmp_pick").value
    assert len(chosen) == 3
    text = _markdown(app)
    assert text.count("of its contributions go to") == 3
    assert "peer median" in text


def test_picking_groups_compares_them_with_ranks(app):
    app.multiselect(key="cmp_pick").set_value(["group:g77", "group:dac", "actor:gov_tha"]).run()
    assert not app.exception
    table = app.dataframe[0].value
    assert table.iloc[:, 0].tolist()[:2] == [
        "G-77 members (governments)",
        "DAC members (governments)",
    ]
    assert table.iloc[:, -4].tolist() == ["4", "2", "1"]  # contributors in each


def test_one_pick_asks_for_a_second(app):
    app.multiselect(key="cmp_pick").set_value(["actor:gov_tha"]).run()
    assert "Pick at least two" in app.info[0].value


def test_switching_facet_and_scale_reruns_cleanly(app):
    for facet in ("region", "modality", "status"):
        app.radio(key="cmp_facet").set_value(facet).run()
        app.radio(key="cmp_scale").set_value("amount").run()
        assert not app.exception


def test_a_selection_can_be_saved_as_a_named_group(app, tmp_path):
    app.multiselect(key="cmp_pick").set_value(["actor:gov_tha", "actor:gov_chn"]).run()
    app.text_input(key="cmp_group_name").input("Asian pair")
    app.button[0].click().run()
    assert not app.exception
    [group] = state.list_groups(tmp_path / "state.sqlite")
    assert group.actor_ids == ("gov_tha", "gov_chn")
    app.run()
    assert "Group: Asian pair" in app.multiselect(key="cmp_pick").options
    app.multiselect(key="cmp_pick").set_value(["saved:Asian pair", "actor:gov_tha"]).run()
    assert app.dataframe[0].value.iloc[:, 0].tolist() == ["Group: Asian pair", "Thailand"]
