"""The synthetic demo generator: deterministic, complete, consistent and calibrated."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.bundled import synth
from pipelines.ingest import fx
from pipelines.store import aggregates, warehouse

# iso3, name, M49 region, currency, LDC, G-77, DAC
COUNTRIES = [
    ("MLI", "Mali", "Africa", "XOF", True, True, False),
    ("BFA", "Burkina Faso", "Africa", "XOF", True, True, False),
    ("SEN", "Senegal", "Africa", "XOF", True, True, False),
    ("BEN", "Benin", "Africa", "XOF", True, True, False),
    ("HTI", "Haiti", "Americas", "HTG", True, True, False),
    ("RWA", "Rwanda", "Africa", "RWF", True, True, False),
    ("NPL", "Nepal", "Asia", "NPR", True, True, False),
    ("BRA", "Brazil", "Americas", "BRL", False, True, False),
    ("IND", "India", "Asia", "INR", False, True, False),
    ("CHN", "China", "Asia", "CNY", False, True, False),
    ("ZAF", "South Africa", "Africa", "ZAR", False, True, False),
    ("THA", "Thailand", "Asia", "THB", False, True, False),
    ("EGY", "Egypt", "Africa", "EGP", False, True, False),
    ("MAR", "Morocco", "Africa", "MAD", False, True, False),
    ("ARG", "Argentina", "Americas", "ARS", False, True, False),
    ("PER", "Peru", "Americas", "PEN", False, True, False),
    ("FRA", "France", "Europe", "EUR", False, False, True),
    ("CHE", "Switzerland", "Europe", "CHF", False, False, True),
    ("BEL", "Belgium", "Europe", "EUR", False, False, True),
    ("NOR", "Norway", "Europe", "NOK", False, False, True),
    ("JPN", "Japan", "Asia", "JPY", False, False, True),
    ("GBR", "United Kingdom", "Europe", "GBP", False, False, True),
    ("USA", "United States of America", "Americas", "USD", False, False, True),
    ("UKR", "Ukraine", "Europe", "UAH", False, False, False),
    ("MNE", "Montenegro", "Europe", "EUR", False, False, False),
]
CITIES = [  # city_id, name, country, lat, lon
    ("lyon", "Lyon", "FRA", 45.75, 4.85), ("geneva", "Geneva", "CHE", 46.2, 6.15),
    ("bamako", "Bamako", "MLI", 12.61, -7.98), ("ouagadougou", "Ouagadougou", "BFA", 12.37, -1.53),
    ("dakar", "Dakar", "SEN", 14.69, -17.44), ("cotonou", "Cotonou", "BEN", 6.37, 2.42),
    ("kigali", "Kigali", "RWA", -1.95, 30.06), ("brussels", "Brussels", "BEL", 50.85, 4.35),
    ("port-au-prince", "Port-au-Prince", "HTI", 18.54, -72.34),
    ("xiamen", "Xiamen", "CHN", 24.48, 118.09),
]  # fmt: skip
OTHER_ACTORS = [
    ("net-uclg", "UCLG", "city_network"), ("net-wacap", "WACAP", "city_network"),
    ("ml-undp", "UNDP", "multilateral"), ("ml-ifad", "IFAD", "multilateral"),
    ("ml-ec", "European Commission", "multilateral"),
]  # fmt: skip
FUNDS = ("pgtf", "unfssc", "cities_fund", "dgttf")
FUND_YEARS = {
    "pgtf": {"in": (1983, 2024), "out": (1987, 2024)},
    "unfssc": {"in": (1995, 2024), "out": (1995, 2024)},
    "cities_fund": {"in": (2001, 2009), "out": (2001, 2009)},
    "dgttf": {"in": (2001, 2013), "out": (2001, 2013)},
}
SEED = 7


def fill_reference(con: duckdb.DuckDBPyConnection) -> None:
    """A handful of countries, actors and funds, plus the real ECB rates."""
    warehouse.migrate(con)
    con.executemany(
        "INSERT INTO country (iso3, name_en, region_name, currency_code, is_ldc, is_g77, "
        "is_dac_member) VALUES (?, ?, ?, ?, ?, ?, ?)",
        COUNTRIES,
    )
    con.executemany(
        "INSERT INTO city (city_id, name, country_iso3, lat, lon) VALUES (?, ?, ?, ?, ?)", CITIES
    )
    govs = [(f"gov-{c[0].lower()}", c[1], "government", c[0], None) for c in COUNTRIES]
    cities = [(f"city-{c[0]}", c[1], "local_government", c[2], c[0]) for c in CITIES]
    others = [(a, n, k, None, None) for a, n, k in OTHER_ACTORS]
    funds = [(f"fund-{f}", f.upper(), "fund", None, None) for f in FUNDS]
    con.executemany(
        "INSERT INTO actor (actor_id, name, kind, country_iso3, city_id) VALUES (?, ?, ?, ?, ?)",
        govs + cities + others + funds,
    )
    con.executemany(
        "INSERT INTO fund (fund_id, actor_id, short_name, name_en, is_target) "
        "VALUES (?, ?, ?, ?, true)",
        [(f, f"fund-{f}", f.upper(), f) for f in FUNDS],
    )
    fx.load_ecb_rates(con)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse file with the fixture's reference tables and rates, copied by each test."""
    path = tmp_path_factory.mktemp("synth-template") / "reference.duckdb"
    con = duckdb.connect(str(path))
    fill_reference(con)
    con.close()
    return path


