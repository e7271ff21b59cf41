"""Read one ``<iati-activity>`` element into an ``Activity`` (no validation, no mapping).

Version 1.0x files go through the same readers with the mapping documented in ``iati_model``.
"""

from __future__ import annotations

from lxml import etree

from pipelines.sources.iati.model import (
    DAC_AID_TYPE_VOCABULARIES,
    DAC_SECTOR_VOCABULARIES,
    V1_ROLES,
    Activity,
    code_of,
    org_of,
    place_of,
    text_of,
)
from pipelines.sources.iati.transaction import read_transaction

ACTIVITY_TAGS = frozenset(
    {
        "transaction", "iati-identifier", "reporting-org", "participating-org",
        "recipient-country", "recipient-region", "default-flow-type", "default-finance-type",
        "default-aid-type", "sector", "title",
    }
)  # fmt: skip


def _sector(a: Activity, el: etree._Element) -> None:
    """Keep the DAC sector with the highest percentage (first one on ties)."""
    if (el.get("vocabulary") or "") not in DAC_SECTOR_VOCABULARIES:
        return
    try:
        pct = float(el.get("percentage") or 100)
    except ValueError:
        pct = 0.0
    if pct > a.sector_pct:
        a.sector, a.sector_pct = code_of(el), pct


def _role(el: etree._Element) -> str:
    role = (el.get("role") or "").strip()
    return V1_ROLES.get(role.lower(), role)


def _activity_child(a: Activity, child: etree._Element, tag: str) -> None:
    if tag == "transaction":
        a.transactions.append(read_transaction(child))
    elif tag == "iati-identifier":
        a.iati_id = (child.text or "").strip()
    elif tag == "reporting-org":
        a.reporting = org_of(child)
    elif tag == "participating-org":
        a.participants.append((_role(child), org_of(child)))
    elif tag in ("recipient-country", "recipient-region"):
        a.places.append(place_of(child, tag == "recipient-country"))
    elif tag == "default-flow-type":
        a.flow_type = code_of(child)
    elif tag == "default-finance-type":
        a.finance_type = code_of(child)
    elif tag == "default-aid-type":
        if (child.get("vocabulary") or "") in DAC_AID_TYPE_VOCABULARIES and not a.aid_type:
            a.aid_type = code_of(child)
    elif tag == "sector":
        _sector(a, child)
    elif tag == "title" and not a.title:
        a.title = text_of(child)


def read_activity(el: etree._Element) -> Activity:
    """Everything the mapping needs from one activity, in document order."""
    a = Activity(default_currency=(el.get("default-currency") or "").strip())
    for child in el:
        tag = child.tag
        if tag in ACTIVITY_TAGS:  # budgets, results, documents, ... are skipped at once
            _activity_child(a, child, tag)
    return a
