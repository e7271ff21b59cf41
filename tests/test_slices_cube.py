"""An Explore pivot read from the pre-aggregated ``flow_cube`` equals the pivot over the flows.

Hypothesis draws pivots (one or two row dimensions, maybe a column dimension, a measure the
cube holds) and filters (datasets, years, funds, stages, modalities, kinds, contributors,
countries, regions by code or name, statuses, stage groups, legs, display currencies) from the
values present in three warehouses: the workbench fixture, the dashboard fixture (region-only
and year-only flows, several rates) and the full build. Each pivot is computed twice — through
``explore_cube.sql`` and through ``explore_flows.sql`` — and must give the same forced
dimensions, the same rows with the same labels in the same order, the same flow counts and
the same values: exactly for counts and US dollars (both sum exact decimals), up to
floating-point summation order (1e-12 relative) for euros, francs and pounds.
"""

from __future__ import annotations

import duckdb
import pandas.testing as pdt
import pytest
from dashboard_fixtures import fixture_warehouse  # noqa: F401 (fixture)
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from workbench_fixtures import build_fixture_warehouse

from pipelines.query import drill, slices
from pipelines.store import warehouse

CUBE_DIMS = sorted(slices.CUBE_DIMENSIONS)
# filter name -> the explore_flows columns its values are drawn from
VALUES = {"fund": ["fund"], "stage": ["stage"], "modality": ["modality"],
          "contributor_kind": ["contributor_kind"], "contributor": ["contributor_id"],
          "recipient_country": ["recipient_country"], "dataset": ["dataset"],
          "region": ["recipient_region_code", "recipient_subregion_code",
                     "recipient_intermediate_code", "recipient_region",
                     "recipient_subregion"]}  # fmt: skip


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory, fixture_warehouse, built_warehouse):  # noqa: F811
    workbench = build_fixture_warehouse(tmp_path_factory.mktemp("cube") / "warehouse.duckdb")
    out = {}
    for name, live in (("workbench", workbench), ("dashboard", fixture_warehouse),
                       ("built", built_warehouse)):  # fmt: skip
        con = duckdb.connect(str(warehouse.resolve(live)), read_only=True)
        rows = drill.flows(con, slices.filter_params())
        values = {k: sorted({str(v) for c in cols for v in rows[c].dropna()})[:40]
                  for k, cols in VALUES.items()}  # fmt: skip
        values["fund"] += ["direct", "local_private"]
        out[name] = (con, values)
    yield out
    for con, _ in out.values():
        con.close()


def _some(values: list[str]) -> st.SearchStrategy:
    return st.lists(st.sampled_from(values), max_size=2, unique=True) if values else st.just([])


@st.composite
def requests(draw, warehouses):
    name = draw(st.sampled_from(sorted(warehouses)))
    con, values = warehouses[name]
    chosen = {"dataset": draw(st.lists(st.sampled_from(values["dataset"]), min_size=1,
                                       unique=True))}  # fmt: skip
    for key in ("fund", "stage", "modality", "contributor_kind", "contributor",
                "recipient_country", "region"):  # fmt: skip
        if draw(st.integers(0, 4)) == 0:
            chosen[key] = draw(_some(values[key]))
    if draw(st.integers(0, 2)) == 0:
        chosen["year_from"] = draw(st.integers(1995, 2012))
    if draw(st.integers(0, 3)) == 0:
        chosen["year_to"] = draw(st.integers(2000, 2025))
    if draw(st.integers(0, 3)) == 0:
        chosen["status"] = draw(st.lists(st.sampled_from(["ldc", "lldc", "sids"]), max_size=1))
    if draw(st.booleans()):
        groups = st.sampled_from(["promised", "transferred", "allocated", "used"])
        chosen["stage_group"] = draw(st.lists(groups, max_size=1))
    chosen["leg"] = draw(st.sampled_from([[], ["in", "direct"], ["out", "direct"], ["in"]]))
    currency = draw(st.sampled_from(slices.CUBE_CURRENCIES))
    dims = draw(st.lists(st.sampled_from(CUBE_DIMS), min_size=2, max_size=3, unique=True))
    with_col = len(dims) == 3 or draw(st.booleans())
    spec = slices.PivotSpec(
        rows=tuple(dims[:-1]) if with_col else tuple(dims[:2]),
        columns=(dims[-1],) if with_col else (),
        measure=draw(st.sampled_from(slices.CUBE_MEASURES)),
    )
    return con, slices.filter_params(currency, **chosen), spec


