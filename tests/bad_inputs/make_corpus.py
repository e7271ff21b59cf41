"""Regenerate the small bad-input files of this folder (run once; the files are committed).

`python tests/bad_inputs/make_corpus.py` rewrites every file listed here. Large inputs
(1-million-column header, 100 MB cell, deep XML) are generated at test time instead.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
HEADER = (
    "date,stage,contributor,contributor_kind,contributor_country,fund,recipient,recipient_kind,"
    "recipient_country,modality,instrument,amount,currency,description,source"
)
GOOD = "2005-06-30,paid,Ville de Lyon,local_government,FRA,,Ouagadougou,local_government,BFA,city_to_city,grant,1000,EUR,city link,corpus"  # noqa: E501


def row(**over: str) -> str:
    cols = HEADER.split(",")
    vals = dict(zip(cols, GOOD.split(","), strict=True))
    vals.update(over)
    return ",".join(vals[c] for c in cols)


def csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def iati(body: str, version: str = "2.03", extra: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{extra}'
        f'<iati-activities version="{version}" generated-datetime="2024-01-01T00:00:00">\n'
        f"{body}</iati-activities>\n"
    ).encode()


def activity(transactions: str, ident: str = "XM-TEST-1") -> str:
    return (
        f'<iati-activity default-currency="USD"><iati-identifier>{ident}</iati-identifier>'
        '<reporting-org ref="XM-DAC-41114" type="40"><narrative>UNDP</narrative></reporting-org>'
        '<recipient-country code="BF" percentage="100"/>'
        f"{transactions}</iati-activity>\n"
    )


def tx(code: str = "3", value: str = "1000", date: str = "2020-05-01", cur: str = "") -> str:
    cur_attr = f' currency="{cur}"' if cur else ""
    return (
        f'<transaction><transaction-type code="{code}"/><transaction-date iso-date="{date}"/>'
        f'<value value-date="{date}"{cur_attr}>{value}</value>'
        '<provider-org ref="XM-DAC-41114"><narrative>UNDP</narrative></provider-org>'
        "<receiver-org><narrative>Ministry of Health</narrative></receiver-org></transaction>"
    )


def xlsx(rows: list[list[object]], sheets: int = 1, first_empty: bool = False) -> bytes:
    wb = Workbook()
    ws = wb.active
    if first_empty:
        ws.title = "empty"
        ws = wb.create_sheet("data")
    for r in rows:
        ws.append(r)
    for i in range(1, sheets):
        wb.create_sheet(f"extra{i}")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def files() -> dict[str, bytes]:  # noqa: PLR0915 - a flat list of literal cases
    good_csv = csv(row())
    h = HEADER.split(",")
    g = row().split(",")
    g_num = [*g[:11], 1000, *g[12:]]
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
            for i in range(1, 10)
        )
        + ']>\n<iati-activities version="2.03"><iati-activity><iati-identifier>&lol9;'
        "</iati-identifier></iati-activity></iati-activities>\n"
    )
    return {
        # --- CSV: not a CSV at all
        "empty.csv": b"",
        "only_whitespace.csv": b"   \n\n \t \n",
        "header_only.csv": (HEADER + "\n").encode(),
        "binary_junk.csv": bytes(range(256)) * 8,
        "gzip_passed_as_csv.csv": gzip.compress(good_csv, mtime=0),
        "zip_passed_as_csv.csv": _zip({"data.csv": good_csv}),
        "pdf_passed_as_csv.csv": (
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
        ),
        "nul_bytes.csv": good_csv.replace(b"city link", b"city\x00link"),
        "utf16_le_no_bom.csv": good_csv.decode().encode("utf-16-le"),
        "utf32.csv": good_csv.decode().encode("utf-32"),
        # --- CSV: header problems
        "missing_required_column.csv": csv(row()).replace(b",currency,", b",devise_x,"),
        "duplicate_headers.csv": (HEADER + ",amount\n" + row() + ",2000\n").encode(),
        "unrelated_header.csv": b"name,age,city\nAda,36,London\nAlan,41,Wilmslow\n",
        "blank_header_cell.csv": (HEADER + ",\n" + row() + ",x\n").encode(),
        # --- CSV: structure
        "truncated_mid_quote.csv": (
            HEADER + "\n" + row() + "\n" + row(description='"unterminated quote').rstrip()
        ).encode()[:-5],
        "mixed_delimiters.csv": (
            HEADER + "\n" + row() + "\n" + row().replace(",", ";") + "\n"
        ).encode(),
        "ragged_rows.csv": (
            HEADER + "\n" + row() + ",extra,cells\n" + ",".join(g[:6]) + "\n"
        ).encode(),
        "cr_only_line_endings.csv": (
            HEADER + "\r" + row() + "\r" + row(amount="2000") + "\r"
        ).encode(),
        # --- CSV: values (rows rejected, the rest loads)
        "impossible_dates.csv": csv(
            row(),
            row(date="2021-02-30"),
            row(date="2021-13-01"),
            row(date="0000-01-01"),
            row(date="31/02/2020"),
            row(date="yesterday"),
            row(date=""),
        ),
        "amount_overflow_1e309.csv": csv(row(), row(amount="1e309")),
        "amount_nan_inf.csv": csv(
            row(), row(amount="NaN"), row(amount="inf"), row(amount="-Infinity")
        ),
        "amount_double_minus.csv": csv(
            row(), row(amount="--5"), row(amount="5-"), row(amount="+-5")
        ),
        "amount_too_many_digits.csv": csv(row(), row(amount="9" * 40 + ".5")),
        "amount_huge_scientific.csv": csv(row(), row(amount="1e20"), row(amount="-1E+16")),
        "amount_negative_and_tiny.csv": csv(row(amount="-5.25"), row(amount="0.0000001")),
        "dates_out_of_range.csv": csv(
            row(), row(date="1850-01-01"), row(date="2150-12-31"), row(date="99999-01-01")
        ),
        "control_chars_in_names.csv": csv(row(), row(contributor="Lyon\x1b[31m"), row(source="\r")),
        "amount_text.csv": csv(row(), row(amount="ten thousand"), row(amount="")),
        "amount_ambiguous_comma.csv": csv(row(amount='"1,234"')),
        "currency_with_spaces.csv": csv(row(currency="usd "), row(currency=" eur")),
        "currency_unknown.csv": csv(
            row(), row(currency="XYZ"), row(currency="DOLLARS"), row(currency="")
        ),
        "stage_unknown.csv": csv(row(), row(stage="donation"), row(stage="")),
        "new_actor_without_kind.csv": csv(
            row(), row(contributor="Totally Unknown Donor Zq", contributor_kind="")
        ),
        "country_unknown.csv": csv(row(), row(recipient_country="Atlantis")),
        "missing_contributor_and_source.csv": csv(row(), row(contributor=""), row(source="")),
        "formula_text_cells.csv": csv(
            row(description='"=HYPERLINK(""http://evil.example"",""x"")"'),
            row(description="+SUM(A1:A9)"),
            row(description="@cmd|' /C calc'!A0"),
        ),
        "mixed_encoding_utf8_and_cp1252.csv": csv(row(contributor="Québec")).replace(
            b"Ouaga", "Ouagà".encode("cp1252")
        ),
        # --- XLSX
        "xlsx_empty_workbook.xlsx": xlsx([]),
        "xlsx_header_on_second_sheet_first_empty.xlsx": xlsx([h, g_num], first_empty=True),
        "xlsx_formulas_in_cells.xlsx": xlsx(
            [h, g_num, [*g[:11], "=1000*2", *g[12:]], [*g[:13], '=HYPERLINK("http://x")', g[14]]]
        ),
        "xlsx_error_cells.xlsx": xlsx([h, g_num, [*g[:11], "#DIV/0!", *g[12:]]]),
        "xlsx_truncated.xlsx": xlsx([h, g_num])[:700],
        "xlsx_is_really_csv.xlsx": good_csv,
        "xlsx_header_only.xlsx": xlsx([h]),
        "xlsx_duplicate_headers.xlsx": xlsx([[*h, "amount"], [*g_num, 5]]),
        # --- XML
        "xml_billion_laughs.xml": bomb.encode(),
        "xml_external_entity.xml": (
            b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
            b'<iati-activities version="2.03"><iati-activity><iati-identifier>&xxe;'
            b"</iati-identifier></iati-activity></iati-activities>\n"
        ),
        "xml_external_dtd.xml": (
            b'<?xml version="1.0"?>\n<!DOCTYPE iati-activities SYSTEM "http://example.invalid/x.dtd">\n'
        )
        + iati(activity(tx())).split(b"\n", 1)[1],
        "xml_wrong_root.xml": b'<?xml version="1.0"?>\n<catalog><book id="1"/></catalog>\n',
        "xml_iati_organisations_root.xml": (
            b'<?xml version="1.0"?>\n<iati-organisations version="2.03"/>\n'
        ),
        "xml_truncated.xml": iati(activity(tx(), "XM-TEST-TR-1") + activity(tx(), "XM-TEST-TR-2"))[
            :-60
        ],
        "xml_binary_junk.xml": b"<?xml" + bytes(range(256)) * 4,
        "xml_empty.xml": b"",
        "xml_unsupported_version.xml": iati(activity(tx()), version="9.99"),
        "xml_iati_v1_result_root.xml": (
            b'<?xml version="1.0"?>\n<result><iati-activities version="1.03"/></result>\n'
        ),
        "xml_bad_transactions.xml": iati(
            activity(
                tx()
                + tx(value="")
                + tx(value="abc")
                + tx(date="", cur="")
                + tx(cur="XYZ")
                + tx(code="6")
                + tx(value="1e309")
                + tx(value="NaN")
            )
        ),
        "xml_type_code_as_text.xml": iati(
            activity(
                tx()
                + tx().replace(
                    '<transaction-type code="3"/>', "<transaction-type>3</transaction-type>"
                ),
                "XM-TEST-TEXT-1",
            )
        ),
    }


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)), data)
    return buf.getvalue()


if __name__ == "__main__":
    for name, data in files().items():
        (HERE / name).write_bytes(data)
    print(f"wrote {len(files())} files to {HERE}")
