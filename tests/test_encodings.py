"""Encodings: a file is read as Windows-1252 only where that reading is consistent; rows that
mix encodings (UTF-8 sequences in a Windows-1252 file, mojibake such as `Ã‰` in a UTF-8 file,
bytes Windows-1252 does not define) are rejected with reason `encoding`, never loaded garbled.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from pipelines.ingest import load
from pipelines.sources import template
from pipelines.store import warehouse

HEADER = "date,stage,contributor,contributor_kind,recipient,recipient_kind,amount,currency,source"


def _row(contributor: str, amount: int = 100) -> str:
    return f"2005-06-30,paid,{contributor},local_government,Bamako,local_government,{amount},EUR,s"


def _write(path: Path, *parts: bytes) -> Path:
    path.write_bytes(b"".join(parts))
    return path


def _rejects(parsed) -> dict[int, tuple[str, str, str]]:
    frame = parsed.rejects
    return {int(r.row_number): (r.reason_code, r.column_name, r.value) for r in frame.itertuples()}


def test_a_consistent_windows_1252_file_is_read_as_windows_1252(tmp_path: Path) -> None:
    text = "\n".join([HEADER, _row("Québec"), _row("Cité – “Nord” €"), ""])
    parsed = template.parse(_write(tmp_path / "cp.csv", text.encode("cp1252")))
    assert _rejects(parsed) == {}
    names = parsed.candidates.column("contributor").to_pylist()
    assert names == ["Québec", "Cité – “Nord” €"]
    assert "read as Windows-1252 (not valid UTF-8)" in parsed.notes


def test_utf8_sequences_in_a_windows_1252_file_reject_those_rows(tmp_path: Path) -> None:
    """Row 1 is Windows-1252 (é = E9); row 2 was pasted as UTF-8 (É = C3 89): reading the file
    as Windows-1252 would load row 2 as `Ã‰vry`."""
    path = _write(
        tmp_path / "mixed.csv",
        HEADER.encode() + b"\n",
        _row("Qu\xe9bec").encode("latin-1") + b"\n",
        _row("\u00c9vry", 200).encode("utf-8") + b"\n",
        _row("Lyon", 300).encode() + b"\n",
    )
    parsed = template.parse(path)
    assert _rejects(parsed) == {2: ("encoding", "contributor", "Ã‰vry")}
    assert parsed.rows_read == 3


def test_mojibake_in_a_valid_utf8_file_rejects_the_row(tmp_path: Path) -> None:
    """Text converted twice is valid UTF-8 but garbled: `Ã‰` for É, `â€™` for ’, `Ð¾` for о."""
    lines = [HEADER, _row("Ã‰vry"), _row("Saint-Denis"), _row("Lâ€™Union", 3), _row("ÐœÐ¾ÑÐºÐ²Ð°")]
    parsed = template.parse(_write(tmp_path / "moji.csv", "\n".join(lines).encode("utf-8")))
    assert sorted(_rejects(parsed)) == [1, 3, 4]
    assert {code for code, _c, _v in _rejects(parsed).values()} == {"encoding"}


def test_bytes_windows_1252_does_not_define_reject_the_row(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "undefined.csv",
        HEADER.encode() + b"\n" + _row("Qu\xe9bec").encode("latin-1") + b"\n",
        _row("Ly\x81on", 2).encode("latin-1") + b"\n",
    )
    parsed = template.parse(path)
    assert list(_rejects(parsed)) == [2]
    assert "not text in Windows-1252" in parsed.rejects["reason"][0]


@pytest.mark.parametrize(
    "name",
    ["«CAFÉ»", "São Paulo", "ÅRHUS", "Ñandú", "Москва", "北京", "القاهرة", "Łódź", "Ölüdeniz"],
)
def test_real_text_in_many_scripts_is_not_taken_for_mojibake(tmp_path: Path, name: str) -> None:
    parsed = template.parse(_write(tmp_path / "ok.csv", f"{HEADER}\n{_row(name)}\n".encode()))
    assert _rejects(parsed) == {}
    assert parsed.candidates.column("contributor").to_pylist() == [name]


def test_a_mixed_file_never_loads_garbled_text(tmp_path: Path, built_copy: Path) -> None:
    path = _write(
        tmp_path / "mixed_load.csv",
        HEADER.encode() + b"\n" + _row("Commune de S\xe9pal\xe9").encode("latin-1") + b"\n",
        _row("Ville d\u2019\u00c9vry", 2).encode("utf-8") + b"\n",
    )
    report = load.load_files(built_copy, [path], dataset="enc")[0]
    assert report.status == "loaded", report.message
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (2, 1, 1)
    assert list(report.rejects["reason_code"]) == ["encoding"]
    con = warehouse.connect_plain(built_copy)
    try:
        names = con.execute(
            "SELECT DISTINCT a.name FROM flow f JOIN actor a ON a.actor_id = f.source_actor_id "
            "WHERE f.batch_id = $b",
            {"b": report.batch_id},
        ).fetchall()
        stored = con.execute(
            "SELECT row_number, reason_code FROM rejected_row WHERE batch_id = $b",
            {"b": report.batch_id},
        ).fetchall()
    finally:
        con.close()
    assert names == [("Commune de Sépalé",)]
    assert stored == [(2, "encoding")]


def test_windows_1252_is_converted_without_a_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A converted copy on disk would outlive a killed process: the file is decoded on its way
    to DuckDB instead (a pipe), so no temporary file is made at all."""

    def no_temp_file(*args: object, **kwargs: object) -> None:
        raise AssertionError("a temporary file was made")

    for maker in ("NamedTemporaryFile", "TemporaryFile", "mkstemp", "mkdtemp"):
        monkeypatch.setattr(tempfile, maker, no_temp_file)
    (tmp_path / "data").mkdir()
    text = "\n".join([HEADER] + [_row(f"Québec {i}", i + 1) for i in range(5000)]) + "\n"
    parsed = template.parse(_write(tmp_path / "data" / "cp.csv", text.encode("cp1252")))
    assert parsed.rows_read == 5000
    assert parsed.candidates.column("contributor").to_pylist()[4999] == "Québec 4999"
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["cp.csv"]
