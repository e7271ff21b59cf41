"""The Sources page reads its duplicate check only when asked, and then shows the duplicates."""

from __future__ import annotations

from pathlib import Path

from dashboard_fixtures import fixture_warehouse  # noqa: F401 (fixture)
from streamlit.testing.v1 import AppTest

from dashboard import i18n

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"


def _sources(live, monkeypatch, dataset: str) -> AppTest:
    monkeypatch.setenv("FUNDFLOWS_WAREHOUSE", str(live))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["dataset"] = dataset
    at.run()
    at.switch_page("app_pages/sources.py").run()
    assert not at.exception, at.exception
    return at


def _titles(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_the_duplicate_check_runs_only_when_asked_and_shows_the_duplicate(
    fixture_warehouse,  # noqa: F811
    monkeypatch,
):
    at = _sources(fixture_warehouse, monkeypatch, "main")
    title = i18n.t("sources.duplicates_title")
    assert title not in _titles(at)
    tables = len(at.dataframe)
    at.toggle(key="src_duplicates").set_value(True).run()
    assert not at.exception
    assert title in _titles(at)
    assert len(at.dataframe) == tables + 1
    shown = at.dataframe[-1].value
    assert shown.iloc[:, :3].values.tolist() == [["u1", "demo", "d1"]]
