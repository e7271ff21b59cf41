"""The dashboard's query path: results cached per warehouse version (in process, no pickling),
bounded, safe to change, and the SQL files read once per version of each file."""

from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pytest
from dashboard_fixtures import make_fixture_warehouse, no_filters

from dashboard import data
from pipelines import settings
from pipelines.store import sql, warehouse

KPIS = no_filters(dataset="demo")


@pytest.fixture
def live(tmp_path, monkeypatch):
    path = make_fixture_warehouse(tmp_path / "warehouse.duckdb")
    monkeypatch.setenv("FUNDFLOWS_WAREHOUSE", str(path))
    data.clear()
    yield path
    data.clear()


def transferred(frame) -> float:
    return float(frame.loc[frame["is_total"] == 1, "transferred"].iloc[0])


def test_a_repeated_query_is_served_from_the_cache_of_its_version(live):
    first = data.query("overview_kpis", **KPIS)
    assert data.query("overview_kpis", **KPIS).equals(first)
    assert len(data._RESULTS) == 1  # the second call was a hit
    with warehouse.publish(live) as pub:  # a writer publishes a new version
        pub.con.execute("UPDATE flow SET amount_usd = 9000000 WHERE flow_id = 'd1'")
    again = data.query("overview_kpis", **KPIS)
    with warehouse.attached_reader(live) as con:
        fresh = warehouse.query(con, "overview_kpis", **KPIS)
    assert transferred(again) == transferred(fresh) != transferred(first)
    assert len(data._RESULTS) == 2  # one entry per version: the old one is never served


def test_a_page_changing_its_result_never_changes_what_the_next_rerun_gets(live):
    first = data.query("overview_by_year", **KPIS)
    expected = first.copy(deep=True)
    first["amount"] = 0.0
    first.loc[0, "stage_group"] = "changed"
    again = data.query("overview_by_year", **KPIS)
    assert again.equals(expected)
    assert again is not first


def test_the_cache_keeps_at_most_its_entries_and_clear_empties_it(live, monkeypatch):
    monkeypatch.setattr(data, "MAX_RESULTS", 3)
    for year in range(2015, 2021):
        data.query("overview_by_year", **(KPIS | {"year_from": year}))
    assert len(data._RESULTS) == 3
    assert [key[2] for key in data._RESULTS][-1] == tuple(
        sorted((k, data._hashable(v)) for k, v in (KPIS | {"year_from": 2020}).items())
    )
    data.clear()
    assert len(data._RESULTS) == 0
    assert data._result_bytes == 0


def test_a_result_bigger_than_the_byte_budget_is_returned_but_not_kept(live, monkeypatch):
    monkeypatch.setattr(data, "MAX_RESULT_BYTES", 10)
    got = data.query("overview_by_year", **KPIS)
    assert len(got) > 0
    assert len(data._RESULTS) == 0


def test_an_sql_file_edited_on_disk_is_read_again(tmp_path, monkeypatch):
    folder = tmp_path / "sql"
    shutil.copytree(settings.SQL_DIR / "queries", folder / "queries")
    monkeypatch.setattr(settings, "SQL_DIR", folder)
    path = folder / "queries" / "data_as_of.sql"
    path.write_text("SELECT 1 AS one WHERE $x = 1", encoding="utf-8")
    con = duckdb.connect()
    assert warehouse.query(con, "data_as_of", x=1)["one"].tolist() == [1]
    path.write_text("SELECT 2 AS two, $y AS y", encoding="utf-8")
    assert warehouse.query(con, "data_as_of", y=5).iloc[0].tolist() == [2, 5]
    with pytest.raises(ValueError, match="needs parameters"):
        warehouse.query(con, "data_as_of", x=1)


def test_the_cube_macro_refuses_a_currency_it_holds_no_amounts_in(live):
    con = data.connection().cursor()
    text = sql.text("queries/overview_by_year")
    used = sql.params("queries/overview_by_year")
    params = {k: v for k, v in (KPIS | {"currency": "JPY"}).items() if k in used}
    with pytest.raises(duckdb.Error, match="no amounts in JPY"):
        con.execute(text, params).df()
    # the query function reads the flows one by one instead
    assert (
        warehouse.query(con, "overview_by_year", **(KPIS | {"currency": "JPY"}))["flows"].sum()
        == warehouse.query(con, "overview_by_year", **KPIS)["flows"].sum()
    )
    con.close()


def test_a_big_result_is_counted_near_its_real_size(live):
    frame = pd.DataFrame({"s": ["x" * 20] * 50_000, "n": range(50_000), "o": [[1, 2]] * 50_000})
    real = int(frame.memory_usage(index=True, deep=True).sum())
    assert real / 2 < data._size(frame) < real * 2


def test_a_pivot_is_cached_by_the_one_cache_owner_and_comes_back_unchanged(live):
    from dashboard.workbench import pivot as pv
    from pipelines.query import slices

    bound = slices.filter_params("USD", "", dataset=["demo"])
    spec = slices.PivotSpec(rows=("fund",), columns=("year",), measure="amount")
    first = pv.run_pivot(bound, spec)
    expected = first.long.copy(deep=True)
    first.long["value"] = -1.0  # a caller changes what it got
    first.long.loc[first.long.index[0], "fund"] = "changed"
    again = pv.run_pivot(bound, spec)
    assert again.long.equals(expected)
    assert [key[1] for key in data._RESULTS] == ["pivot"]  # in data's cache, one entry


def test_a_rerun_reads_one_version_even_when_a_writer_publishes_in_between(live):
    before = data.pin_version()
    try:
        first = data.query("overview_kpis", **KPIS)
        with warehouse.publish(live) as pub:
            pub.con.execute("UPDATE flow SET amount_usd = 9000000 WHERE flow_id = 'd1'")
        # the same run: same version, same numbers, and no new result filed under the old key
        assert data.current_version_path() == before
        assert transferred(data.query("overview_kpis", **KPIS)) == transferred(first)
        assert {key[0] for key in data._RESULTS} == {before}
        after = data.pin_version()  # the next run
        assert after != before
        assert transferred(data.query("overview_kpis", **KPIS)) != transferred(first)
    finally:
        data._RUN.version = None
