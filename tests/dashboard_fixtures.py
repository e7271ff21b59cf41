"""A small warehouse with values known exactly, for dashboard query, AppTest and browser tests.

Datasets: ``demo`` (illustrative, 10 flows), ``cited`` (real, 3 flows, one a breakdown of
another), ``main`` (a user dataset: one flow duplicates a demo flow, one comes from an actor
that needs review, one is an outlier; its batch has two rejected rows). Expected totals for
``demo`` in USD, all years:
promised 2,000,000 · transferred 2,060,000 (+1 flow without a rate) · allocated 500,000 ·
used 250,000 · 6 contributors · 4 recipient countries.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.store import warehouse

COUNTRIES = """
INSERT INTO country (iso3, iso2, m49, name_en, region_code, region_name, subregion_code,
    subregion_name, intermediate_region_code, intermediate_region_name,
    is_ldc, is_lldc, is_sids, is_g77, is_dac_member) VALUES
('SEN','SN',686,'Senegal',2,
 'Africa',202,'Sub-Saharan Africa',11,'Western Africa',true,false,false,true,false),
('BFA','BF',854,'Burkina Faso',2,
 'Africa',202,'Sub-Saharan Africa',11,'Western Africa',true,true,false,true,false),
('TGO','TG',768,'Togo',2,
 'Africa',202,'Sub-Saharan Africa',11,'Western Africa',true,false,false,true,false),
('HTI','HT',332,'Haiti',19,
 'Americas',419,'Latin America and the Caribbean',29,'Caribbean',true,false,true,true,false),
('THA','TH',764,'Thailand',142,
 'Asia',35,'South-eastern Asia',NULL,NULL,false,false,false,true,false),
('CHN','CN',156,'China',142,'Asia',30,'Eastern Asia',NULL,NULL,false,false,false,true,false),
('IND','IN',356,'India',142,'Asia',34,'Southern Asia',NULL,NULL,false,false,false,true,false),
('FRA','FR',250,'France',150,'Europe',155,'Western Europe',NULL,NULL,false,false,false,false,true),
('CHE','CH',756,'Switzerland',150,
 'Europe',155,'Western Europe',NULL,NULL,false,false,false,false,true);
INSERT INTO region (vocabulary, code, name_en, m49_region)
    VALUES ('m49','034','Southern Asia','Asia');
INSERT INTO city (city_id, name, country_iso3, lat, lon) VALUES
('lyon','Lyon','FRA',45.76,4.83), ('lome','Lomé','TGO',6.13,1.22),
('geneva','Geneva','CHE',46.2,6.15), ('dakar','Dakar','SEN',14.69,-17.44);
"""

ACTORS = """
INSERT INTO actor (actor_id, name, kind, country_iso3, city_id, origin, needs_review) VALUES
('gov_tha','Thailand','government','THA',NULL,'reference',false),
('gov_chn','China','government','CHN',NULL,'reference',false),
('gov_fra','France','government','FRA',NULL,'reference',false),
('city_lyon','City of Lyon','local_government','FRA','lyon','reference',false),
('city_lome','City of Lomé','local_government','TGO','lome','reference',false),
('city_geneva','City of Geneva','local_government','CHE','geneva','reference',false),
('co_x','Example Company','company','CHE',NULL,'reference',false),
('comm_sen','Community group, Senegal','community','SEN',NULL,'reference',false),
('fund_pgtf','PGTF','fund',NULL,NULL,'reference',false),
('fund_cities','Cities solidarity fund','fund',NULL,NULL,'reference',false),
('fund_unfssc','UN Fund for South-South Cooperation','fund',NULL,NULL,'reference',false),
('fund_dgttf','DGTTF','fund',NULL,NULL,'reference',false),
('new_donor','Unknwn Donor Org','other',NULL,NULL,'b_user',true);
INSERT INTO fund (fund_id, actor_id, short_name, name_en, is_target, established,
    source_document_id) VALUES
