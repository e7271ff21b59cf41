"""Chart card parts: footer text and flags, plot config, downloads safe for spreadsheets."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from dashboard import components
from dashboard.components import Footer
from pipelines.query import export


def test_footer_states_unit_currency_stages_flows_and_sources():
    footer = Footer(currency="EUR", groups=("promised", "transferred"), flows=1234, sources=3)
    assert components.footer_text(footer) == (
        "Amounts in EUR, converted at the rate of each flow's date · counted: Promised, "
        "Transferred · 1,234 flows · 3 sources"
    )


def test_footer_flags_say_demo_missing_rates_and_pledges():
    footer = Footer(currency="USD", flows_without_rate=12, illustrative=True, pledges_beside=True)
    assert components.footer_flags(footer) == [
        "demo data — synthetic",
        "12 flows without exchange rate not included",
        "pledges shown, not counted in totals",
    ]


def test_a_clean_real_selection_has_no_flags():
    assert components.footer_flags(Footer(currency="USD", flows=5)) == []


def test_maps_read_their_geometry_from_the_app_not_a_cdn():
    config = components.plot_config("map_countries", is_map=True)
    assert config["topojsonURL"] == "/app/static/topojson/"
    assert config["toImageButtonOptions"]["filename"] == "map_countries"
    assert "topojsonURL" not in components.plot_config("sankey")


FORMULAS = pd.DataFrame({"value": ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "ok"],
                         "amount": [1.0, 2.0, 3.0, 4.0, 5.0]})  # fmt: skip


def test_csv_download_neutralises_formula_text():
    text = export.to_csv_bytes(FORMULAS).decode("utf-8")
    assert "'=HYPERLINK" in text
    assert "\r\n'+1," in text
    assert "\r\nok," in text


def test_xlsx_download_keeps_formula_text_as_text():
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes(FORMULAS)))
    cells = [row[0].value for row in book.active.iter_rows(min_row=2)]
    assert cells == ['\'=HYPERLINK("http://x")', "'+1", "'-2", "'@SUM(A1)", "ok"]
    assert [row[1].value for row in book.active.iter_rows(min_row=2)] == [1, 2, 3, 4, 5]
