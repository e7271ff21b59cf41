"""Chart cards and the other building blocks every page shares.

A card: a title that states what is measured, the figure, a footer (unit and currency, stage
groups counted, flows and sources behind it, flags that apply), download buttons for the data
(CSV/XLSX built only when clicked) and the picture (Plotly's own PNG export in the browser,
offline). No data → a clear empty state, never an empty axis.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import data_labels, i18n, safe_text
from dashboard.i18n import t
from pipelines.query import export

TOPOJSON_URL = "/app/static/topojson/"


def plot_config(name: str, is_map: bool = False) -> dict:
    """Plotly config: PNG export from the modebar (offline); maps read geometry locally."""
    config = {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": name, "scale": 2},
    }
    if is_map:
        config["topojsonURL"] = TOPOJSON_URL
    return config


@dataclass(frozen=True)
class Footer:
    """What a card's footer says about the numbers above it."""

    currency: str
    groups: Sequence[str] = ()
    flows: int = 0
    sources: int = 0
    flows_without_rate: int = 0
    illustrative: bool = False
    pledges_beside: bool = False
    unit: str = "money"
    extra: Sequence[str] = field(default_factory=tuple)
    prices: str | None = None  # constant prices: the unit sentence naming year and deflator


def footer_text(footer: Footer) -> str:
    unit = (
        footer.prices or t("card.unit_money", currency=footer.currency)
        if footer.unit == "money"
        else t(f"card.unit_{footer.unit}")
    )
    parts = [unit]
    if footer.groups:
        groups = ", ".join(t(f"group.{g}") for g in footer.groups)
        parts.append(t("card.stages", groups=groups))
    parts.append(t("card.flows", n=i18n.number(footer.flows)))
    parts.append(t("card.sources", n=i18n.number(footer.sources)))
    return " · ".join(parts)


def footer_flags(footer: Footer) -> list[str]:
    flags = []
    if footer.illustrative:
        flags.append(t("flag.demo"))
    if footer.flows_without_rate:
        key = "prices.no_deflator" if footer.prices else "flag.no_rate"
        flags.append(t(key, n=i18n.number(footer.flows_without_rate)))
    if footer.pledges_beside:
        flags.append(t("flag.pledges"))
    return flags + list(footer.extra)


def downloads(frame: pd.DataFrame, name: str) -> None:
    """CSV and XLSX of the data behind a card; the bytes are built only when clicked."""
    row = st.container(horizontal=True)
    row.download_button(
        t("card.csv"),
        data=lambda: export.to_csv_bytes(frame),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"csv_{name}",
        on_click="ignore",
        icon=":material/download:",
    )
    row.download_button(
        t("card.xlsx"),
        data=lambda: export.to_xlsx_bytes(frame),
        file_name=f"{name}.xlsx",
        key=f"xlsx_{name}",
        on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
    )


def card(
    title: str,
    fig: go.Figure | None,
    frame: pd.DataFrame,
    name: str,
    footer: Footer,
    is_map: bool = False,
) -> None:
    """One chart card; ``fig`` None or ``frame`` empty → the empty state. ``title`` is
    Markdown: data in it went through ``safe_text.md``; the figure's data text is escaped
    here (``safe_text.figure``)."""
    with st.container(border=True):
        st.markdown(f"**{title}**")
        if fig is None or frame.empty:
            st.info(t("card.empty"), icon=":material/filter_alt_off:")
            return
        fig.update_layout(separators=i18n.current().separators())  # hover numbers by locale
        st.plotly_chart(
            safe_text.figure(fig), config=plot_config(name, is_map), key=f"chart_{name}"
        )
        st.caption(footer_text(footer))
        flags = footer_flags(footer)
        if flags:
            st.caption(" · ".join(f"⚠ {flag}" for flag in flags))
        downloads(frame, name)


def table_card(title: str, frame: pd.DataFrame, name: str, caption: str = "") -> None:
    """A table with downloads (Sources page), or the empty state (``title`` and ``caption``
    are Markdown: data in them went through ``safe_text.md``; the table shows text as text)."""
    with st.container(border=True):
        st.markdown(f"**{title}**")
        if frame.empty:
            st.info(t("card.empty_table"), icon=":material/check_circle:")
            return
        shown = data_labels.localise(frame).rename(columns=lambda c: i18n.label("col", c))
        st.dataframe(shown, hide_index=True, width="stretch")
        if caption:
            st.caption(caption)
        downloads(frame, name)


def demo_banner(illustrative: bool) -> None:
    if illustrative:
        st.warning(t("flag.demo_banner"), icon=":material/science:")


def kpi(
    column: st.delta_generator.DeltaGenerator,
    label: str,
    value: str,
    delta: str | None,
    help_text: str,
) -> None:
    column.metric(label, value, delta=delta, help=help_text, border=True)


def data_as_of(stamp: Mapping[str, object]) -> None:
    """The "data as of" line: warehouse version, when it was published, the last load."""
    last = stamp.get("last_load_at")
    last_text = str(last)[:16] if last is not None and pd.notna(last) else "–"
    st.caption(
        t(
            "stamp.as_of",
            version=stamp.get("warehouse_version") or "–",
            published=str(stamp.get("published_at") or "–")[:16].replace("T", " "),
            last_load=last_text,
            file=safe_text.md(stamp.get("last_load_file") or "–"),
        )
    )


def ignored_notes(notes: Sequence[tuple[str, str]]) -> None:
    """Visible note for URL parameters that were not understood (never an exception)."""
    if notes:
        items = safe_text.md_list(f"{name}={value}" for name, value in notes)
        st.warning(t("filters.ignored", items=items), icon=":material/link_off:")


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def stock_cards(stocks: pd.DataFrame, per_row: int = 4) -> None:
    """Funds page: each stock (endowment, cumulative total, ...) as a card with its as-of date
    and source, in its own currency (stocks are never converted and added)."""
    for start in range(0, len(stocks), per_row):
        rows = stocks.iloc[start : start + per_row].itertuples()
        for column, row in zip(st.columns(per_row), rows, strict=False):
            currency = _text(row.currency)
            value = i18n.money(row.amount, currency) if currency else i18n.number(row.amount)
            qualifier = _text(getattr(row, "qualifier", None))
            # the source's own word: "over $28.5M", never a bare "$28.5M"
            if qualifier in ("over", "about", "at_least"):
                value = t(f"qualifier.{qualifier}", amount=value)
            note = _text(row.note)
            column.metric(
                i18n.label("stat", row.kind),
                value,
                help=safe_text.md(note) if note else None,
                border=True,
            )
            source = safe_text.md(_text(row.source_title) or "–")
            when = i18n.day(row.as_of, row.year)
            dated = when != t("funds.undated")
            key = "funds.stock_caption" if dated else "funds.stock_caption_undated"
            column.caption(t(key, as_of=when, source=source))


def event_list(events: pd.DataFrame) -> None:
    """Funds page: the dated events, each with a link to its source."""
    lines = []
    for row in events.itertuples():
        source = safe_text.md_link(_text(row.source_title) or "–", _text(row.source_url))
        when = i18n.day(row.event_date, row.year)
        text = safe_text.md(row.description)
        lines.append(f"- **{when}** — {text} ({t('funds.event_source', source=source)})")
    st.markdown("\n".join(lines))
