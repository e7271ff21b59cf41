"""Funds: one fund or channel at a time — contributors, pledged vs paid, allocations, stocks,
timeline."""

import streamlit as st

from dashboard import components, filters, page_kit, safe_text
from dashboard.charts import flows as charts
from dashboard.charts import funds as charts_funds
from dashboard.i18n import t

v = page_kit.view()
st.title(t("page.funds"))
components.demo_banner(v.illustrative)
names = v.names()
fund = filters.pick_fund(list(v.choices.funds) + ["local_private", "direct"], names)
name = safe_text.md(names.get(fund, fund))  # a name from data, in Markdown titles
only = {"fund": [fund]}

top_n = st.slider(t("funds.top_n"), 3, 30, int(filters.initial("fu_top_n", 10)), key="fu_top_n")
contributors = charts.top_n_other(
    v.query("fund_contributors", **only), "contributor", "transferred", top_n, t("common.other")
)
components.card(
    t("funds.contributors_title", fund=name, currency=v.unit, n=top_n),
    charts_funds.contributors(contributors, v.unit) if len(contributors) else None,
    contributors,
    "fund_contributors",
    v.footer(["promised", "transferred"], "given", pledges_beside=True, **only),
)

left, right = st.columns(2)
with left:
    by_year = v.query("fund_by_year", **only)
    components.card(
        t("funds.by_year_title", fund=name, currency=v.unit),
        charts_funds.pledged_vs_paid(by_year, v.unit) if len(by_year) else None,
        by_year,
        "fund_by_year",
        v.footer(["promised", "transferred"], "given", pledges_beside=True, **only),
    )
with right:
    allocations = v.query("fund_allocations", **only)
    components.card(
        t("funds.allocations_title", fund=name, currency=v.unit),
        charts_funds.treemap(allocations, v.unit) if len(allocations) else None,
        allocations,
        "fund_allocations",
        v.footer(["allocated"], "total", **only),
    )

st.subheader(t("funds.stocks_title", fund=name))
stocks = v.query("fund_statistics", dataset=v.filters.dataset, fund=fund)
if stocks.empty:
    st.info(t("funds.no_stocks"))
components.stock_cards(stocks)

events = v.query("fund_events", fund=fund)
with st.container(border=True):
    st.markdown(f"**{t('funds.events_title', fund=name)}**")
    if events.empty:
        st.info(t("funds.no_events"))
    else:
        fig = charts_funds.timeline(events)
        st.plotly_chart(
            safe_text.figure(fig),
            config=components.plot_config("fund_timeline"),
            key="fund_timeline",
        )
        components.event_list(events)
