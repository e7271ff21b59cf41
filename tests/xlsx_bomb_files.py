"""Hostile XLSX files, written straight into the zip (no spreadsheet library: fast, and free to
lie). Used by tests/test_file_bombs.py and bench/xlsx_bombs.py."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet"/></Relationships>'
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
HEADER = ["date", "stage", "contributor", "amount", "currency", "source"]
VALUES = ["2005-06-30", "paid", "Ville de Lyon", "1000", "EUR", "corpus"]


def _letters(column: int) -> str:
    out = ""
    while column:
        column, rest = divmod(column - 1, 26)
        out = chr(65 + rest) + out
    return out


def row_xml(number: int, values: list[str], first_column: int = 1) -> str:
    cells = "".join(
        f'<c r="{_letters(first_column + i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'


def write_xlsx(
    path: Path, sheet_parts: Iterable[str], dimension: str | None = None, zip64: bool = False
) -> Path:
    """A one-sheet workbook whose sheet XML is ``sheet_parts`` (rows), streamed into the zip
    (``zip64``: for a sheet that may pass 2 GB unpacked)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=zip64) as sheet:
            sheet.write(SHEET_HEAD.encode())
            if dimension:
                sheet.write(f'<dimension ref="{dimension}"/>'.encode())
            sheet.write(b"<sheetData>")
            batch: list[str] = []
            for part in sheet_parts:
                batch.append(part)
                if len(batch) >= 10_000:
                    sheet.write("".join(batch).encode())
                    batch = []
            sheet.write("".join(batch).encode())
            sheet.write(b"</sheetData></worksheet>")
    return path


def far_cell(path: Path, declare: bool = True) -> Path:
    """~5 KB: the template header, one good row, and one cell at XFD1048576 (the last cell a
    sheet can have); ``declare``: the dimension says so too."""
    parts = [row_xml(1, HEADER), row_xml(2, VALUES), row_xml(1_048_576, ["x"], 16_384)]
    return write_xlsx(path, parts, "A1:XFD1048576" if declare else None)


def many_rows(path: Path, rows: int = 2_500_000) -> Path:
    """The template header, then ``rows`` identical one-cell rows (no dimension): about 7.5 MB
    for 2.5 million rows."""

    def parts() -> Iterable[str]:
        yield row_xml(1, HEADER)
        for number in range(2, rows + 2):
            yield f'<row r="{number}"><c><v>1</v></c></row>'

    return write_xlsx(path, parts(), zip64=True)


def fine(path: Path, rows: int = 3) -> Path:
    """A small valid template workbook (written the same way)."""
    return write_xlsx(path, [row_xml(1, HEADER)] + [row_xml(i + 2, VALUES) for i in range(rows)])
