"""A small, fully known warehouse for the workbench tests (compare, pivot, export, console).

Two datasets: `real` (is_illustrative false) and `demo` (true). Contributors of several kinds
and regions give to the four funds (in-legs), funds allocate to recipient countries (out-legs),
and a few direct flows go straight to recipients. Amounts are round numbers so tests can state
the expected figures.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from pipelines.store import warehouse

COUNTRIES = [
    # iso3, name, region, subregion, ldc, lldc, sids, g77, dac
    ("THA", "Thailand", "Asia", "South-eastern Asia", False, False, False, True, False),
    ("CHN", "China", "Asia", "Eastern Asia", False, False, False, True, False),
    ("IND", "India", "Asia", "Southern Asia", False, False, False, True, False),
    ("BRA", "Brazil", "Americas", "South America", False, False, False, True, False),
    ("FRA", "France", "Europe", "Western Europe", False, False, False, False, True),
    ("CHE", "Switzerland", "Europe", "Western Europe", False, False, False, False, True),
    ("MLI", "Mali", "Africa", "Western Africa", True, True, False, True, False),
    ("HTI", "Haiti", "Americas", "Caribbean", True, False, True, True, False),
    ("SEN", "Senegal", "Africa", "Western Africa", True, False, False, True, False),
    ("CPV", "Cabo Verde", "Africa", "Western Africa", False, False, True, True, False),
]
STATUS = [("CPV", "ldc", 1977, 2007), ("CPV", "sids", 1994, None), ("MLI", "ldc", 1971, None)]

CONTRIBUTORS = [
    # actor_id, name, kind, country
    ("gov_tha", "Thailand", "government", "THA"),
    ("gov_chn", "China", "government", "CHN"),
    ("gov_ind", "India", "government", "IND"),
    ("gov_bra", "Brazil", "government", "BRA"),
    ("gov_fra", "France", "government", "FRA"),
    ("gov_che", "Switzerland", "government", "CHE"),
    ("city_lyon", "Lyon", "local_government", "FRA"),
    ("city_geneva", "Geneva", "local_government", "CHE"),
    ("co_evil", '=HYPERLINK("http://x","y")', "company", "FRA"),
    ("fdn_br", "Fundação Exemplo", "foundation", "BRA"),
]
RECIPIENTS = [
    ("gov_mli", "Mali", "government", "MLI"),
    ("gov_hti", "Haiti", "government", "HTI"),
    ("gov_sen", "Senegal", "government", "SEN"),
    ("gov_cpv", "Cabo Verde", "government", "CPV"),
]
FUNDS = [("pgtf", "PGTF"), ("unfssc", "UNFSSC"), ("cities_fund", "Cities fund"), ("dgttf", "DGTTF")]
ALIASES = [("таиланд", "Таиланд", "gov_tha", "ru"), ("thailande", "Thaïlande", "gov_tha", "fr"),
           ("geneve", "Genève", "city_geneva", "fr")]  # fmt: skip
RATES = {"USD": 1.0, "EUR": 1.25, "CHF": 0.8}
YEARS = range(2000, 2006)


def _reference(con) -> None:
    for iso3, name, region, sub, ldc, lldc, sids, g77, dac in COUNTRIES:
        con.execute(
            "INSERT INTO country (iso3, name_en, region_name, subregion_name, is_ldc, is_lldc,"
            " is_sids, is_g77, is_dac_member) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [iso3, name, region, sub, ldc, lldc, sids, g77, dac],
        )
    con.executemany(
        "INSERT INTO country_status (iso3, status, from_year, to_year, source) "
        "VALUES (?, ?, ?, ?, 'test')",
        STATUS,
    )
    for actor_id, name, kind, iso3 in CONTRIBUTORS + RECIPIENTS:
        con.execute(
            "INSERT INTO actor (actor_id, name, kind, country_iso3) VALUES (?, ?, ?, ?)",
            [actor_id, name, kind, iso3],
        )
    for fund_id, short in FUNDS:
        con.execute("INSERT INTO actor (actor_id, name, kind) VALUES (?, ?, 'fund')",
                    [f"fund_{fund_id}", short])  # fmt: skip
        con.execute(
            "INSERT INTO fund (fund_id, actor_id, short_name, name_en, is_target)"
            " VALUES (?, ?, ?, ?, true)",
            [fund_id, f"fund_{fund_id}", short, short],
        )
    con.executemany(
        "INSERT INTO actor_alias (alias_norm, alias, actor_id, lang) VALUES (?, ?, ?, ?)", ALIASES
    )
    con.execute(
        "INSERT INTO source_document (source_document_id, symbol, title, url, kind) VALUES"
        " ('doc_a', 'A/RES/58/220', 'Economic and technical cooperation',"
        "  'https://undocs.org/A/RES/58/220', 'un_document'),"
        " ('doc_b', NULL, 'Fund annual report', NULL, 'report')"
    )
    for ds, illus in (("real", False), ("demo", True)):
        con.execute("INSERT INTO dataset VALUES (?, ?, false, ?)", [ds, illus, f"{ds} rows"])
        con.execute(
            "INSERT INTO load_batch VALUES (?, ?, ?, 'abc', 'csv', TIMESTAMP '2024-01-01', 'test',"
            " 0, 0, 0, false)",
            [f"b_{ds}", ds, f"{ds}.csv"],
        )
    con.executemany(
        "INSERT INTO fx_daily VALUES ('EUR', ?, ?, 'test')",
        [(date(y, 1, 1), 1.25) for y in YEARS],
    )


def _flows(rng: random.Random, dataset: str) -> list[tuple]:
    rows = []
    for actor_id, _name, _kind, _iso3 in CONTRIBUTORS:
        for year in YEARS:
            fund = rng.choice(FUNDS)[0]
            currency = rng.choice(list(RATES))
            amount = rng.randrange(1, 20) * 1000
            for stage in ("pledge", "paid"):
                paid = amount if stage == "pledge" else amount * rng.choice([1, 1, 0.5])
                modality = rng.choice(["south_south", "north_south", "triangular"])
                rows.append((stage, "in", actor_id, f"fund_{fund}", fund, None, year, paid,
                             currency, modality))  # fmt: skip
            if rng.random() < 0.4:
                recipient = rng.choice(RECIPIENTS)
                rows.append(("paid", "direct", actor_id, recipient[0], None, recipient[3], year,
                             rng.randrange(1, 9) * 500, "USD", "south_south"))  # fmt: skip
    for fund, _short in FUNDS:
        for year in YEARS:
            recipient = rng.choice(RECIPIENTS)
            rows.append(("allocation", "out", f"fund_{fund}", recipient[0], fund, recipient[3],
                         year, rng.randrange(1, 9) * 700, "USD", "multilateral"))  # fmt: skip
    return rows


def _insert_flows(con, dataset: str, seed: int) -> None:
    rng = random.Random(seed)
    for n, (stage, leg, src, dst, fund, country, year, amount, cur, mod) in enumerate(
        _flows(rng, dataset)
    ):
        usd = None if (n % 37 == 5 and cur != "USD") else round(amount * RATES[cur], 2)
        flags = ["no_fx_rate"] if usd is None else []
        desc = "=cmd|' /C calc'!A0" if n == 3 else f"{stage} {src} {year}"
        con.execute(
            "INSERT INTO flow (flow_id, dataset, batch_id, stage, leg, modality, instrument,"
            " source_actor_id, destination_actor_id, fund_id, recipient_country_iso3, flow_date,"
            " year, amount_original, currency, fx_rate, fx_date, fx_source, amount_usd, flags,"
            " description, source_document_id, source_locator, is_illustrative)"
            " VALUES (?, ?, ?, ?, ?, ?, 'grant', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'test', ?, ?, ?,"
            " ?, ?, ?)",
            [f"{dataset}-{n:04d}", dataset, f"b_{dataset}", stage, leg, mod, src, dst, fund,
             country, date(year, 3, 1), year, amount, cur, None if usd is None else RATES[cur],
             None if usd is None else date(year, 3, 1), usd, flags, desc,
             "doc_a" if n % 2 else "doc_b", f"{dataset}.csv:{n + 2}", dataset == "demo"],
        )  # fmt: skip


def build_fixture_warehouse(live: Path) -> Path:
    """Publish the fixture warehouse at ``live`` (a fresh versioned file)."""
    with warehouse.publish(Path(live), fresh=True) as pub:
        _reference(pub.con)
        _insert_flows(pub.con, "real", seed=11)
        _insert_flows(pub.con, "demo", seed=12)
        pub.con.execute(
            "UPDATE flow SET source_ref = 'F1' WHERE flow_id = 'real-0001';"
            "INSERT INTO flow (flow_id, dataset, batch_id, stage, leg, source_actor_id, fund_id,"
            " year, amount_original, currency, amount_usd, fx_rate, part_of, is_illustrative,"
            " modality) SELECT 'real-part', dataset, batch_id, stage, leg, source_actor_id,"
            " fund_id, year, amount_original / 2, currency, amount_usd / 2, fx_rate, 'F1', false,"
            " modality FROM flow WHERE flow_id = 'real-0001'"
        )
    return Path(live)
