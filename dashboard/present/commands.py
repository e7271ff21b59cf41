"""`fundflows deck` and `fundflows chart`: the story as PPTX/PDF, one chart as PNG/SVG/PDF."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from dashboard.filter_state import Filters, parse
from dashboard.i18n import LANGUAGES, Translator, translator
from dashboard.present import chart_images as chart_export
from dashboard.present import deck, deck_pdf, story, story_deck
from pipelines import settings
from pipelines.appstate import store as state
from pipelines.cli.app import WarehouseOpt, app, warehouse_or_default
from pipelines.store import warehouse

console = Console(stderr=True)

ViewOpt = Annotated[
    list[str] | None,
    typer.Option("--view", help="Saved view to show (repeat for several; default: the story)."),
]
DatasetOpt = Annotated[str | None, typer.Option("--dataset", help="Dataset (default: demo).")]
LangOpt = Annotated[str, typer.Option("--lang", help="Language: en, fr, es, ru, ar or zh.")]
YearOpt = Annotated[int | None, typer.Option(help="First / last year of the selection.")]
FundOpt = Annotated[list[str] | None, typer.Option("--fund", help="Fund or channel (repeat).")]
CurrencyOpt = Annotated[str, typer.Option("--currency", help="Display currency.")]
PricesOpt = Annotated[str, typer.Option("--prices", help="current or constant prices.")]
BaseYearOpt = Annotated[
    int | None, typer.Option("--base-year", help="Constant prices of this year (default: last).")
]
DeflatorOpt = Annotated[str, typer.Option("--deflator", help="Price index series.")]
StateOpt = Annotated[Path | None, typer.Option("--state", help="State store with saved views.")]


def _fail(message: str) -> typer.Exit:
    console.print(f"[red]{message}[/red]")
    return typer.Exit(2)


def _open(warehouse_path: Path | None):
    live = warehouse_or_default(warehouse_path)
    try:
        return warehouse.connect_plain(live)
    except warehouse.WarehouseError as exc:
        raise _fail(str(exc)) from exc


def _translator(lang: str) -> Translator:
    if lang not in LANGUAGES:
        raise _fail(
            translator("en").t("cli.unknown_language", lang=lang, langs=", ".join(LANGUAGES))
        )
    return translator(lang)


def _filters(con, tr: Translator, dataset, year_from, year_to, funds, currency,
             price=("current", "us_cpi_u", None)) -> Filters:  # fmt: skip
    choices = story.load_choices(con)
    query = {"prices": price[0], "deflator": price[1], "base_year": price[2]}
    chosen, bad = parse({k: str(v) for k, v in query.items() if v is not None}, choices)
    if bad:
        raise _fail(", ".join(f"--{k.replace('_', '-')} {v}" for k, v in bad) + ": not offered")
    if dataset and dataset not in choices.datasets:
        names = ", ".join(choices.datasets)
        raise _fail(tr.t("cli.unknown_dataset", name=dataset, names=names))
    fallback = "demo" if "demo" in choices.datasets or not choices.datasets else choices.datasets[0]
    return Filters(dataset=dataset or fallback, year_from=year_from, year_to=year_to,
                   fund=tuple(funds or ()), currency=currency, lang=tr.lang,
                   prices=chosen.prices, deflator=chosen.deflator,
                   base_year=chosen.base_year)  # fmt: skip


def _items(con, tr: Translator, filters: Filters, views: list[str] | None, state_path,
           dataset: str | None = None):  # fmt: skip
    """The default story with ``filters``, or the saved views (each with its own filters; an
    explicit ``--dataset`` replaces theirs)."""
    if not views:
        return story.default_story(filters)
    path = state_path or settings.state_path()
    try:
        items = story.saved_story(path, views, story.load_choices(con), lang=tr.lang)
    except state.StateError:
        known = [v.name for v in state.list_views(path)] if Path(path).exists() else []
        missing = next(v for v in views if v not in known)
        raise _fail(tr.t("cli.unknown_view", name=missing, names=", ".join(known) or "–")) from None
    if dataset is None:
        return items
    return [replace(i, filters=replace(i.filters, dataset=dataset)) for i in items]


@app.command("deck")
def deck_command(
    out: Annotated[Path, typer.Option("--out", help="File to write (talk.pptx or talk.pdf).")],
    view: ViewOpt = None,
    dataset: DatasetOpt = None,
    lang: LangOpt = "en",
    fmt: Annotated[
        str | None, typer.Option("--format", help="pptx or pdf (default: suffix).")
    ] = None,
    year_from: YearOpt = None,
    year_to: YearOpt = None,
    fund: FundOpt = None,
    currency: CurrencyOpt = "USD",
    prices: PricesOpt = "current",
    base_year: BaseYearOpt = None,
    deflator: DeflatorOpt = "us_cpi_u",
    state_path: StateOpt = None,
    warehouse_path: WarehouseOpt = None,
) -> None:
    """Write the story (or saved views) as a PowerPoint deck or a PDF, one page per slide."""
    tr = _translator(lang)
    kind = (fmt or out.suffix.lstrip(".") or "pptx").lower()
    if kind not in ("pptx", "pdf"):
        raise _fail(f"--format must be pptx or pdf, not {kind}")
    con = _open(warehouse_path)
    try:
        price = (prices, deflator, base_year)
        filters = _filters(con, tr, dataset, year_from, year_to, fund, currency, price)
        items = _items(con, tr, filters, view, state_path, dataset)
        made = story_deck.build_deck(con, items, tr)
    finally:
        con.close()
    writer = deck.write_pptx if kind == "pptx" else deck_pdf.write_pdf
    writer(made, out)
    console.print(tr.t("cli.wrote", path=str(out), slides=deck.slide_count(made)))


@app.command("chart")
def chart_command(
    name: Annotated[
        str,
        typer.Argument(
            help="A view of the story (kpis, sankey, funds, regions, cities) or a saved view."
        ),
    ],  # fmt: skip
    out: Annotated[Path, typer.Option("--out", help="Image file to write.")],
    fmt: Annotated[str | None, typer.Option("--format", help="png, svg or pdf.")] = None,
    dataset: DatasetOpt = None,
    lang: LangOpt = "en",
    prices: PricesOpt = "current",
    base_year: BaseYearOpt = None,
    deflator: DeflatorOpt = "us_cpi_u",
    state_path: StateOpt = None,
    warehouse_path: WarehouseOpt = None,
) -> None:
    """Write one chart as PNG (2x scale), SVG or PDF, for scripted use."""
    tr = _translator(lang)
    kind = (fmt or out.suffix.lstrip(".") or "png").lower()
    if kind not in chart_export.FORMATS:
        raise _fail(f"--format must be one of {', '.join(chart_export.FORMATS)}, not {kind}")
    con = _open(warehouse_path)
    try:
        price = (prices, deflator, base_year)
        filters = _filters(con, tr, dataset, None, None, None, "USD", price)
        path = state_path or settings.state_path()
        saved = [v.name for v in state.list_views(path)] if Path(path).exists() else []
        if name in story.view_names():
            item = story.StoryItem(name, filters)
        elif name in saved:
            item = _items(con, tr, filters, [name], path, dataset)[0]
        else:
            names = ", ".join([*story.view_names(), *saved])
            raise _fail(tr.t("cli.unknown_chart", name=name, names=names))
        slide = story.render(con, item, tr)
    finally:
        con.close()
    if slide.figure is None:
        raise _fail(slide.headline)
    if filters.prices == "constant":  # the image names its prices (the slide title does)
        slide.figure.update_layout(title={"text": slide.title})
    chart_export.write(slide.figure, out, kind)
    console.print(tr.t("cli.wrote_chart", path=str(out)))
