"""The XML guard is decided by a parser: no padding and no encoding hides a DOCTYPE or an entity.

Hostile files are generated here (small, except for the megabyte of comment that used to push a
declaration past the old byte pre-scan). Every encoding the XML declaration or a byte order
mark can announce for IATI files is tried: UTF-8 with and without BOM, UTF-16 LE/BE with and
without BOM. A UTF-16 IATI file without a DTD loads, with the same flows as its UTF-8 original.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from pipelines.ingest import formats, load
from pipelines.sources.candidates import UnusableFile
from pipelines.sources.iati import guard as iati_guard
from pipelines.sources.iati import parse as iati
from pipelines.sources.iati import xml as iati_xml
from pipelines.store import warehouse

FIXTURES = Path(__file__).parent / "fixtures" / "iati"
BODY = (
    '<iati-activities version="2.03"><iati-activity default-currency="USD">'
    "<iati-identifier>XX-1</iati-identifier>"
    '<reporting-org ref="XX" type="10"><narrative>R</narrative></reporting-org>'
    '<transaction><transaction-type code="3"/><value value-date="2020-01-01">5</value>'
    "</transaction></iati-activity></iati-activities>"
)
MEGABYTE_OF_COMMENT = "<!-- " + "x" * (1 << 20) + " -->\n"
DOCTYPES = {
    "entity": ('<!DOCTYPE a [<!ENTITY e SYSTEM "/etc/hostname">]>', "declares XML entities"),
    "billion laughs": (
        '<!DOCTYPE a [<!ENTITY l "lol"><!ENTITY l1 "&l;&l;&l;&l;&l;&l;&l;&l;&l;&l;">]>',
        "declares XML entities",
    ),
    "parameter entity": ('<!DOCTYPE a [<!ENTITY % p "x">]>', "declares XML entities"),
    "external DTD": ('<!DOCTYPE a SYSTEM "http://127.0.0.1:9/x.dtd">', "external DTD"),
    "public DTD": ('<!DOCTYPE a PUBLIC "-//X//Y" "x.dtd">', "external DTD"),
    "plain DOCTYPE": ("<!DOCTYPE iati-activities>", "has a DOCTYPE"),
    "element declarations only": ("<!DOCTYPE a [<!ELEMENT a ANY>]>", "has a DOCTYPE"),
}
# codec, whether the file gets an XML declaration naming the encoding
ENCODINGS = {
    "utf-8": ("utf-8", "UTF-8"),
    "utf-8 with BOM": ("utf-8-sig", "UTF-8"),
    "utf-16 with BOM (LE)": ("utf-16-le", "UTF-16", b"\xff\xfe"),
    "utf-16 with BOM (BE)": ("utf-16-be", "UTF-16", b"\xfe\xff"),
    "utf-16 LE without BOM": ("utf-16-le", "UTF-16"),
    "utf-16 BE without BOM": ("utf-16-be", "UTF-16"),
}


def _write(path: Path, text: str, encoding: str) -> Path:
    codec, declared, *bom = ENCODINGS[encoding]
    prolog = f'<?xml version="1.0" encoding="{declared}"?>\n'
    path.write_bytes((bom[0] if bom else b"") + (prolog + text).encode(codec))
    return path


def _refused(path: Path, words: str) -> str:
    with pytest.raises(UnusableFile, match=re.escape(words)) as refused:
        iati.parse(path)
    message = str(refused.value)
    assert message.startswith(path.name)
    assert "\n" not in message
    return message


@pytest.mark.parametrize("kind", sorted(DOCTYPES))
def test_a_doctype_after_a_megabyte_of_comment_is_refused(tmp_path: Path, kind: str) -> None:
    doctype, words = DOCTYPES[kind]
    padded = _write(tmp_path / "padded.xml", MEGABYTE_OF_COMMENT + doctype + BODY, "utf-8")
    _refused(padded, words)


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
@pytest.mark.parametrize("kind", ["entity", "external DTD", "plain DOCTYPE"])
def test_a_doctype_in_any_encoding_is_refused(tmp_path: Path, encoding: str, kind: str) -> None:
    doctype, words = DOCTYPES[kind]
    _refused(_write(tmp_path / "enc.xml", doctype + BODY, encoding), words)


@pytest.mark.parametrize("encoding", ["utf-16 with BOM (LE)", "utf-16 BE without BOM"])
def test_utf16_padding_does_not_hide_an_entity(tmp_path: Path, encoding: str) -> None:
    doctype, words = DOCTYPES["entity"]
    text = MEGABYTE_OF_COMMENT + doctype + BODY
    _refused(_write(tmp_path / "padded16.xml", text, encoding), words)


def test_the_entity_is_never_expanded_into_a_refusal_or_a_row(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    doctype = f'<!DOCTYPE a [<!ENTITY e SYSTEM "file://{secret}">]>'
    hostile = BODY.replace("<narrative>R</narrative>", "<narrative>&e;</narrative>")
    text = MEGABYTE_OF_COMMENT + doctype + hostile
    path = _write(tmp_path / "xxe.xml", text, "utf-16 LE without BOM")
    message = _refused(path, "declares XML entities")
    assert "TOP-SECRET" not in message


def test_a_doctype_longer_than_the_limit_is_refused_without_reading_on(tmp_path: Path) -> None:
    declarations = "".join(f"<!ELEMENT e{n} ANY>" for n in range(120_000))  # ~2 MB
    long = _write(tmp_path / "long.xml", f"<!DOCTYPE a [{declarations}]>" + BODY, "utf-8")
    _refused(long, "has a DOCTYPE longer than 1,048,576 bytes")


def test_a_prolog_longer_than_the_limit_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(iati_guard, "PROLOG_LIMIT", 2 << 20)
    text = MEGABYTE_OF_COMMENT * 3 + DOCTYPES["entity"][0] + BODY
    _refused(_write(tmp_path / "prolog.xml", text, "utf-8"), "bytes before its root element")


def test_an_encoding_the_parser_cannot_read_is_refused_in_words(tmp_path: Path) -> None:
    sjis = tmp_path / "sjis.xml"
    sjis.write_bytes(('<?xml version="1.0" encoding="Shift_JIS"?>' + BODY).encode("shift_jis"))
    _refused(sjis, "its encoding cannot be read")


def test_the_streaming_parser_refuses_a_doctype_it_sees_itself(tmp_path: Path) -> None:
    """Second line of defence: lxml's own view, should the two parsers ever disagree."""
    for kind in ("entity", "external DTD", "plain DOCTYPE"):
        doctype, words = DOCTYPES[kind]
        path = _write(tmp_path / "stream.xml", doctype + BODY, "utf-16 LE without BOM")
        with pytest.raises(UnusableFile, match=re.escape(words)):
            next(iati_xml.activities(path))


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_an_iati_file_without_dtd_parses_in_every_encoding(tmp_path: Path, encoding: str) -> None:
    parsed = iati.parse(_write(tmp_path / "ok.xml", BODY, encoding))
    assert parsed.rows_read == 1
    assert parsed.candidates["amount_text"].tolist() == ["5"]


