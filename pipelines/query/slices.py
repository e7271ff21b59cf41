"""Slices, pivots and drill-down over the filtered flows of ``sql/queries/explore_flows.sql``.

Dimensions and measures come from the whitelists below: user choices pick keys, never SQL
text. A pivot is one GROUP BY with ROLLUPs, so every subtotal and total comes from the same
rows as its cells and they agree. Totals never mix what may not be added (sql/README.md):
when a slice holds illustrative and real rows, several stage groups, in- and out-legs, or
(for original amounts) several currencies, that distinction becomes a forced outer dimension.
Rows that are breakdowns of another flow row (``counted_in_parent``) are left out of totals.

Two paths give the same pivot: the pre-aggregated ``flow_cube`` (``explore_cube.sql``, one row
per cube group with explore_flows' column names; counts become sums of ``flows``) whenever the
request allows it — no search text, a display currency the cube holds, dimensions and measure
it has — else the flows one by one (``explore_flows.sql``). Money in US dollars is summed as
exact decimals on both; in another display currency as doubles (equal up to summation order).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from pipelines.reference.names import normalise
from pipelines.store import sql
from pipelines.store.rows import one

Params = dict[str, Any]  # what explore_flows.sql binds (filter_params)
NONE_LABEL = "(none)"
TOTAL_LABEL = "Total"
LIST_FILTERS = ("dataset", "fund", "stage", "modality", "contributor_kind", "contributor",
                "recipient_country", "region", "status", "stage_group", "leg")  # fmt: skip


def _flag(column: str, word: str) -> str:
    return f"CASE WHEN {column} THEN '{word}' WHEN NOT {column} THEN 'not {word}' END"


# dimension key -> SQL expression over explore_flows columns (fixed text, never user input)
DIMENSIONS: dict[str, str] = {
    "year": "year",
    "fund": "coalesce(fund_name, CASE WHEN modality = 'local_private' THEN 'local_private'"
    " ELSE 'direct' END)",  # the channel when no fund: as the fund filter names it
    "stage": "stage",
    "stage_group": "stage_group",
    "leg": "leg",
    "modality": "modality",
    "instrument": "instrument",
    "contributor": "contributor",
    "contributor_kind": "contributor_kind",
    "contributor_region": "contributor_region",
    "recipient_country": "recipient_country_name",
    "recipient_region": "recipient_region",
    "recipient_subregion": "recipient_subregion",
    "ldc": _flag("is_ldc", "LDC"),
    "lldc": _flag("is_lldc", "LLDC"),
    "sids": _flag("is_sids", "SIDS"),
    "currency": "currency",
    "dataset": "dataset",
    "source_document": "coalesce(source_symbol, source_title, source_document_id)",
    "is_illustrative": "CASE WHEN is_illustrative THEN 'illustrative' ELSE 'real' END",
}
# measure key -> aggregate (fixed text)
MEASURES: dict[str, str] = {
    "amount": "sum(amount_display)",
    "amount_original": "sum(amount_original)",
    "flows": "count(*)",
    "contributors": "count(DISTINCT contributor_id)",
}
ADDITIVE = ("amount", "amount_original", "flows")
MONEY = ("amount", "amount_original")
# what the cube holds: every dimension but the instrument, money in four display currencies
CUBE_DIMENSIONS = frozenset(DIMENSIONS) - {"instrument"}
CUBE_MEASURES = ("amount", "flows", "contributors")
CUBE_CURRENCIES = ("USD", "EUR", "CHF", "GBP")
CUBE, FLOWS = "cube", "flows"


@dataclass(frozen=True)
class Source:
    """Where a slice's rows come from, and how its aggregates read them (fixed text)."""

    path: str  # CUBE or FLOWS
    query: str  # sql/queries/<query>.sql
    count: str  # flows in the rows
    without_rate: str  # of them, flows without an amount in the display currency


SOURCES = {
    CUBE: Source(
        CUBE,
        "explore_cube",
        "coalesce(sum(flows), 0)::BIGINT",  # count(*) of no rows is 0, a sum NULL
        "coalesce(sum(flows_without_rate), 0)::BIGINT",
    ),
    FLOWS: Source(FLOWS, "explore_flows", "count(*)", "count(*) FILTER (amount_display IS NULL)"),
}


class SliceError(ValueError):
    """A pivot request outside the whitelists."""


