"""The views a story is made of: query → pure chart builder → one-line headline.

Each view names the counting rules that apply to it (catalogue keys under ``rules.``) and the
stage groups and side its numbers come from (for the flow count and the missing-rate note of
``card_stats``). Builders come from ``dashboard.charts.flows``, ``charts_funds`` and
``charts_geo``, which are pure (DataFrame → Figure) and import no Streamlit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pandas as pd
import plotly.graph_objects as go

from dashboard import m49, prices
from dashboard.charts import flows as charts
from dashboard.charts import funds as charts_funds
from dashboard.charts import geo as charts_geo
from dashboard.filter_state import Filters, sql_params
from dashboard.i18n import Translator
from pipelines.store import warehouse

KPI_GROUPS = ("promised", "transferred", "allocated", "used")
REGIONS_GROUP = "allocated"  # money leaving the funds towards recipients
SANKEY_GROUP = "transferred"


@dataclass(frozen=True)
class ViewResult:
    figure: go.Figure | None  # None: no data for these filters
    headline: str


@dataclass(frozen=True)
class View:
    title_key: str
    rules: tuple[str, ...]
    groups: tuple[str, ...]
    side: str  # card_stats side: given, received or total
    run: Callable[[duckdb.DuckDBPyConnection, Filters, Translator], ViewResult]


def _q(con: duckdb.DuckDBPyConnection, name: str, filters: Filters, **extra: object):
    return warehouse.query(con, name, **sql_params(filters), **extra)


def _empty(tr: Translator) -> ViewResult:
    return ViewResult(None, tr.t("deck.no_data"))


def kpi_figure(values: dict[str, str], labels: dict[str, str]) -> go.Figure:
    """Four tiles, one per stage group, with the amounts already formatted for the locale."""
    fig = go.Figure()
    for i, group in enumerate(KPI_GROUPS):
        x = (i + 0.5) / len(KPI_GROUPS)
        line = {"color": charts.GROUP_COLOURS[group], "width": 4}
        fig.add_shape(type="rect", xref="paper", yref="paper", x0=x - 0.115, x1=x + 0.115,
                      y0=0.2, y1=0.8, line=line)  # fmt: skip
        where = {"x": x, "xref": "paper", "yref": "paper", "showarrow": False, "xanchor": "center"}
        fig.add_annotation(y=0.6, text=f"<b>{values[group]}</b>", font={"size": 34}, **where)
        fig.add_annotation(y=0.35, text=labels[group], font={"size": 20}, **where)
    fig.update_layout(xaxis={"visible": False}, yaxis={"visible": False},
                      plot_bgcolor="#ffffff", **charts.LAYOUT)  # fmt: skip
    return fig


def _kpis(con, filters: Filters, tr: Translator) -> ViewResult:
    df = _q(con, "overview_kpis", filters)
    total = df[df["is_total"] == 1]  # not the row of flows whose year is unknown
    if total.empty or not int(total.iloc[0]["flows"] or 0):
        return _empty(tr)
    row = total.iloc[0]
    values = {g: tr.money(row[g], filters.currency) for g in KPI_GROUPS}
    labels = {g: chart_label("group", g) for g in KPI_GROUPS}
    if prices.is_constant(filters):  # each money tile names its prices
        unit = prices.unit_of(con, filters, tr.t)
        labels = {g: f"{text} · {unit}" for g, text in labels.items()}
    headline = tr.t("story.kpis_headline", transferred=values["transferred"],
                    promised=values["promised"])  # fmt: skip
    return ViewResult(kpi_figure(values, labels), headline)


def chart_label(kind: str, code: object) -> str:
    from dashboard.i18n import label

    return label(kind, code)


def _sankey(con, filters: Filters, tr: Translator) -> ViewResult:
    links = _q(con, "overview_sankey", filters, group=SANKEY_GROUP, by="kind")
    if links.empty:
        return _empty(tr)
    funds = warehouse.query(con, "options_funds")
    names = {name: tr.region(code) for code, name in m49.ENGLISH.items()}  # M49, in words
    shorts = zip(funds["fund_id"], funds["short_name"], strict=True)
    names |= {fund: tr.fund(fund, english=short) for fund, short in shorts}
    names |= {c: chart_label("channel", c) for c in ("local_private", "direct")}
    names |= {k: chart_label("kind", k) for k in links.loc[links["side"] == "in", "source"]}
    given, received = links[links["side"] == "in"], links[links["side"] == "out"]
    amount = tr.money(given["amount"].sum(), filters.currency)
    headline = tr.t("story.sankey_headline", amount=amount,
                    channels=tr.number(given["target"].nunique()),
                    regions=tr.number(received["target"].nunique()))  # fmt: skip
    return ViewResult(charts.sankey(links, names, prices.unit_of(con, filters, tr.t)), headline)


def _funds(con, filters: Filters, tr: Translator) -> ViewResult:
    df = _q(con, "fund_by_year", filters)
    if df.empty:
        return _empty(tr)
    pledged = df[df["promised"].fillna(0) > 0]
    if pledged.empty:
        headline = tr.t("story.funds_headline_none")
    else:
        rate = pledged["transferred"].sum() / pledged["promised"].sum()
        headline = tr.t("story.funds_headline", rate=tr.percent(rate))
    fig = charts_funds.pledged_vs_paid(df, prices.unit_of(con, filters, tr.t))
    fig.update_xaxes(tickformat="d", dtick=1 if len(df) <= 12 else None)  # years, not 2,018.5
    return ViewResult(fig, headline)


def _regions(con, filters: Filters, tr: Translator) -> ViewResult:
    df = _q(con, "regions_map", filters, group=REGIONS_GROUP, direction="received")
    df = df.dropna(subset=["amount"])
    if df.empty:
        return _empty(tr)
    df = df.assign(
        country=[tr.country(i, c) for i, c in zip(df["iso3"], df["country"], strict=True)]
    )
    top = df.sort_values("amount", ascending=False).iloc[0]
    headline = tr.t("story.regions_headline", place=top["country"],
                    amount=tr.money(top["amount"], filters.currency),
                    share=tr.percent(top["amount"] / df["amount"].sum()))  # fmt: skip
    return ViewResult(charts_geo.choropleth(df, prices.unit_of(con, filters, tr.t)), headline)


def _cities(con, filters: Filters, tr: Translator) -> ViewResult:
    df = _q(con, "regions_city_links", filters)
    if df.empty:
        return _empty(tr)
    cities = pd.concat([df["from_city"], df["to_city"]]).nunique()
    headline = tr.t("story.cities_headline", links=tr.number(len(df)), cities=tr.number(cities))
    return ViewResult(charts_geo.city_links(df, prices.unit_of(con, filters, tr.t)), headline)


ALWAYS = ("rules.converted", "rules.breakdowns", "rules.illustrative")
VIEWS: dict[str, View] = {
    "kpis": View(
        "story.kpis_title",
        ("rules.promised_apart", "rules.legs_apart", "rules.stocks_apart", *ALWAYS),
        (),
        "total",
        _kpis,
    ),  # fmt: skip
    "sankey": View(
        "story.sankey_title", ("rules.legs_apart", *ALWAYS), (SANKEY_GROUP,), "total", _sankey
    ),  # fmt: skip
    "funds": View(
        "story.funds_title",
        ("rules.promised_apart", "rules.stocks_apart", *ALWAYS),
        ("promised", "transferred"),
        "given",
        _funds,
    ),  # fmt: skip
    "regions": View(
        "story.regions_title", ("rules.legs_apart", *ALWAYS), (REGIONS_GROUP,), "received", _regions
    ),  # fmt: skip
    "cities": View("story.cities_title", ("rules.partnerships", *ALWAYS), (), "total", _cities),
}
