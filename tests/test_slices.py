"""Pivots: totals agree with their cells, drill-down rows sum to the cell, totals never mix."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from workbench_fixtures import build_fixture_warehouse

from pipelines.query import drill, slices
from pipelines.store import warehouse

DIMS = sorted(slices.DIMENSIONS)


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    live = build_fixture_warehouse(tmp_path_factory.mktemp("wb") / "warehouse.duckdb")
    connection = warehouse.connect_reader(live)
    yield connection
    connection.close()


def _sum(pv, mask):
    return float(pv.long.loc[mask, "value"].sum())


filters = st.fixed_dictionaries(
    {},
    optional={
        "dataset": st.sampled_from([["real"], ["demo"], ["real", "demo"]]),
        "fund": st.lists(st.sampled_from(["pgtf", "unfssc", "dgttf", "cities_fund", "direct"]),
                         max_size=2),
        "stage": st.lists(st.sampled_from(["pledge", "paid", "allocation"]), max_size=2),
        "year_from": st.integers(1999, 2005),
        "status": st.lists(st.sampled_from(["ldc", "lldc", "sids"]), max_size=1),
        "contributor_kind": st.lists(st.sampled_from(["government", "local_government"]),
                                     max_size=1),
        "stage_group": st.lists(st.sampled_from(["promised", "transferred", "allocated"]),
                                max_size=1),
    },
)  # fmt: skip
specs = st.builds(
    lambda dims, measure, with_col: slices.PivotSpec(
        rows=tuple(dims[:-1]) if with_col else tuple(dims[:2]),
        columns=(dims[-1],) if with_col else (),
        measure=measure,
    ),
    st.lists(st.sampled_from(DIMS), min_size=3, max_size=3, unique=True),
    st.sampled_from(["amount", "amount_original", "flows"]),
    st.booleans(),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(chosen=filters, spec=specs)
def test_pivot_totals_equal_the_sum_of_their_cells(con, chosen, spec):
    pv = slices.pivot(con, slices.filter_params(**chosen), spec)
    long, keys = pv.long, list(pv.keys)
    cells = pv.cells()
    outer = long[list(pv.forced)].apply(tuple, axis=1) if pv.forced else None
    for group in (cells[list(pv.forced)].drop_duplicates().itertuples(index=False)
                  if pv.forced else [()]):  # fmt: skip
        key = dict(zip(pv.forced, group, strict=True))
        in_group = (outer == tuple(group)) if pv.forced else long.index == long.index
        grand = pv.total(**key)
        assert _sum(pv, in_group & (cells.reindex(long.index).notna().all(axis=1))) == (
            pytest.approx(grand, abs=0.01)
        )
        # every row subtotal (first row dimension) equals the sum of its cells
        first = spec.rows[0]
        others = [k for k in keys if k not in pv.forced and k != first]
        subtotals = long[in_group & (long[first] != slices.TOTAL_LABEL)
                         & (long[others] == slices.TOTAL_LABEL).all(axis=1)]  # fmt: skip
        assert float(subtotals["value"].sum()) == pytest.approx(grand, abs=0.01)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(chosen=filters, data=st.data())
def test_drill_down_rows_sum_to_the_cell(con, chosen, data):
    params = slices.filter_params(**chosen)
    spec = slices.PivotSpec(rows=("fund", "year"), columns=("modality",))
    pv = slices.pivot(con, params, spec)
    row = data.draw(st.sampled_from(list(pv.long.itertuples(index=False))))
    key = {k: getattr(row, k) for k in pv.keys}
    rows = drill.drill(con, params, key)
    assert len(rows) == row.flows
    assert float(rows["amount_display"].fillna(0).sum()) == pytest.approx(row.value, abs=0.01)
    assert {"source_title", "source_url", "source_locator", "batch_id", "batch_file",
            "fx_rate", "fx_date", "fx_source", "flags"} <= set(rows.columns)  # fmt: skip


def test_illustrative_and_real_rows_never_share_a_total(con):
    params = slices.filter_params(dataset=["real", "demo"], stage_group=["transferred"],
                                  leg=["in", "direct"])  # fmt: skip
    pv = slices.pivot(con, params, slices.PivotSpec(rows=("fund",)))
    assert pv.forced == ("is_illustrative",)
    assert slices.TOTAL_LABEL not in set(pv.long["is_illustrative"])
    one = slices.pivot(con, slices.filter_params(dataset=["real"], stage_group=["transferred"],
                       leg=["in", "direct"]), slices.PivotSpec(rows=("fund",)))  # fmt: skip
    assert one.forced == ()
    assert pv.total(is_illustrative="real") == pytest.approx(one.total())


def test_stage_groups_and_legs_are_kept_apart_when_a_slice_holds_several(con):
    pv = slices.pivot(con, slices.filter_params(dataset=["real"]), slices.PivotSpec(rows=("fund",)))
    assert pv.forced == ("stage_group", "leg")
    assert {"promised", "transferred", "allocated"} == set(pv.long["stage_group"])
    counts = slices.pivot(con, slices.filter_params(dataset=["real"]),
                          slices.PivotSpec(rows=("fund",), measure="flows"))  # fmt: skip
    assert counts.forced == ()


def test_original_amounts_are_never_summed_across_currencies(con):
    params = slices.filter_params(dataset=["real"], stage=["paid"], leg=["in"])
    pv = slices.pivot(
        con, params, slices.PivotSpec(rows=("contributor",), measure="amount_original")
    )
    assert pv.forced == ("currency",)
    assert set(pv.long["currency"]) == {"USD", "EUR", "CHF"}
    by_currency = con.execute(
        "SELECT currency, sum(amount_original) FROM flow WHERE dataset = 'real' AND stage = 'paid'"
        " AND leg = 'in' AND part_of IS NULL GROUP BY currency"
    ).fetchall()
    for currency, amount in by_currency:
        assert pv.total(currency=currency) == pytest.approx(float(amount))


def test_a_breakdown_row_is_not_added_to_its_parent(con):
    params = slices.filter_params(dataset=["real"])
    rows = drill.flows(con, params)
    assert rows.loc[rows.flow_id == "real-part", "counted_in_parent"].item() is True
    pv = slices.pivot(con, params, slices.PivotSpec(rows=("dataset",), measure="flows"))
    assert pv.total() == len(rows) - 1


def test_display_currency_converts_at_the_flow_date(con):
    spec = slices.PivotSpec(rows=("fund",))
    chosen = {"dataset": ["real"], "stage_group": ["allocated"]}
    usd = slices.pivot(con, slices.filter_params(**chosen), spec)
    eur = slices.pivot(con, slices.filter_params("EUR", **chosen), spec)
    assert eur.total() == pytest.approx(usd.total() / 1.25, abs=0.05)


@pytest.mark.parametrize(
    ("text", "contributors"),
    [("thai", {"Thailand"}), ("таиланд", {"Thailand"}), ("Thaïlande", {"Thailand"}),
     ("GENEVE", {"Geneva"}), ("fundacao", {"Fundação Exemplo"}), ("zzz", set())],
)  # fmt: skip
def test_free_text_search_matches_names_and_aliases_in_any_language(con, text, contributors):
    rows = drill.flows(con, slices.filter_params(q=text, dataset=["real"], leg=["in"]))
    assert set(rows["contributor"]) == contributors


def test_search_also_matches_descriptions(con):
    rows = drill.flows(con, slices.filter_params(q="paid gov_bra 2003", dataset=["real"]))
    assert set(rows["description"]) == {"paid gov_bra 2003"}


def test_a_table_puts_totals_last_and_columns_across(con):
    params = slices.filter_params(dataset=["real"], stage_group=["allocated"])
    table = slices.pivot(con, params, slices.PivotSpec(rows=("fund",), columns=("year",))).table()
    assert list(table.columns) == ["fund", *[str(y) for y in range(2000, 2006)], "Total"]
    assert table["fund"].iloc[-1] == "Total"
    assert table["Total"].iloc[-1] == pytest.approx(table["Total"].iloc[:-1].sum())


def test_a_column_only_a_later_row_has_still_comes_before_the_total_column():
    rows = [("PGTF", "2023", 9.0), ("PGTF", "Total", 9.0), ("Direct", "2024", 5.0),
            ("Direct", "Total", 5.0), ("Total", "2023", 9.0), ("Total", "2024", 5.0),
            ("Total", "Total", 14.0)]  # fmt: skip
    long = pd.DataFrame(rows, columns=["fund", "year", "value"]).assign(
        flows=1, flows_without_rate=0
    )
    spec = slices.PivotSpec(rows=("fund",), columns=("year",))
    table = slices.Pivot(spec=spec, forced=(), long=long).table()
    assert list(table.columns) == ["fund", "2023", "2024", "Total"]
    assert table.set_index("fund").loc["Direct", "2024"] == 5.0


@pytest.mark.parametrize(
    "bad",
    [{"rows": ("nope",)}, {"rows": ("year",), "measure": "avg"}, {"rows": ()},
     {"rows": ("year", "fund", "stage")}, {"rows": ("year",), "columns": ("year",)}],
)  # fmt: skip
def test_pivot_choices_outside_the_whitelist_are_refused(bad):
    with pytest.raises(slices.SliceError):
        slices.PivotSpec(**bad)


def test_an_unknown_filter_is_refused():
    with pytest.raises(slices.SliceError, match="unknown filter"):
        slices.filter_params(colour=["red"])


def test_a_slice_without_flows_is_empty(con):
    params = slices.filter_params(dataset=["real"], stage=["expenditure"])
    pv = slices.pivot(con, params, slices.PivotSpec(rows=("fund",), columns=("year",)))
    assert pv.is_empty
    assert pv.total() == 0.0
    full = slices.pivot(
        con, slices.filter_params(dataset=["real"]), slices.PivotSpec(rows=("fund",))
    )
    assert not full.is_empty
