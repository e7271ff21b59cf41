"""Loading files: row accounting, rejects, legs, actors, documents, publish safety."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.ingest import load
from pipelines.store import batches, sql, warehouse

BAD = Path(__file__).resolve().parent / "bad_template"
REPO = Path(__file__).resolve().parents[1]
HEADER = (
    "date,stage,contributor,contributor_kind,contributor_country,fund,recipient,recipient_kind,"
    "recipient_country,modality,instrument,amount,currency,description,source\n"
)


def digest(live: Path) -> str:
    return hashlib.sha256(warehouse.resolve(live).read_bytes()).hexdigest()


def rows(live: Path, sql: str, **params: object) -> list[tuple]:
    con = warehouse.connect_plain(live)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


REFUSED = [
    ("missing_column.csv", "missing required column(s): currency"),
    ("empty.csv", "the file is empty"),
    ("header_only.csv", "no data rows under the header"),
    ("wrong_delimiter.csv", "no template header found"),
    ("duplicate_header.csv", "column(s) appear twice: amount"),
]


@pytest.mark.parametrize(("name", "message"), REFUSED)
def test_an_unusable_file_is_refused_and_leaves_the_warehouse_unchanged(built_copy, name, message):
    before = digest(built_copy)
    (report,) = load.load_files(built_copy, [BAD / name])
    assert report.status == "refused"
    assert message in report.message
    assert report.batch_id is None
    assert digest(built_copy) == before


def test_a_broken_xlsx_and_a_binary_file_are_refused(built_copy, tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 20)
    picture = tmp_path / "picture.csv"
    picture.write_bytes(bytes(range(256)) * 4)
    before = digest(built_copy)
    first, second = load.load_files(built_copy, [broken, picture])
    assert (first.status, second.status) == ("refused", "refused")
    assert "cannot read as XLSX" in first.message
    assert "no template header found" in second.message
    assert digest(built_copy) == before


def test_loading_into_a_bundled_dataset_is_refused(built_copy):
    before = digest(built_copy)
    (report,) = load.load_files(built_copy, [REPO / "data/samples/template.csv"], dataset="demo")
    assert report.status == "refused"
    assert "bundled" in report.message
    assert digest(built_copy) == before


REJECTED = [
    ("unknown_currency.csv", 2, "unknown_currency", "currency", "XYZ"),
    ("bad_date.csv", 2, "bad_date", "date", "2024-13-45"),
    ("unknown_country.csv", 2, "unknown_country", "recipient_country", "Atlantis"),
    ("text_amount.csv", 2, "bad_amount", "amount", "about 5000"),
    ("ambiguous_amount.csv", 1, "ambiguous_amount", "amount", "1,234"),
    ("unknown_stage.csv", 2, "unknown_stage", "stage", "donated"),
    ("missing_kind.csv", 2, "missing_kind", "contributor_kind", "Totally New Donor"),
    ("duplicated_rows.csv", 2, "duplicate_row", "row", "same as row 1"),
    ("unknown_fund.csv", 2, "unknown_fund", "fund", "Imaginary Fund"),
    ("missing_source.csv", 2, "missing_value", "source", None),
    ("unknown_modality.csv", 2, "unknown_modality", "modality", "sideways"),
    ("amount_out_of_range.csv", 2, "amount_out_of_range", "amount", "5000000000000000"),
    ("fund_to_itself.csv", 2, "fund_to_itself", "fund", "pgtf"),
]


@pytest.mark.parametrize(("name", "row", "code", "column", "value"), REJECTED)
def test_a_bad_row_is_rejected_with_its_reason_while_the_good_row_loads(
    built_copy, name, row, code, column, value
):
    (report,) = load.load_files(built_copy, [BAD / name])
    assert report.status == "loaded"
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (2, 1, 1)
    reject = report.rejects.iloc[0]
    assert (reject["file"], reject["row"], reject["reason_code"]) == (name, row, code)
    assert reject["column"] == column
    assert (None if reject["value"] != reject["value"] else reject["value"]) == value
    stored = rows(
        built_copy,
        "SELECT row_number, locator, column_name, reason_code, reason FROM rejected_row "
        "WHERE batch_id = $b",
        b=report.batch_id,
    )
    assert stored[0][:4] == (row, f"{name}:{row}", column, code)
    assert stored[0][4]  # a human reason
    batch = rows(
        built_copy,
        "SELECT rows_read, rows_loaded, rows_rejected FROM load_batch WHERE batch_id = $b",
        b=report.batch_id,
    )
    assert batch == [(2, 1, 1)]


def test_formula_text_in_a_name_is_rejected_and_in_a_description_kept_as_text(built_copy):
    (report,) = load.load_files(built_copy, [BAD / "formula_text.csv"])
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (3, 2, 1)
    assert report.rejects.iloc[0][["row", "column", "reason_code"]].tolist() == [
        2,
        "contributor",
        "formula_text",
    ]
    kept = rows(
        built_copy,
        "SELECT description FROM flow WHERE batch_id = $b AND description LIKE '=%'",
        b=report.batch_id,
    )
    assert kept == [('=HYPERLINK("http://evil.example")',)]
    created = rows(built_copy, "SELECT count(*) FROM actor WHERE name LIKE '=%'")
    assert created == [(0,)]


@pytest.mark.parametrize(
    ("name", "amount", "flags"),
    [
        ("negative_amount.csv", -250, ["negative_correction"]),
        ("huge_amount.csv", 20_000_000_000, ["outlier"]),
    ],
)
def test_negative_and_huge_amounts_are_kept_and_flagged(built_copy, name, amount, flags):
    (report,) = load.load_files(built_copy, [BAD / name])
    assert (report.rows_loaded, report.rows_rejected) == (1, 0)
    got = rows(
        built_copy,
        "SELECT amount_original, amount_usd, flags FROM flow WHERE batch_id = $b",
        b=report.batch_id,
    )
    assert float(got[0][0]) == amount
    assert float(got[0][1]) == amount
    assert got[0][2] == flags


def test_a_year_only_date_uses_the_annual_average_rate(built_copy):
    (report,) = load.load_files(built_copy, [BAD / "year_only.csv"])
    got = rows(
        built_copy,
        "SELECT flow_date, year, fx_rate, flags FROM flow WHERE batch_id = $b",
        b=report.batch_id,
    )
    average = rows(
        built_copy,
        "SELECT avg(usd_per_unit) FROM fx_daily WHERE currency = 'EUR' AND year(rate_date) = 2019",
    )[0][0]
    assert got[0][:2] == (None, 2019)
    assert got[0][2] == pytest.approx(average)
    assert sorted(got[0][3]) == ["fx_annual_average", "year_only_date"]


def test_semicolons_and_decimal_commas_are_detected(built_copy):
    (report,) = load.load_files(built_copy, [BAD / "semicolon_decimal_comma.csv"])
    assert report.rows_loaded == 2
    got = rows(
        built_copy,
        "SELECT amount_original FROM flow WHERE batch_id = $b ORDER BY 1",
        b=report.batch_id,
    )
    assert [float(r[0]) for r in got] == [10.5, 1234.5]


def test_tabs_bom_and_windows_1252_accents_are_read(built_copy, tmp_path):
    bom = tmp_path / "bom.csv"
    bom.write_bytes(
        b"\xef\xbb\xbf"
        + (HEADER + "2024-03-15,paid,India,,,,,,S\u00e9n\u00e9gal,,,7,USD,bom,x\n").encode()
    )
    latin = tmp_path / "latin.csv"
    latin.write_bytes(
        (HEADER + "2024-03-15,paid,India,,,,Lom\u00e9,,,,,8,USD,\u20ac accents,x\n").encode(
            "cp1252"
        )
    )
    reports = load.load_files(built_copy, [BAD / "tab_delimited.csv", bom, latin])
    assert [r.rows_loaded for r in reports] == [1, 1, 1]
    assert "read as Windows-1252 (not valid UTF-8)" in reports[2].notes
    got = rows(
        built_copy,
        "SELECT amount_original, recipient_country_iso3, destination_actor_id, "
        "description FROM flow WHERE dataset = 'main' ORDER BY amount_original",
    )
    assert [(float(a), c) for a, c, _d, _e in got] == [(7.0, "SEN"), (8.0, "TGO"), (1000.0, "SEN")]
    assert got[1][2] == "city-lome"
    assert got[1][3] == "\u20ac accents"


def test_an_xlsx_title_row_above_the_header_is_skipped(built_copy, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Funding flows of our city, 2024"])
    sheet.append(HEADER.strip().split(","))
    sheet.append(
        [
            "2024-05-02",
            "paid",
            "Lyon",
            None,
            None,
            None,
            "Bamako",
            None,
            None,
            None,
            "grant",
            1500.25,
            "EUR",
            '=HYPERLINK("x")',
            "our-file.xlsx",
        ]
    )
    path = tmp_path / "titled.xlsx"
    book.save(path)
    (report,) = load.load_files(built_copy, [path])
    assert report.notes == ["skipped 1 row(s) above the header"]
    got = rows(
        built_copy,
        "SELECT source_locator, amount_original, modality, description "
        "FROM flow WHERE batch_id = $b",
        b=report.batch_id,
    )
    assert got == [("titled.xlsx:1", pytest.approx(1500.25), "city_to_city", '=HYPERLINK("x")')]


def test_the_same_file_twice_changes_nothing(built_copy):
    sample = REPO / "data/samples/template.csv"
    (first,) = load.load_files(built_copy, [sample])
    after_first = digest(built_copy)
    (second,) = load.load_files(built_copy, [sample])
    assert (first.status, second.status) == ("loaded", "unchanged")
    assert second.batch_id == first.batch_id
    assert digest(built_copy) == after_first
    assert rows(built_copy, "SELECT count(*) FROM load_batch WHERE dataset = 'main'") == [(1,)]


def test_replace_swaps_the_earlier_batch_of_the_same_file_name(built_copy, tmp_path):
    path = write(tmp_path, "ours.csv", "2024-01-01,paid,India,,,,Dakar,,,,,100,USD,,x\n")
    (first,) = load.load_files(built_copy, [path])
    write(
        tmp_path,
        "ours.csv",
        "2024-01-01,paid,India,,,,Dakar,,,,,100,USD,,x\n"
        "2024-01-02,paid,India,,,,Dakar,,,,,200,USD,,x\n",
    )
    (second,) = load.load_files(built_copy, [path], replace=True)
    assert second.status == "loaded"
    assert first.batch_id in second.message
    got = rows(built_copy, "SELECT batch_id, count(*) FROM flow WHERE dataset = 'main' GROUP BY 1")
    assert got == [(second.batch_id, 2)]


def test_strict_loads_nothing_when_a_row_would_be_rejected(built_copy):
    before = digest(built_copy)
    good, bad = load.load_files(
        built_copy, [REPO / "data/samples/template.csv", BAD / "bad_date.csv"], strict=True
    )
    assert bad.status == "strict_rejected"
    assert bad.rows_rejected == 1
    assert good.status == "refused"
    assert "--strict" in good.message
    assert digest(built_copy) == before


def test_a_row_through_a_fund_becomes_two_chained_legs(built_copy, tmp_path):
    path = write(
        tmp_path,
        "legs.csv",
        "2023-09-15,paid,Ville de Lyon,,,cities_fund,Bamako,,,,,100,EUR,,x\n"
        "2024-06-01,allocation,PGTF,,,pgtf,Burkina Faso,government,BFA,,,50,USD,,x\n"
        "2024-03-15,paid,India,,,pgtf,,,,,,25,USD,,x\n",
    )
    (report,) = load.load_files(built_copy, [path])
    assert (report.rows_read, report.rows_loaded) == (3, 3)
    got = rows(
        built_copy,
        "SELECT split_part(source_locator, ':', 2), leg, source_actor_id, "
        "destination_actor_id, fund_id, parent_flow_id IS NOT NULL, modality FROM flow "
        "WHERE batch_id = $b ORDER BY 1, leg",
        b=report.batch_id,
    )
    assert got == [
        ("1", "in", "city-lyon", "fund-cities_fund", "cities_fund", False, "city_to_city"),
        ("1", "out", "fund-cities_fund", "city-bamako", "cities_fund", True, "city_to_city"),
        ("2", "out", "fund-pgtf", "gov-bfa", "pgtf", False, "south_south"),
        ("3", "in", "gov-ind", "fund-pgtf", "pgtf", False, "south_south"),
    ]
    parent = rows(
        built_copy,
        "SELECT p.leg FROM flow o JOIN flow p ON p.flow_id = o.parent_flow_id "
        "WHERE o.batch_id = $b",
        b=report.batch_id,
    )
    assert parent == [("in",)]


def test_modality_is_derived_by_the_documented_rules(built_copy, tmp_path):
    path = write(
        tmp_path,
        "modality.csv",
        "2024-01-01,paid,Belgium,,,,Kinshasa,,,,,1,USD,,x\n"
        "2024-01-01,paid,China,,,,Sénégal,,,,,2,USD,,x\n"
        "2024-01-01,paid,Belgium,,,unfssc,Mali,,MLI,,,3,USD,,x\n"
        "2024-01-01,paid,Acme Ltd,company,FRA,,Dakar,,,,,4,USD,,x\n"
        "2024-01-01,paid,UNDP,,,,Dakar,,,,,5,USD,,x\n"
        "2024-01-01,paid,China,,,,Belgium,,,north_south,,6,USD,,x\n",
    )
    (report,) = load.load_files(built_copy, [path])
    got = rows(
        built_copy,
        "SELECT CAST(amount_original AS INTEGER), leg, modality FROM flow "
        "WHERE batch_id = $b ORDER BY 1, leg",
        b=report.batch_id,
    )
    assert got == [
        (1, "direct", "north_south"),
        (2, "direct", "south_south"),
        (3, "in", "triangular"),
        (3, "out", "triangular"),
        (4, "direct", "local_private"),
        (5, "direct", "multilateral"),
        (6, "direct", "north_south"),
    ]


def test_a_new_actor_and_a_new_source_are_created_for_review(built_copy, tmp_path):
    path = write(
        tmp_path,
        "new.csv",
        "2024-01-10,paid,Fondation Exemple,foundation,France,,Lomé,,,,,9,EUR,,our-report.pdf\n"
        "2024-01-11,paid,fondation exemple,,,,Lomé,,,,,9,EUR,,A/RES/58/220\n",
    )
    (report,) = load.load_files(built_copy, [path])
    assert report.rows_loaded == 2
    actor = rows(
        built_copy,
        "SELECT actor_id, name, kind, country_iso3, origin, needs_review FROM actor "
        "WHERE origin = $b",
        b=report.batch_id,
    )
    assert [a[1:] for a in actor] == [
        ("Fondation Exemple", "foundation", "FRA", report.batch_id, True)
    ]
    flows = rows(
        built_copy,
        "SELECT source_actor_id, source_document_id, source_locator FROM flow "
        "WHERE batch_id = $b ORDER BY source_locator",
        b=report.batch_id,
    )
    assert {f[0] for f in flows} == {actor[0][0]}
    assert flows[0][2] == "new.csv:1"
    assert flows[1][2] == "new.csv:2"
    docs = rows(
        built_copy,
        "SELECT source_document_id, title, batch_id FROM source_document "
        "WHERE source_document_id IN ($a, $b)",
        a=flows[0][1],
        b=flows[1][1],
    )
    titles = {d[1]: d[2] for d in docs}
    assert titles["our-report.pdf"] == report.batch_id
    assert any(t != "our-report.pdf" and batch is None for t, batch in titles.items())


def test_deleting_a_batch_removes_what_it_created(built_copy, tmp_path):
    path = write(
        tmp_path,
        "del.csv",
        "2024-01-10,paid,Brand New Donor,company,,,Lomé,,,,,9,EUR,,del-doc.pdf\n",
    )
    (report,) = load.load_files(built_copy, [path])
    removed = batches.delete_batch(built_copy, report.batch_id)
    assert removed == 1
    left = rows(
        built_copy,
        "SELECT (SELECT count(*) FROM flow WHERE batch_id = $b), "
        "(SELECT count(*) FROM actor WHERE origin = $b), "
        "(SELECT count(*) FROM source_document WHERE batch_id = $b), "
        "(SELECT count(*) FROM load_batch WHERE batch_id = $b)",
        b=report.batch_id,
    )
    assert left == [(0, 0, 0, 0)]
    bundled = rows(built_copy, "SELECT batch_id FROM load_batch WHERE is_bundled LIMIT 1")[0][0]
    with pytest.raises(batches.BatchError, match="bundled"):
        batches.delete_batch(built_copy, bundled)


def test_validate_reports_rejects_without_writing(built_copy):
    before = digest(built_copy)
    (report,) = load.validate_files(built_copy, [BAD / "unknown_currency.csv"])
    assert report.status == "validated"
    assert report.rejects["reason_code"].tolist() == ["unknown_currency"]
    assert digest(built_copy) == before


def test_a_failure_mid_load_leaves_the_live_version_byte_identical(built_copy, monkeypatch):
    before = digest(built_copy)
    real = sql.script

    def failing(con, name, **params):
        real(con, name, **params)
        if name == "loader/write":
            raise RuntimeError("disk on fire")

    monkeypatch.setattr(sql, "script", failing)
    with pytest.raises(RuntimeError, match="disk on fire"):
        load.load_files(built_copy, [REPO / "data/samples/template.csv"])
    assert digest(built_copy) == before
    assert rows(built_copy, "SELECT count(*) FROM flow WHERE dataset = 'main'") == [(0,)]


READER = """
import sys
from pathlib import Path
from pipelines.store import warehouse
live = Path(sys.argv[1])
con = warehouse.connect_reader(live)
print(con.execute("SELECT count(*) FROM flow WHERE dataset = 'main'").fetchone()[0], flush=True)
sys.stdin.readline()
print(con.execute("SELECT count(*) FROM flow WHERE dataset = 'main'").fetchone()[0], flush=True)
con.close()
con = warehouse.connect_reader(live)
print(con.execute("SELECT count(*) FROM flow WHERE dataset = 'main'").fetchone()[0], flush=True)
"""


def test_a_load_succeeds_while_another_process_reads_the_warehouse(built_copy):
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(built_copy)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert reader.stdout.readline().strip() == "0"
        (report,) = load.load_files(built_copy, [REPO / "data/samples/template.csv"])
        assert report.status == "loaded"
        out, err = reader.communicate("\n", timeout=60)
    finally:
        if reader.poll() is None:
            reader.kill()
            reader.communicate()
    assert reader.returncode == 0, err
    old, new = out.split()
    assert (int(old), int(new)) == (0, 8)  # 7 rows, one through a fund: 8 flows
