"""The IATI code lists are project data tables, loaded by the build with their source."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.reference import iati_codelists
from pipelines.store import warehouse

EXPECTED_COUNTS = {
    "AidType": 24,
    "Country": 251,
    "Currency": 176,
    "FinanceType": 68,
    "FlowType": 10,
    "OrganisationRole": 4,
    "OrganisationType": 16,
    "Region": 26,
    "RegionVocabulary": 3,
    "Sector": 325,
    "TransactionType": 13,
}


@pytest.fixture(scope="module")
def con(built_warehouse: Path):
    connection = warehouse.connect_reader(built_warehouse)
    yield connection
    connection.close()


def test_build_loads_every_code_list_with_its_full_length(con):
    rows = con.execute("SELECT list_name, count(*) FROM codelist GROUP BY 1 ORDER BY 1").fetchall()
    assert dict(rows) == EXPECTED_COUNTS


def test_every_code_names_its_source_repository_and_commit(con):
    sources = dict(con.execute("SELECT DISTINCT list_name, source FROM codelist").fetchall())
    assert sources["TransactionType"].startswith("IATI/IATI-Codelists branch version-2.03 commit")
    assert "IATI/IATI-Codelists-NonEmbedded commit 7aeece7" in sources["Sector"]
    assert len(sources) == len(EXPECTED_COUNTS)


def test_code_names_are_kept_in_english_and_french(con):
    row = con.execute(
        "SELECT name_en, name_fr, status FROM codelist WHERE list_name = 'TransactionType' "
        "AND code = '3'"
    ).fetchone()
    assert row == ("Disbursement", "Décaissement", "active")
    withdrawn = con.execute(
        "SELECT status FROM codelist WHERE list_name = 'Region' AND code = '380'"
    ).fetchone()
    assert withdrawn == ("withdrawn",)


@pytest.mark.parametrize(
    ("code", "name", "m49_region"),
    [
        ("289", "South of Sahara, regional", "Africa"),
        ("489", "South America, regional", "Americas"),
        ("789", "Far East Asia, regional", "Asia"),
        ("89", "Europe, regional", "Europe"),
        ("1033", "Melanesia, regional", "Oceania"),
        ("589", "Middle East, regional", None),
        ("998", "Developing countries, unspecified", None),
    ],
)
def test_oecd_dac_regions_map_to_m49_regions_where_clean(con, code, name, m49_region):
    row = con.execute(
        "SELECT name_en, m49_region FROM region WHERE vocabulary = 'oecd_dac' AND code = $c",
        {"c": code},
    ).fetchone()
    assert row == (name, m49_region)


def test_all_26_oecd_dac_regions_are_in_the_region_table(con):
    count = con.execute("SELECT count(*) FROM region WHERE vocabulary = 'oecd_dac'").fetchone()
    assert count == (26,)


def test_parser_code_sets_come_from_the_same_tables():
    assert "XOF" in iati_codelists.codes("Currency")
    assert "XYZ" not in iati_codelists.codes("Currency")
    assert len(iati_codelists.codes("TransactionType")) == 13


def test_the_project_tables_do_not_point_outside_the_repository():
    folder = iati_codelists.CODELIST_DIR
    assert folder.is_relative_to(Path(iati_codelists.__file__).resolve().parents[2])
    assert {p.stem for p in folder.glob("*.csv")} >= set(EXPECTED_COUNTS)
