"""Constant prices in a real browser: the sidebar toggle changes the Overview's figures and
their labels, writes the URL, and switching back restores the current-price figures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from test_dashboard_browser import kpi, params, wait_for_app

pytestmark = pytest.mark.browser
LABEL = "constant 2025 US$ (US CPI-U)"


def tile(page: Page):
    return page.get_by_test_id("stMetric").filter(has_text="Transferred")


def test_the_toggle_switches_the_overview_to_constant_prices_and_back(
    page: Page, app_url: str, shots: Path
):
    page.goto(app_url + "/")
    wait_for_app(page)
    current = kpi(page, "Transferred")
    expect(tile(page)).not_to_contain_text(LABEL)
    page.get_by_test_id("stSidebar").get_by_text("Constant prices", exact=True).click()
    expect(page).to_have_url(re.compile(r"prices=constant"), timeout=30_000)
    expect(tile(page)).to_contain_text(LABEL, timeout=30_000)
    wait_for_app(page)
    constant = kpi(page, "Transferred")
    assert constant != current
    expect(page.get_by_text("US CPI-U through 2025")).to_be_visible()
    expect(page.get_by_text(f"Money by year and stage group ({LABEL})")).to_be_visible()
    expect(page.get_by_text(f"Amounts in {LABEL}").first).to_be_visible()
    assert params(page)["prices"] == "constant"
    page.screenshot(path=str(shots / "overview_constant.png"), full_page=True)
    page.get_by_test_id("stSidebar").get_by_text("Constant prices", exact=True).click()
    expect(tile(page)).not_to_contain_text(LABEL, timeout=30_000)
    wait_for_app(page)
    assert kpi(page, "Transferred") == current
    assert "prices" not in params(page)
