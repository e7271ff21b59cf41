"""Pure chart builders: DataFrame in, plotly Figure out (no Streamlit, no database).

Colours: the Okabe–Ito palette (safe for the common colour-vision deficiencies), one fixed
colour per fund / channel and per stage group, so a fund looks the same on every page.
Builders take codes and a ``names`` mapping for display, so colours follow codes.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from dashboard.i18n import t

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000")
GREY = "#999999"
CHANNEL_COLOURS = {
    "pgtf": "#0072B2",
    "unfssc": "#E69F00",
    "cities_fund": "#009E73",
    "dgttf": "#CC79A7",
    "local_private": "#D55E00",
    "direct": "#56B4E9",
}
GROUP_COLOURS = {
    "promised": "#E69F00",
    "transferred": "#0072B2",
    "allocated": "#009E73",
    "used": "#CC79A7",
}
MODALITY_COLOURS = {
    "south_south": "#009E73",
    "triangular": "#E69F00",
    "north_south": "#0072B2",
    "city_to_city": "#CC79A7",
    "local_private": "#D55E00",
    "multilateral": "#56B4E9",
    "unspecified": GREY,
}
GROUP_ORDER = ("promised", "transferred", "allocated", "used")
LAYOUT = {
    "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
    "legend": {"orientation": "h", "y": -0.15},
    "font": {"family": "Noto Sans, Liberation Sans, sans-serif"},
}


def channel_colour(channel: str) -> str:
    """The fixed colour of a fund or channel; related funds share a neutral grey."""
    return CHANNEL_COLOURS.get(channel, GREY)


def _faint(colour: str, alpha: float = 0.35) -> str:
    """``#RRGGBB`` as a translucent rgba() for Sankey links."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


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
        parts.append(
            group.groupby(["side", "source", "target"], as_index=False)[["amount", "flows"]].sum()
        )
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
    channel_of = [
        keys[t][1] if keys[t][0] == "chan" else keys[s][1]
        for s, t in zip(sources, targets, strict=True)
    ]
    fig = _figure()
    fig.add_trace(
        go.Sankey(
            arrangement="snap",
            node={"label": [_name(names, code) for _, code in keys], "color": colours, "pad": 12},
            link={
                "source": sources,
                "target": targets,
                "value": links["amount"].tolist(),
                "color": [_faint(channel_colour(c)) for c in channel_of],
                "hovertemplate": "%{source.label} → %{target.label}: %{value:,.0f} " + currency,
            },
        )
    )
    return fig


def by_year(df: pd.DataFrame, currency: str) -> go.Figure:
    """Money by year, one line per stage group (groups side by side, never stacked)."""
    fig = _figure()
    for group in GROUP_ORDER:
        part = df[df["stage_group"] == group].sort_values("year")
        if len(part):
            fig.add_trace(
                go.Scatter(
                    x=part["year"],
                    y=part["amount"],
                    name=t(f"group.{group}"),
                    mode="lines+markers",
                    line_color=GROUP_COLOURS[group],
                    marker_size=4,
                    hovertemplate=_money_hover(currency),
                )
            )
    fig.update_layout(yaxis_title=currency, xaxis_title=t("axis.year"), hovermode="x unified")
    return fig


def by_modality(df: pd.DataFrame, names: Mapping[str, str], currency: str) -> go.Figure:
    """Money by modality, one bar series per stage group, side by side."""
    fig = _figure()
    for group in GROUP_ORDER:
        part = df[df["stage_group"] == group]
        if len(part):
            fig.add_trace(
                go.Bar(
                    y=[_name(names, m) for m in part["modality"]],
                    x=part["amount"],
                    orientation="h",
                    name=t(f"group.{group}"),
                    marker_color=GROUP_COLOURS[group],
                    hovertemplate="%{x:,.0f} " + currency,
                )
            )
    fig.update_layout(barmode="group", xaxis_title=currency)
    return fig


def coverage(df: pd.DataFrame, names: Mapping[str, str]) -> go.Figure:
    """Which channels have data in which years (number of flows per cell)."""
    grid = df.pivot_table(index="channel", columns="year", values="flows", aggfunc="sum")
    fig = _figure()
    fig.add_trace(
        go.Heatmap(
            z=grid.values,
            x=[int(y) for y in grid.columns],
            y=[_name(names, c) for c in grid.index],
            colorscale="Blues",
            hovertemplate="%{y} %{x}: %{z} " + t("axis.flows"),
        )
    )
    return fig