@pytest.fixture
def new_warehouse(template: Path, tmp_path: Path):
    """Factory: a fresh copy of the template warehouse, opened."""
    opened = []

    def make(name: str = "w.duckdb") -> duckdb.DuckDBPyConnection:
        path = tmp_path / f"{len(opened)}-{name}"
        shutil.copyfile(template, path)
        opened.append(duckdb.connect(str(path)))
        return opened[-1]

    yield make
    for con in opened:
        con.close()


def generate(con: duckdb.DuckDBPyConnection, rows: int, seed: int = SEED, dataset: str = "demo"):
    con.execute("BEGIN TRANSACTION")
    written = synth.generate(con, rows=rows, seed=seed, dataset=dataset)
    con.execute("COMMIT")
    return written


@pytest.fixture(scope="module")
def demo(template: Path, tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    """A small warehouse with 20,000 generated rows (the default size) in dataset demo."""
    path = tmp_path_factory.mktemp("synth") / "w.duckdb"
    shutil.copyfile(template, path)
    con = duckdb.connect(str(path))
    generate(con, 20_000)
    yield con
    con.close()


@pytest.fixture(scope="module")
def flows(demo: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    frame = demo.execute(
        "SELECT f.*, CAST(f.amount_usd AS DOUBLE) AS usd, "
        "CAST(f.amount_original AS DOUBLE) AS orig, a.kind AS source_kind, "
        "sc.is_g77 AS source_g77, sc.is_dac_member AS source_dac, rc.is_g77 AS recipient_g77 "
        "FROM flow f LEFT JOIN actor a ON a.actor_id = f.source_actor_id "
        "LEFT JOIN country sc ON sc.iso3 = a.country_iso3 "
        "LEFT JOIN country rc ON rc.iso3 = f.recipient_country_iso3"
    ).df()
    return frame


def rows_of(con: duckdb.DuckDBPyConnection, dataset: str = "demo") -> pd.DataFrame:
    return con.execute(
        "SELECT * FROM flow WHERE dataset = $d ORDER BY flow_id", {"d": dataset}
    ).df()


def test_generate_writes_exactly_the_requested_number_of_rows(flows: pd.DataFrame) -> None:
    assert len(flows) == 20_000
    assert flows["flow_id"].is_unique
    assert set(flows["flow_id"].str.removeprefix("demo-").astype(int)) == set(range(20_000))


@pytest.mark.parametrize("rows", [0, 1, 2, 7, 333, 1001])
def test_small_and_odd_sizes_give_exactly_that_many_rows(new_warehouse, rows: int) -> None:
    con = new_warehouse()
    assert generate(con, rows) == rows
    assert con.execute("SELECT count(*) FROM flow").fetchone()[0] == rows


def test_the_same_seed_gives_identical_rows_and_another_seed_does_not(new_warehouse) -> None:
    first = new_warehouse()
    second = new_warehouse()
    generate(first, 5000, seed=11)
    generate(second, 5000, seed=11)
    pd.testing.assert_frame_equal(rows_of(first), rows_of(second))
    generate(second, 5000, seed=12)
    changed = rows_of(first)["amount_original"] != rows_of(second)["amount_original"]
    assert changed.mean() > 0.9


@pytest.mark.long
def test_rows_do_not_depend_on_the_number_of_threads(new_warehouse) -> None:
    """1,000,000 rows span several row groups, so two threads really split the work."""
    digests = []
    for threads in (1, 2):
        con = new_warehouse()
        con.execute(f"SET threads = {threads}")
        generate(con, 1_000_000, seed=5)
        digests.append(con.execute("SELECT count(*), sum(hash(COLUMNS(*))) FROM flow").fetchone())
    assert digests[0] == digests[1]
    assert digests[0][0] == 1_000_000


def test_regenerating_replaces_the_earlier_rows_and_keeps_other_datasets(new_warehouse) -> None:
    con = new_warehouse()
    generate(con, 3000, dataset="scale")
    other = rows_of(con, "scale")
    generate(con, 2000, seed=1)
    generate(con, 1500, seed=2)
    counts = dict(con.execute("SELECT dataset, count(*) FROM flow GROUP BY ALL").fetchall())
    assert counts == {"scale": 3000, "demo": 1500}
    pd.testing.assert_frame_equal(rows_of(con, "scale"), other)
    batches = con.execute(
        "SELECT batch_id, dataset, file_name, format, rows_read, rows_loaded, rows_rejected, "
        "is_bundled FROM load_batch ORDER BY batch_id"
    ).fetchall()
    assert batches == [
        ("synth-demo", "demo", "synth:rows=1500:seed=2", "synth", 1500, 1500, 0, True),
        ("synth-scale", "scale", "synth:rows=3000:seed=7", "synth", 3000, 3000, 0, False),
    ]
    datasets = con.execute(
        "SELECT dataset, is_illustrative, is_bundled FROM dataset ORDER BY dataset"
    ).fetchall()
    assert datasets == [("demo", True, True), ("scale", True, False)]
    demo_actors = con.execute("SELECT count(*) FROM actor WHERE origin = 'demo'").fetchone()[0]
    assert demo_actors == 84
    leftovers = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name LIKE 'synth%'"
    ).fetchone()[0]
    assert leftovers == 0


def test_generated_rows_pass_every_warehouse_check(demo: duckdb.DuckDBPyConnection) -> None:
    warehouse.create_views(demo)  # as publish() does before its checks
    aggregates.maintain(demo, {"demo"})
    assert warehouse.run_checks(demo) == []


def test_every_row_is_illustrative_flagged_and_cites_the_generator(flows: pd.DataFrame) -> None:
    assert flows["is_illustrative"].all()
    assert flows["flags"].map(lambda f: "illustrative" in f).all()
    assert (flows["source_document_id"] == "synth-generator").all()
    expected = "synth:seed=7:row=" + flows["flow_id"].str.removeprefix("demo-")
    assert (flows["source_locator"] == expected).all()
    assert (flows["batch_id"] == "synth-demo").all()


def test_year_only_rows_are_flagged_and_annual_rates_too(flows: pd.DataFrame) -> None:
    year_only = flows["flow_date"].isna()
    assert year_only.sum() > 100
    has_flag = flows["flags"].map(lambda f: "year_only_date" in f)
    assert (has_flag == year_only).all()
    annual = flows["flags"].map(lambda f: "fx_annual_average" in f)
    assert (annual == (year_only & (flows["currency"] != "USD"))).all()
    dated = flows[~year_only]
    assert (pd.to_datetime(dated["flow_date"]).dt.year == dated["year"]).all()


def test_usd_amounts_are_the_original_amounts_at_the_recorded_rate(flows: pd.DataFrame) -> None:
    assert flows["usd"].notna().all()
    assert ((flows["orig"] * flows["fx_rate"]).round(2) - flows["usd"]).abs().max() < 0.011
    usd = flows[flows["currency"] == "USD"]
    assert (usd["fx_rate"] == 1.0).all()
    assert (usd["fx_source"] == "US dollar").all()
    other = flows[(flows["currency"] != "USD") & flows["flow_date"].notna()]
    lag = pd.to_datetime(other["flow_date"]) - pd.to_datetime(other["fx_date"])
    assert lag.dt.days.between(0, 10).all()
    assert other["fx_source"].str.startswith("ECB").all()
    assert (flows["amount_original"] > 0).all()


def test_only_us_dollars_before_1999_and_several_currencies_after(flows: pd.DataFrame) -> None:
    assert set(flows.loc[flows["year"] < 1999, "currency"]) == {"USD"}
    later = set(flows.loc[flows["year"] >= 1999, "currency"])
    assert {"USD", "EUR", "CHF", "GBP", "JPY"} <= later


def test_fund_years_follow_each_funds_life(flows: pd.DataFrame) -> None:
    for fund, legs in FUND_YEARS.items():
        for leg, (first, last) in legs.items():
            years = flows.loc[(flows["fund_id"] == fund) & (flows["leg"] == leg), "year"]
            assert years.min() >= first, (fund, leg)
            assert years.max() <= last, (fund, leg)
    pgtf_in = flows[(flows["fund_id"] == "pgtf") & (flows["leg"] == "in")]
    assert pgtf_in["year"].min() == 1983
    direct = flows[flows["fund_id"].isna()]
    assert (direct["leg"] == "direct").all()
    assert direct["year"].min() <= 1985
    assert direct["year"].max() >= 2020


def cumulative(frame: pd.DataFrame, years: range) -> pd.Series:
    by_year = frame.groupby("year")["usd"].sum().reindex(years, fill_value=0.0)
    return by_year.cumsum()


def test_out_legs_never_exceed_what_came_into_the_fund_by_year(flows: pd.DataFrame) -> None:
    years = range(1980, 2031)
    for fund in FUNDS:
        legs = flows[flows["fund_id"] == fund]
        paid_in = cumulative(legs[(legs["leg"] == "in") & (legs["stage"] == "paid")], years)
        previous = paid_in
        for stage in ("allocation", "disbursement", "expenditure"):
            out = cumulative(legs[(legs["leg"] == "out") & (legs["stage"] == stage)], years)
            assert out.iloc[-1] > 0, (fund, stage)
            assert (out <= previous + 0.005).all(), (fund, stage)
            previous = out


def test_every_out_leg_passes_on_an_earlier_paid_in_leg_of_its_fund(flows: pd.DataFrame) -> None:
    out = flows[flows["leg"] == "out"]
    parents = flows.set_index("flow_id").loc[out["parent_flow_id"]]
    assert (parents["leg"].to_numpy() == "in").all()
    assert (parents["stage"].to_numpy() == "paid").all()
    assert (parents["fund_id"].to_numpy() == out["fund_id"].to_numpy()).all()
    assert (parents["year"].to_numpy() <= out["year"].to_numpy()).all()
    assert flows.loc[flows["leg"] != "out", "parent_flow_id"].isna().all()


def test_paid_never_exceeds_the_promise_per_fund_year_and_contributor(flows: pd.DataFrame) -> None:
    given = flows[flows["leg"] != "out"].assign(fund=flows["fund_id"].fillna("-"))
    keys = ["fund", "year", "source_actor_id", "currency"]
    promised = given[given["stage"].isin(["pledge", "commitment"])].groupby(keys)
    paid = given[given["stage"] == "paid"].groupby(keys)
    for column in ("usd", "orig"):
        both = pd.concat([promised[column].sum(), paid[column].sum()], axis=1, keys=["p", "q"])
        both = both.fillna(0.0)
        assert (both["q"] <= both["p"] + 0.005).all(), column
    ratio = paid["usd"].sum().sum() / promised["usd"].sum().sum()
    assert 0.70 <= ratio <= 0.95


def test_recipients_lean_toward_least_developed_countries(demo: duckdb.DuckDBPyConnection) -> None:
    money_share, country_share = demo.execute(
        "SELECT sum(f.amount_usd) FILTER (WHERE c.is_ldc) / sum(f.amount_usd), "
        "(SELECT avg(is_ldc::INT) FROM country) "
        "FROM flow f JOIN country c ON c.iso3 = f.recipient_country_iso3 WHERE f.leg = 'out'"
    ).fetchone()
    assert money_share > country_share + 0.1


def test_every_modality_instrument_and_contributor_kind_appears(flows: pd.DataFrame) -> None:
    assert set(flows["modality"]) == {
        "north_south", "south_south", "triangular", "city_to_city", "local_private",
        "multilateral",
    }  # fmt: skip
    assert set(flows["instrument"]) == {
        "grant",
        "in_kind",
        "loan",
        "micro_credit",
        "technical_cooperation",
    }
    given = flows[flows["leg"] != "out"]
    assert set(given["source_kind"]) == {
        "government", "local_government", "city_network", "multilateral", "company",
        "foundation", "community", "individual",
    }  # fmt: skip
    governments = given[given["source_kind"] == "government"]
    assert governments["source_g77"].any()
    assert governments["source_dac"].any()
    assert set(flows["stage"]) == {
        "pledge",
        "commitment",
        "paid",
        "allocation",
        "disbursement",
        "expenditure",
    }
    assert set(flows["fund_id"].dropna()) == set(FUNDS)


def expected_modality(row: pd.Series) -> str:
    if row["source_kind"] == "government":
        return "triangular" if row["source_dac"] else "south_south"
    if row["source_kind"] == "multilateral":
        return "multilateral"
    if row["source_kind"] in ("local_government", "city_network"):
        return "city_to_city"
    return "local_private"


def test_modalities_follow_the_documented_rules(flows: pd.DataFrame) -> None:
    given = flows[flows["leg"] != "out"]
    assert (given.apply(expected_modality, axis=1) == given["modality"]).all()
    out = flows[flows["leg"] == "out"]
    parent = flows.set_index("flow_id").loc[out["parent_flow_id"], "modality"].to_numpy()
    north = (parent == "triangular") & ~out["recipient_g77"].fillna(False).to_numpy(bool)
    expected = pd.Series(parent, index=out.index).where(~north, "north_south")
    assert (expected == out["modality"]).all()
    private = flows[flows["modality"] == "local_private"]
    assert set(private["fund_id"].dropna()) == {"cities_fund"}
    assert (private.loc[private["fund_id"].isna(), "leg"] == "direct").all()


def test_recipients_carry_their_m49_region_and_cities_their_city(flows: pd.DataFrame) -> None:
    has_country = flows["recipient_country_iso3"].notna()
    assert has_country.sum() > 10_000
    regions = dict((c[0], c[2]) for c in COUNTRIES)
    expected = flows.loc[has_country, "recipient_country_iso3"].map(regions)
    assert (flows.loc[has_country, "recipient_region"] == expected).all()
    assert (flows.loc[has_country, "recipient_region_vocab"] == "m49").all()
    city_to_city = flows[(flows["modality"] == "city_to_city") & (flows["leg"] != "in")]
    assert city_to_city["recipient_city_id"].notna().all()
    assert flows.loc[flows["leg"] == "in", "recipient_country_iso3"].isna().all()


def test_default_size_meets_the_cited_aggregates_within_one_percent(flows: pd.DataFrame) -> None:
    pgtf = flows[(flows["fund_id"] == "pgtf") & (flows["stage"] == "allocation")]
    assert pgtf["usd"].sum() == pytest.approx(15_500_000, rel=0.01)
    assert len(pgtf) == 361
    dgttf = flows[(flows["fund_id"] == "dgttf") & (flows["stage"] == "paid")]
    assert dgttf.loc[dgttf["year"] <= 2007, "usd"].sum() == pytest.approx(102_200_000, rel=0.01)
    unfssc = flows[(flows["fund_id"] == "unfssc") & (flows["stage"] == "paid")]["usd"].sum()
    assert 28_500_000 < unfssc < 29_500_000
    pgtf_by_1998 = pgtf.loc[pgtf["year"] <= 1998, "usd"].sum()
    assert pgtf_by_1998 == pytest.approx(5_300_000, rel=0.25)


def test_totals_scale_with_the_number_of_rows(new_warehouse) -> None:
    con = new_warehouse()
    generate(con, 5000, seed=3)
    pgtf, unfssc = con.execute(
        "SELECT sum(amount_usd) FILTER (WHERE fund_id = 'pgtf' AND stage = 'allocation'), "
        "sum(amount_usd) FILTER (WHERE fund_id = 'unfssc' AND stage = 'paid') FROM flow"
    ).fetchone()
    assert float(pgtf) == pytest.approx(15_500_000 / 4, rel=0.01)
    assert float(unfssc) == pytest.approx(29_000_000 / 4, rel=0.01)


@pytest.mark.parametrize(
    ("rows", "seed", "dataset"),
    [(-1, 1, "demo"), (10, 1, "Demo"), (10, 1, "a b"), (10, 1, ""), (10, 1, "x;drop"),
     (10, 2**41, "demo")],
)  # fmt: skip
def test_bad_arguments_are_refused_before_anything_is_written(
    new_warehouse, rows: int, seed: int, dataset: str
) -> None:
    con = new_warehouse()
    with pytest.raises(ValueError, match="rows|dataset|seed"):
        synth.generate(con, rows=rows, seed=seed, dataset=dataset)
    assert con.execute("SELECT count(*) FROM flow").fetchone()[0] == 0


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.integers(0, 2500), seed=st.integers(-(2**40), 2**40))
def test_any_size_and_seed_keeps_the_row_count_and_the_fund_balance(
    new_warehouse, rows: int, seed: int
) -> None:
    con = new_warehouse()
    assert generate(con, rows, seed=seed) == rows
    overdrawn = con.execute(
        "WITH y AS (SELECT fund_id, year, "
        "sum(amount_usd) FILTER (WHERE leg = 'in' AND stage = 'paid') AS i, "
        "sum(amount_usd) FILTER (WHERE leg = 'out' AND stage = 'allocation') AS o "
        "FROM flow WHERE fund_id IS NOT NULL GROUP BY ALL), "
        "c AS (SELECT sum(coalesce(i, 0)) OVER w AS ci, sum(coalesce(o, 0)) OVER w AS co "
        "FROM y WINDOW w AS (PARTITION BY fund_id ORDER BY year)) "
        "SELECT count(*) FROM c WHERE co > ci"
    ).fetchone()[0]
    assert overdrawn == 0


