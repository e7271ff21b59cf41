"""The filter state as a frozen value, and its two-way mapping to URL query parameters.

Pure code (no Streamlit): ``parse`` turns query parameters into ``Filters`` and a list of the
values it ignored; ``to_query`` turns ``Filters`` back into query parameters, so that
``parse(to_query(f)) == f``. The URL vocabulary is the contract of sql/README.md ("Filter
vocabulary").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

STAGES = ("pledge", "commitment", "paid", "allocation", "disbursement", "expenditure")
STAGE_GROUPS = ("promised", "transferred", "allocated", "used")
MODALITIES = (
    "north_south",
    "south_south",
    "triangular",
    "city_to_city",
    "local_private",
    "multilateral",
)
KINDS = (
    "government",
    "local_government",
    "city_network",
    "multilateral",
    "fund",
    "company",
    "foundation",
    "ngo",
    "community",
    "individual",
    "other",
)
STATUSES = ("ldc", "lldc", "sids")
CURRENCIES = ("USD", "EUR", "CHF", "GBP")
PRICES = ("current", "constant")
DEFAULT_DEFLATOR = "us_cpi_u"
CHANNELS = ("local_private", "direct")  # channels without a fund, beside the fund ids
PAGES = (
    "overview",
    "funds",
    "regions",
    "compare",
    "explore",
    "sql_console",
    "sources",
    "present",
    "load",
)
# page controls kept in the URL beside the filters: widget key -> allowed values, or range
CHOICE_CONTROLS: dict[str, tuple[str, ...]] = {
    "ov_group": STAGE_GROUPS,
    "ov_by": ("kind", "region"),
    "rg_direction": ("received", "given"),
    "rg_group": STAGE_GROUPS,
}
RANGE_CONTROLS: dict[str, tuple[float, float, type]] = {
    "ov_threshold": (0.0, 20.0, float),
    "fu_top_n": (3, 30, int),
}
NAME_CONTROLS = {"ex_apply": 80}  # a saved view's name (the page checks it exists); max length
VIEW_CONTROLS = (*CHOICE_CONTROLS, *RANGE_CONTROLS, *NAME_CONTROLS)
CONTROL_PAGES = {"ov": "overview", "rg": "regions", "fu": "funds", "ex": "explore"}


def page_of_control(name: str) -> str:
    return CONTROL_PAGES[name.split("_", 1)[0]]


LIST_FIELDS = (
    "fund",
    "stage",
    "modality",
    "contributor_kind",
    "contributor",
    "recipient_country",
    "region",
    "status",
)
PRICE_KEYS = ("prices", "base_year", "deflator")
URL_KEYS = ("dataset", "year_from", "year_to", *LIST_FIELDS, "currency", *PRICE_KEYS)
URL_KEYS += ("lang", "page")
DEFAULT_DATASET = "demo"


@dataclass(frozen=True)
class Filters:
    """One view of the data. Empty tuples mean "no filter"; years None mean "open"."""

    dataset: str = DEFAULT_DATASET
    year_from: int | None = None
    year_to: int | None = None
    fund: tuple[str, ...] = ()
    stage: tuple[str, ...] = ()
    modality: tuple[str, ...] = ()
    contributor_kind: tuple[str, ...] = ()
    contributor: tuple[str, ...] = ()
    recipient_country: tuple[str, ...] = ()
    region: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    currency: str = "USD"
    prices: str = "current"  # or "constant": amounts at base_year prices of the deflator
    base_year: int | None = None  # None: the deflator's last year
    deflator: str = DEFAULT_DEFLATOR
    lang: str = "en"
    page: str = "overview"


@dataclass(frozen=True)
class Choices:
    """What the warehouse offers: the allowed value of every parameter."""

    datasets: tuple[str, ...] = (DEFAULT_DATASET,)
    illustrative: frozenset[str] = frozenset({DEFAULT_DATASET})
    funds: tuple[str, ...] = ()
    first_year: int | None = None
    last_year: int | None = None
    contributors: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    languages: tuple[str, ...] = ("en",)
    pages: tuple[str, ...] = PAGES
    # deflator series: (name, first year, last year); empty: only the default, years unchecked
    deflators: tuple[tuple[str, int, int], ...] = ()

    def deflator_names(self) -> tuple[str, ...]:
        return tuple(d[0] for d in self.deflators) or (DEFAULT_DEFLATOR,)

    def deflator_years(self, series: str) -> tuple[int, int] | None:
        """First and last year of ``series`` (None when unknown)."""
        return next(((lo, hi) for name, lo, hi in self.deflators if name == series), None)

    def base_year(self, filters: Filters) -> int | None:
        """The base year a view uses: its own, else its deflator's last year."""
        years = self.deflator_years(filters.deflator)
        return filters.base_year or (years[1] if years else None)

    def values(self, name: str) -> tuple[str, ...]:
        fixed = {
            "stage": STAGES,
            "modality": MODALITIES,
            "contributor_kind": KINDS,
            "status": STATUSES,
            "fund": self.funds + CHANNELS,
            "contributor": self.contributors,
            "recipient_country": self.countries,
            "region": self.regions,
        }
        return fixed[name]


