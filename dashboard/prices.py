"""Which prices a figure shows, in words: the unit of every tile, title, footer and download.

Current prices name the display currency (``USD``); constant prices name the base year, the
currency and the deflator: "constant 2025 US$ (US CPI-U)". Pure code over ``Filters`` and
``Choices`` with a translating function (the pages' ``t`` or a deck's ``Translator.t``), so a
card, a chart image and a slide say the same.
"""

from __future__ import annotations

from collections.abc import Callable

from dashboard import i18n
from dashboard.filter_state import Choices, Filters

Translate = Callable[..., str]
SYMBOLS = {"USD": "US$"}


def deflator_name(series: str, tr: Translate = i18n.t) -> str:
    """The display name of a deflator series (its id when the catalogue has none)."""
    key = f"prices.series.{series}"
    return tr(key) if i18n.has_key(key) else series


def is_constant(filters: Filters) -> bool:
    return filters.prices == "constant"


def unit(filters: Filters, choices: Choices, tr: Translate = i18n.t) -> str:
    """``USD`` (current prices) or ``constant 2025 US$ (US CPI-U)``."""
    if not is_constant(filters):
        return filters.currency
    return tr(
        "prices.unit_constant",
        year=choices.base_year(filters) or "?",
        currency=SYMBOLS.get(filters.currency, filters.currency),
        deflator=deflator_name(filters.deflator, tr),
    )


def footer_unit(filters: Filters, choices: Choices, tr: Translate = i18n.t) -> str | None:
    """A card footer's unit sentence in constant prices (None: the current-prices sentence)."""
    if not is_constant(filters):
        return None
    return tr(
        "prices.footer_constant",
        year=choices.base_year(filters) or "?",
        currency=SYMBOLS.get(filters.currency, filters.currency),
        deflator=deflator_name(filters.deflator, tr),
    )


def through(series: str, choices: Choices, tr: Translate = i18n.t) -> str:
    """``US CPI-U through 2025``: what the sidebar says instead of a staleness warning."""
    years = choices.deflator_years(series)
    return tr("prices.through", deflator=deflator_name(series, tr), year=years[1] if years else "?")


def choices_of(con: object) -> Choices:
    """Only the deflator series of a warehouse connection (for decks and chart images)."""
    from pipelines.store import warehouse

    frame = warehouse.query(con, "options_deflators")  # type: ignore[arg-type]
    return Choices(deflators=deflator_rows(frame))


def deflator_rows(frame: object) -> tuple[tuple[str, int, int], ...]:
    """``Choices.deflators`` from the ``options_deflators`` query's frame."""
    return tuple(
        (str(r.series), int(r.first_year), int(r.last_year))
        for r in frame.itertuples()  # type: ignore[attr-defined]
    )


def unit_of(con: object, filters: Filters, tr: Translate) -> str:
    """``unit`` for a deck or a chart image, reading the deflator's years when needed."""
    return unit(filters, choices_of(con) if is_constant(filters) else Choices(), tr)