def test_the_build_generates_the_demo_dataset(built_warehouse: Path) -> None:
    con = warehouse.connect_plain(built_warehouse)
    try:
        total, illustrative, funds = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE is_illustrative "
            "AND list_contains(flags, 'illustrative')), count(DISTINCT fund_id) "
            "FROM flow WHERE dataset = 'demo'"
        ).fetchone()
        source = con.execute(
            "SELECT title, kind FROM source_document WHERE source_document_id = 'synth-generator'"
        ).fetchone()
        modalities = con.execute(
            "SELECT list(DISTINCT modality ORDER BY modality) FROM flow WHERE dataset = 'demo'"
        ).fetchone()[0]
        kinds = con.execute(
            "SELECT list(DISTINCT a.kind) FROM flow f "
            "JOIN actor a ON a.actor_id = f.source_actor_id "
            "WHERE f.dataset = 'demo' AND f.leg <> 'out'"
        ).fetchone()[0]
    finally:
        con.close()
    assert total == illustrative == 3000
    assert funds == 4
    assert modalities == [
        "city_to_city", "local_private", "multilateral", "north_south", "south_south", "triangular",
    ]  # fmt: skip
    assert set(kinds) == {
        "government", "local_government", "city_network", "multilateral", "company",
        "foundation", "community", "individual",
    }  # fmt: skip
    assert source == ("fundflows synthetic demo generator", "generator")


def test_the_synth_command_publishes_a_new_version_with_the_rows(built_copy: Path) -> None:
    from typer.testing import CliRunner

    from pipelines.cli.main import app

    args = ["synth", "--rows", "900", "--seed", "3", "--dataset", "scale"]
    result = CliRunner().invoke(app, [*args, "--warehouse", str(built_copy)])
    assert result.exit_code == 0, result.output
    con = warehouse.connect_plain(built_copy)
    try:
        counts = dict(con.execute("SELECT dataset, count(*) FROM flow GROUP BY ALL").fetchall())
        batch = con.execute(
            "SELECT file_name, rows_loaded, is_bundled FROM load_batch "
            "WHERE batch_id = 'synth-scale'"
        ).fetchone()
    finally:
        con.close()
    assert counts["scale"] == 900
    assert counts["demo"] == 3000
    assert batch == ("synth:rows=900:seed=3", 900, False)
