"""Text from data is text (issue 15, point 7): the one escaping helper, the chart builders'
figures, and every page run over a warehouse whose loaded names are links, images, raw HTML
and Markdown emphasis (AppTest: the Markdown each element receives renders no link, image or
emphasis from data, and shows the names as written)."""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest
from textsafe_fixtures import (
    GROUP_NAME,
    HOSTILE,
    HOSTILE_FILE,
    VIEW_NAME,
    hostile_warehouse,
    markup_in,
    rendered,
    source_links,
)

from dashboard import safe_text
from dashboard.charts import flows as charts
from dashboard.charts import funds as charts_funds
from dashboard.charts import geo as charts_geo
from dashboard.workbench import compare as compare_view

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"
MORE = (
    "see www.example.invalid or mail me@example.invalid or https://example.invalid/z",
    ":red[x] :material/home: $x^2$ `code` # title",
    "- item\n1. one\n> quote\n| a | b |",
    "a\\*b\\\\ &amp; &lt;b&gt; 1 < 2 > 0 & AT&T _x_ a_b __y__ ~~z~~",
    "# heading",
    "12) twelve",
    "    four spaces",
)
TEMPLATE_KEYS = {"hovertemplate", "texttemplate"}  # written by the code, not data


# ---- the helper ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", HOSTILE + MORE)
def test_md_renders_no_markup_and_shows_the_text_as_written(name):
    escaped = safe_text.md(name)
    assert markup_in(escaped) == []
    _html, text = rendered(escaped)
    assert text.strip() == " ".join(name.split("\n")).strip()


def test_md_breaks_autolinks_with_an_invisible_word_joiner_only():
    escaped = safe_text.md("https://example.invalid www.example.invalid me@example.invalid")
    plain = escaped.replace("\\", "")
    assert "://" not in plain
    assert "www." not in plain
    assert escaped.count(safe_text.WORD_JOINER) == 3


def test_md_keeps_plain_names_unchanged_and_takes_any_value():
    assert safe_text.md("Thailand") == "Thailand"
    assert safe_text.md("Pérez-Guerrero (PGTF), 2.5 m; year_from=1") == (
        "Pérez-Guerrero (PGTF), 2.5 m; year_from=1"
    )  # ordinary punctuation stays as it is
    assert safe_text.md(None) == ""
    assert safe_text.md(ValueError("bad [x](y)")) == "bad \\[x\\](y)"
    assert safe_text.md("- a") == "\\- a"  # a list, a heading or a rule at the start
    assert safe_text.md("12. a") == "12\\. a"


@pytest.mark.parametrize("name", HOSTILE + MORE)
def test_plot_escapes_every_tag_and_entity_plotly_would_read(name):
    escaped = safe_text.plot(name)
    assert "<" not in escaped
    assert ">" not in escaped
    assert html.unescape(escaped) == name  # Plotly decodes &lt; &gt; &amp; back to text


def test_html_escapes_quotes_too():
    assert safe_text.html('<a href="x">') == "&lt;a href=&quot;x&quot;&gt;"


def test_md_link_keeps_web_links_and_refuses_other_schemes():
    link = safe_text.md_link("**UN** doc", "https://example.invalid/a b(c)")
    assert link == "[\\*\\*UN\\*\\* doc](<https://example.invalid/a%20b(c)>)"
    out, text = rendered(link)
    assert out.count("<a ") == 1
    assert "<strong" not in out
    assert text.strip() == "**UN** doc"
    for bad in ("javascript:alert(1)", "data:text/html,x", "", None):
        assert "<a " not in rendered(safe_text.md_link("t", bad))[0]


# ---- figures ---------------------------------------------------------------------------------


def _strings(node: object, key: str = "") -> list[str]:
    """Every string of a figure's data (its traces), templates written by the code left out."""
    if isinstance(node, str):
        return [] if key in TEMPLATE_KEYS else [node]
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in _strings(v, k)]
    if isinstance(node, list | tuple):
        return [s for v in node for s in _strings(v, key)]
    return []


def _figures() -> dict[str, go.Figure]:
    a, b, c = HOSTILE[0], HOSTILE[2], HOSTILE[3]
    links = pd.DataFrame({"side": ["in", "out"], "source": [a, "pgtf"], "target": ["pgtf", b],
                          "amount": [5.0, 3.0], "flows": [1, 1]})  # fmt: skip
    money = pd.DataFrame({"contributor": [a, b], "promised": [1.0, 2.0],
                          "transferred": [1.0, 1.0]})  # fmt: skip
    regions = pd.DataFrame({"region": [a, b], "country": [c, HOSTILE[4]], "amount": [1.0, 2.0]})
    events = pd.DataFrame({"event_date": [pd.Timestamp("2020-01-01")], "year": [2020],
                           "kind": ["established"], "description": [c]})  # fmt: skip
    cities = pd.DataFrame({"kind": ["partnership"], "from_city": [a], "to_city": [c],
                           "from_lat": [1.0], "from_lon": [2.0], "to_lat": [3.0],
                           "to_lon": [4.0]})  # fmt: skip
    mix = pd.DataFrame({"entity": [a, b], "category": [c, c], "share": [0.5, 0.5],
                        "amount": [1.0, 1.0]})  # fmt: skip
    bench = pd.DataFrame({"category": [b], "share": [0.5], "peer_median": [0.2]})
    return {
        "sankey": charts.sankey(links, {"pgtf": HOSTILE[1]}, "USD"),
        "modality": charts.by_modality(
            pd.DataFrame({"stage_group": ["promised"], "modality": ["m"], "amount": [1.0]}),
            {"m": b},
            "USD",
        ),
        "coverage": charts.coverage(
            pd.DataFrame({"channel": [a], "year": [2020], "flows": [3]}), {}
        ),
        "contributors": charts_funds.contributors(money, "USD"),
        "treemap": charts_funds.treemap(regions, "USD"),
        "timeline": charts_funds.timeline(events),
        "choropleth": charts_geo.choropleth(
            pd.DataFrame({"iso3": ["SEN"], "amount": [1.0], "country": [c]}), "USD"
        ),
        "cities": charts_geo.city_links(cities, "USD"),
        "region_modality": charts_geo.region_modality(
            regions.assign(subregion=c, modality="m"), {"m": a}, "USD"
        ),
        "mix": compare_view.mix_figure(mix, "share", {c: c}, "share"),
        "trend": compare_view.trend_figure(mix.assign(category=[2020, 2021]), "USD"),
        "peers": compare_view.peer_figure(bench, {}, a, "median"),
    }


