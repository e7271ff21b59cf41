"""Explore page helpers: filters → slice parameters, pivot on a cursor, cell → drill key, downloads.

The pivot SQL varies its GROUP BY with the user's choices (whitelisted in
``pipelines.query.slices``), so it cannot be one of the named chart queries: it runs through
``data.remember`` on a cursor of the dashboard's read-only connection, cached per warehouse
version in the dashboard's one result cache (a rerun that only moves a drill selector does not
scan the flows again).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard import data, data_labels
from dashboard.filter_state import STAGE_GROUPS, Filters
from dashboard.i18n import t
from pipelines.query import drill, export, slices

SIDES = {"given": ["in", "direct"], "received": ["out", "direct"], "all": []}
DEFAULT_GROUP = {"given": "transferred", "received": "allocated", "all": "transferred"}
DRILL_SHOWN = 1_000


@dataclass(frozen=True)
class Choice:
    """The Explore page's own state (not in the URL): pivot and slice choices."""

    rows: tuple[str, ...] = ("fund",)
    columns: tuple[str, ...] = ("year",)
    measure: str = "amount"
    stage_group: str = "transferred"
    side: str = "given"
    q: str = ""

    def spec(self) -> slices.PivotSpec:
        return slices.PivotSpec(rows=self.rows, columns=self.columns, measure=self.measure)

    def settings(self) -> dict:
        return {"rows": list(self.rows), "columns": list(self.columns), "measure": self.measure,
                "stage_group": self.stage_group, "side": self.side, "q": self.q}  # fmt: skip


def params(filters: Filters, choice: Choice) -> dict:
    """explore_flows parameters for the sidebar filters plus the page's slice choices."""
    lists = {name: list(getattr(filters, name)) for name in
             ("fund", "stage", "modality", "contributor_kind", "contributor",
              "recipient_country", "region", "status")}  # fmt: skip
    return slices.filter_params(
        filters.currency, choice.q, dataset=[filters.dataset], year_from=filters.year_from,
        year_to=filters.year_to, stage_group=[choice.stage_group] if choice.stage_group else [],
        leg=SIDES[choice.side], **lists,
    )  # fmt: skip


def run_pivot(bound: dict, spec: slices.PivotSpec) -> slices.Pivot:
    return data.remember(
        "pivot", (data.frozen(bound), spec), lambda cur: slices.pivot(cur, dict(bound), spec)
    )


def drill_summary(pivot: slices.Pivot, bound: dict, key: dict[str, str]) -> tuple[int, float]:
    """Flows behind the cell and its value: the pivot's own row for the cell when it has one
    (its value is the money when the measure is the amount), else read from the cube when
    it can answer (a key the rollup has no row for, e.g. a forced dimension at Total)."""
    row = pivot.long
    for name in pivot.keys:
        row = row[row[name] == key.get(name, slices.TOTAL_LABEL)]
    if len(row) == 1 and pivot.spec.measure == "amount":
        return int(row["flows"].iloc[0]), float(row["value"].iloc[0])
    if len(row) == 1:
        return int(row["flows"].iloc[0]), float("nan")  # the page shows the count only
    return data.remember(
        "drill_summary",
        (data.frozen(bound), data.frozen(key)),
        lambda cur: drill.drill_summary(cur, dict(bound), dict(key)),
    )


def drill_rows(bound: dict, key: dict[str, str]) -> pd.DataFrame:
    """The first ``DRILL_SHOWN`` flow rows behind the cell, by year and flow id."""
    return data.remember(
        "drill",
        (data.frozen(bound), data.frozen(key)),
        lambda cur: drill.drill(cur, dict(bound), dict(key), limit=DRILL_SHOWN),
    )


def all_rows(bound: dict, key: dict[str, str]) -> Callable[[], pd.DataFrame]:
    """Every flow row behind the cell, read only when called (a download click)."""
    con = data.connection()  # taken now: the download runs outside the script run

    def read() -> pd.DataFrame:
        cur = con.cursor()
        try:
            return drill.drill(cur, dict(bound), dict(key))
        finally:
            cur.close()

    return read


def cell_key(pivot: slices.Pivot, table: pd.DataFrame, cell: tuple[int, str]) -> dict[str, str]:
    """Drill key of a cell selected in the wide table (row position, column name)."""
    row, column = cell
    index = list(pivot.forced + pivot.spec.rows)
    key = {k: str(table.iloc[row][k]) for k in index}
    if pivot.spec.columns:
        col = pivot.spec.columns[0]
        key[col] = str(column) if column not in index else slices.TOTAL_LABEL
    return key


