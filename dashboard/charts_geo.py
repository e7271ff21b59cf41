"""Pure map builders (choropleth, city-to-city arcs). Plotly's geo traces fetch their base
geometry from a CDN unless the chart is shown with ``config={"topojsonURL": ...}``; the
dashboard serves it from ``dashboard/static/topojson/`` (see ``components.MAP_CONFIG``)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import LAYOUT, OKABE_ITO
from dashboard.i18n import t

GEO = {"showframe": False, "showcoastlines": True, "coastlinecolor": "#bbbbbb",
       "showland": True, "landcolor": "#f2f2f2", "showcountries": True,
       "countrycolor": "#cccccc", "projection_type": "natural earth"}  # fmt: skip


def choropleth(df: pd.DataFrame, currency: str) -> go.Figure:
    """Money per country (ISO 3), on a colour-blind-safe sequential scale."""
    fig = go.Figure(go.Choropleth(
        locations=df["iso3"], z=df["amount"], text=df["country"], locationmode="ISO-3",
        colorscale="Cividis", reversescale=True, marker_line_color="#ffffff",
        colorbar={"title": {"text": currency}},
        hovertemplate="%{text}: %{z:,.0f} " + currency + "<extra></extra>",
    ))  # fmt: skip
    fig.update_layout(**LAYOUT, geo=GEO, height=460)
    return fig


def city_links(df: pd.DataFrame, currency: str) -> go.Figure:
    """Cities as points, partnerships (dashed) and city-level flows (solid) as arcs."""
    fig = go.Figure()
    styles = {"partnership": ("dash", OKABE_ITO[3]), "flow": ("solid", OKABE_ITO[0])}
    for kind, (dash, colour) in styles.items():
        part = df[df["kind"] == kind]
        lats: list[float | None] = []
        lons: list[float | None] = []
        for row in part.itertuples():
            lats += [row.from_lat, row.to_lat, None]
            lons += [row.from_lon, row.to_lon, None]
        if lats:
            fig.add_trace(go.Scattergeo(lat=lats, lon=lons, mode="lines", name=t(f"map.{kind}"),
                                        line={"width": 2, "color": colour, "dash": dash},
                                        hoverinfo="skip"))  # fmt: skip
    cities = pd.concat([
        df[["from_city", "from_lat", "from_lon"]].set_axis(["city", "lat", "lon"], axis=1),
        df[["to_city", "to_lat", "to_lon"]].set_axis(["city", "lat", "lon"], axis=1),
    ]).drop_duplicates("city")  # fmt: skip
    fig.add_trace(go.Scattergeo(lat=cities["lat"], lon=cities["lon"], text=cities["city"],
                                mode="markers+text", textposition="top right",
                                marker={"size": 8, "color": OKABE_ITO[4]},
                                name=t("map.cities"), hoverinfo="text"))  # fmt: skip
    fig.update_layout(**LAYOUT, geo=GEO | {"fitbounds": "locations"}, height=460)
    return fig
