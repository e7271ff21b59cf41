"""Pure builders for the Regions page: maps (choropleth, city-to-city arcs), regions by
modality, LDC/LLDC/SIDS shares. Plotly's geo traces fetch their base
geometry from a CDN unless the chart is shown with ``config={"topojsonURL": ...}``; the
dashboard serves it from ``dashboard/static/topojson/`` (see ``components.MAP_CONFIG``)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.flows import GREY, LAYOUT, MODALITY_COLOURS, OKABE_ITO, _figure, _name
from dashboard.i18n import percent, t

GEO = {
    "showframe": False,
    "showcoastlines": True,
    "coastlinecolor": "#bbbbbb",
    "showland": True,
    "landcolor": "#f2f2f2",
    "showcountries": True,
    "countrycolor": "#cccccc",
    "projection": {"type": "natural earth", "rotation": {"lon": 0}},
    "center": {"lon": 0, "lat": 10},
    "lonaxis": {"range": [-180, 180]},
    "lataxis": {"range": [-58, 85]},
}


def choropleth(df: pd.DataFrame, currency: str) -> go.Figure:
    """Money per country (ISO 3), on a colour-blind-safe sequential scale."""
    fig = go.Figure(
        go.Choropleth(
            locations=df["iso3"],
            z=df["amount"],
            text=df["country"],
            locationmode="ISO-3",
            colorscale="Cividis",
            reversescale=True,
            marker_line_color="#ffffff",
            colorbar={"title": {"text": currency}},
            hovertemplate="%{text}: %{z:,.0f} " + currency + "<extra></extra>",
        )
    )
    fig.update_layout(**LAYOUT, geo=GEO, height=460)
    return fig


def city_links(df: pd.DataFrame, currency: str) -> go.Figure:
    """Cities as points, partnerships (dashed) and city-level flows (solid) as arcs."""
    fig = go.Figure()
    # city-level flows first (thin, translucent), partnerships drawn over them
    styles = {
        "flow": ("solid", "rgba(0,114,178,0.35)", 1.2),
        "partnership": ("dash", OKABE_ITO[3], 2.5),
    }
    for kind, (dash, colour, width) in styles.items():
        part = df[df["kind"] == kind]
        lats: list[float | None] = []
        lons: list[float | None] = []
        for row in part.itertuples():
            lats += [row.from_lat, row.to_lat, None]
            lons += [row.from_lon, row.to_lon, None]
        if lats:
            fig.add_trace(
                go.Scattergeo(
                    lat=lats,
                    lon=lons,
                    mode="lines",
                    name=t(f"map.{kind}"),
                    line={"width": width, "color": colour, "dash": dash},
                    hoverinfo="skip",
                )
            )
    cities = pd.concat(
        [
            df[["from_city", "from_lat", "from_lon"]].set_axis(["city", "lat", "lon"], axis=1),
            df[["to_city", "to_lat", "to_lon"]].set_axis(["city", "lat", "lon"], axis=1),
        ]
    ).drop_duplicates("city")
    linked = df[df["kind"] == "partnership"]
    named = set(linked["from_city"]) | set(linked["to_city"])  # labelled; the rest on hover
    fig.add_trace(
        go.Scattergeo(
            lat=cities["lat"],
            lon=cities["lon"],
            text=[c if c in named else "" for c in cities["city"]],
            hovertext=cities["city"],
            mode="markers+text",
            textposition="top right",
            marker={"size": 8, "color": OKABE_ITO[4]},
            name=t("map.cities"),
            hoverinfo="text",
        )
    )
    fig.update_layout(
        **LAYOUT,
        geo=GEO | {"fitbounds": "locations", "lonaxis": {}, "lataxis": {}, "center": {}},
        height=460,
    )
    return fig


def region_modality(df: pd.DataFrame, names: Mapping[str, str], currency: str) -> go.Figure:
    """Money received by sub-region (grouped under its region), stacked by modality: modalities
    partition one stage group on one side, so stacking adds like with like."""
    where = [
        _name(names, r) if s in (r, "unspecified") else f"{_name(names, r)} · {_name(names, s)}"
        for r, s in zip(df["region"], df["subregion"], strict=True)
    ]
    df = df.assign(where=where)
    order = df.groupby("where")["amount"].sum().sort_values().index.tolist()
    fig = _figure()
    for modality, part in df.groupby("modality", sort=True):
        part = part.set_index("where").reindex(order)
        fig.add_trace(
            go.Bar(
                y=order,
                x=part["amount"],
                orientation="h",
                name=_name(names, modality),
                marker_color=MODALITY_COLOURS.get(str(modality), GREY),
                hovertemplate="%{x:,.0f} " + currency,
            )
        )
    fig.update_layout(barmode="stack", xaxis_title=currency)
    return fig


def status_shares(row: Mapping[str, float]) -> go.Figure:
    """Shares of the money received that went to LDCs, LLDCs and SIDS (each out of the total)."""
    total = row.get("total") or 0
    statuses = ("ldc", "lldc", "sids")
    shares = [(row.get(s) or 0) / total if total else 0 for s in statuses]
    fig = _figure()
    fig.add_trace(
        go.Bar(
            x=[t(f"status.{s}") for s in statuses],
            y=shares,
            marker_color=[OKABE_ITO[i] for i in range(3)],
            text=[percent(v) for v in shares],
            textposition="outside",
            hovertemplate="%{y:.1%}",
        )
    )
    fig.update_layout(yaxis={"tickformat": ".0%", "range": [0, 1.1]})
    return fig
