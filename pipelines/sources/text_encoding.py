"""Encodings of template CSV files: Windows-1252 read without a temporary file, and no cell
loaded garbled.

A file that is valid UTF-8 is read as UTF-8; any other file is decoded as Windows-1252 and fed
to DuckDB through a pipe (``cp1252_source``), so no converted copy is ever written to disk.
Either way the cells are then checked (``encoding_rejects``): a cell that holds UTF-8 read as
Windows-1252 or Latin-1 (mojibake such as ``Ã‰``, ``Ã©``, ``â€™``, ``Ð¾``) means the file mixes
encodings (or was converted twice), and in a Windows-1252 file a byte that Windows-1252 does not
define is no text either. Such a row is rejected, reason ``encoding``, naming the column and
the text; the other rows load.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

ENCODING = "encoding"
CHUNK_BYTES = 1 << 20
BOM = b"\xef\xbb\xbf"


HEAD_BYTES = 1 << 16


def chunks(path: Path, start: int = 0) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        handle.seek(start)
        yield from iter(lambda: handle.read(CHUNK_BYTES), b"")


def is_utf8(path: Path) -> bool:
    """Whether the whole file is valid UTF-8 (read in chunks, nothing kept)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in chunks(path):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def has_byte_outside(path: Path, start: int, pattern: re.Pattern[bytes]) -> bool:
    return any(pattern.search(chunk) for chunk in chunks(path, start))


def head_text(path: Path, encoding: str) -> str:
    with open(path, "rb") as handle:
        head = handle.read(HEAD_BYTES)
    if head.startswith(BOM):
        head = head[len(BOM) :]
    if encoding == "utf-8":  # a character cut at the end of the head is left out
        return codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    return head.decode("cp1252", errors="replace")


def has_bom(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(BOM)) == BOM


def _continuations() -> str:
    """Characters a UTF-8 continuation byte (0x80-0xBF) becomes when read as Windows-1252 or
    Latin-1."""
    chars = {chr(b) for b in range(0x80, 0xC0)}
    chars |= {bytes([b]).decode("cp1252", errors="ignore") for b in range(0x80, 0xC0)}
    return "".join(sorted(c for c in chars if c))


CONT = "[" + re.escape(_continuations()) + "]"
# leads of two-byte sequences that real text almost never follows with a continuation
# character (Latin-1 supplement, Latin Extended-A, Cyrillic, Arabic), and three-byte leads
# (punctuation, CJK, the BOM) followed by two continuation characters
MOJIBAKE = f"[ÂÃÄÅÐÑØÙ]{CONT}|[à-ï]{CONT}{CONT}"


def _utf8_alternatives(chars: str) -> bytes:
    return b"(?:" + b"|".join(re.escape(c.encode("utf-8")) for c in chars) + b")"


_CONT8 = _utf8_alternatives(_continuations())
# the same text as MOJIBAKE, as the bytes of a UTF-8 file: a fast first look at the raw file
MOJIBAKE_UTF8 = re.compile(
    _utf8_alternatives("ÂÃÄÅÐÑØÙ") + _CONT8
    + b"|" + _utf8_alternatives("".join(map(chr, range(0xE0, 0xF0)))) + _CONT8 + _CONT8
)  # fmt: skip
NOT_CP1252 = "\ufffd"  # what an undefined Windows-1252 byte is decoded to
MOJIBAKE_REASON = (
    "text mixes encodings: UTF-8 read as Windows-1252 (e.g. Ã‰ for É); save the file as UTF-8"
)
UNDEFINED_REASON = "a byte that is not text in Windows-1252 (the file mixes encodings)"


def has_mojibake(text: str) -> bool:
    return re.search(MOJIBAKE, text) is not None


@contextlib.contextmanager
def cp1252_source(path: Path) -> Iterator[str]:
    """A path DuckDB can read: the file decoded as Windows-1252, as UTF-8, through a pipe
    (undefined bytes become U+FFFD and their rows are rejected by ``encoding_rejects``)."""
    read_fd, write_fd = os.pipe()

    def feed() -> None:
        out = os.fdopen(write_fd, "wb")
        try:
            with open(path, "rb") as handle:
                first = True
                for chunk in iter(lambda: handle.read(CHUNK_BYTES), b""):
                    if first and chunk.startswith(BOM):
                        chunk = chunk[len(BOM) :]
                    first = False
                    out.write(chunk.decode("cp1252", errors="replace").encode("utf-8"))
        except OSError:  # the reader stopped early (EPIPE): nothing more to feed
            pass
        finally:
            with contextlib.suppress(OSError):
                out.close()

    feeder = threading.Thread(target=feed, name="cp1252-feed", daemon=True)
    feeder.start()
    try:
        yield f"/dev/fd/{read_fd}"
    finally:
        os.close(read_fd)  # a feeder still writing gets EPIPE and stops
        feeder.join()


def encoding_rejects(
    table: pa.Table, columns: dict[int, str], cp1252: bool, file: str
) -> list[dict[str, object]]:
    """One reject per row with a garbled cell in one of ``columns`` (position -> name; the
    first such column), reason ``encoding``."""
    found: dict[int, dict[str, object]] = {}
    rows = table.column("_row")
    for index, name in columns.items():
        column = table.column(f"c{index}")
        checks = [(MOJIBAKE, MOJIBAKE_REASON)]
        if cp1252:
            checks.insert(0, (re.escape(NOT_CP1252), UNDEFINED_REASON))
        for pattern, reason in checks:
            mask = pc.fill_null(pc.match_substring_regex(column, pattern), False)
            if not pc.any(mask).as_py():
                continue
            hit_rows = pc.filter(rows, mask).to_pylist()
            values = pc.filter(column, mask).to_pylist()
            for row, value in zip(hit_rows, values, strict=True):
                found.setdefault(
                    row,
                    {
                        "row_number": row, "locator": f"{file}:{row}",
                        "column_name": name, "value": value[:200],
                        "reason_code": ENCODING, "reason": reason,
                    },
                )  # fmt: skip
    return [found[r] for r in sorted(found)]
