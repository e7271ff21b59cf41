"""Files the IATI parser refuses: each with an UnusableFile that says why, never a traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipelines.sources.candidates import UnusableFile
from pipelines.sources.iati import parse as iati

FIXTURES = Path(__file__).parent / "fixtures" / "iati"


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("bomb.xml", "declares XML entities"),
        ("external-entity.xml", "declares XML entities"),
        ("external-dtd.xml", "external DTD"),
        ("not-iati.xml", "not IATI activities (root <catalog>)"),
        ("organisations.xml", "IATI organisation file"),
        ("version-9.xml", "version 9.01 is not supported"),
        ("no-version.xml", "has no version attribute"),
        ("truncated.xml", "not well-formed XML"),
    ],
)
def test_unreadable_files_are_refused_with_the_reason(name, words):
    with pytest.raises(UnusableFile, match=re.escape(words)) as refused:
        iati.parse(FIXTURES / name)
    assert str(refused.value).startswith(name)


def test_an_empty_file_is_refused(tmp_path: Path):
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"   \n")
    with pytest.raises(UnusableFile, match="empty.xml is empty"):
        iati.parse(empty)


def test_an_entity_declared_late_in_the_prolog_is_still_refused(tmp_path: Path):
    padded = tmp_path / "padded.xml"
    comment = b"<!-- " + b"x" * 5000 + b" -->\n"
    padded.write_bytes(
        b'<?xml version="1.0"?>\n' + comment + b'<!DOCTYPE a [<!ENTITY e SYSTEM "/etc/hostname">]>'
        b'<iati-activities version="2.03"/>'
    )
    with pytest.raises(UnusableFile, match="declares XML entities"):
        iati.parse(padded)


def test_a_plain_doctype_without_entities_is_refused_too(tmp_path: Path):
    """IATI files have no DOCTYPE: any DTD is refused (the parser decides, not a byte scan)."""
    plain = tmp_path / "plain.xml"
    plain.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE iati-activities>\n<iati-activities version="2.01">'
        '<iati-activity default-currency="USD"><iati-identifier>XX-1</iati-identifier>'
        '<reporting-org ref="XX" type="10"><narrative>R</narrative></reporting-org>'
        '<transaction><transaction-type code="3"/><value value-date="2020-01-01">5</value>'
        "</transaction></iati-activity></iati-activities>",
        encoding="utf-8",
    )
    with pytest.raises(UnusableFile, match="plain.xml has a DOCTYPE"):
        iati.parse(plain)


def test_a_file_with_no_transactions_reads_zero_rows(tmp_path: Path):
    bare = tmp_path / "bare.xml"
    bare.write_text('<iati-activities version="2.03"><iati-activity/></iati-activities>')
    parsed = iati.parse(bare)
    assert parsed.rows_read == 0
    assert parsed.candidates.empty
    assert parsed.rejects.empty
