"""Sources & data quality: documents, batches, rejected rows, rows without a rate, outliers,
actors to review, possible duplicates, coverage; methodology and glossary."""

import streamlit as st

from dashboard import components, page_kit
from dashboard.charts import flows as charts
from dashboard.i18n import t

v = page_kit.view()
st.title(t("page.sources"))
components.demo_banner(v.illustrative)
dataset = {"dataset": v.filters.dataset}

components.table_card(t("sources.documents_title"), v.query("sources_documents"), "sources")
coverage = v.query("sources_coverage")
components.card(
    t("sources.coverage_title"),
    charts.coverage(coverage, v.names()) if len(coverage) else None,
    coverage,
    "coverage",
    components.Footer(**{**v.footer([], "any").__dict__, "unit": "count"}),
)
left, right = st.columns(2)
with left:
    no_rate = v.query("sources_no_rate", prices="current")  # about rates, whatever the prices
    components.table_card(t("sources.no_rate_title"), no_rate, "no_rate")
    components.table_card(
        t("sources.batches_title"), v.query("sources_batches", **dataset), "batches"
    )
    components.table_card(
        t("sources.review_title"), v.query("sources_review_actors", **dataset), "review_actors"
    )
with right:
    components.table_card(t("sources.outliers_title"), v.query("sources_outliers"), "outliers")
    components.table_card(
        t("sources.rejected_title"), v.query("sources_rejected", **dataset), "rejected"
    )
    # IATI transactions kept although a descriptive code resolved to nothing (counted)
    kept = v.query("sources_kept_codes", **dataset)
    kept.insert(2, "reason", [t(f"sources.kept_{flag}") for flag in kept["flag"]])
    components.table_card(t("sources.kept_title"), kept, "kept_codes")
    # compares every flow of the dataset with the other datasets' (about a second at 10M
    # flows): read when asked for, not on every visit
    if st.toggle(t("sources.duplicates_check"), key="src_duplicates"):
        components.table_card(
            t("sources.duplicates_title"), v.query("sources_duplicates", **dataset), "duplicates"
        )

components.table_card(t("prices.sources_title"), v.query("options_deflators"), "deflators")

st.header(t("sources.methodology_title"))
st.markdown(t("methodology.body"))
st.markdown(t("prices.methodology"))
