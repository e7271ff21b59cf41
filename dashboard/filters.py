"""The shared filter panel and the permalink: the only module touching session and URL state.

First run of a session: the URL's query parameters become the widgets' state (invalid values
ignored with a visible note). Every run: the widgets' values become a frozen ``Filters``,
written back to the URL (Streamlit clears the query parameters when the page changes), so
copying the address bar reproduces the view, page included.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboard import data, data_labels, i18n, m49, prices
from dashboard.filter_state import (
    CURRENCIES,
    DEFAULT_DEFLATOR,
    LIST_FIELDS,
    VIEW_CONTROLS,
    Choices,
    Filters,
    Ignored,
    controls_query,
    page_of_control,
    parse,
    parse_controls,
    sql_params,
    to_query,
)
from dashboard.i18n import t

__all__ = ["Filters", "Choices", "sidebar", "current", "sql_params", "load_choices"]
Labels = dict[str, dict[str, str]]
_K = "ff_"  # widget keys: ff_<url name>


def load_choices() -> tuple[Choices, Labels]:
    """Allowed values and display names, read from the warehouse."""
    ds = data.query("options_datasets")
    funds = data.query("options_funds")
    years = data.query("options_years")
    actors = data.query("options_contributors")
    countries = data.query("options_countries")
    regions = data.query("options_regions")
    series = data.query("options_deflators")
    first, last = years.iloc[0].tolist() if len(years) else (None, None)
    choices = Choices(
        datasets=tuple(ds["dataset"]),
        illustrative=frozenset(ds.loc[ds["is_illustrative"], "dataset"]),
        funds=tuple(funds["fund_id"]),
        first_year=None if first is None or first != first else int(first),
        last_year=None if last is None or last != last else int(last),
        contributors=tuple(actors["actor_id"]),
        countries=tuple(countries["iso3"]),
        regions=tuple(regions["code"]),
        languages=i18n.available_languages(),
        deflators=prices.deflator_rows(series),
    )
    labels = {
        "fund": dict(zip(funds["fund_id"], funds["short_name"], strict=True))
        | {c: t(f"channel.{c}") for c in ("local_private", "direct")},
        "contributor": dict(zip(actors["actor_id"], actors["name"], strict=True)),
        "recipient_country": dict(zip(countries["iso3"], countries["name"], strict=True)),
        "region": dict(zip(regions["code"], regions["name"], strict=True)),
    }
    return choices, labels


def _init_from_url(choices: Choices) -> None:
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    filters, ignored = parse(params, choices)
    state = st.session_state
    for name in ("dataset", "currency", "lang", "deflator", *LIST_FIELDS):
        value = getattr(filters, name)
        state[_K + name] = list(value) if isinstance(value, tuple) else value
    state[_K + "prices"] = filters.prices == "constant"
    state[_K + "base_year"] = choices.base_year(filters)
    lo, hi = choices.first_year, choices.last_year
    if lo is not None and hi is not None:
        state[_K + "years"] = (filters.year_from or lo, filters.year_to or hi)
    controls, bad_controls = parse_controls(params)
    state[_K + "controls"] = controls
    state[_K + "notes"] = ignored + bad_controls
    state[_K + "requested_page"] = filters.page if "page" in params else None
    state[_K + "ready"] = True


def _clear_notes() -> None:
    st.session_state[_K + "notes"] = []


def _label_of(labels: Labels, name: str) -> Callable[[str], str]:
    names = labels.get(name, {})
    vocab = {
        "stage": "stage",
        "modality": "modality",
        "contributor_kind": "kind",
        "status": "status",
    }
    if name in vocab:
        return lambda code: i18n.label(vocab[name], code)
    if name == "region":  # M49 areas in the reader's language, others as the table names them
        return lambda code: i18n.region_name(code) if m49.code_of(code) else names.get(code, code)
    if name in ("fund", "recipient_country"):  # in the reader's language
        word = data_labels.dimension(name, names)
        return lambda code: word(code) if word else names.get(code, code)
    return lambda code: names.get(code, code)


def _dataset_label(choices: Choices) -> Callable[[str], str]:
    def fmt(name: str) -> str:
        mark = t("filters.illustrative_mark") if name in choices.illustrative else ""
        return i18n.label("dataset", name) + mark

    return fmt


def _widgets(choices: Choices, labels: Labels) -> None:
    sb = st.sidebar
    sb.selectbox(
        t("filters.dataset"),
        choices.datasets,
        key=_K + "dataset",
        format_func=_dataset_label(choices),
        on_change=_clear_notes,
    )
    lo, hi = choices.first_year, choices.last_year
    if lo is not None and hi is not None and lo < hi:
        sb.slider(t("filters.years"), lo, hi, key=_K + "years", on_change=_clear_notes)
    options = {name: choices.values(name) for name in LIST_FIELDS}
    for name in LIST_FIELDS:
        sb.multiselect(
            t(f"filters.{name}"),
            options[name],
            key=_K + name,
            format_func=_label_of(labels, name),
            placeholder=t("filters.all"),
            on_change=_clear_notes,
        )
    sb.selectbox(t("filters.currency"), CURRENCIES, key=_K + "currency", on_change=_clear_notes)
    _price_widgets(choices)
    sb.selectbox(
        t("filters.lang"),
        choices.languages,
        key=_K + "lang",
        format_func=lambda code: i18n.label("lang", code),
        on_change=_clear_notes,
    )


def _price_widgets(choices: Choices) -> None:
    """One toggle and a base year (and the series, when the user loaded others)."""
    sb, state = st.sidebar, st.session_state
    sb.toggle(
        t("prices.toggle"), key=_K + "prices", help=t("prices.toggle_help"), on_change=_clear_notes
    )
    if not state.get(_K + "prices"):
        return
    names = choices.deflator_names()
    if state.get(_K + "deflator") not in names:
        state[_K + "deflator"] = names[0]
    if len(names) > 1:
        sb.selectbox(
            t("prices.deflator"),
            names,
            key=_K + "deflator",
            format_func=prices.deflator_name,
            on_change=_clear_notes,
        )
    years = choices.deflator_years(state[_K + "deflator"])
    if years:
        options = list(range(years[1], years[0] - 1, -1))
        if state.get(_K + "base_year") not in options:
            state[_K + "base_year"] = options[0]
        sb.selectbox(t("prices.base_year"), options, key=_K + "base_year", on_change=_clear_notes)
    sb.caption(prices.through(state[_K + "deflator"], choices))


def _price_fields(choices: Choices) -> dict[str, object]:
    state = st.session_state
    if not state.get(_K + "prices"):
        return {}
    deflator = state.get(_K + "deflator") or DEFAULT_DEFLATOR
    years = choices.deflator_years(deflator)
    year = state.get(_K + "base_year")
    default = years[1] if years else None
    return {
        "prices": "constant",
        "deflator": deflator,
        "base_year": None if year == default else year,
    }


def _from_state(choices: Choices, page: str) -> Filters:
    state = st.session_state
    years = state.get(_K + "years")
    lo, hi = choices.first_year, choices.last_year
    year_from = years[0] if years and years[0] != lo else None
    year_to = years[1] if years and years[1] != hi else None
    lists = {name: tuple(state.get(_K + name) or ()) for name in LIST_FIELDS}
    return Filters(
        dataset=state[_K + "dataset"],
        year_from=year_from,
        year_to=year_to,
        currency=state[_K + "currency"],
        lang=state[_K + "lang"],
        page=page,
        **lists,
        **_price_fields(choices),  # type: ignore[arg-type]
    )


def prepare(choices: Choices) -> None:
    """Read the URL once per session and set this run's language (before page titles)."""
    if not st.session_state.get(_K + "ready"):
        _init_from_url(choices)
    i18n.set_language(st.session_state.get(_K + "lang", "en"))