('pgtf','fund_pgtf','PGTF','Pérez-Guerrero Trust Fund',true,'1983-12-20','doc_a'),
('unfssc','fund_unfssc','UNFSSC','UN Fund for South-South Cooperation',true,NULL,'doc_a'),
('cities_fund','fund_cities','Cities fund','International Solidarity Fund of Cities',true,
 NULL,'doc_b'),
('dgttf','fund_dgttf','DGTTF','Democratic Governance Thematic Trust Fund',true,NULL,'doc_b');
INSERT INTO fund_event (fund_id, event_date, year, kind, description, source_document_id,
    source_locator) VALUES
('pgtf','1983-12-20',1983,'established','Established by GA resolution 38/201','doc_a','para 1'),
('pgtf',NULL,2003,'pledging_conference','Included in the Pledging Conference','doc_b','para 10');
INSERT INTO partnership (partnership_id, kind, status, source_actor_id, destination_actor_id,
    source_city_id, destination_city_id, description, year, source_document_id) VALUES
('p_lyon_lome','city_link','existing','city_lyon','city_lome','lyon','lome',
 'Lomé–Lyon partnership',2001,'doc_a');
"""

DOCS = """
INSERT INTO dataset VALUES ('demo', true, true, 'synthetic'), ('cited', false, true, 'cited'),
    ('main', false, false, 'user loads');
INSERT INTO source_document (source_document_id, symbol, title, publisher, year, url, kind) VALUES
('doc_a','A/CONF.191/L.11','Mayors meeting','UN',2001,
 'https://undocs.org/A/CONF.191/L.11','un_document'),
('doc_b','A/RES/58/220','Resolution 58/220','UN',2003,
 'https://undocs.org/A/RES/58/220','un_document');
INSERT INTO load_batch VALUES
('b_demo','demo','demo','x','bundled','2026-11-01 10:00:00','build',10,10,0,true),
('b_cited','cited','figures.csv','y','bundled','2026-11-01 10:00:00','build',3,3,0,true),
('b_user','main','grants.csv','z','csv','2026-11-20 09:30:00','analyst',5,3,2,false);
INSERT INTO rejected_row (batch_id, file_name, row_number, locator, column_name, value,
    reason_code, reason) VALUES
('b_user','grants.csv',3,'grants.csv:3','amount','=HYPERLINK("x")','bad_amount','not a number'),
('b_user','grants.csv',4,'grants.csv:4','currency','XYZ','unknown_currency','unknown currency');
INSERT INTO fx_daily VALUES ('EUR','2019-06-01',1.10,'ECB'), ('EUR','2020-06-01',1.20,'ECB'),
    ('EUR','2020-12-01',1.20,'ECB'), ('CHF','2019-06-01',1.0,'ECB');
INSERT INTO fund_statistic (stat_id, dataset, batch_id, fund_id, kind, as_of, year, amount,
    currency, amount_usd, source_document_id, source_ref, is_illustrative, note) VALUES
('s1','cited','b_cited','pgtf','endowment','2020-12-31',2020,7000000,'USD',7000000,'doc_a',
 'F007',false,'capital endowment'),
('s2','demo','b_demo','pgtf','cumulative_allocations','2020-12-31',2020,15500000,'USD',15500000,
 'doc_b',NULL,true,'demo stock');
