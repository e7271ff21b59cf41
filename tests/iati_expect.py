"""An independent, deliberately simple reading of IATI transaction totals for the tests.

It shares no code with ``pipelines.sources.iati.parse``: one lxml pass that counts ``<transaction>``
elements and sums well-formed funding-flow values by (transaction type, currency).
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

from lxml import etree

FLOW_TYPES = {"1", "2", "3", "4", "11", "12", "13"}
LETTERS = {"IF": "1", "C": "2", "D": "3", "E": "4"}
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def transaction_totals(path: Path) -> tuple[int, Counter]:
    """(number of transactions, {(type, currency): sum of values}) for funding-flow types."""
    count, sums = 0, Counter()
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    for activity in tree.iter("iati-activity"):
        default = activity.get("default-currency") or ""
        for transaction in activity.iter("transaction"):
            count += 1
            type_el = transaction.find("transaction-type")
            code = "" if type_el is None else (type_el.get("code") or "")
            code = LETTERS.get(code, code)
            value = transaction.find("value")
            text = "" if value is None else (value.text or "").strip()
            if code in FLOW_TYPES and NUMBER.fullmatch(text):
                currency = value.get("currency") or default
                sums[(code, currency)] += Decimal(text)
    return count, sums
