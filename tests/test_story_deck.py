"""The default story and saved views rendered from a real warehouse, and the deck/chart CLI.

Uses the dashboard's fixture warehouse, whose demo totals are known exactly (promised
2,000,000 · transferred 2,060,000 + 1 flow without a rate · allocated 500,000 · used 250,000).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from dashboard_fixtures import make_fixture_warehouse
from pptx import Presentation
from typer.testing import CliRunner

from dashboard.filter_state import Filters
from dashboard.i18n import translator
from dashboard.present import chart_images as chart_export
from dashboard.present import commands as _registers_deck_commands  # noqa: F401
from dashboard.present import deck_pdf, story
from pipelines.appstate import store as state
from pipelines.cli.app import app
from pipelines.store import warehouse

RES = "A/RES/58/220 — Resolution 58/220 (UN, 2003)"
MAYORS = "A/CONF.191/L.11 — Mayors meeting (UN, 2001)"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_fixture_warehouse(tmp_path_factory.mktemp("story") / "warehouse.duckdb")


@pytest.fixture(scope="module")
def con(live: Path):
    connection = warehouse.connect_plain(live)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def demo_slides(con) -> list[story.Slide]:
    tr = translator("en")
    return [story.render(con, item, tr) for item in story.default_story(Filters(dataset="demo"))]


def test_default_story_goes_from_kpis_to_the_city_map(demo_slides):
    assert [s.view for s in demo_slides] == ["kpis", "sankey", "funds", "regions", "cities"]
    assert all(s.figure is not None for s in demo_slides)
    assert all(s.demo for s in demo_slides)


def test_headlines_state_the_figures_the_sql_gives(demo_slides):
    headlines = {s.view: s.headline for s in demo_slides}
    assert headlines["kpis"] == "$2.1M transferred, $2M promised"
    assert headlines["funds"] == (
        "In the years with pledges, 50.0% of the money promised was transferred"
    )
    assert headlines["regions"] == "Senegal received the most: $300K (60.0% of the total)"


def test_slides_cite_their_sources_most_used_first_and_the_missing_rate(demo_slides):
    kpis = demo_slides[0]
    assert [d.citation for d in kpis.sources] == [RES, MAYORS]
    assert kpis.flows == 10
    assert kpis.notes == ("Flows without an exchange rate, not included in the amounts: 1.",)
    assert any("never added" in rule for rule in kpis.rules)


def test_real_dataset_slides_carry_no_demo_flag(con):
    slide = story.render(con, story.StoryItem("kpis", Filters(dataset="cited")))
    assert slide.demo is False
    assert slide.headline == "$520K transferred, – promised"


def test_an_empty_selection_gives_a_slide_without_chart(con):
    item = story.StoryItem("regions", Filters(dataset="demo", year_from=2030, year_to=2031))
    slide = story.render(con, item)
    assert slide.figure is None
    assert slide.headline == "No data for these filters."


def test_saved_views_become_slides_with_their_own_filters(con, tmp_path):
    path = tmp_path / "state.sqlite"
    state.save_view(
        path, "PGTF 2019", "dataset=demo&fund=pgtf&year_from=2019&year_to=2019", "funds"
    )
    items = story.saved_story(path, ["PGTF 2019"], story.load_choices(con), lang="en")
    assert items[0].view == "funds"
    assert items[0].filters.fund == ("pgtf",)
    slide = story.render(con, items[0])
    assert slide.title == "Promised and transferred money per year — PGTF 2019"
    assert slide.headline.endswith("50.0% of the money promised was transferred")


def _run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_deck_command_writes_pptx_with_story_slides_and_footnotes(live, tmp_path):
    out = tmp_path / "talk.pptx"
    result = _run("deck", "--out", str(out), "--warehouse", str(live))
    assert result.exit_code == 0, result.output
    prs = Presentation(str(out))
    titles = [s.shapes.title.text for s in prs.slides]
    assert titles[0] == "Funding flows for South-South and city-to-city cooperation"
    assert titles[1:] == [
        "Money by stage group",
        "From contributors through funds and channels to recipient regions",
        "Promised and transferred money per year",
        "Money received by country",
        "City-to-city partnerships and flows",
        "Source documents",
    ]
    notes = [sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.name == "footnotes"]
    assert len(notes) == 5
    assert notes[0] == f"Sources: [1] {RES}; [2] {MAYORS}"
    demo = [sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.name == "demo_notice"]
    assert demo == ["Demo data — synthetic"] * 7


def test_deck_command_writes_an_arabic_pdf_with_one_page_per_slide(live, tmp_path):
    out = tmp_path / "talk.pdf"
    args = ("deck", "--lang", "ar", "--format", "pdf", "--out", str(out), "--warehouse", str(live))
    result = _run(*args)
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert deck_pdf.pdf_page_count(data) == 7
    assert re.search(rb"/FontName\s*/[A-Z]{6}\+DejaVuSans", data)  # the Arabic glyphs' font
    assert "(الشرائح: 7)" in result.output


def test_chart_command_writes_a_png_at_twice_the_slide_size(live, tmp_path):
    out = tmp_path / "sankey.png"
    result = _run("chart", "sankey", "--format", "png", "--out", str(out), "--warehouse", str(live))
    assert result.exit_code == 0, result.output
    assert chart_export.png_size(out.read_bytes()) == (2400, 1350)


def test_unknown_chart_or_view_exits_2_naming_the_choices(live, tmp_path):
    result = _run("chart", "pie", "--out", str(tmp_path / "x.png"), "--warehouse", str(live))
    assert result.exit_code == 2
    assert "kpis, sankey, funds, regions, cities" in result.output
    state_path = tmp_path / "state.sqlite"
    state.save_view(state_path, "mine", "dataset=demo", "overview")
    result = _run("deck", "--view", "nope", "--out", str(tmp_path / "t.pptx"),
                  "--state", str(state_path), "--warehouse", str(live))  # fmt: skip
    assert result.exit_code == 2
    assert "No saved view named nope. Saved views: mine." in result.output


def test_kpi_headline_takes_the_grand_total_when_some_years_are_unknown(built_warehouse):
    con = warehouse.connect_plain(built_warehouse)
    try:
        unknown = con.execute(
            "SELECT count(*) FROM flow WHERE dataset = 'cited' AND year IS NULL"
        ).fetchone()[0]
        total = con.execute(
            "SELECT sum(amount) FROM flows_filtered('cited', NULL, NULL, [], [], [], [], [], [],"
            " [], [], 'USD') WHERE NOT is_part AND stage_group = 'transferred' AND in_group_total"
        ).fetchone()[0]
        slide = story.render(con, story.StoryItem("kpis", Filters(dataset="cited")))
    finally:
        con.close()
    assert unknown >= 1  # the bundled cited data has a flow with no year: two NULL-year rows
    assert slide.headline.startswith(f"{translator('en').money(total)} transferred")


def test_deck_of_saved_views_has_one_slide_per_view_in_their_order(live, tmp_path):
    state_path = tmp_path / "state.sqlite"
    state.save_view(state_path, "PGTF 2019", "dataset=demo&fund=pgtf&year_from=2019&year_to=2019",
                    "funds")  # fmt: skip
    state.save_view(state_path, "Map", "dataset=demo", "regions")
    out = tmp_path / "views.pptx"
    result = _run("deck", "--view", "Map", "--view", "PGTF 2019", "--out", str(out),
                  "--state", str(state_path), "--warehouse", str(live))  # fmt: skip
    assert result.exit_code == 0, result.output
    titles = [s.shapes.title.text for s in Presentation(str(out)).slides]
    assert titles[1:3] == [
        "Money received by country — Map",
        "Promised and transferred money per year — PGTF 2019",
    ]
    assert len(titles) == 4


def test_saved_views_keep_their_own_dataset_unless_one_is_given(live, tmp_path):
    state_path = tmp_path / "state.sqlite"
    state.save_view(state_path, "Cited flows", "dataset=cited", "overview")
    common = ("--view", "Cited flows", "--state", str(state_path), "--warehouse", str(live))
    own, forced = tmp_path / "own.pptx", tmp_path / "forced.pptx"
    assert _run("deck", "--out", str(own), *common).exit_code == 0
    assert _run("deck", "--out", str(forced), "--dataset", "demo", *common).exit_code == 0

    def notices(path: Path) -> int:
        slides = Presentation(str(path)).slides
        return sum(1 for s in slides for sh in s.shapes if sh.name == "demo_notice")

    assert notices(own) == 0  # real (cited) rows: no demo notice
    assert notices(forced) == 3  # --dataset demo: the notice on every slide