def downloads(frame: pd.DataFrame | Callable[[], pd.DataFrame], name: str, key: str) -> None:
    """CSV, XLSX, Parquet and datapackage.json of ``frame`` (or of what it returns when it is
    a function), built only when clicked."""
    columns = st.columns([1, 1, 1, 1.4, 3])
    get = frame if callable(frame) else lambda: frame
    for column, fmt in zip(columns, export.FORMATS, strict=False):
        column.download_button(fmt.upper(), data=lambda fmt=fmt: export.frame_bytes(get(), fmt),
                               file_name=f"{name}.{fmt}", mime=export.MEDIA_TYPES[fmt],
                               key=f"{key}_{fmt}", on_click="ignore",
                               icon=":material/download:")  # fmt: skip
    package = lambda: export.datapackage_bytes(get(), name, f"{name}.csv", "csv")  # noqa: E731
    columns[3].download_button(
        "datapackage.json", data=package,
        file_name="datapackage.json", mime="application/json", key=f"{key}_dp", on_click="ignore",
        icon=":material/description:",
    )  # fmt: skip


def dim_label(dim: str) -> str:
    return t(f"dim.{dim}")


def measure_label(measure: str, currency: str) -> str:
    return t(f"measure.{measure}", currency=currency)


def value_label(dim: str, fund_labels: Mapping[str, str]) -> Callable[[object], str]:
    """How a dimension's values read (``Total`` and values of free dimensions as they are)."""
    word = data_labels.dimension(dim, fund_labels)
    return lambda v: str(v) if word is None or v == slices.TOTAL_LABEL else word(v)


def localised(pivot: slices.Pivot, table: pd.DataFrame, fund_labels: Mapping[str, str],
              currency: str) -> tuple[pd.DataFrame, dict[str, str]]:  # fmt: skip
    """The wide table as shown (values and headers in words) and shown header → table's."""
    index = list(pivot.forced + pivot.spec.rows)
    shown = table.copy()
    for dim in index:
        shown[dim] = [value_label(dim, fund_labels)(v) for v in shown[dim]]
    heads = {c: dim_label(c) for c in index}
    heads |= {"value": measure_label(pivot.spec.measure, currency), "flows": t("col.flows"),
              "flows_without_rate": t("col.flows_without_rate")}  # fmt: skip
    if pivot.spec.columns:
        word = value_label(pivot.spec.columns[0], fund_labels)
        heads |= {c: word(c) for c in table.columns if c not in index}
    shown.columns = [heads.get(c, str(c)) for c in table.columns]
    return shown, {heads.get(c, str(c)): c for c in table.columns}


def drill_options(pivot: slices.Pivot, dim: str) -> list[str]:
    values = [v for v in pd.unique(pivot.long[dim]) if v != slices.TOTAL_LABEL]
    return [*values, slices.TOTAL_LABEL]


def views_table(views: list) -> pd.DataFrame:
    return pd.DataFrame({t("explore.col_name"): [x.name for x in views],
                         t("explore.col_page"): [x.page for x in views],
                         t("explore.col_link"): [x.permalink() for x in views],
                         t("explore.col_saved"): [x.created_at for x in views]})  # fmt: skip


def groups_table(groups: list) -> pd.DataFrame:
    return pd.DataFrame({t("explore.col_name"): [g.name for g in groups],
                         t("explore.col_members"): [", ".join(g.actor_ids) for g in groups],
                         t("explore.col_saved"): [g.created_at for g in groups]})  # fmt: skip


def valid_cell(table: pd.DataFrame, cells: list) -> tuple[int, str] | None:
    """The selected cell when it still fits the table (the table may have changed since)."""
    if not cells:
        return None
    row, column = cells[0]
    return (row, column) if 0 <= row < len(table) and column in table.columns else None


def controls(base: Choice, suffix: str, currency: str) -> Choice:
    """The pivot and slice widgets; ``suffix`` renews them when a saved view is applied."""
    dims, measures, groups, sides = list(slices.DIMENSIONS), list(slices.MEASURES), ["",
        *STAGE_GROUPS], list(SIDES)  # fmt: skip
    c1, c2, c3, c4, c5 = st.columns([2, 1.2, 1.4, 1.2, 1.8])
    rows = c1.multiselect(t("explore.rows"), dims, default=list(base.rows), max_selections=2,
                          key="ex_rows" + suffix, format_func=dim_label)  # fmt: skip
    cols = c2.selectbox(
        t("explore.columns"), ["", *dims], key="ex_cols" + suffix,
        index=(["", *dims]).index(base.columns[0] if base.columns else ""),
        format_func=lambda d: dim_label(d) if d else t("explore.no_columns"),
    )  # fmt: skip
    measure = c3.selectbox(t("explore.measure"), measures, key="ex_measure" + suffix,
                           index=measures.index(base.measure),
                           format_func=lambda m: measure_label(m, currency))  # fmt: skip
    group = c4.selectbox(t("explore.stage_group"), groups, key="ex_group" + suffix,
                         index=groups.index(base.stage_group),
                         format_func=lambda g: t(f"group.{g}") if g else "–")  # fmt: skip
    side = c5.selectbox(t("explore.side"), sides, index=sides.index(base.side),
                        key="ex_side" + suffix,
                        format_func=lambda s: t(f"explore.side_{s}"))  # fmt: skip
    q = st.text_input(t("explore.search"), value=base.q, key="ex_search" + suffix)
    rows = rows or ["fund"]
    columns = (cols,) if cols and cols not in rows else ()
    return Choice(tuple(rows), columns, measure, group, side, q.strip())
