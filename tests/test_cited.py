"""The bundled ``cited`` dataset: 97 figures, their totals, and the counting rules."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipelines import settings
from pipelines.bundled import cited
from pipelines.ingest import fx
from pipelines.reference import tables as reference
from pipelines.store import warehouse

# figures.csv "fund" label (a distinctive part of it) -> warehouse fund_id; written here, not
# read from the transcription, so the golden totals check the mapping too
FUND_BY_LABEL = {
    "Perez-Guerrero": "pgtf", "UN Fund for South-South": "unfssc", "India-UN": "india_un_fund",
    "IBSA Fund": "ibsa", "China-UN Peace": "unpdf", "Global South-South Development": "china_gssd",
    "China South-South Cooperation Assistance": "ssc_af", "IFAD South-South": "ifad_ssc_china",
    "(DGTTF)": "dgttf", "governance window": "undp_fw_governance",
    "emergency development": "undp_fw_crisis", "Governance in Africa": "undp_tfga",
    "UNDEF": "undef", "FISVP": "cities_fund",
}  # fmt: skip
# figures.csv stage -> stage group of the contract (a pledge may become a commitment)
GROUP = {
    "pledge": "promised",
    "paid": "transferred",
    "allocation": "allocated",
    "expenditure": "used",
}
GROUP_SQL = (
    "CASE WHEN stage IN ('pledge', 'commitment') THEN 'promised' "
    "WHEN stage IN ('paid', 'disbursement') THEN 'transferred' "
    "WHEN stage = 'allocation' THEN 'allocated' ELSE 'used' END"
)


def fund_of(label: str) -> str | None:
    found = [fid for key, fid in FUND_BY_LABEL.items() if key in label]
    assert len(found) <= 1, label
    return found[0] if found else None


def build(connection: duckdb.DuckDBPyConnection, path: Path | None = None) -> None:
    warehouse.migrate(connection)
    reference.load_reference(connection)
    fx.load_ecb_rates(connection)
    cited.load_cited(connection, path)


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    build(connection)
    yield connection
    connection.close()


def test_all_97_figures_become_53_flows_and_44_fund_statistics(con):
    flows = {
        r[0] for r in con.execute("SELECT source_ref FROM flow WHERE dataset = 'cited'").fetchall()
    }
    stats = {
        r[0]
        for r in con.execute(
            "SELECT source_ref FROM fund_statistic WHERE dataset = 'cited'"
        ).fetchall()
    }
    assert len(flows) == 53
    assert len(stats) == 44
    assert flows | stats == {f"F{i:03d}" for i in range(1, 98)}
    assert not flows & stats


def test_load_batch_accounts_for_every_figure_with_the_file_hash(con):
    row = con.execute(
        "SELECT dataset, format, is_bundled, rows_read, rows_loaded, rows_rejected, sha256 "
        "FROM load_batch WHERE batch_id = 'bundled-cited'"
    ).fetchone()
    digest = hashlib.sha256(cited.cited_path().read_bytes()).hexdigest()
    assert row == ("cited", "bundled", True, 97, 97, 0, digest)


def test_every_cited_flow_is_real_sourced_and_located(con):
    bad = con.execute(
        "SELECT flow_id FROM flow WHERE dataset = 'cited' AND (is_illustrative "
        "OR source_document_id IS NULL OR source_locator IS NULL OR batch_id <> 'bundled-cited' "
        "OR stage NOT IN ('pledge', 'commitment', 'paid', 'allocation', 'expenditure'))"
    ).fetchall()
    assert bad == []


def test_legs_follow_the_fund_rules(con):
    legs = dict(
        con.execute(
            "SELECT source_ref, leg FROM flow WHERE source_ref IN "
            "('F001', 'F004', 'F009', 'F046', 'F049', 'F056', 'F068', 'F085')"
        ).fetchall()
    )
    assert legs == {
        "F001": "in", "F004": "in", "F049": "in", "F009": "out", "F046": "out",
        "F056": "direct", "F068": "direct", "F085": "direct",
    }  # fmt: skip
    mismatched = con.execute(
        "SELECT flow_id FROM flow WHERE dataset = 'cited' AND ("
        "(leg = 'in' AND destination_actor_id <> 'fund-' || fund_id) OR "
        "(leg = 'out' AND source_actor_id <> 'fund-' || fund_id) OR "
        "(leg = 'direct' AND fund_id IS NOT NULL))"
    ).fetchall()
    assert mismatched == []


def test_commitment_only_where_the_source_says_an_agreement_or_commitment(con):
    rows = con.execute(
        "SELECT source_ref FROM flow WHERE stage = 'commitment' ORDER BY 1"
    ).fetchall()
    assert rows == [("F004",), ("F023",), ("F039",)]


def test_modalities_follow_the_documented_rules(con):
    modality = dict(
        con.execute(
            "SELECT source_ref, modality FROM flow WHERE source_ref IN "
            "('F001', 'F004', 'F049', 'F068', 'F071', 'F083')"
        ).fetchall()
    )
    assert modality == {
        "F001": "south_south", "F004": "multilateral", "F049": "north_south",
        "F068": "local_private", "F071": "local_private", "F083": None,
    }  # fmt: skip


def test_dates_only_where_the_source_gives_a_day_else_year_only_flag(con):
    rows = {
        r[0]: (r[1], r[2], "year_only_date" in r[3])
        for r in con.execute("SELECT source_ref, flow_date, year, flags FROM flow").fetchall()
    }
    assert rows["F001"] == (date(2016, 9, 23), 2016, False)
    assert rows["F002"] == (None, 2016, True)
    assert rows["F071"] == (None, None, False)
    assert rows["F086"] == (None, 2010, True)


def test_money_keeps_the_written_amount_and_converts_what_has_a_rate(con):
    rows = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT source_ref, amount_original, currency, fx_rate, amount_usd, flags FROM flow"
        ).fetchall()
    }
    assert rows["F003"][:4] == (Decimal("1000000"), "USD", 1.0, Decimal("1000000.00"))
    cny = rows["F086"]
    assert cny[0] == Decimal("2500000")
    assert cny[1] == "CNY"
    assert 0.13 < cny[2] < 0.16  # 2010 average of daily ECB rates, about 6.77 CNY per USD
    assert "fx_annual_average" in cny[4]
    chf = rows["F056"]
    assert chf[1] == "CHF"
    assert 1.0 < chf[2] < 1.1
    undated = con.execute(
        "SELECT amount_usd, flags FROM fund_statistic WHERE source_ref = 'F080'"
    ).fetchone()
    assert undated == (None, ["no_fx_rate"])


def test_statistics_get_their_kinds(con):
    kinds = dict(
        con.execute(
            "SELECT source_ref, kind FROM fund_statistic WHERE source_ref IN "
            "('F005', 'F014', 'F020', 'F022', 'F031', 'F034', 'F055', 'F076')"
        ).fetchall()
    )
    assert kinds == {
        "F005": "endowment", "F014": "cumulative_allocations", "F020": "ceiling",
        "F022": "cumulative_contributions", "F031": "balance", "F034": "budget",
        "F055": "budget", "F076": "period_total",
    }  # fmt: skip
    orphans = con.execute(
        "SELECT stat_id FROM fund_statistic WHERE fund_id IS NULL AND actor_id IS NULL"
    ).fetchall()
    assert orphans == []


def test_golden_totals_per_fund_stage_and_currency(con, shared_data):
    figures = pd.read_csv(shared_data / "figures.csv", dtype=str, keep_default_na=False)
    top = figures[(figures["figure_type"] == "flow") & (figures["part_of"] == "")].copy()
    top["fund_id"] = top["fund"].map(fund_of)
    top["group"] = top["stage"].map(GROUP)
    top["amount"] = top["amount"].map(Decimal)
    expected = {
        (None if pd.isna(k[0]) else k[0], k[1], k[2]): v
        for k, v in top.groupby(["fund_id", "group", "currency"], dropna=False)["amount"]
        .sum()
        .items()
    }
    got = {
        (r[0], r[1], r[2]): r[3]
        for r in con.execute(
            f"SELECT fund_id, {GROUP_SQL} AS grp, currency, sum(amount_original) FROM flow "  # noqa: S608
            "WHERE dataset = 'cited' AND part_of IS NULL GROUP BY ALL"
        ).fetchall()
    }
    assert got == expected
    assert expected[("pgtf", "transferred", "USD")] == Decimal("1641800")
    assert expected[(None, "promised", "CNY")] == Decimal("5150000")


def test_parts_are_kept_but_never_added_to_their_parents(con):
    parts = con.execute(
        "SELECT part_of, currency, sum(amount_original) FROM flow WHERE part_of IS NOT NULL "
        "GROUP BY ALL ORDER BY 1"
    ).fetchall()
    assert parts == [
        ("F008", "USD", Decimal("148910")),
        ("F056", "CHF", Decimal("950000")),
        ("F083", "USD", Decimal("10530000")),
        ("F084", "CNY", Decimal("5150000")),
    ]
    # the CNY parts add up to their parent exactly, the USD parts to less (two unlabelled lines
    # were left out): adding parts to parents would double count either way
    parent = con.execute("SELECT amount_original FROM flow WHERE source_ref = 'F083'").fetchone()
    assert parent == (Decimal("11480000"),)


def test_every_cited_source_is_a_source_document(con, shared_data):
    figures = pd.read_csv(shared_data / "figures.csv", dtype=str, keep_default_na=False)
    docs = con.execute("SELECT url, title FROM source_document").fetchall()
    known = {u for u, _t in docs if u} | {t for _u, t in docs}
    assert set(figures["source"]) <= known
    linked = con.execute(
        "SELECT count(DISTINCT source_document_id) FROM ("
        "SELECT source_document_id FROM flow "
        "UNION ALL SELECT source_document_id FROM fund_statistic)"
    ).fetchone()
    assert linked == (52,)


def test_transcription_keeps_the_figures_columns_as_written(shared_data):
    original = pd.read_csv(shared_data / "figures.csv", dtype=str, keep_default_na=False)
    ours = cited.read_figures().fillna("")
    pd.testing.assert_frame_equal(ours[list(original.columns)], original)


BASE = {"fund": "PGTF", "source": "s", "note": "n", "fund_id": "pgtf", "year": "2016"}
BASE |= {"source_document_id": "g77-pr092316", "source_locator": "p", "currency": "USD"}
IN_LEG = {"leg": "in", "source_actor_id": "gov-omn", "destination_actor_id": "fund-pgtf"}
OUT_LEG = {
    "leg": "out",
    "source_actor_id": "fund-pgtf",
    "destination_actor_id": "group-pgtf-projects",
}
LITERAL = [
    {"figure_id": "T1", "stage": "paid", "wh_stage": "paid", "amount": "100"} | IN_LEG,
    {"figure_id": "T2", "stage": "allocation", "wh_stage": "allocation", "amount": "60"} | OUT_LEG,
    {"figure_id": "T3", "stage": "allocation", "wh_stage": "allocation", "amount": "25"}
    | OUT_LEG
    | {"part_of": "T2"},
    {"figure_id": "T4", "stage": "pledge", "wh_stage": "pledge", "amount": "40"}
    | IN_LEG
    | {"flow_date": "2016-05-02"},
    {"figure_id": "T5", "stage": "balance", "amount": "7000", "figure_type": "stock"}
    | {"stat_kind": "endowment"},
]


def test_counting_rules_on_small_literal_figures(tmp_path):
    path = tmp_path / "cited_figures.csv"
    rows = pd.DataFrame([{"figure_type": "flow"} | BASE | row for row in LITERAL])
    rows.reindex(columns=cited.read_figures().columns).to_csv(path, index=False)
    connection = duckdb.connect()
    build(connection, path)
    totals = dict(
        connection.execute(
            f"SELECT {GROUP_SQL} || '/' || leg, sum(amount_usd) FROM flow "  # noqa: S608
            "WHERE part_of IS NULL GROUP BY ALL"
        ).fetchall()
    )
    # in-leg and out-leg apart, the part (25) not added to its parent (60), pledge apart from
    # paid, and the endowment stock never among the flows
    assert totals == {
        "transferred/in": Decimal("100.00"),
        "allocated/out": Decimal("60.00"),
        "promised/in": Decimal("40.00"),
    }
    stock = connection.execute("SELECT kind, amount FROM fund_statistic").fetchall()
    assert stock == [("endowment", Decimal("7000"))]
    batch = connection.execute("SELECT rows_read, rows_loaded FROM load_batch").fetchone()
    assert batch == (5, 5)
    connection.close()


def test_cited_data_publishes_and_checks_catch_a_flow_without_source(empty_warehouse):
    with warehouse.publish(empty_warehouse) as pub:
        reference.load_reference(pub.con)
        fx.load_ecb_rates(pub.con)
        cited.load_cited(pub.con)
    reader = warehouse.connect_plain(empty_warehouse)
    try:
        assert reader.execute("SELECT count(*) FROM flow").fetchone() == (53,)
    finally:
        reader.close()
    check = (settings.SQL_DIR / "checks" / "cited_flow_source.sql").read_text()
    connection = duckdb.connect(str(warehouse.resolve(empty_warehouse)))
    try:
        connection.execute("UPDATE flow SET source_document_id = NULL WHERE source_ref = 'F001'")
        assert connection.execute(check).fetchall() == [("flow", "cited-F001")]
    finally:
        connection.close()
