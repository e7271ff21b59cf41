"""Overview: KPI row by stage group, Sankey, money by year per stage, money by modality."""

import streamlit as st

from dashboard import components, data, filters, page_kit
from dashboard.charts import flows as charts
from dashboard.charts import kpis
from dashboard.filter_state import STAGE_GROUPS
from dashboard.i18n import money, number, percent, points, t

v = page_kit.view()
st.title(t("page.overview"))
components.demo_banner(v.illustrative)
components.data_as_of(data.query("data_as_of").iloc[0].to_dict())

summary = kpis.summary(v.query("overview_kpis"))
columns = st.columns(len(kpis.MONEY)) + st.columns(len(kpis.MONEY))[: len(kpis.METRICS) - 4]
for column, name in zip(columns, kpis.METRICS, strict=True):
    item = summary[name]
    if name in kpis.MONEY:
        value = money(item.value, v.currency)
    elif name in kpis.SHARES:
        value = percent(item.value)
    else:
        value = number(item.value)
    delta = None
    if item.change is not None:
        change = points(item.change) if name in kpis.SHARES else percent(item.change, True)
        delta = t("kpi.change", change=change, year=item.year)
    title = t(f"kpi.{name}")
    if name in kpis.MONEY and v.filters.prices == "constant":
        title = f"{title} · {v.unit}"  # every money tile names its prices
    components.kpi(column, title, value, delta, t(f"kpi.{name}_help"))
if v.filters.prices == "constant":
    st.caption(t("prices.kpi_note", unit=v.unit))

st.subheader(t("overview.flows_title"))
left, mid, right = st.columns(3)
group = left.selectbox(
    t("overview.group"),
    STAGE_GROUPS,
    index=STAGE_GROUPS.index(filters.initial("ov_group", "transferred")),
    key="ov_group",
    format_func=lambda g: t(f"group.{g}"),
)
by = mid.radio(
    t("overview.by"),
    ("kind", "region"),
    index=("kind", "region").index(filters.initial("ov_by", "kind")),
    horizontal=True,
    key="ov_by",
    format_func=lambda b: t(f"overview.by_{b}"),
)
threshold = right.slider(
    t("overview.threshold"),
    0.0,
    20.0,
    float(filters.initial("ov_threshold", 2.0)),
    0.5,
    key="ov_threshold",
    format="%.1f%%",
)
links = v.query("overview_sankey", group=group, by=by)
folded = charts.fold_small_links(links, threshold / 100, "other")
components.card(
    t("overview.sankey_title", group=t(f"group.{group}"), currency=v.unit),
    charts.sankey(folded, v.names(), v.unit) if len(folded) else None,
    folded,
    "sankey",
    v.footer([group], side="any"),
)

left, right = st.columns(2)
with left:
    by_year = v.query("overview_by_year")
    components.card(
        t("overview.by_year_title", currency=v.unit),
        charts.by_year(by_year, v.unit) if len(by_year) else None,
        by_year,
        "money_by_year",
        v.footer(STAGE_GROUPS, side="total", pledges_beside=True),
    )
with right:
    by_modality = v.query("overview_by_modality")
    components.card(
        t("overview.by_modality_title", currency=v.unit),
        charts.by_modality(by_modality, v.names(), v.unit) if len(by_modality) else None,
        by_modality,
        "money_by_modality",
        v.footer(STAGE_GROUPS, side="total", pledges_beside=True),
    )
