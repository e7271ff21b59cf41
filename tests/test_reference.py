"""Reference tables loaded into a real in-memory DuckDB warehouse."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipelines import settings
from pipelines.reference import frames, names
from pipelines.reference import tables as reference
from pipelines.store import warehouse

SEED_CITIES = [
    "Lyon", "Geneva", "Bamako", "Lomé", "Québec", "Ouagadougou", "Port-au-Prince", "Lokossa",
    "Andenne", "Evere", "Banjul", "Ostend", "Brussels", "Kigali", "Kinshasa", "Dakar",
    "Cotonou", "Monaco", "Antananarivo", "Paris",
]  # fmt: skip
FIGURE_CITIES = [
    "Lausanne",
    "Nouakchott",
    "Atlanta",
    "Montego Bay",
    "Houston",
    "Karachi",
    "Fort Worth",
]


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    warehouse.migrate(connection)
    reference.load_reference(connection)
    yield connection
    connection.close()


def scalar(con: duckdb.DuckDBPyConnection, sql: str, **params: object) -> object:
    return con.execute(sql, params).fetchone()[0]


def test_every_country_has_m49_codes_and_names_in_six_un_languages(con):
    assert scalar(con, "SELECT count(*) FROM country") == 249
    missing = scalar(
        con,
        "SELECT count(*) FROM country WHERE name_en IS NULL OR name_fr IS NULL OR name_es IS NULL"
        " OR name_ru IS NULL OR name_ar IS NULL OR name_zh IS NULL OR m49 IS NULL",
    )
    assert missing == 0
    row = con.execute(
        "SELECT m49, name_fr, name_ru, region_name, subregion_name, currency_code "
        "FROM country WHERE iso3 = 'SEN'"
    ).fetchone()
    assert row == (686, "Sénégal", "Сенегал", "Africa", "Sub-Saharan Africa", "XOF")


def test_status_counts_match_the_un_g77_and_oecd_lists(con):
    counts = con.execute(
        "SELECT sum(is_ldc::INT), sum(is_lldc::INT), sum(is_sids::INT), sum(is_g77::INT), "
        "sum(is_dac_member::INT) FROM country"
    ).fetchone()
    # 44 LDCs today: the UNSD file still flags Sao Tome and Principe, which graduated in 2024
    assert counts == (44, 32, 53, 134, 31)


def test_unsd_ldc_flag_differs_from_today_only_by_sao_tome_and_principe(con):
    raw = frames.read_table("countries.csv")
    flagged = set(raw.loc[raw["m49_ldc"] == "True", "iso3"])
    today = {r[0] for r in con.execute("SELECT iso3 FROM country WHERE is_ldc").fetchall()}
    assert len(flagged) == 45
    assert flagged - today == {"STP"}
    assert today <= flagged


def test_ldc_graduations_are_kept_with_their_years(con):
    rows = con.execute(
        "SELECT iso3, to_year FROM country_status WHERE status = 'ldc' AND to_year IS NOT NULL"
    ).fetchall()
    assert dict(rows) == {
        "BWA": 1994, "CPV": 2007, "MDV": 2011, "WSM": 2014, "GNQ": 2017, "VUT": 2020,
        "BTN": 2023, "STP": 2024,
    }  # fmt: skip


def test_dac_accession_years_follow_the_oecd_list(con):
    rows = con.execute(
        "SELECT iso3, from_year, to_year FROM country_status WHERE status = 'dac' ORDER BY 1, 2"
    ).fetchall()
    years = {iso3: start for iso3, start, _end in rows}
    assert years["KOR"] == 2010
    assert years["HUN"] == 2016
    assert years["LTU"] == 2022
    assert years["EST"] == 2023
    assert {k for k, v in years.items() if v == 2013} == {"CZE", "ISL", "POL", "SVK", "SVN"}
    assert ("PRT", 1961, 1974) in rows
    assert ("PRT", 1991, None) in rows
    # founders of 1961: ten countries (plus the Commission of the EEC, not a country)
    assert sum(1 for _iso, start, _e in rows if start == 1961) == 10


@pytest.mark.parametrize(
    ("iso3", "ldc", "lldc", "sids", "g77", "dac"),
    [
        ("HTI", True, False, True, True, False),
        ("MLI", True, True, False, True, False),
        ("BFA", True, True, False, True, False),
        ("CHN", False, False, False, True, False),
        ("CIV", False, False, False, True, False),
        ("BIH", False, False, False, False, False),
        ("BTN", False, True, False, True, False),
        ("CHE", False, False, False, False, True),
        ("MCO", False, False, False, False, False),
    ],
)
def test_flags_of_specific_countries(con, iso3, ldc, lldc, sids, g77, dac):
    row = con.execute(
        "SELECT is_ldc, is_lldc, is_sids, is_g77, is_dac_member FROM country WHERE iso3 = $c",
        {"c": iso3},
    ).fetchone()
    assert row == (ldc, lldc, sids, g77, dac)


def test_m49_regions_have_three_digit_codes_and_parents(con):
    rows = dict(con.execute("SELECT code, name_en FROM region WHERE vocabulary = 'm49'").fetchall())
    assert rows["002"] == "Africa"
    assert rows["034"] == "Southern Asia"
    assert rows["005"] == "South America"
    assert rows["011"] == "Western Africa"
    parent = scalar(con, "SELECT m49_region FROM region WHERE code = '034'")
    assert parent == "Asia"


@pytest.mark.parametrize("city", SEED_CITIES + FIGURE_CITIES)
def test_every_named_city_has_coordinates_and_a_local_government(con, city):
    row = con.execute(
        "SELECT c.lat, c.lon, c.country_iso3, a.kind FROM city c "
        "JOIN actor a ON a.city_id = c.city_id AND a.actor_id = 'city-' || c.city_id "
        "WHERE c.name = $n",
        {"n": city},
    ).fetchone()
    assert row is not None, city
    lat, lon, iso3, kind = row
    assert -90 <= lat <= 90
    assert -180 <= lon <= 180
    assert kind == "local_government"
    assert scalar(con, "SELECT count(*) FROM country WHERE iso3 = $i", i=iso3) == 1


def test_city_coordinates_are_where_the_cities_are(con):
    lyon = con.execute("SELECT lat, lon FROM city WHERE city_id = 'lyon'").fetchone()
    kigali = con.execute("SELECT lat, lon FROM city WHERE city_id = 'kigali'").fetchone()
    assert lyon == pytest.approx((45.75, 4.85), abs=0.05)
    assert kigali == pytest.approx((-1.95, 30.06), abs=0.05)


@pytest.mark.parametrize(
    ("written", "actor_id"),
    [
        ("perez guerrero trust fund", "fund-pgtf"),
        ("PÉREZ-GUERRERO TRUST FUND", "fund-pgtf"),
        ("Целевой фонд имени Переса Герреро", "fund-pgtf"),
        ("LOMÉ", "city-lome"),
        ("lome", "city-lome"),
        ("Женева", "city-geneva"),
        ("fonds de solidarite internationale des villes", "fund-cities_fund"),
        ("Voluntary Trust Fund for the Promotion of South-South Cooperation", "fund-unfssc"),
        ("côte d’ivoire", "gov-civ"),
        ("Cote d'Ivoire", "gov-civ"),
        ("ÉTATS-UNIS", "gov-usa"),
        ("Estados Unidos", "gov-usa"),
        ("Соединенные Штаты", "gov-usa"),
        ("Монако", "gov-mco"),
        ("Monaco", "gov-mco"),
        ("Ville de Monaco", "city-monaco"),
        ("na", "gov-nam"),
        ("bfa", "gov-bfa"),
        ("Sister Cities International", "net-sci"),
        ("ВАГЛН", "net-wacap"),
        ("pnud", "ml-undp"),
        ("xm-dac-41114", "ml-undp"),
    ],
)
def test_alias_matching_is_case_and_accent_insensitive(con, written, actor_id):
    found = con.execute(
        "SELECT actor_id FROM actor_alias WHERE alias_norm = $n", {"n": names.normalise(written)}
    ).fetchall()
    assert found == [(actor_id,)]


def test_every_country_has_a_government_actor_reachable_by_its_iso_codes(con):
    orphans = scalar(
        con,
        "SELECT count(*) FROM country c WHERE NOT EXISTS (SELECT 1 FROM actor a "
        "WHERE a.actor_id = 'gov-' || lower(c.iso3) AND a.kind = 'government')",
    )
    assert orphans == 0
    by_code = scalar(
        con,
        "SELECT count(DISTINCT l.actor_id) FROM country c JOIN actor_alias l "
        "ON l.alias_norm = lower(c.iso3) AND l.actor_id = 'gov-' || lower(c.iso3)",
    )
    assert by_code == 249


def test_four_target_funds_with_their_actors_and_history(con):
    targets = con.execute(
        "SELECT f.fund_id, a.kind FROM fund f JOIN actor a USING (actor_id) "
        "WHERE f.is_target ORDER BY 1"
    ).fetchall()
    assert targets == [
        ("cities_fund", "fund"), ("dgttf", "fund"), ("pgtf", "fund"), ("unfssc", "fund")
    ]  # fmt: skip
    cities = con.execute(
        "SELECT name_fr, established, established_note, closed_year FROM fund "
        "WHERE fund_id = 'cities_fund'"
    ).fetchone()
    assert cities[0].startswith("Fonds de solidarité internationale des villes")
    assert cities[1] == date(2001, 3, 5)
    assert cities[3] == 2009
    assert "March 2000" in cities[2]
    assert "5 March 2001" in cities[2]
    events = set(
        con.execute("SELECT fund_id, year, kind, source_document_id FROM fund_event").fetchall()
    )
    assert ("unfssc", 2005, "renamed", "A/RES/60/212") in events
    assert ("unfssc", 2002, "pledging_conference", "A/RES/57/263") in events
    assert ("pgtf", 2003, "pledging_conference", "A/RES/58/220") in events
    assert ("cities_fund", 2004, "renamed", "geneva-archives-vup") in events


def test_the_two_seed_documents_are_sources(con):
    rows = dict(
        con.execute(
            "SELECT source_document_id, doc_date FROM source_document "
            "WHERE source_document_id IN ('A/CONF.191/L.11', 'A/RES/58/220')"
        ).fetchall()
    )
    assert rows == {"A/CONF.191/L.11": date(2001, 5, 18), "A/RES/58/220": date(2003, 12, 23)}


SEED_PARTNERSHIPS = {
    ("city-lome", "city-lyon"), ("city-quebec", "city-ouagadougou"),
    ("city-port-au-prince", None), ("city-lokossa", "city-andenne"),
    ("city-lokossa", "city-evere"), ("city-banjul", "city-ostend"),
    ("city-brussels", "city-kigali"), ("city-brussels", "city-kinshasa"),
    ("city-brussels", "city-dakar"), ("gov-mco", "city-dakar"), ("gov-mco", "city-cotonou"),
    ("gov-bel", None), ("ml-ec", "net-wacap"), ("fund-dgttf", None),
    ("city-geneva", "fund-cities_fund"), ("city-lyon", "fund-cities_fund"),
    ("city-bamako", "fund-cities_fund"),
}  # fmt: skip


def test_every_partnership_of_the_seeds_is_present_with_its_paragraph(con):
    rows = con.execute(
        "SELECT source_actor_id, destination_actor_id, source_document_id, source_locator, amount "
        "FROM partnership"
    ).fetchall()
    assert {(r[0], r[1]) for r in rows} >= SEED_PARTNERSHIPS
    assert all(r[2] == "A/CONF.191/L.11" and r[3].startswith("para") for r in rows)
    assert all(r[4] is None for r in rows)
    madagascar = scalar(
        con, "SELECT destination_city_id FROM partnership WHERE partnership_id = $p",
        p="port-au-prince-madagascar",
    )  # fmt: skip
    assert madagascar == "antananarivo"


def test_fixed_pegs_are_the_legal_rates(con):
    pegs = {
        r[0]: (r[1], r[2], r[3])
        for r in con.execute(
            "SELECT currency, anchor_currency, units_per_anchor, valid_from FROM fx_peg"
        ).fetchall()
    }
    assert pegs["XOF"] == ("EUR", 655.957, date(1999, 1, 1))
    assert pegs["XAF"][1] == 655.957
    assert pegs["KMF"][1] == 491.96775
    assert pegs["DEM"][1] == 1.95583
    assert pegs["FRF"][1] == 6.55957
    assert pegs["BEF"][1] == 40.3399
    assert pegs["GRD"] == ("EUR", 340.75, date(2001, 1, 1))


def test_datasets_are_declared_real_and_illustrative(con):
    rows = con.execute(
        "SELECT dataset, is_illustrative, is_bundled FROM dataset ORDER BY 1"
    ).fetchall()
    assert rows == [("cited", False, True), ("demo", True, True)]


def test_reference_checks_pass_and_catch_an_orphan_alias(con):
    assert warehouse.run_checks(con) == []
    check = (settings.SQL_DIR / "checks" / "reference_alias_actor.sql").read_text()
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "INSERT INTO actor_alias VALUES ('ghost town', 'Ghost Town', 'city-ghost', 'en', 'x')"
        )
        assert con.execute(check).fetchall() == [("ghost town", "city-ghost")]
    finally:
        con.execute("ROLLBACK")


def test_countries_file_transcribes_the_shared_un_flags(shared_data: Path):
    source = pd.read_csv(
        shared_data / "countries" / "datasets-country-codes.csv", keep_default_na=False, dtype=str
    )
    ours = frames.read_table("countries.csv").set_index("iso3")
    theirs = source.set_index("ISO3166-1-Alpha-3")
    for column, flag in (
        ("Least Developed Countries (LDC)", "m49_ldc"),
        ("Land Locked Developing Countries (LLDC)", "is_lldc"),
        ("Small Island Developing States (SIDS)", "is_sids"),
    ):
        expected = set(theirs.index[theirs[column] == "x"])
        assert set(ours.index[ours[flag] == "True"]) == expected, column
    g77 = pd.read_csv(shared_data / "countries" / "g77-members-crafd.csv", comment="#")
    assert int((ours["is_g77"] == "True").sum()) == len(g77) == 134
