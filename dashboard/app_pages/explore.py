"""Explore: pivot the flows, drill from a cell to its rows, search, download, save views."""

from urllib.parse import urlencode

import streamlit as st

from dashboard import components, data, data_labels, filters, page_kit, safe_text
from dashboard.filter_state import to_query
from dashboard.i18n import money, number, t
from dashboard.workbench import pivot as pv
from pipelines import settings
from pipelines.appstate import store as state
from pipelines.reference.names import normalise

v = page_kit.view()
st.title(t("page.explore"))
components.demo_banner(v.illustrative)
st.caption(t("explore.intro"))
if v.filters.prices == "constant":
    st.info(t("prices.explore_current"), icon=":material/info:")
views = state.list_views(settings.state_path())
names = ["", *(x.name for x in views)]
linked = filters.initial("ex_apply", "")  # a permalink names the saved view it reproduces
applied = st.selectbox(t("explore.apply_view"), names, key="ex_apply",
                       index=names.index(linked) if linked in names else 0,
                       format_func=lambda n: n or t("explore.apply_none"))  # fmt: skip
base = pv.Choice(**next((x.settings for x in views if x.name == applied and x.settings), {}))
choice = pv.controls(base, f"@{applied}" if applied else "", v.currency)
if choice.q:
    hits = data.query("search_actors", q=normalise(choice.q))
    st.caption(t("explore.search_hits") + ": " + (safe_text.md_list(hits["name"]) or "–"))
measure = choice.measure
bound = pv.params(v.filters, choice)
pivot = pv.run_pivot(bound, choice.spec())
if pivot.is_empty:
    st.info(t("explore.empty"), icon=":material/filter_alt_off:")
    st.stop()

st.subheader(t("explore.pivot_title", measure=pv.measure_label(measure, v.currency),
                rows=", ".join(pv.dim_label(d) for d in choice.rows)))  # fmt: skip
if pivot.forced:
    st.caption(t("explore.forced", dims=", ".join(pv.dim_label(d) for d in pivot.forced)))
table = pivot.table()
fund_labels = v.labels.get("fund", {})
shown, heads = pv.localised(pivot, table, fund_labels, v.currency)  # codes stay in `table`
picked = st.dataframe(shown, hide_index=True, on_select="rerun", selection_mode="single-cell",
                      key=f"ex_table_{hash((choice, v.filters))}")  # fmt: skip
missing = int(pivot.cells()["flows_without_rate"].sum())
if missing and measure == "amount":
    st.caption("⚠ " + t("explore.no_rate", n=number(missing)))
pv.downloads(table, t("explore.slice_name"), "ex_dl_slice")

st.subheader(t("explore.drill_title"))
st.caption(t("explore.drill_help"))
selectors = st.columns(len(pivot.keys))
key = {d: col.selectbox(pv.dim_label(d), pv.drill_options(pivot, d), key=f"drill_{d}",
                        format_func=pv.value_label(d, fund_labels))
       for col, d in zip(selectors, pivot.keys, strict=True)}  # fmt: skip
cells = [(r, heads.get(c, c)) for r, c in (picked.selection.cells if picked else [])]
cell = pv.valid_cell(table, cells)
if cell:
    key = pv.cell_key(pivot, table, cell)
flows_behind, value = pv.drill_summary(pivot, bound, key)  # no scan of the flows
shown_value = money(value, v.currency) if measure == "amount" else number(flows_behind)
st.markdown(t("explore.drill_rows", n=number(flows_behind), value=shown_value))
# the rows themselves are read on demand (at 10M flows a cell can hold millions)
if st.toggle(t("explore.show_rows", n=number(pv.DRILL_SHOWN)), key="ex_show_rows"):
    rows_behind = pv.drill_rows(bound, key)
    if flows_behind > len(rows_behind):
        st.caption(t("explore.rows_first", n=number(len(rows_behind)),
                      total=number(flows_behind)))  # fmt: skip
    st.dataframe(data_labels.localise(rows_behind, fund_labels), hide_index=True,
                 key="ex_drill_rows",
                 column_config={"source_url": st.column_config.LinkColumn()})  # fmt: skip
pv.downloads(pv.all_rows(bound, key), t("explore.rows_name"), "ex_dl_rows")

st.subheader(t("explore.saved_title"))
with st.form("ex_view_form"):
    name = st.text_input(t("explore.view_name"), key="ex_view_name")
    if st.form_submit_button(t("explore.save_view")):
        try:
            saved = state.save_view(settings.state_path(), name, urlencode(to_query(v.filters)),
                                    "explore", settings=choice.settings())  # fmt: skip
            st.success(t("explore.saved_view", name=safe_text.md(saved.name),
                          link=safe_text.md(saved.permalink())))  # fmt: skip
            views = state.list_views(settings.state_path())
        except state.StateError as exc:
            st.error(safe_text.md(exc))
if views:
    st.dataframe(pv.views_table(views), hide_index=True, key="ex_views",
                 column_config={t("explore.col_link"): st.column_config.LinkColumn()})  # fmt: skip
else:
    st.caption(t("explore.views_none"))
groups_saved = state.list_groups(settings.state_path())
if groups_saved:
    st.dataframe(pv.groups_table(groups_saved), hide_index=True, key="ex_groups")
else:
    st.caption(t("explore.groups_none"))
