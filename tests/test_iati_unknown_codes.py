"""Issue 17, point 8: an IATI transaction whose descriptive code does not resolve keeps its money.

The fixture's recipient country ``TA`` is the code a real file uses (the country table has no
such ISO code); its region, sector and organisation codes resolve to nothing either. Those
transactions are loaded, flagged and counted; only the transaction without a value (money that
cannot be counted) is rejected. The Sources page lists what was kept and why.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from dashboard_fixtures import no_filters
from streamlit.testing.v1 import AppTest

from dashboard import i18n
from pipelines.ingest import load
from pipelines.store import sql, warehouse

FIXTURE = Path(__file__).parent / "fixtures" / "iati" / "unknown_codes.xml"
APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"
DATASET = "iati_codes"


@pytest.fixture
def loaded(built_copy: Path) -> tuple[Path, load.LoadReport]:
    (report,) = load.load_files(built_copy, [FIXTURE], dataset=DATASET)
    assert report.status == "loaded", report.message
    return built_copy, report


def fetch(live: Path, text: str, params: dict) -> list[tuple]:
    con = warehouse.connect_reader(live)
    try:
        return con.execute(text, params).fetchall()
    finally:
        con.close()


def test_unknown_codes_keep_the_transaction_flagged_only_uncountable_money_is_rejected(loaded):
    live, report = loaded
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (4, 3, 1)
    rows = fetch(
        live,
        "SELECT f.source_locator, f.recipient_country_iso3, e.recipient_region_name, "
        "f.amount_usd, f.flags FROM flow f JOIN flows_enriched e USING (flow_id) "
        "WHERE f.batch_id = $b ORDER BY f.source_locator",
        {"b": report.batch_id},
    )
    assert [(r[0], r[1], r[2], float(r[3])) for r in rows] == [
        ("XX-UNKNOWN-CODES#1", None, None, 120.0),
        ("XX-UNKNOWN-COUNTRY#1", None, None, 400.0),
        ("XX-UNKNOWN-COUNTRY#2", None, None, 250.0),
    ]
    flags = {r[0]: sorted(r[4]) for r in rows}
    assert flags == {
        "XX-UNKNOWN-CODES#1": ["unknown_org", "unknown_region", "unknown_sector"],
        "XX-UNKNOWN-COUNTRY#1": ["unknown_country"],
        "XX-UNKNOWN-COUNTRY#2": ["unknown_country"],
    }
    rejected = fetch(
        live,
        "SELECT locator, reason_code FROM rejected_row WHERE batch_id = $b",
        {"b": report.batch_id},
    )
    assert rejected == [("XX-UNKNOWN-CODES#2", "missing_amount")]


def test_the_kept_money_is_counted_in_totals(loaded):
    live, _report = loaded
    params = no_filters(dataset=DATASET)
    kpis = fetch(live, sql.text("queries/overview_kpis"), params)
    total = next(r for r in kpis if r[1] == 1)
    assert float(total[3]) == 400.0  # transferred: the incoming funds to the TA activity
    regions = fetch(
        live, sql.text("queries/regions_by_modality"), params | {"group": "transferred"}
    )
    assert [(r[0], float(r[3])) for r in regions] == [("unspecified", 370.0)]


def test_the_sources_page_lists_what_was_kept_and_why(loaded, monkeypatch):
    live, _report = loaded
    kept = fetch(live, sql.text("queries/sources_kept_codes"), {"dataset": DATASET})
    assert [(r[1], r[2], r[3]) for r in kept] == [
        ("unknown_country", 2, 650.0),
        ("unknown_org", 1, 120.0),
        ("unknown_region", 1, 120.0),
        ("unknown_sector", 1, 120.0),
    ]
    monkeypatch.setenv("FUNDFLOWS_WAREHOUSE", str(live))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["dataset"] = DATASET
    at.run()
    at.switch_page("app_pages/sources.py").run()
    assert not at.exception, at.exception
    assert i18n.t("sources.kept_title") in "\n".join(m.value for m in at.markdown)
    tables = [d.value for d in at.dataframe]
    shown = next(frame for frame in tables if i18n.t("col.flag") in frame.columns)
    reasons = set(shown[i18n.t("col.reason")])
    assert i18n.t("sources.kept_unknown_country") in reasons
    assert set(shown[i18n.t("col.flag")]) == {
        "unknown_country", "unknown_org", "unknown_region", "unknown_sector"
    }  # fmt: skip
