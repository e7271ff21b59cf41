"""Regions: offline choropleth (received or given), M49 regions by modality, LDC/LLDC/SIDS
shares, and the city-to-city map."""

import streamlit as st

from dashboard import components, data_labels, filters, page_kit
from dashboard.charts import geo as charts_geo
from dashboard.filter_state import STAGE_GROUPS
from dashboard.i18n import t

v = page_kit.view()
st.title(t("page.regions"))
components.demo_banner(v.illustrative)
left, right = st.columns(2)
direction = left.radio(
    t("regions.direction"),
    ("received", "given"),
    index=("received", "given").index(filters.initial("rg_direction", "received")),
    horizontal=True,
    key="rg_direction",
    format_func=lambda d: t(f"regions.direction_{d}"),
)
group = right.selectbox(
    t("regions.group"),
    STAGE_GROUPS,
    index=STAGE_GROUPS.index(filters.initial("rg_group", "transferred")),
    key="rg_group",
    format_func=lambda g: t(f"group.{g}"),
)
group_name = t(f"group.{group}")
side = "given" if direction == "given" else "received"

countries = data_labels.localise(v.query("regions_map", group=group, direction=direction))
components.card(
    t(
        "regions.map_title",
        group=group_name,
        direction=t(f"regions.direction_{direction}"),
        currency=v.unit,
    ),
    charts_geo.choropleth(countries, v.unit) if len(countries) else None,
    countries,
    "map_countries",
    v.footer([group], side),
    is_map=True,
)

left, right = st.columns([3, 2])
with left:
    by_region = v.query("regions_by_modality", group=group)
    components.card(
        t("regions.modality_title", group=group_name, currency=v.unit),
        charts_geo.region_modality(by_region, v.names(), v.unit) if len(by_region) else None,
        by_region,
        "regions_by_modality",
        v.footer([group], "received"),
    )
with right:
    shares = v.query("regions_status_shares", group=group)
    row = shares.iloc[0].to_dict() if len(shares) else {}
    has_money = bool(row.get("total")) and row.get("total") == row.get("total")
    footer = v.footer([group], "received")
    components.card(
        t("regions.status_title", group=group_name),
        charts_geo.status_shares(row) if has_money else None,
        shares if has_money else shares.iloc[0:0],
        "status_shares",
        components.Footer(
            **{**footer.__dict__, "unit": "share", "extra": (t("regions.status_note"),)}
        ),
    )

links = v.query("regions_city_links")
components.card(
    t("regions.cities_title"),
    charts_geo.city_links(links, v.unit) if len(links) else None,
    links,
    "city_links",
    v.footer([], "given"),
    is_map=True,
)