"""

# flow_id, dataset, batch, stage, leg, modality, source, destination, fund, country, city,
# date, year, amount_original, currency, amount_usd, doc, source_ref, part_of, region, vocab
FLOWS = [
    (
        "d1",
        "demo",
        "paid",
        "in",
        "south_south",
        "gov_tha",
        "fund_pgtf",
        "pgtf",
        None,
        None,
        "2019-06-15",
        2019,
        1_000_000,
        "USD",
        1_000_000,
        "doc_a",
        None,
        None,
        None,
    ),
    (
        "d2",
        "demo",
        "pledge",
        "in",
        "south_south",
        "gov_chn",
        "fund_pgtf",
        "pgtf",
        None,
        None,
        "2019-03-01",
        2019,
        2_000_000,
        "USD",
        2_000_000,
        "doc_a",
        None,
        None,
        None,
    ),
    (
        "d3",
        "demo",
        "allocation",
        "out",
        "south_south",
        "fund_pgtf",
        None,
        "pgtf",
        "SEN",
        None,
        "2019-09-01",
        2019,
        300_000,
        "USD",
        300_000,
        "doc_a",
        None,
        None,
        None,
    ),
    (
        "d4",
        "demo",
        "allocation",
        "out",
        "south_south",
        "fund_pgtf",
        None,
        "pgtf",
        "HTI",
        None,
        "2020-09-01",
        2020,
        200_000,
        "USD",
        200_000,
        "doc_b",
        None,
        None,
        None,
    ),
    (
        "d5",
        "demo",
        "paid",
        "direct",
        "north_south",
        "gov_fra",
        None,
        None,
        "BFA",
        None,
        "2020-07-01",
        2020,
        500_000,
        "USD",
        500_000,
        "doc_b",
        None,
        None,
        None,
    ),
    (
        "d6",
        "demo",
        "paid",
        "direct",
        "city_to_city",
        "city_lyon",
        "city_lome",
        None,
        "TGO",
        "lome",
        "2020-03-01",
        2020,
        100_000,
        "EUR",
        110_000,
        "doc_b",
        None,
        None,
        None,
    ),
    (
        "d7",
        "demo",
        "paid",
        "direct",
        "local_private",
        "co_x",
        "comm_sen",
        None,
        "SEN",
        None,
        None,
        2020,
        50_000,
        "USD",
        50_000,
        "doc_b",
        None,
        None,
        None,
    ),
    (
        "d8",
        "demo",
        "paid",
        "in",
        "triangular",
        "gov_fra",
        "fund_cities",
        "cities_fund",
        None,
        None,
        "2020-06-01",
        2020,
        400_000,
        "USD",
        400_000,
        "doc_b",
        None,
        None,
        None,
    ),
    (
        "d9",
        "demo",
        "paid",
        "direct",
        "north_south",
        "city_geneva",
        None,
        None,
        "SEN",
        None,
        "2020-05-05",
        2020,
        1_000,
        "GBP",
        None,
        "doc_b",
        None,
        None,
        None,
    ),
    (
        "d10",
        "demo",
        "expenditure",
        "out",
        "south_south",
        "fund_pgtf",
        None,
        "pgtf",
        "SEN",
        None,
        "2020-10-01",
        2020,
        250_000,
        "USD",
        250_000,
        "doc_b",
        None,
        None,
        None,
    ),
    (
        "c1",
        "cited",
        "paid",
        "in",
        "south_south",
        "gov_tha",
        "fund_pgtf",
        "pgtf",
        None,
        None,
        "2016-09-23",
        2016,
        520_000,
        "USD",
        520_000,
        "doc_a",
        "F001",
        None,
        None,
    ),
    (
        "c2",
        "cited",
        "allocation",
        "out",
        "south_south",
        "fund_pgtf",
        None,
        "pgtf",
        None,
        None,
        None,
        1997,
        148_910,
        "USD",
        148_910,
        "doc_a",
        "F008",
        None,
        None,
    ),
    (
        "c3",
        "cited",
        "allocation",
        "out",
        "south_south",
        "fund_pgtf",
        None,
        "pgtf",
        None,
        None,
        None,
        1997,
        24_850,
        "USD",
        24_850,
        "doc_a",
        "F009",
        "F008",
        "034",
    ),
    (
        "u1",
        "main",
        "paid",
        "in",
        "south_south",
        "gov_tha",
        "fund_pgtf",
        "pgtf",
        None,
        None,
        "2019-06-15",
        2019,
        1_000_000,
        "USD",
        1_000_000,
        "doc_a",
        None,
        None,
        None,
    ),
    (
        "u2",
        "main",
        "paid",
        "in",
        "south_south",
        "new_donor",
        "fund_pgtf",
        "pgtf",
        None,
        None,
        "2020-02-02",
        2020,
        5_000,
        "USD",
        5_000,
        "doc_a",
        None,
        None,
        None,
    ),
    (
        "u3",
        "main",
        "paid",
        "direct",
        "south_south",
        "gov_chn",
        None,
        None,
        "SEN",
        None,
        "2021-01-04",
        2021,
        20_000_000_000,
        "USD",
        20_000_000_000,
        "doc_a",
        None,
        None,
        None,
    ),
]
BATCH = {"demo": "b_demo", "cited": "b_cited", "main": "b_user"}

INSERT_FLOW = """
INSERT INTO flow (flow_id, dataset, batch_id, stage, leg, modality, source_actor_id,
    destination_actor_id, fund_id, recipient_country_iso3, recipient_city_id, flow_date, year,
    amount_original, currency, amount_usd, source_document_id, source_ref, part_of,
    recipient_region, recipient_region_vocab, is_illustrative, flags, source_locator)
