"""Read one ``<transaction>`` element: one small reader per child element, by tag."""

from __future__ import annotations

from lxml import etree

from pipelines.sources.iati.model import (
    DAC_AID_TYPE_VOCABULARIES,
    DAC_SECTOR_VOCABULARIES,
    V1_TRANSACTION_TYPES,
    Transaction,
    code_of,
    org_of,
    place_of,
    text_of,
)


def _money(t: Transaction, child: etree._Element) -> None:
    t.amount = (child.text or "").strip()
    t.currency = (child.get("currency") or "").strip()
    t.value_date = (child.get("value-date") or "").strip()


def _transaction_type(t: Transaction, child: etree._Element) -> None:
    code = code_of(child)
    t.type_code = V1_TRANSACTION_TYPES.get(code, code)
    t.type_text = (child.text or "").strip()


def _flow_type(t: Transaction, child: etree._Element) -> None:
    t.flow_type = code_of(child)


def _finance_type(t: Transaction, child: etree._Element) -> None:
    t.finance_type = code_of(child)


def _aid_type(t: Transaction, child: etree._Element) -> None:
    if (child.get("vocabulary") or "") in DAC_AID_TYPE_VOCABULARIES and not t.aid_type:
        t.aid_type = code_of(child)


def _transaction_sector(t: Transaction, child: etree._Element) -> None:
    if (child.get("vocabulary") or "") in DAC_SECTOR_VOCABULARIES and not t.sector:
        t.sector = code_of(child)


def _date(t: Transaction, child: etree._Element) -> None:
    t.transaction_date = (child.get("iso-date") or "").strip()


def _provider(t: Transaction, child: etree._Element) -> None:
    t.provider = org_of(child)


def _receiver(t: Transaction, child: etree._Element) -> None:
    t.receiver = org_of(child)


def _country(t: Transaction, child: etree._Element) -> None:
    t.place = place_of(child, True)


def _region(t: Transaction, child: etree._Element) -> None:
    t.place = place_of(child, False)


def _description(t: Transaction, child: etree._Element) -> None:
    t.description = text_of(child)


TRANSACTION_READERS = {
    "value": _money,
    "transaction-type": _transaction_type,
    "transaction-date": _date,
    "provider-org": _provider,
    "receiver-org": _receiver,
    "recipient-country": _country,
    "recipient-region": _region,
    "description": _description,
    "flow-type": _flow_type,
    "finance-type": _finance_type,
    "aid-type": _aid_type,
    "sector": _transaction_sector,
}


def read_transaction(el: etree._Element) -> Transaction:
    t = Transaction()
    readers = TRANSACTION_READERS
    for child in el:  # comments and processing instructions have no str tag: skipped
        reader = readers.get(child.tag)
        if reader is not None:
            reader(t, child)
    return t