def _transcoded(folder: Path, encoding: str) -> Path:
    text = (FIXTURES / "rules.xml").read_text(encoding="utf-8")
    text = text.split("?>", 1)[1].lstrip("\n")  # _write adds the declaration
    return _write(folder / f"rules-{encoding.replace(' ', '_')}.xml", text, encoding)


def _flows(live: Path, batch_id: str) -> Counter:
    con = warehouse.connect_reader(live)
    try:
        rows = con.execute(
            "SELECT transaction_type, currency, stage, leg, sum(amount_original), count(*) "
            "FROM flow WHERE batch_id = $b GROUP BY ALL",
            {"b": batch_id},
        ).fetchall()
    finally:
        con.close()
    return Counter({tuple(r[:4]): (r[4], r[5]) for r in rows})


@pytest.mark.parametrize("streamed", [False, True], ids=["read whole", "streamed"])
def test_utf16_iati_files_load_with_the_flows_of_the_utf8_original(
    built_copy: Path, tmp_path: Path, monkeypatch, streamed: bool
) -> None:
    if streamed:  # the path large files take: sniffed, then read while the batch is written
        monkeypatch.setattr(formats, "PRELOAD_BYTES", 0)
    (original,) = load.load_files(built_copy, [FIXTURES / "rules.xml"], dataset="utf8")
    assert original.status == "loaded", original.message
    want = _flows(built_copy, original.batch_id)
    assert sum(n for _, n in want.values()) > 0
    for n, encoding in enumerate(["utf-16 with BOM (LE)", "utf-16 LE without BOM",
                                  "utf-16 BE without BOM", "utf-8 with BOM"]):  # fmt: skip
        path = _transcoded(tmp_path, encoding)
        (report,) = load.load_files(built_copy, [path], dataset=f"enc{n}")
        assert report.status == "loaded", (encoding, report.message)
        assert (report.rows_read, report.rows_rejected) == (
            original.rows_read,
            original.rows_rejected,
        ), encoding
        assert _flows(built_copy, report.batch_id) == want, encoding
