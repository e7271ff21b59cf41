"""The pre-computed ``flow_enriched`` table gives the chart queries exactly the base results.

Two copies of each warehouse (the hand-written dashboard fixture, with breakdown rows and
region-only flows, and a built warehouse with the demo dataset and exchange rates): one as
published, one after ``aggregates.refresh``. Hypothesis draws random filters from the values
present; every main chart query must return the same frame on both: the same rows (compared
sorted, as some queries order on ties), equal counts and labels, and money equal up to
floating-point summation order (1e-12 relative: the table is sorted, so DuckDB adds the same
numbers in another order).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pandas.testing as pdt
import pytest
from dashboard_fixtures import fixture_warehouse, no_filters  # noqa: F401 (fixture)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines import aggregates, warehouse

QUERIES = ("overview_kpis", "overview_sankey", "regions_map", "overview_by_year",
           "overview_by_modality", "card_stats", "regions_by_modality")  # fmt: skip
EXTRA = {"group": "transferred", "by": "kind", "groups": ["transferred", "used"],
         "side": "total", "direction": "received"}  # fmt: skip
DISTINCT = "SELECT DISTINCT {0} FROM flows_enriched WHERE {0} IS NOT NULL LIMIT 30"
CHOICES = {"fund": "channel", "stage": "stage", "modality": "modality",
           "contributor_kind": "source_kind", "contributor": "source_actor_id",
           "recipient_country": "recipient_country_iso3", "region": "recipient_subregion_code",
           "region_top": "recipient_region_code"}  # fmt: skip


def _pair(source: Path, folder: Path) -> tuple[duckdb.DuckDBPyConnection, ...]:
    base = folder / "base.duckdb"
    shutil.copyfile(warehouse.resolve(source), base)
    pre = folder / "pre.duckdb"
    shutil.copyfile(base, pre)
    con = duckdb.connect(str(pre))
    assert aggregates.refresh(con) == ["flow_enriched"]
    con.close()
    return duckdb.connect(str(base), read_only=True), duckdb.connect(str(pre), read_only=True)


@pytest.fixture(scope="module")
def pairs(fixture_warehouse, built_warehouse, tmp_path_factory):  # noqa: F811
    out = {}
    for name, source in (("fixture", fixture_warehouse), ("built", built_warehouse)):
        base, pre = _pair(source, tmp_path_factory.mktemp(f"agg-{name}"))
        datasets = [r[0] for r in base.execute("SELECT DISTINCT dataset FROM flow").fetchall()]
        values = {k: [r[0] for r in base.execute(DISTINCT.format(c)).fetchall()]  # noqa: S608 (fixed names)
                  for k, c in CHOICES.items()}  # fmt: skip
        values["region"] = sorted(values["region"] + values.pop("region_top"))
        out[name] = (base, pre, datasets, values)
    yield out
    for base, pre, _, _ in out.values():
        base.close()
        pre.close()


def test_the_table_holds_exactly_the_rows_of_the_view(pairs):
    for base, pre, _, _ in pairs.values():
        view = base.execute("SELECT * FROM flows_enriched ORDER BY flow_id").df()
        table = pre.execute("SELECT * FROM flow_enriched ORDER BY flow_id").df()
        assert len(view) > 0
        pdt.assert_frame_equal(view, table, check_exact=True)
        kind = pre.execute(
            "SELECT table_type FROM information_schema.tables WHERE table_name = 'flow_enriched'"
        ).fetchone()[0]
        assert kind == "BASE TABLE"


def _subset(values: list[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(values), max_size=3, unique=True) if values else st.just([])


@st.composite
def filters(draw: st.DrawFn, datasets: list[str], values: dict[str, list[str]]) -> dict:
    years = sorted(draw(st.lists(st.integers(1980, 2026), min_size=2, max_size=2)))
    chosen = {k: draw(st.one_of(st.just([]), _subset(v))) for k, v in values.items()}
    return (
        no_filters(
            dataset=draw(st.sampled_from(datasets)),
            year_from=draw(st.one_of(st.none(), st.just(years[0]))),
            year_to=draw(st.one_of(st.none(), st.just(years[1]))),
            status=draw(
                st.lists(st.sampled_from(["ldc", "lldc", "sids"]), max_size=2, unique=True)
            ),
            currency=draw(st.sampled_from(["USD", "EUR", "CHF", "GBP"])),
            **chosen,
        )
        | EXTRA
    )


def _canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted on every column: some queries order on ties (overview_kpis puts its total
    row and a year-less flows' row both at year NULL), so row order alone may differ."""
    return frame.sort_values(list(frame.columns), na_position="first", kind="stable").reset_index(
        drop=True
    )


@pytest.mark.parametrize("which", ["fixture", "built"])
def test_chart_queries_give_the_base_results_for_random_filters(pairs, which):
    base, pre, datasets, values = pairs[which]

    @settings(max_examples=25, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
    @given(params=filters(datasets, values), name=st.sampled_from(QUERIES))
    def check(params: dict, name: str) -> None:
        want = _canonical(warehouse.query(base, name, **params))
        got = _canonical(warehouse.query(pre, name, **params))
        assert list(want.columns) == list(got.columns)
        pdt.assert_frame_equal(want, got, check_exact=False, rtol=1e-12, atol=0)

    check()
