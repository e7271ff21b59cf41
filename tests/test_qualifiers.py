"""Issue 17, point 10: a cited figure stated as "over" or "about" keeps its word.

UNOSSC states the UN Fund for South-South Cooperation's contributions as "over USD 28.5
million" (F022, a cumulative statistic): the Funds page card reads "over $28.5M". Geneva's 2012
grant is "slightly more than CHF 950,000" (F057, a flow): the export carries ``qualifier`` =
``over`` beside the amount.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from dashboard import i18n
from pipelines.store import warehouse

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"


def test_the_build_fills_the_qualifier_from_the_cited_figures(built_warehouse):
    con = warehouse.connect_reader(built_warehouse)
    try:
        stats = dict(
            con.execute(
                "SELECT source_ref, qualifier FROM fund_statistic "
                "WHERE dataset = 'cited' AND qualifier IS NOT NULL"
            ).fetchall()
        )
        flows = dict(
            con.execute(
                "SELECT source_ref, qualifier FROM flow "
                "WHERE dataset = 'cited' AND qualifier IS NOT NULL"
            ).fetchall()
        )
    finally:
        con.close()
    assert stats["F022"] == "over"
    assert stats["F047"] == "about"
    assert flows == {"F057": "over"}


def test_the_export_carries_the_qualifier(built_copy, tmp_path):
    from pipelines.cli import export as cli_export  # noqa: F401  (registers the command)
    from pipelines.cli.app import app

    out = tmp_path / "cited.csv"
    result = CliRunner().invoke(
        app,
        ["export", "--out", str(out), "--warehouse", str(built_copy), "--dataset", "cited"],
    )
    assert result.exit_code == 0, result.output
    back = pd.read_csv(out, dtype=str, keep_default_na=False)
    row = back[back["source_ref"] == "F057"].iloc[0]
    assert (row["qualifier"], row["amount_original"]) == ("over", "950000.0")
    assert set(back["qualifier"]) == {"", "over"}


def test_the_funds_card_says_over_with_the_number(built_copy, monkeypatch):
    # a private copy: the app keeps its reader connection open after the test
    monkeypatch.setenv("FUNDFLOWS_WAREHOUSE", str(built_copy))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["dataset"] = "cited"
    at.query_params["fund"] = "unfssc"
    at.run()
    at.switch_page("app_pages/funds.py").run()
    assert not at.exception, at.exception
    values = [m.value for m in at.metric]
    expected = i18n.t("qualifier.over", amount=i18n.money(28_500_000, "USD"))
    assert expected == "over $28.5M"
    assert expected in values
    assert "$28.5M" not in values  # never the bare number
