"""Pure chart builders: DataFrame in, plotly Figure out (no Streamlit, no database).

Colours: the Okabe–Ito palette (safe for the common colour-vision deficiencies), one fixed
colour per fund / channel and per stage group, so a fund looks the same on every page.
Builders take codes and a ``names`` mapping for display, so colours follow codes.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from dashboard.i18n import label, t

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442",
             "#000000")  # fmt: skip
GREY = "#999999"
CHANNEL_COLOURS = {"pgtf": "#0072B2", "unfssc": "#E69F00", "cities_fund": "#009E73",
                   "dgttf": "#CC79A7", "local_private": "#D55E00", "direct": "#56B4E9"}  # fmt: skip
GROUP_COLOURS = {"promised": "#E69F00", "transferred": "#0072B2", "allocated": "#009E73",
                 "used": "#CC79A7"}  # fmt: skip
MODALITY_COLOURS = {"south_south": "#009E73", "triangular": "#E69F00", "north_south": "#0072B2",
                    "city_to_city": "#CC79A7", "local_private": "#D55E00",
                    "multilateral": "#56B4E9", "unspecified": GREY}  # fmt: skip
GROUP_ORDER = ("promised", "transferred", "allocated", "used")
LAYOUT = {
    "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
    "legend": {"orientation": "h", "y": -0.15},
    "font": {"family": "Noto Sans, Liberation Sans, sans-serif"},
}


def channel_colour(channel: str) -> str:
    """The fixed colour of a fund or channel; related funds share a neutral grey."""
    return CHANNEL_COLOURS.get(channel, GREY)


def _name(names: Mapping[str, str] | None, code: object) -> str:
    return (names or {}).get(str(code), str(code))


def _money_hover(currency: str) -> str:
    return "%{y:,.0f} " + currency


def _figure() -> go.Figure:
    fig = go.Figure()
    fig.update_layout(**LAYOUT)
    return fig


def top_n_other(df: pd.DataFrame, label: str, value: str, n: int, other: str) -> pd.DataFrame:
    """The ``n`` largest rows by ``value``; the rest summed into one row labelled ``other``."""
    ordered = df.sort_values(value, ascending=False, na_position="last")
    if len(ordered) <= n:
        return ordered.reset_index(drop=True)
    head, tail = ordered.iloc[:n], ordered.iloc[n:]
    numeric = tail.select_dtypes("number").sum(min_count=1)
    rest = {col: numeric.get(col) for col in df.columns if col in numeric.index}
    rest[label] = other
    return pd.concat([head, pd.DataFrame([rest])], ignore_index=True)


def fold_small_links(links: pd.DataFrame, threshold: float, other: str) -> pd.DataFrame:
    """Links below ``threshold`` (a share of their side's total) folded into ``other``.

    On the left side the contributor end becomes ``other``; on the right side the recipient
    end. Columns: side, source, target, amount, flows.
    """
    parts = []
    for side, group in links.groupby("side", sort=True):
        total = group["amount"].sum()
        small = group["amount"] < threshold * total
        end = "source" if side == "in" else "target"
        group = group.assign(**{end: group[end].where(~small, other)})
        parts.append(group.groupby(["side", "source", "target"], as_index=False)[
            ["amount", "flows"]].sum())  # fmt: skip
    if not parts:
        return links.iloc[0:0]
    return pd.concat(parts, ignore_index=True)


def sankey(links: pd.DataFrame, names: Mapping[str, str], currency: str) -> go.Figure:
    """Contributor → channel → recipient region. Left and right nodes are separate columns
    (a region can give and receive); channel nodes carry the fund colours."""
    keys: list[tuple[str, str]] = []
    for row in links.itertuples():
        left = ("src", row.source) if row.side == "in" else ("chan", row.source)
        right = ("chan", row.target) if row.side == "in" else ("dst", row.target)
        for key in (left, right):
            if key not in keys:
                keys.append(key)
    index = {key: i for i, key in enumerate(keys)}
    colours = [channel_colour(code) if col == "chan" else GREY for col, code in keys]
    sources, targets = [], []
    for row in links.itertuples():
        sources.append(index[("src", row.source) if row.side == "in" else ("chan", row.source)])
        targets.append(index[("chan", row.target) if row.side == "in" else ("dst", row.target)])
    fig = _figure()
    fig.add_trace(go.Sankey(
        arrangement="snap",
        node={"label": [_name(names, code) for _, code in keys], "color": colours, "pad": 12},
        link={"source": sources, "target": targets, "value": links["amount"].tolist(),
              "hovertemplate": "%{source.label} → %{target.label}: %{value:,.0f} " + currency},
    ))  # fmt: skip
    return fig


def by_year(df: pd.DataFrame, currency: str) -> go.Figure:
    """Money by year, one bar series per stage group, side by side (never stacked)."""
    fig = _figure()
    for group in GROUP_ORDER:
        part = df[df["stage_group"] == group]
        if len(part):
            fig.add_trace(go.Bar(x=part["year"], y=part["amount"], name=t(f"group.{group}"),
                                 marker_color=GROUP_COLOURS[group],
                                 hovertemplate=_money_hover(currency)))  # fmt: skip
    fig.update_layout(barmode="group", yaxis_title=currency, xaxis_title=t("axis.year"))
    return fig


def by_modality(df: pd.DataFrame, names: Mapping[str, str], currency: str) -> go.Figure:
    """Money by modality, one bar series per stage group, side by side."""
    fig = _figure()
    for group in GROUP_ORDER:
        part = df[df["stage_group"] == group]
        if len(part):
            fig.add_trace(go.Bar(y=[_name(names, m) for m in part["modality"]], x=part["amount"],
                                 orientation="h", name=t(f"group.{group}"),
                                 marker_color=GROUP_COLOURS[group],
                                 hovertemplate="%{x:,.0f} " + currency))  # fmt: skip
    fig.update_layout(barmode="group", xaxis_title=currency)
    return fig


def contributors(df: pd.DataFrame, currency: str) -> go.Figure:
    """Promised and transferred by contributor (horizontal bars, largest on top)."""
    fig = _figure()
    ordered = df.iloc[::-1]
    for group in ("promised", "transferred"):
        fig.add_trace(go.Bar(y=ordered["contributor"], x=ordered[group], orientation="h",
                             name=t(f"group.{group}"), marker_color=GROUP_COLOURS[group],
                             hovertemplate="%{x:,.0f} " + currency))  # fmt: skip
    fig.update_layout(barmode="group", xaxis_title=currency)
    return fig


def pledged_vs_paid(df: pd.DataFrame, currency: str) -> go.Figure:
    """Promised vs transferred per year (bars) and the fulfilment rate (line, right axis)."""
    fig = _figure()
    for group in ("promised", "transferred"):
        fig.add_trace(go.Bar(x=df["year"], y=df[group], name=t(f"group.{group}"),
                             marker_color=GROUP_COLOURS[group],
                             hovertemplate=_money_hover(currency)))  # fmt: skip
    fig.add_trace(go.Scatter(x=df["year"], y=df["fulfilment"], name=t("funds.fulfilment"),
                             mode="lines+markers", yaxis="y2", line_color="#000000",
                             hovertemplate="%{y:.0%}"))  # fmt: skip
    fig.update_layout(barmode="group", yaxis_title=currency,
                      yaxis2={"overlaying": "y", "side": "right", "tickformat": ".0%",
                              "showgrid": False, "rangemode": "tozero"})  # fmt: skip
    return fig


def treemap(df: pd.DataFrame, currency: str) -> go.Figure:
    """Allocations by region (parent) and country (leaf)."""
    regions = df.groupby("region", as_index=False)["amount"].sum()
    ids = [f"r:{r}" for r in regions["region"]] + [
        f"c:{r}:{c}" for r, c in zip(df["region"], df["country"], strict=True)
    ]
    labels = list(regions["region"]) + list(df["country"])
    parents = [""] * len(regions) + [f"r:{r}" for r in df["region"]]
    values = list(regions["amount"]) + list(df["amount"])
    fig = _figure()
    fig.add_trace(go.Treemap(ids=ids, labels=labels, parents=parents, values=values,
                             branchvalues="total",
                             hovertemplate="%{label}: %{value:,.0f} " + currency))  # fmt: skip
    return fig


def region_modality(df: pd.DataFrame, names: Mapping[str, str], currency: str) -> go.Figure:
    """Money received by sub-region (grouped under its region), stacked by modality: modalities
    partition one stage group on one side, so stacking adds like with like."""
    df = df.assign(where=df["region"] + " · " + df["subregion"])
    order = df.groupby("where")["amount"].sum().sort_values().index.tolist()
    fig = _figure()
    for modality, part in df.groupby("modality", sort=True):
        part = part.set_index("where").reindex(order)
        fig.add_trace(go.Bar(y=order, x=part["amount"], orientation="h",
                             name=_name(names, modality),
                             marker_color=MODALITY_COLOURS.get(str(modality), GREY),
                             hovertemplate="%{x:,.0f} " + currency))  # fmt: skip
    fig.update_layout(barmode="stack", xaxis_title=currency)
    return fig


def status_shares(row: Mapping[str, float]) -> go.Figure:
    """Shares of the money received that went to LDCs, LLDCs and SIDS (each out of the total)."""
    total = row.get("total") or 0
    statuses = ("ldc", "lldc", "sids")
    shares = [(row.get(s) or 0) / total if total else 0 for s in statuses]
    fig = _figure()
    fig.add_trace(go.Bar(x=[t(f"status.{s}") for s in statuses], y=shares,
                         marker_color=[OKABE_ITO[i] for i in range(3)],
                         text=[f"{v:.0%}" for v in shares], textposition="outside",
                         hovertemplate="%{y:.1%}"))  # fmt: skip
    fig.update_layout(yaxis={"tickformat": ".0%", "range": [0, 1.1]})
    return fig


def coverage(df: pd.DataFrame, names: Mapping[str, str]) -> go.Figure:
    """Which channels have data in which years (number of flows per cell)."""
    grid = df.pivot_table(index="channel", columns="year", values="flows", aggfunc="sum")
    fig = _figure()
    fig.add_trace(go.Heatmap(z=grid.values, x=[int(y) for y in grid.columns],
                             y=[_name(names, c) for c in grid.index], colorscale="Blues",
                             hovertemplate="%{y} %{x}: %{z} " + t("axis.flows")))  # fmt: skip
    return fig


def timeline(df: pd.DataFrame) -> go.Figure:
    """Dated events of a fund on a time axis, the description beside each point."""
    dates = [
        d if pd.notna(d) else pd.Timestamp(int(y), 7, 1)
        for d, y in zip(df["event_date"], df["year"], strict=True)
    ]
    fig = _figure()
    fig.add_trace(go.Scatter(x=dates, y=[0] * len(df), mode="markers+text",
                             text=[label("event", k) for k in df["kind"]],
                             textposition="top center", marker={"size": 12, "color": "#0072B2"},
                             hovertext=df["description"], hoverinfo="text+x"))  # fmt: skip
    fig.update_layout(yaxis={"visible": False, "range": [-1, 1.5]}, height=220)
    return fig
