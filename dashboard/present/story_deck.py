"""Turn a story (rendered slides) into a ``Deck``: translated labels, chart images, sources."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

import duckdb

from dashboard.filter_state import Filters, to_query
from dashboard.i18n import Translator, catalogue
from dashboard.present import chart_images as chart_export
from dashboard.present import story
from dashboard.present.deck import Deck, DeckLabels, ViewSlide

NOT_FILTERS = ("dataset", "lang", "page", "currency")


def labels(tr: Translator) -> DeckLabels:
    keys = {f.name: f"deck.{f.name}" for f in fields(DeckLabels)}
    return DeckLabels(**{name: tr.t(key) for name, key in keys.items()})


def _filter_name(tr: Translator, name: str) -> str:
    for key in (f"filter.{name}", f"filters.{name}"):
        if key in catalogue(tr.lang) or key in catalogue("en"):
            return tr.t(key)
    return name


def describe_filters(filters: Filters, tr: Translator) -> str:
    """The filters of a story in words: ``Years: 2019–2020 · Funds: pgtf, dgttf`` or "none"."""
    query = {k: v for k, v in to_query(filters).items() if k not in NOT_FILTERS}
    years = (query.pop("year_from", "…"), query.pop("year_to", "…"))
    parts = [f"{_filter_name(tr, 'years')}: {years[0]}–{years[1]}"] if years != ("…", "…") else []
    parts += [f"{_filter_name(tr, k)}: {v.replace(',', ', ')}" for k, v in query.items()]
    if filters.currency != "USD":
        parts.append(f"{_filter_name(tr, 'currency')}: {filters.currency}")
    return " · ".join(parts) if parts else tr.t("deck.no_filters")


def slide_of(rendered: story.Slide, tr: Translator) -> ViewSlide:
    image = chart_export.to_bytes(rendered.figure, "png") if rendered.figure is not None else None
    return ViewSlide(rendered.title, rendered.headline, image, rendered.rules,
                     rendered.sources, rendered.notes, tr.t("deck.no_data"))  # fmt: skip


def build_deck(
    con: duckdb.DuckDBPyConnection,
    items: list[story.StoryItem],
    tr: Translator,
    today: date | None = None,
) -> Deck:
    """Render every item, draw its chart (one kaleido browser for all) and assemble the deck."""
    rendered = [story.render(con, item, tr) for item in items]
    first = items[0].filters if items else Filters()
    subtitle = (
        tr.t("deck.dataset", dataset=tr.label("dataset", first.dataset)),
        tr.t("deck.filters", filters=describe_filters(first, tr)),
        tr.t("deck.date", date=tr.date(today or date.today())),
    )
    return Deck(
        lang=tr.lang,
        title=tr.t("deck.title"),
        subtitle_lines=subtitle,
        slides=tuple(slide_of(r, tr) for r in rendered),
        demo=any(r.demo for r in rendered),
        labels=labels(tr),
    )