Ignored = tuple[str, str]  # (parameter, value) that was not understood


def _split(raw: object) -> list[str]:
    values = raw if isinstance(raw, list | tuple) else [raw]
    return [v.strip() for item in values for v in str(item).split(",") if v.strip()]


def _year(raw: object, choices: Choices) -> int | None:
    text = _split(raw)[0] if _split(raw) else ""
    year = int(text) if text.isdigit() and len(text) == 4 else None
    lo, hi = choices.first_year, choices.last_year
    if year is None or (lo is not None and hi is not None and not lo <= year <= hi):
        raise ValueError(text)
    return year


def _one(name: str, raw: object, allowed: tuple[str, ...]) -> str:
    values = _split(raw)
    if len(values) != 1 or values[0] not in allowed:
        raise ValueError(",".join(values) or str(raw))
    return values[0]


def parse(params: Mapping[str, object], choices: Choices) -> tuple[Filters, list[Ignored]]:
    """Filters from query parameters; unknown parameters and invalid values are ignored."""
    found: dict[str, object] = {}
    ignored: list[Ignored] = []
    singles = {
        "dataset": choices.datasets,
        "currency": CURRENCIES,
        "lang": choices.languages,
        "page": choices.pages,
        "prices": PRICES,
        "deflator": choices.deflator_names(),
    }
    for name, raw in params.items():
        try:
            if name in singles:
                found[name] = _one(name, raw, singles[name])
            elif name in ("year_from", "year_to"):
                found[name] = _year(raw, choices)
            elif name == "base_year":
                found[name] = _year(raw, Choices())  # checked against the deflator below
            elif name in VIEW_CONTROLS:
                continue  # read by parse_controls
            elif name in LIST_FIELDS:
                values = _split(raw)
                allowed = set(choices.values(name))
                ignored += [(name, v) for v in values if v not in allowed]
                found[name] = tuple(dict.fromkeys(v for v in values if v in allowed))
            else:
                ignored.append((name, ",".join(_split(raw))))
        except ValueError as bad:
            ignored.append((name, str(bad)))
    filters = Filters(**found)  # type: ignore[arg-type]
    years = choices.deflator_years(filters.deflator)
    if filters.base_year and years and not years[0] <= filters.base_year <= years[1]:
        ignored.append(("base_year", str(filters.base_year)))
        filters = replace(filters, base_year=None)
    if filters.dataset not in choices.datasets and choices.datasets:
        filters = replace(filters, dataset=choices.datasets[0])
    if filters.year_from and filters.year_to and filters.year_from > filters.year_to:
        ignored.append(("year_to", str(filters.year_to)))
        filters = replace(filters, year_to=None)
    return filters, ignored


def to_query(filters: Filters) -> dict[str, str]:
    """Query parameters for ``filters``: dataset and page always, the rest when set."""
    default = Filters()
    query: dict[str, str] = {}
    for item in fields(Filters):
        value = getattr(filters, item.name)
        if isinstance(value, tuple):
            if value:
                query[item.name] = ",".join(value)
            continue
        changed = value is not None and value != getattr(default, item.name)
        if item.name in ("dataset", "page") or changed:
            query[item.name] = str(value)
    return query


def sql_params(filters: Filters) -> dict[str, object]:
    """The bound parameters every chart query over ``flows_filtered`` takes."""
    params: dict[str, object] = {name: list(getattr(filters, name)) for name in LIST_FIELDS}
    params |= {
        "dataset": filters.dataset,
        "year_from": filters.year_from,
        "year_to": filters.year_to,
        "currency": filters.currency,
        "display_currency": filters.currency,
        "prices": filters.prices,
        "base_year": filters.base_year,
        "deflator": filters.deflator,
    }
    return params


def is_illustrative(filters: Filters, choices: Choices) -> bool:
    return filters.dataset in choices.illustrative


def parse_controls(params: Mapping[str, object]) -> tuple[dict[str, object], list[Ignored]]:
    """Page-control values from query parameters; invalid ones are ignored and reported."""
    found: dict[str, object] = {}
    ignored: list[Ignored] = []
    for name in VIEW_CONTROLS:
        if name not in params:
            continue
        raw = next(iter(_split(params[name])), "")
        if name in CHOICE_CONTROLS:
            if raw in CHOICE_CONTROLS[name]:
                found[name] = raw
                continue
        elif name in NAME_CONTROLS:
            if 0 < len(raw) <= NAME_CONTROLS[name] and raw.isprintable():
                found[name] = raw
                continue
        else:
            lo, hi, kind = RANGE_CONTROLS[name]
            try:
                value = kind(raw)
            except ValueError:
                value = None
            if value is not None and lo <= value <= hi:
                found[name] = value
                continue
        ignored.append((name, raw))
    return found, ignored


def controls_query(values: Mapping[str, object]) -> dict[str, str]:
    """Query parameters for the page controls present in ``values`` (whitelisted names only)."""
    out = {}
    for name in VIEW_CONTROLS:
        if name in values and values[name] is not None:
            value = values[name]
            out[name] = f"{value:g}" if isinstance(value, float) else str(value)
    return out
