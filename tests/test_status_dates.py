"""Issue 17, point 9: LDC status changes on the day it happens.

Maldives graduated from the LDC category on 1 January 2011 and Samoa on 1 January 2014: an
allocation to either in its graduation year is not an LDC allocation, one the year before is.
A flow with only a year takes the status its year began with. The row-by-row views, the cube
and the Explore rows agree.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from dashboard_fixtures import no_filters

from pipelines.ingest import load
from pipelines.store import sql, warehouse

DATASET = "status_dates"
ROWS = [  # date, recipient, iso3, amount
    ("2010-12-31", "Maldives", "MDV", 1),
    ("2011-01-01", "Maldives", "MDV", 10),
    ("2011", "Maldives", "MDV", 100),
    ("2010", "Maldives", "MDV", 1_000),
    ("2013-06-30", "Samoa", "WSM", 10_000),
    ("2014-01-01", "Samoa", "WSM", 100_000),
    ("2014", "Samoa", "WSM", 1_000_000),
]
LDC = {"2010-12-31", "2010", "2013-06-30"}


@pytest.fixture
def loaded(built_copy: Path, tmp_path: Path) -> Path:
    lines = [
        "date,stage,contributor,contributor_kind,contributor_country,fund,recipient,"
        "recipient_kind,recipient_country,modality,instrument,amount,currency,description,source"
    ]
    lines += [
        f"{d},allocation,PGTF,,,pgtf,{name} Ministry,government,{iso3},,,{amount},USD,{d},x"
        for d, name, iso3, amount in ROWS
    ]
    path = tmp_path / "status.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (report,) = load.load_files(built_copy, [path], dataset=DATASET)
    assert report.status == "loaded", report.message
    assert report.rows_loaded == len(ROWS)
    return built_copy


def fetch(live: Path, text: str, params: dict) -> list[tuple]:
    con = warehouse.connect_reader(live)
    try:
        return con.execute(text, params).fetchall()
    finally:
        con.close()


def test_graduation_on_1_january_is_not_ldc_that_year(loaded):
    rows = fetch(
        loaded,
        "SELECT description, is_ldc FROM flows_enriched WHERE dataset = $d ORDER BY amount_usd",
        {"d": DATASET},
    )
    assert rows == [(d, d in LDC) for d, _name, _iso3, _amount in ROWS]


def test_the_cube_and_explore_rows_count_the_same_ldc_money(loaded):
    ldc_amount = sum(a for d, _n, _i, a in ROWS if d in LDC)
    total = sum(a for *_rest, a in ROWS)
    shares = fetch(
        loaded,
        sql.text("queries/regions_status_shares"),
        no_filters(dataset=DATASET) | {"group": "allocated"},
    )
    (total_row,) = shares
    assert (float(total_row[0]), float(total_row[1])) == (total, ldc_amount)
    filtered = fetch(
        loaded,
        sql.text("queries/regions_by_modality"),
        no_filters(dataset=DATASET, status=["ldc"]) | {"group": "allocated"},
    )
    assert sum(float(r[3]) for r in filtered) == ldc_amount
    per_year = fetch(
        loaded,
        "SELECT year, sum(usd)::DOUBLE FROM flow_cube WHERE dataset = $d AND is_ldc "
        "GROUP BY year ORDER BY year",
        {"d": DATASET},
    )
    assert per_year == [(2010, 1_001.0), (2013, 10_000.0)]


def test_explore_rows_carry_the_status_of_the_flow_date(loaded):
    params = {
        name: [] for name in ("fund", "stage", "modality", "contributor_kind", "contributor",
                              "recipient_country", "region", "stage_group", "leg")
    } | {"dataset": [DATASET], "year_from": None, "year_to": None, "q": "",
         "display_currency": "USD", "status": ["ldc"]}  # fmt: skip
    con = warehouse.connect_reader(loaded)
    try:
        frame = con.execute(sql.text("queries/explore_flows"), params).df()
    finally:
        con.close()
    assert set(frame["description"]) == LDC