VALUES ($id, $ds, $batch, $stage, $leg, $mod, $src, $dst, $fund, $country, $city, $date, $year,
    $amount, $cur, $usd, $doc, $ref, $part, $region, $vocab, $ill, $flags, $loc)
"""


def _flow_params(row: tuple) -> dict:
    (
        fid,
        ds,
        stage,
        leg,
        mod,
        src,
        dst,
        fund,
        country,
        city,
        date,
        year,
        amount,
        cur,
        usd,
        doc,
        ref,
        part,
        region,
    ) = row
    flags = ["illustrative"] if ds == "demo" else []
    if usd is None:
        flags.append("no_fx_rate")
    if usd is not None and usd > 10_000_000_000:
        flags.append("outlier")
    return {
        "id": fid,
        "ds": ds,
        "batch": BATCH[ds],
        "stage": stage,
        "leg": leg,
        "mod": mod,
        "src": src,
        "dst": dst,
        "fund": fund,
        "country": country,
        "city": city,
        "date": date,
        "year": year,
        "amount": amount,
        "cur": cur,
        "usd": usd,
        "doc": doc,
        "ref": ref,
        "part": part,
        "region": region,
        "vocab": "m49" if region else None,
        "ill": ds == "demo",
        "flags": flags,
        "loc": f"fixture:{fid}",
    }


def make_fixture_warehouse(live: Path) -> Path:
    """Publish the fixture warehouse at ``live`` (a fresh version) and return the live path."""
    with warehouse.publish(Path(live), fresh=True) as pub:
        for statement in (COUNTRIES, ACTORS, DOCS):
            pub.con.execute(statement)
        for row in FLOWS:
            pub.con.execute(INSERT_FLOW, _flow_params(row))
    return Path(live)


FILTER_PARAMS = ("dataset", "year_from", "year_to", "fund", "stage", "modality",
                 "contributor_kind", "contributor", "recipient_country", "region", "status",
                 "currency")  # fmt: skip
# the dashboard's own queries (other features add explore_*, compare_*, pivot_* queries)
DASHBOARD_QUERY_PREFIXES = ("overview_", "fund_", "regions_", "sources_", "options_",
                            "card_stats", "data_as_of")  # fmt: skip


def no_filters(**changes: object) -> dict:
    """Bound parameters of flows_filtered with nothing filtered (USD), ``changes`` applied."""
    params: dict[str, object] = {name: [] for name in FILTER_PARAMS}
    params |= {"dataset": "demo", "year_from": None, "year_to": None, "currency": "USD"}
    return params | changes


@pytest.fixture(scope="session")
def fixture_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small warehouse above, published once per session. Treat as read-only."""
    return make_fixture_warehouse(tmp_path_factory.mktemp("dash") / "warehouse.duckdb")
