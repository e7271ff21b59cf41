"""SQL console: one read-only SELECT over the warehouse, inside a time and memory budget."""

import streamlit as st

from dashboard import data
from dashboard.i18n import current, number
from dashboard.i18n import t as tx
from dashboard.safe_text import md
from dashboard.workbench import console_budget, sql_console
from dashboard.workbench import pivot as pv

budget = console_budget.budget()
st.title(tx("page.sql_console"))
st.caption(tx("console.intro", limit=number(sql_console.DEFAULT_LIMIT),
              seconds=f"{budget.seconds:g}"))  # fmt: skip
with st.form("sql_form"):
    text = st.text_area(tx("console.query"), key="sql_text", height=160,
                        value="SELECT dataset, stage, count(*) AS flows, sum(amount_usd) AS usd\n"
                              "FROM flow GROUP BY ALL ORDER BY ALL")  # fmt: skip
    limit = st.number_input(tx("console.limit"), 1, sql_console.DEFAULT_LIMIT,
                            1_000, step=100, key="sql_limit")  # fmt: skip
    submitted = st.form_submit_button(tx("console.run"), icon=":material/play_arrow:")
if submitted:
    try:
        result = sql_console.run(data.live_path(), text, limit=int(limit), budget=budget,
                                 session=console_budget.session(),
                                 poll=console_budget.progress())  # fmt: skip
    except sql_console.ConsoleRefusal as refusal:
        st.error(tx("console.refused", reason=md(refusal)), icon=":material/block:")
    else:
        took = current().decimal(result.seconds, 2)  # the locale's decimal sign
        st.caption(tx("console.took", n=number(len(result.frame)), seconds=took))
        if result.truncated:
            st.warning(tx("console.truncated", limit=number(result.limit)))
        st.dataframe(result.frame, hide_index=True, key="sql_result")
        pv.downloads(result.frame, "query", "sql_dl")
with st.expander(tx("console.tables")):
    st.dataframe(sql_console.tables(data.connection()), hide_index=True, key="sql_tables")
