"""Pure builders for the Funds page: contributors, pledged vs paid, allocations, timeline."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.flows import GROUP_COLOURS, _figure, _money_hover
from dashboard.i18n import label, t


def contributors(df: pd.DataFrame, currency: str) -> go.Figure:
    """Promised and transferred by contributor (horizontal bars, largest on top)."""
    fig = _figure()
    ordered = df.iloc[::-1]
    for group in ("promised", "transferred"):
        fig.add_trace(
            go.Bar(
                y=ordered["contributor"],
                x=ordered[group],
                orientation="h",
                name=t(f"group.{group}"),
                marker_color=GROUP_COLOURS[group],
                hovertemplate="%{x:,.0f} " + currency,
            )
        )
    fig.update_layout(barmode="group", xaxis_title=currency)
    return fig


def pledged_vs_paid(df: pd.DataFrame, currency: str) -> go.Figure:
    """Promised vs transferred per year (bars) and the fulfilment rate (line, right axis)."""
    fig = _figure()
    for group in ("promised", "transferred"):
        fig.add_trace(
            go.Bar(
                x=df["year"],
                y=df[group],
                name=t(f"group.{group}"),
                marker_color=GROUP_COLOURS[group],
                hovertemplate=_money_hover(currency),
            )
        )
    fig.add_trace(
        go.Scatter(
            x=df["year"],
            y=df["fulfilment"],
            name=t("funds.fulfilment"),
            mode="lines+markers",
            yaxis="y2",
            line_color="#000000",
            hovertemplate="%{y:.0%}",
        )
    )
    fig.update_layout(
        barmode="group",
        yaxis_title=currency,
        xaxis={"tickformat": "d"},  # whole years, never "2,018.5"
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "tickformat": ".0%",
            "showgrid": False,
            "rangemode": "tozero",
        },
    )
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
    fig.add_trace(
        go.Treemap(
            ids=ids,
            labels=labels,
            parents=parents,
            values=values,
            branchvalues="total",
            hovertemplate="%{label}: %{value:,.0f} " + currency,
        )
    )
    return fig


def timeline(df: pd.DataFrame) -> go.Figure:
    """Dated events of a fund on a time axis, the description beside each point."""
    dates = [
        d if pd.notna(d) else pd.Timestamp(int(y), 7, 1)
        for d, y in zip(df["event_date"], df["year"], strict=True)
    ]
    fig = _figure()
    fig.add_trace(
        go.Scatter(
            x=dates,
            y=[0] * len(df),
            mode="markers+text",
            text=[label("event", k) for k in df["kind"]],
            textposition=(["top center", "bottom center"] * len(df))[: len(df)],
            marker={"size": 12, "color": "#0072B2"},
            hovertext=df["description"],
            hoverinfo="text+x",
        )
    )
    fig.update_layout(yaxis={"visible": False, "range": [-1, 1.5]}, height=220)
    return fig