def filter_params(display_currency: str = "USD", q: str = "", **given: Any) -> Params:
    """Every parameter explore_flows.sql binds, defaults for the ones not given."""
    params: Params = {name: [] for name in LIST_FILTERS}
    params |= {"year_from": None, "year_to": None}
    for name, value in given.items():
        if name in LIST_FILTERS:
            params[name] = [str(v) for v in (value or [])]
        elif name in ("year_from", "year_to"):
            params[name] = None if value in (None, "") else int(value)
        else:
            raise SliceError(f"unknown filter {name!r}")
    params["q"] = normalise(q) if q else ""
    params["display_currency"] = display_currency or "USD"
    return params


@dataclass(frozen=True)
class PivotSpec:
    rows: tuple[str, ...]
    columns: tuple[str, ...] = ()
    measure: str = "amount"

    def __post_init__(self) -> None:
        unknown = [d for d in self.rows + self.columns if d not in DIMENSIONS]
        if unknown or self.measure not in MEASURES:
            raise SliceError(f"unknown dimension or measure: {unknown or self.measure}")
        if not self.rows or len(self.rows) > 2 or len(self.columns) > 1:
            raise SliceError("choose one or two row dimensions and at most one column dimension")
        if len(set(self.rows + self.columns)) != len(self.rows + self.columns):
            raise SliceError("a dimension can be used once")


@dataclass
class Pivot:
    spec: PivotSpec
    forced: tuple[str, ...]
    long: pd.DataFrame = field(repr=False)
    path: str = FLOWS  # CUBE or FLOWS: where the pivot read its rows

    @property
    def is_empty(self) -> bool:
        """No flow in the slice (a ROLLUP over no rows still gives one all-Total row)."""
        return self.long.empty or int(self.long["flows"].sum()) == 0

    @property
    def keys(self) -> tuple[str, ...]:
        return self.forced + self.spec.rows + self.spec.columns

    def cells(self) -> pd.DataFrame:
        """The innermost cells (no subtotal rows)."""
        return self.long[(self.long[list(self.keys)] != TOTAL_LABEL).all(axis=1)]

    def total(self, **key: str) -> float:
        """The value where each named key has the given label and every other key is Total."""
        mask = pd.Series(True, index=self.long.index)
        for name in self.spec.rows + self.spec.columns:
            mask &= self.long[name] == key.get(name, TOTAL_LABEL)
        for name in self.forced:
            mask &= self.long[name] == key[name]
        values = self.long.loc[mask, "value"]
        return float(values.iloc[0]) if len(values) else 0.0

    def table(self) -> pd.DataFrame:
        """Wide table: row keys down, column values (and Total) across."""
        index = list(self.forced + self.spec.rows)
        if not self.spec.columns:
            return self.long[index + ["value", "flows", "flows_without_rate"]].reset_index(
                drop=True
            )
        col = self.spec.columns[0]
        wide = self.long.pivot(index=index, columns=col, values="value")
        row_order = pd.unique(pd.Series(list(zip(*[self.long[c] for c in index], strict=True))))
        # every column label, in order, then Total: a label that only a later row has must not
        # land after that row's Total (labels are text; SQL orders them the same way)
        labels = [v for v in pd.unique(self.long[col]) if v != TOTAL_LABEL]
        col_order = sorted(labels) + [TOTAL_LABEL]
        wide = wide.reindex(
            index=pd.MultiIndex.from_tuples(row_order, names=index), columns=col_order
        )
        return wide.reset_index()


def source_for(params: Params, dims: tuple[str, ...] | set[str], measure: str = "flows") -> Source:
    """The cube when it can answer (no search text, its currencies, dimensions and measure)."""
    fits = (
        not params["q"]
        and params["display_currency"] in CUBE_CURRENCIES
        and measure in CUBE_MEASURES
        and set(dims) <= CUBE_DIMENSIONS
    )
    return SOURCES[CUBE if fits else FLOWS]


def measure_sql(source: Source, params: Params, measure: str) -> str:
    if measure == "flows":
        return source.count
    if measure == "amount":  # US dollars: the exact decimal sum on both paths
        return "sum(amount_usd)" if params["display_currency"] == "USD" else "sum(amount_display)"
    return MEASURES[measure]


def slice_sql(source: Source, measure_cols: str = "*") -> str:
    base = sql.text(f"queries/{source.query}")
    return f"WITH slice AS ({base}\n) SELECT {measure_cols} FROM slice WHERE NOT counted_in_parent"  # noqa: S608  (fixed text)


