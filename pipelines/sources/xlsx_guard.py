"""XLSX files are checked before they can cost memory, then read row by row with caps.

A workbook is a zip of XML files. Before openpyxl opens it (``check_archive``): the members'
total uncompressed size stays under ``MAX_UNCOMPRESSED`` and no large member expands more than
``MAX_RATIO`` times (zip bombs). Before the first sheet is read (``check_sheet``): its declared
dimension and, in one streaming pass over its XML that keeps nothing, its real rows and cells
stay within ``MAX_ROWS`` rows (the format's own limit) and ``MAX_COLUMNS`` columns (the
template's 15 and a margin). Then ``rows`` reads the sheet with openpyxl's streaming parser,
yielding only rows that hold a value: a lone cell at XFD1048576 never becomes a million padded
rows of 16,384 cells. The sheet is checked before openpyxl opens the workbook: without a
declared dimension, openpyxl's read-only mode parses the whole sheet to look for one.

The sizes in a zip's directory cannot be used to lie: Python's zipfile stops at the declared
size and a member that is longer fails its CRC, which refuses the file.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pipelines.sources.candidates import UnusableFile

MAX_UNCOMPRESSED = 200 * 2**20
MAX_RATIO = 100
RATIO_FROM = 2**20  # members smaller than this cannot cost memory whatever their ratio
MAX_ROWS = 1_048_576
MAX_COLUMNS = 64
CHUNK = 1 << 20
DIMENSION_RE = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")
# a cell reference beyond column BL (64): three letters, or two from CA, or BM..BZ
WIDE_CELL_RE = re.compile(rb"\sr=\"(?:[A-Z]{3}|[C-Z][A-Z]|B[M-Z])\d+\"")
ROW_TAGS = (b"<row ", b"<row>", b"<row/>")
CELL_TAGS = (b"<c ", b"<c>", b"<c/>")


def column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


def _refuse(name: str, problem: str) -> UnusableFile:
    return UnusableFile(f"{name}: refused as a possible XLSX bomb: {problem}")


def check_archive(path: Path) -> None:
    """Refuse a workbook whose members would expand too far (before anything is unpacked)."""
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnusableFile(f"{name}: cannot read as XLSX: {exc}") from None
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED:
        raise _refuse(
            name, f"it unpacks to {total / 2**20:,.0f} MB (the limit is "
            f"{MAX_UNCOMPRESSED // 2**20} MB)",
        )  # fmt: skip
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size >= RATIO_FROM and ratio > MAX_RATIO:
            raise _refuse(
                name, f"{member.filename} expands {ratio:,.0f} times (the limit is {MAX_RATIO})"
            )


def first_sheet(path: Path) -> str | None:
    """The zip member of the first worksheet, found as openpyxl finds it (the workbook's sheet
    list and relationships; chart sheets skipped) without touching any sheet."""
    from openpyxl.reader.excel import ExcelReader

    reader = ExcelReader(path, read_only=True)
    try:
        reader.read_manifest()
        reader.read_workbook()
        for _sheet, rel in reader.parser.find_sheets():
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type:
                return str(rel.target)
    finally:
        reader.archive.close()
    return None


def _tag_count(chunk: bytes, prefix: bytes, tags: tuple[bytes, ...]) -> int:
    return sum(chunk.count(tag.replace(b"<", b"<" + prefix, 1)) for tag in tags)


def check_sheet(path: Path, member: str) -> None:
    """One streaming pass over the sheet's XML: declared dimension, real rows and cells."""
    name = path.name
    rows = 0
    prefix = b""
    carry = b""  # the end of the previous chunk: a tag cut there is seen whole in the next
    try:
        with zipfile.ZipFile(path) as archive, archive.open(member) as source:
            for block in iter(lambda: source.read(CHUNK), b""):
                chunk = carry + block
                if not carry:
                    found = re.search(rb"<(\w+:)?worksheet[\s>]", chunk)
                    prefix = (found.group(1) or b"") if found else b""
                    _check_dimension(name, chunk)
                wide = WIDE_CELL_RE.search(chunk)
                if wide:
                    ref = wide.group(0).decode("ascii").split('"')[1]
                    raise _refuse(name, f"a cell at {ref} (the limit is {MAX_COLUMNS} columns)")
                # tags wholly inside the carried bytes were counted with the previous chunk
                in_chunk = _tag_count(chunk, prefix, ROW_TAGS) - _tag_count(carry, prefix, ROW_TAGS)
                rows += in_chunk
                if rows > MAX_ROWS:
                    raise _refuse(name, f"the first sheet has more than {MAX_ROWS:,} rows")
                cells = _tag_count(chunk, prefix, CELL_TAGS) - _tag_count(carry, prefix, CELL_TAGS)
                if cells > (in_chunk + 1) * MAX_COLUMNS:
                    raise _refuse(name, f"a row has more than {MAX_COLUMNS} cells")
                carry = chunk[-16:]
    except (zipfile.BadZipFile, OSError, EOFError, KeyError) as exc:
        raise UnusableFile(f"{name}: cannot read as XLSX: {exc}") from None


