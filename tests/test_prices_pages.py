"""Constant prices on the dashboard's pages (AppTest over the built warehouse): the Overview's
tiles name their prices and change, every page runs in constant prices and says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pipelines.store import warehouse

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"


@pytest.fixture(scope="module")
def served(built_warehouse, tmp_path_factory):
    """A private copy of the built warehouse: the dashboard opens its file with the readers'
    configuration, and DuckDB then refuses any other connection to that file in this process
    (the session's built warehouse stays free for the other tests)."""
    live = tmp_path_factory.mktemp("prices_pages") / "warehouse.duckdb"
    live.write_bytes(warehouse.resolve(built_warehouse).read_bytes())
    return live


def test_overview_in_constant_prices_names_them_and_changes_the_figures(served, monkeypatch):
    monkeypatch.setenv("FUNDFLOWS_WAREHOUSE", str(served))

    def overview(**params: str) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=60)
        for key, value in params.items():
            at.query_params[key] = value
        return at.run()

    current, constant = overview(), overview(prices="constant", base_year="2025")
    assert not constant.exception, constant.exception
    label = "constant 2025 US$ (US CPI-U)"
    money = [m for m in constant.metric if label in m.label]
    assert len(money) == 4  # the four stage-group tiles
    assert not any(label in m.label for m in current.metric)
    assert [m.value for m in constant.metric][:4] != [m.value for m in current.metric][:4]
    captions = " ".join(c.value for c in constant.caption)
    assert "US CPI-U through 2025" in " ".join(c.value for c in constant.sidebar.caption)
    assert "Amounts in constant 2025 US$ (US CPI-U)" in captions
    assert constant.query_params["prices"] in ("constant", ["constant"])
    assert constant.sidebar.toggle[0].value is True


@pytest.mark.parametrize("page", ["funds", "regions", "compare", "sources", "explore", "present"])
def test_every_page_runs_in_constant_prices_and_names_them(served, monkeypatch, page):
    monkeypatch.setenv("FUNDFLOWS_WAREHOUSE", str(served))
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.query_params["prices"] = "constant"
    at.query_params["base_year"] = "2010"
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, at.exception
    shown = " ".join(
        [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    )
    if page == "explore":  # pivots stay in current prices, and the page says so
        assert "Explore pivots and rows are in current prices" in shown
    elif page == "sources":
        assert "Constant prices." in shown
        assert len(at.dataframe) >= 1
    elif page != "present":
        assert "constant 2010 US$ (US CPI-U)" in shown, shown[:2000]