def _settled(con: duckdb.DuckDBPyConnection, params: Params, spec: PivotSpec) -> bool:
    """True when the filters alone show no total can mix (so the full probe is not needed)."""
    illus, curr = one(
        con.execute(  # the cube holds every flow's dataset, flag and currency
            "SELECT count(DISTINCT is_illustrative), count(DISTINCT currency) FROM flow_cube"
            " WHERE len($d::VARCHAR[]) = 0 OR dataset = ANY($d::VARCHAR[])",
            {"d": params["dataset"]},
        ).fetchone()
    )
    one_side = bool(params["leg"]) and (
        set(params["leg"]) <= {"in", "direct"} or set(params["leg"]) <= {"out", "direct"}
    )
    money_safe = spec.measure not in MONEY or (len(params["stage_group"]) == 1 and one_side)
    currency_safe = spec.measure != "amount_original" or curr <= 1
    return illus <= 1 and money_safe and currency_safe


def forced_dimensions(
    con: duckdb.DuckDBPyConnection, params: Params, spec: PivotSpec, source: Source | None = None
) -> tuple[str, ...]:
    """Distinctions a total of this slice must keep apart (see the module docstring)."""
    if _settled(con, params, spec):
        return ()
    probe = (
        "count(DISTINCT is_illustrative) AS illus, count(DISTINCT stage_group) AS groups,"
        " (bool_or(leg = 'in') AND bool_or(leg = 'out')) AS legs, count(DISTINCT currency) AS curr"
    )
    # the probe's columns are all in the cube: it reads the cube unless there is search text
    source = source or source_for(params, ())
    illus, groups, legs, curr = one(con.execute(slice_sql(source, probe), params).fetchone())
    chosen = set(spec.rows + spec.columns)
    money = spec.measure in MONEY
    forced = []
    if illus > 1 and "is_illustrative" not in chosen and "dataset" not in chosen:
        forced.append("is_illustrative")
    if money and groups > 1 and not chosen & {"stage_group", "stage"}:
        forced.append("stage_group")
    if money and legs and "leg" not in chosen:
        forced.append("leg")
    if spec.measure == "amount_original" and curr > 1 and "currency" not in chosen:
        forced.append("currency")
    return tuple(forced)


def pivot(
    con: duckdb.DuckDBPyConnection, params: Params, spec: PivotSpec, source: Source | None = None
) -> Pivot:
    """Cells, subtotals and totals of ``spec`` over the filtered flows (``source``: the path,
    chosen by :func:`source_for` when not given; both give the same pivot)."""
    # the probe needs only what the cube holds: it reads the cube even when the pivot cannot
    # (instrument, original amounts), unless a caller chose the path
    forced = forced_dimensions(con, params, spec, source)
    source = source or source_for(params, spec.rows + spec.columns, spec.measure)
    keys = forced + spec.rows + spec.columns
    labels = ", ".join(
        f"coalesce(CAST({DIMENSIONS[k]} AS VARCHAR), '{NONE_LABEL}') AS d_{k}" for k in keys
    )
    groups = ", ".join(f"GROUPING(d_{k}) AS g_{k}" for k in keys)
    group_by = ", ".join(
        [f"d_{k}" for k in forced] + [f"ROLLUP({', '.join('d_' + r for r in spec.rows)})"]
        + ([f"ROLLUP(d_{spec.columns[0]})"] if spec.columns else [])
    )  # fmt: skip
    order = ", ".join(f"g_{k}, d_{k}" for k in keys)
    select = ", ".join(f"d_{k} AS {k}" for k in keys)
    # identifiers and aggregates come from DIMENSIONS / MEASURES / SOURCES, values are bound
    text = (
        f"WITH labelled AS ({slice_sql(source, f'{labels}, *')}) "  # noqa: S608 - whitelisted dims
        f"SELECT {select}, {measure_sql(source, params, spec.measure)} AS value, "
        f"{source.count} AS flows, {source.without_rate} AS flows_without_rate, "
        f"{groups} FROM labelled GROUP BY {group_by} ORDER BY {order}"
    )
    long = con.execute(text, params).df()
    for k in keys:
        long[k] = long[k].where(long[f"g_{k}"] == 0, TOTAL_LABEL).astype(str)
    long = long.drop(columns=[f"g_{k}" for k in keys])
    long["value"] = long["value"].astype(float).fillna(0.0)
    return Pivot(spec=spec, forced=forced, long=long, path=source.path)