def _check_dimension(name: str, head: bytes) -> None:
    found = DIMENSION_RE.search(head)
    if not found:
        return
    last_col = (found.group(3) or found.group(1)).decode("ascii")
    last_row = int(found.group(4) or found.group(2))
    if column_index(last_col) > MAX_COLUMNS:
        raise _refuse(
            name, f"the sheet declares columns up to {last_col} (the limit is {MAX_COLUMNS})"
        )
    if last_row > MAX_ROWS:
        raise _refuse(name, f"the sheet declares {last_row:,} rows (the limit is {MAX_ROWS:,})")


def rows(book: Any, name: str) -> Iterator[tuple[int, list[object]]]:
    """(row number in the sheet, values) for every row of the first sheet that holds a value,
    streamed with openpyxl's own parser (formulas as their text), within the caps.

    ``book`` is openpyxl's read-only ``Workbook``, typed ``Any``: the private parts used here
    (``_get_source``, ``_date_formats``...) are not in its stubs."""
    from openpyxl.worksheet._reader import WorkSheetParser

    sheet = book.worksheets[0]
    with sheet._get_source() as source:  # noqa: SLF001 - the streaming parser needs it
        parser = WorkSheetParser(
            source, sheet._shared_strings, data_only=False, epoch=book.epoch,  # noqa: SLF001
            date_formats=book._date_formats, timedelta_formats=book._timedelta_formats,  # noqa: SLF001
        )  # fmt: skip
        for index, cells in parser.parse():
            if index > MAX_ROWS:
                raise _refuse(name, f"a row numbered {index:,} (the limit is {MAX_ROWS:,})")
            if not cells:
                continue
            width = max(c["column"] for c in cells)
            if width > MAX_COLUMNS:
                raise _refuse(name, f"row {index} reaches column {width} (limit {MAX_COLUMNS})")
            values: list[object] = [None] * width
            for cell in cells:
                values[cell["column"] - 1] = cell["value"]
            if any(v is not None for v in values):
                yield index, values


def read_rows(path: Path) -> list[tuple[int, list[object]]]:
    """Every checked row of the first sheet (see ``rows``), after every check above."""
    import openpyxl

    check_archive(path)  # before openpyxl unpacks anything
    try:
        sheet = first_sheet(path)
        if sheet is not None:
            check_sheet(path, sheet)  # before openpyxl opens it
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except UnusableFile:
        raise
    except Exception as exc:  # noqa: BLE001 - any openpyxl failure means an unusable file
        raise UnusableFile(f"{path.name}: cannot read as XLSX: {exc}") from None
    try:
        return list(rows(book, path.name))
    except UnusableFile:
        raise
    except Exception as exc:  # noqa: BLE001 - a sheet openpyxl cannot parse is unusable
        raise UnusableFile(f"{path.name}: cannot read as XLSX: {exc}") from None
    finally:
        book.close()