def assert_same_pivot(cube: slices.Pivot, flows: slices.Pivot, params: dict) -> None:
    assert (cube.path, flows.path) == (slices.CUBE, slices.FLOWS)
    assert cube.forced == flows.forced
    exact = list(cube.keys) + ["flows", "flows_without_rate"]
    pdt.assert_frame_equal(cube.long[exact], flows.long[exact], check_dtype=False)
    if cube.spec.measure == "amount" and params["display_currency"] != "USD":
        assert cube.long["value"].tolist() == pytest.approx(flows.long["value"].tolist(),
                                                            rel=1e-12, abs=1e-9)  # fmt: skip
    else:  # counts, and US dollars summed as exact decimals on both paths
        assert cube.long["value"].tolist() == flows.long["value"].tolist()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_pivot_read_from_the_cube_equals_the_pivot_over_the_flows(warehouses, data):
    con, params, spec = data.draw(requests(warehouses))
    assert slices.source_for(params, spec.rows + spec.columns, spec.measure).path == slices.CUBE
    cube = slices.pivot(con, params, spec)
    flows = slices.pivot(con, params, spec, slices.SOURCES[slices.FLOWS])
    event("empty" if cube.is_empty else f"{len(cube.long)} rows, forced {cube.forced}")
    event(f"{params['display_currency']} {spec.measure}")
    assert_same_pivot(cube, flows, params)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_the_summary_of_a_cell_equals_the_rows_behind_it(warehouses, data):
    con, params, spec = data.draw(requests(warehouses))
    pv = slices.pivot(con, params, spec)
    row = data.draw(st.sampled_from(list(pv.long.itertuples(index=False))))
    key = {k: getattr(row, k) for k in pv.keys}
    flows_behind, value = drill.drill_summary(con, params, key)
    rows = drill.drill(con, params, key)
    assert flows_behind == len(rows) == row.flows
    assert value == pytest.approx(float(rows["amount_display"].fillna(0).sum()), abs=1e-6)
    shown = drill.drill(con, params, key, limit=3)
    assert shown["flow_id"].tolist() == rows["flow_id"].head(3).tolist()


@pytest.mark.parametrize(
    ("change", "spec"),
    [({"q": "thai"}, slices.PivotSpec(rows=("fund",))),
     ({"display_currency": "JPY"}, slices.PivotSpec(rows=("fund",))),
     ({}, slices.PivotSpec(rows=("instrument",))),
     ({}, slices.PivotSpec(rows=("fund",), measure="amount_original"))],
)  # fmt: skip
def test_what_the_cube_cannot_answer_reads_the_flows(warehouses, change, spec):
    con, _ = warehouses["workbench"]
    params = slices.filter_params(dataset=["real"]) | change
    pv = slices.pivot(con, params, spec)
    assert pv.path == slices.FLOWS
    assert not pv.is_empty or change.get("display_currency") == "JPY"


def test_the_default_explore_pivot_reads_the_cube(warehouses):
    con, _ = warehouses["workbench"]
    params = slices.filter_params(dataset=["real"], stage_group=["transferred"], leg=["in"])
    pv = slices.pivot(con, params, slices.PivotSpec(rows=("fund",), columns=("year",)))
    assert pv.path == slices.CUBE
    rows = drill.flows(con, params)
    rows = rows[~rows["counted_in_parent"]]  # a breakdown is never added to its parent
    assert pv.total() == pytest.approx(float(rows["amount_display"].sum()))
    assert int(pv.long["flows"].iloc[-1]) == len(rows)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data(), measure=st.sampled_from(list(slices.MEASURES)))
def test_the_forced_dimensions_probed_on_the_cube_equal_those_probed_on_the_flows(
    warehouses, data, measure
):
    con, params, spec = data.draw(requests(warehouses))
    spec = slices.PivotSpec(rows=spec.rows, columns=spec.columns, measure=measure)
    on_cube = slices.forced_dimensions(con, params, spec, slices.SOURCES[slices.CUBE])
    on_flows = slices.forced_dimensions(con, params, spec, slices.SOURCES[slices.FLOWS])
    assert on_cube == on_flows
