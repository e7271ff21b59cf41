"""The story a speaker steps through: a list of views, each rendered to a titled, sourced slide.

A view is a query name + parameters + a pure chart builder (``dashboard.charts.flows``, Streamlit-
free) + a one-line headline. The default story is overview KPIs → Sankey → funds → regions →
city map; a story can also be a sequence of saved views from the state store (each saved
view's page picks its chart, its query string its filters). Rendering needs only a DuckDB
connection, so the CLI, the deck and the Present page share it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import parse_qs

import duckdb
import pandas as pd
import plotly.graph_objects as go

from dashboard import i18n as chart_i18n
from dashboard import prices, safe_text
from dashboard.filter_state import Choices, Filters, parse, sql_params
from dashboard.i18n import LANGUAGES, Translator, translator
from dashboard.present.deck import SourceDoc
from dashboard.present.story_views import VIEWS, ViewResult
from pipelines.appstate import store as state
from pipelines.store import warehouse

DEFAULT_STORY = ("kpis", "sankey", "funds", "regions", "cities")
PAGE_VIEW = {"overview": "sankey", "funds": "funds", "regions": "regions"}  # saved view page
SLIDE_WIDTH, SLIDE_HEIGHT = 1200, 675


@dataclass(frozen=True)
class StoryItem:
    """One step of a story: which view, with which filters (and the saved view's name)."""

    view: str
    filters: Filters
    saved_as: str | None = None


@dataclass(frozen=True)
class Slide:
    """A rendered view: everything a deck slide or a Present screen shows."""

    view: str
    title: str
    headline: str
    figure: go.Figure | None
    rules: tuple[str, ...]
    notes: tuple[str, ...]
    sources: tuple[SourceDoc, ...]
    flows: int
    demo: bool


def load_choices(con: duckdb.DuckDBPyConnection) -> Choices:
    """What the warehouse offers, for parsing saved views' query strings and CLI flags."""
    ds = warehouse.query(con, "options_datasets")
    years = warehouse.query(con, "options_years")
    first, last = years.iloc[0].tolist() if len(years) else (None, None)
    return Choices(
        datasets=tuple(ds["dataset"]),
        illustrative=frozenset(ds.loc[ds["is_illustrative"], "dataset"]),
        funds=tuple(warehouse.query(con, "options_funds")["fund_id"]),
        first_year=None if first is None or first != first else int(first),
        last_year=None if last is None or last != last else int(last),
        contributors=tuple(warehouse.query(con, "options_contributors")["actor_id"]),
        countries=tuple(warehouse.query(con, "options_countries")["iso3"]),
        regions=tuple(warehouse.query(con, "options_regions")["code"]),
        languages=LANGUAGES,
        deflators=prices.deflator_rows(warehouse.query(con, "options_deflators")),
    )


def default_story(filters: Filters) -> list[StoryItem]:
    return [StoryItem(view, filters) for view in DEFAULT_STORY]


def saved_story(state_path: Path, names: list[str], choices: Choices, lang: str | None = None):
    """Story items for saved views, in the order given (``state.StateError`` if unknown)."""
    items = []
    for name in names:
        saved = state.get_view(Path(state_path), name)
        params = {k: v for k, v in parse_qs(saved.query, keep_blank_values=False).items()}
        filters, _ignored = parse(params, choices)
        if lang:
            filters = replace(filters, lang=lang)
        view = PAGE_VIEW.get(saved.page or filters.page, "kpis")
        items.append(StoryItem(view, filters, saved_as=name))
    return items


def _given(value: object) -> str | None:
    """The value as text, or None when it is missing (None, NaN, pandas NA, empty)."""
    if value is None or pd.isna(value):
        return None
    text = str(int(value) if isinstance(value, float) else value).strip()
    return text or None


def _citation(row) -> str:
    """``A/RES/58/220 — Resolution 58/220 (UN, 2003)``; parts that are missing are left out."""
    where = ", ".join(x for x in (_given(row.publisher), _given(row.year)) if x)
    title = _given(row.title) or str(row.source_document_id)
    title = f"{title} ({where})" if where else title
    symbol = _given(row.symbol)
    return f"{symbol} — {title}" if symbol and symbol != title else title


def sources(con: duckdb.DuckDBPyConnection, filters: Filters) -> tuple[SourceDoc, ...]:
    """Source documents behind the flows of a selection, the most used first."""
    df = warehouse.query(con, "sources_documents", **sql_params(filters))
    df = df.sort_values(["flows", "source_document_id"], ascending=[False, True])
    return tuple(
        SourceDoc(str(r.source_document_id), _citation(r), _given(r.url)) for r in df.itertuples()
    )


def _demo(con: duckdb.DuckDBPyConnection, dataset: str) -> bool:
    ds = warehouse.query(con, "options_datasets")
    return bool(ds.loc[ds["dataset"] == dataset, "is_illustrative"].any())


def presentation_layout(fig: go.Figure, font_size: int = 18) -> go.Figure:
    """Large type, white background and a fixed 16:9 size for slides and exported images."""
    margin = {"l": 60, "r": 30, "t": 30, "b": 60}
    font = {"size": font_size, "color": "#000000"}
    fig.update_layout(width=SLIDE_WIDTH, height=SLIDE_HEIGHT, margin=margin, font=font,
                      paper_bgcolor="#ffffff")  # fmt: skip
    return fig


def render(con: duckdb.DuckDBPyConnection, item: StoryItem, tr: Translator | None = None) -> Slide:
    """Run the view's query, build its chart in the item's language, and cite its sources."""
    tr = tr or translator(item.filters.lang)
    chart_i18n.set_language(tr.lang)  # the chart builders translate through dashboard.i18n
    view = VIEWS[item.view]
    result: ViewResult = view.run(con, item.filters, tr)
    stats = warehouse.query(con, "card_stats", groups=list(view.groups), side=view.side,
                            **sql_params(item.filters)).iloc[0]  # fmt: skip
    notes = []
    if int(stats["flows_without_rate"] or 0):
        notes.append(tr.t("deck.flows_without_rate", count=tr.number(stats["flows_without_rate"])))
    title = tr.t(view.title_key)
    if item.saved_as:
        title = f"{title} — {item.saved_as}"
    figure = result.figure
    if figure is not None:  # data text escaped once, for the Present page, decks and images
        figure = presentation_layout(safe_text.figure(figure))
    unit = prices.unit_of(con, item.filters, tr.t)
    if prices.is_constant(item.filters):
        title = f"{title} · {unit}"  # the slide names its prices
    rules = tuple(tr.t(k, currency=unit) for k in view.rules)
    return Slide(item.view, title, result.headline, figure, rules, tuple(notes),
                 sources(con, item.filters), int(stats["flows"] or 0),
                 _demo(con, item.filters.dataset))  # fmt: skip


def view_names() -> tuple[str, ...]:
    return tuple(VIEWS)