@pytest.mark.parametrize("name", list(_figures()))
def test_a_figure_shows_data_text_as_written_after_escaping(name):
    fig = _figures()[name]
    raw = _strings(json.loads(fig.to_json())["data"])
    assert any("<" in s or "[" in s for s in raw), "the builder puts the hostile names in"
    safe = _strings(json.loads(safe_text.figure(fig).to_json())["data"])
    assert not [s for s in safe if "<" in s or ">" in s]
    assert sorted(html.unescape(s) for s in safe) == sorted(raw)  # same text, escaped once


# ---- pages (AppTest) over the loaded hostile names --------------------------------------------


@pytest.fixture(scope="module")
def hostile(built_warehouse, tmp_path_factory):
    return hostile_warehouse(built_warehouse, tmp_path_factory.mktemp("textsafe"))


@pytest.fixture(autouse=False)
def served(hostile, monkeypatch):
    live, store = hostile
    monkeypatch.setenv("FUNDFLOWS_WAREHOUSE", str(live))
    monkeypatch.setenv("FUNDFLOWS_STATE", str(store))


def _open(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["dataset"] = "main"
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != "overview":
        at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def _markdown_of(at: AppTest) -> list[str]:
    """What each element hands to Streamlit's Markdown renderer."""
    kinds = ("markdown", "caption", "info", "warning", "error", "success", "title", "header",
             "subheader")  # fmt: skip
    texts = [e.value for kind in kinds for e in getattr(at, kind)]
    texts += [m.label for m in at.metric] + [m.proto.help for m in at.metric if m.proto.help]
    return texts


def _shown(at: AppTest) -> str:
    return "\n".join(rendered(t)[1] for t in _markdown_of(at))


def _chart_strings(at: AppTest) -> list[str]:
    return [s for c in at.get("plotly_chart") for s in _strings(json.loads(c.proto.spec)["data"])]


def _check(at: AppTest) -> None:
    """No element renders a link (but to a bundled source document), an image or emphasis
    from data, nor an address that GitHub's autolinks (which Streamlit's Markdown applies)
    would turn into a link."""
    allowed = source_links(Path(os.environ["FUNDFLOWS_WAREHOUSE"]))
    for text in _markdown_of(at):
        out, _shown_text = rendered(text)
        hrefs = re.findall(r'<a href="([^"]*)"', out)
        assert out.count("<a ") == len(hrefs), text
        assert {html.unescape(h) for h in hrefs} <= allowed, text
        out = re.sub(r"<a href=[^>]*>", "<a>", out)  # the allowed addresses hold "://"
        assert "<img" not in out, text
        assert "<strong>bold</strong>" not in out, text
        assert "://" not in html.unescape(out), text
        assert "www." not in html.unescape(out), text
    for s in _chart_strings(at):
        assert "<" not in s, s
        assert ">" not in s, s


@pytest.mark.usefixtures("served")
def test_overview_shows_the_loaded_file_name_as_written():
    at = _open("overview")
    _check(at)
    assert HOSTILE_FILE in _shown(at)


@pytest.mark.usefixtures("served")
def test_funds_page_shows_contributor_names_as_written_in_its_chart():
    at = _open("funds", fund="pgtf")
    _check(at)
    names = {html.unescape(s) for s in _chart_strings(at)}
    assert set(HOSTILE) <= names


@pytest.mark.usefixtures("served")
def test_compare_sentences_titles_and_legends_show_names_as_written():
    at = _open("compare")
    options = at.multiselect(key="cmp_pick").options
    assert HOSTILE[0] in options  # options are plain text, shown as written
    _check(at)
    shown = _shown(at)
    chosen = [n for n in HOSTILE if f"{n}: " in shown]  # the generated sentences, as written
    assert len(chosen) == 3  # the three largest contributors are picked first
    legends = {html.unescape(s) for s in _chart_strings(at)}
    assert set(chosen) <= legends
    assert f"Group: {GROUP_NAME}" in options
    at.multiselect(key="cmp_pick").set_value([f"saved:{GROUP_NAME}", "group:private"]).run()
    assert not at.exception
    _check(at)
    assert f"Group: {GROUP_NAME}: " in _shown(at)


@pytest.mark.usefixtures("served")
@pytest.mark.parametrize("page", ["regions", "explore", "sources", "present"])
def test_other_pages_render_no_markup_from_data(page):
    _check(_open(page))


@pytest.mark.usefixtures("served")
def test_explore_search_and_saved_view_names_show_as_written():
    at = _open("explore")
    at.text_input(key="ex_search").input("bold").run()
    assert not at.exception
    _check(at)
    assert "**bold**" in _shown(at)
    at.text_input(key="ex_view_name").input("[n](http://example.invalid/n)")
    at.button[0].click().run()
    assert not at.exception
    _check(at)
    assert "[n](http://example.invalid/n)" in _shown(at).replace("\u2060", "")
    assert VIEW_NAME in at.selectbox(key="ex_apply").options  # plain text
