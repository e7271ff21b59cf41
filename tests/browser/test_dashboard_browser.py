"""The dashboard in a real browser: pages draw their charts, filters drive the URL and the
numbers, a copied URL reproduces the view, maps draw with the outside network closed."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, Route, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = pytest.mark.browser
CHART = '[data-testid="stPlotlyChart"] .main-svg'
EXCEPTION = '[data-testid="stException"]'
PAGES = {"overview": "/", "funds": "/funds", "regions": "/regions", "sources": "/sources"}


def wait_for_app(page: Page, charts: int = 1) -> None:
    expect(page.locator(CHART).nth(charts - 1)).to_be_attached(timeout=60_000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)


def kpi(page: Page, label: str) -> str:
    card = page.get_by_test_id("stMetric").filter(has_text=label)
    return card.get_by_test_id("stMetricValue").inner_text()


def params(page: Page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_loads_with_its_charts_drawn_and_no_exception(page, app_url, shots, name):
    page.set_viewport_size({"width": 1400, "height": 2800})  # the whole page in one picture
    page.goto(app_url + PAGES[name])
    wait_for_app(page)
    page.wait_for_timeout(1500)  # let the last charts finish drawing before the picture
    page.screenshot(path=str(shots / f"{name}.png"))
    assert page.locator(CHART).count() >= 1
    expect(page.locator(EXCEPTION)).to_have_count(0)
    assert params(page)["page"] == name
    expect(page.get_by_text("demo data — synthetic").first).to_be_visible()


def choose(page: Page, label: str, option: str) -> None:
    """Pick ``option`` in the sidebar select box ``label`` (opened until its list shows)."""
    box = page.get_by_test_id("stSidebar").get_by_role("combobox", name=label)
    choice = page.get_by_role("option", name=option, exact=True)
    for _ in range(3):
        box.click()
        try:
            choice.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    choice.click()


def test_a_filter_change_updates_the_url_and_the_numbers_and_the_url_reproduces_it(
    page: Page, app_url: str, shots: Path, context
):
    page.goto(app_url + "/")
    wait_for_app(page)
    before = kpi(page, "Transferred")
    assert before.startswith("$")
    choose(page, "Display currency", "EUR")
    expect(page).to_have_url(re.compile(r"currency=EUR"), timeout=30_000)
    expect(page.get_by_test_id("stMetric").filter(has_text="Transferred")
           .get_by_test_id("stMetricValue")).to_contain_text("€", timeout=30_000)  # fmt: skip
    wait_for_app(page)
    after = kpi(page, "Transferred")
    assert after != before
    page.screenshot(path=str(shots / "overview_eur.png"), full_page=True)
    link = page.url
    fresh = context.new_page()
    fresh.goto(link)
    wait_for_app(fresh)
    assert kpi(fresh, "Transferred") == after
    assert params(fresh)["currency"] == "EUR"
    currency = fresh.get_by_test_id("stSidebar").get_by_role("combobox", name="Display currency")
    expect(currency).to_have_value("EUR")
    fresh.close()


def test_a_link_to_another_page_with_filters_opens_that_page_with_them(page, app_url):
    page.goto(app_url + "/?dataset=cited&fund=pgtf&page=funds")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Funds", exact=True)).to_be_visible()
    expect(page.locator(EXCEPTION)).to_have_count(0)
    assert params(page) | {} == {"dataset": "cited", "fund": "pgtf", "page": "funds"}


def test_maps_draw_with_the_outside_network_closed(page: Page, app_url: str, shots: Path):
    blocked: list[str] = []
    served: list[str] = []

    def only_local(route: Route) -> None:
        if route.request.url.startswith("http://127.0.0.1"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.set_viewport_size({"width": 1400, "height": 2400})
    page.context.route("**/*", only_local)
    page.on("response", lambda r: served.append(r.url) if "topojson" in r.url and r.ok else None)
    page.goto(app_url + "/regions")
    wait_for_app(page, charts=2)
    expect(page.locator("path.choroplethlocation").first).to_be_attached(timeout=30_000)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(shots / "regions_offline.png"))
    assert page.locator("path.choroplethlocation").count() > 20
    assert any(url.endswith("/app/static/topojson/world_110m.json") for url in served)
    assert not [url for url in blocked if "topojson" in url or "plot.ly" in url]
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_a_chart_card_downloads_its_data_and_its_picture(page: Page, app_url: str, tmp_path):
    page.goto(app_url + "/")
    wait_for_app(page, charts=3)
    card = page.get_by_test_id("stVerticalBlock").filter(has_text="Money by year").last
    with page.expect_download() as csv:
        card.get_by_role("button", name="CSV").click()
    text = Path(csv.value.path()).read_text(encoding="utf-8")
    assert text.splitlines()[0] == "year,stage_group,amount,flows"
    assert len(text.splitlines()) > 10
    card.locator(CHART).first.hover()
    with page.expect_download() as png:
        card.locator('.modebar-btn[data-title^="Download plot"]').first.click()
    assert png.value.suggested_filename == "money_by_year.png"
    assert Path(png.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