def sidebar(choices: Choices, labels: Labels, page: str) -> Filters:
    """Render the filter panel; return the filters of this run and write them to the URL."""
    prepare(choices)
    st.sidebar.header(t("filters.title"))
    _widgets(choices, labels)
    filters = _from_state(choices, page)
    st.query_params.from_dict(to_query(filters) | controls_query(_control_values(page)))
    st.session_state[_K + "current"] = filters
    return filters


def _control_values(page: str) -> dict[str, object]:
    """This page's controls for the URL: the widget's value once drawn, else the URL's."""
    state = st.session_state
    values = dict(state.get(_K + "controls", {}))
    values.update({name: state[name] for name in VIEW_CONTROLS if name in state})
    return {k: v for k, v in values.items() if page_of_control(k) == page}


def initial(name: str, default: object) -> object:
    """Starting value of the page control keyed ``name``: the URL's value, else ``default``.

    Pages pass it as the widget's default; the widget keeps the user's later choices itself.
    """
    return st.session_state.get(_K + "controls", {}).get(name, default)


def notes() -> list[Ignored]:
    """Parameters of the URL that were ignored (shown until the user changes a filter)."""
    return list(st.session_state.get(_K + "notes", []))


def requested_page() -> str | None:
    """The page the URL asked for, once per session (the app switches to it)."""
    return st.session_state.pop(_K + "requested_page", None)


def current() -> Filters:
    """The filters of this run (set by ``sidebar`` before the page runs)."""
    return st.session_state.get(_K + "current", Filters())


def pick_fund(options: list[str], labels: dict[str, str]) -> str:
    """Funds page: one fund at a time; choosing one makes it the fund filter (and the URL)."""
    chosen = [f for f in current().fund if f in options]
    value = chosen[0] if chosen else options[0]
    key = f"{_K}fund_page_{value}"

    def follow() -> None:
        st.session_state[_K + "fund"] = [st.session_state[key]]
        _clear_notes()

    st.selectbox(
        t("funds.pick"),
        options,
        index=options.index(value),
        key=key,
        format_func=lambda c: labels.get(c, c),
        on_change=follow,
    )
    return value
