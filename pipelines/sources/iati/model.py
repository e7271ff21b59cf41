"""Plain values read from IATI XML, and the small readers shared by activities and transactions.

Version 1.0x files are read through the same code with a documented mapping: letter
transaction-type codes (IF, C, D, E, IR, LR, R, QP, QS, CG) become the 2.0x numeric codes,
participating-org role names (Funding, Accountable, Extending, Implementing) become role codes
1-4, region vocabulary ``DAC`` becomes vocabulary 1, and organisation names written as element
text (1.0x has no ``<narrative>``) are read as names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

V1_TRANSACTION_TYPES = {
    "IF": "1",
    "C": "2",
    "D": "3",
    "E": "4",
    "IR": "5",
    "LR": "6",
    "R": "7",
    "QP": "8",
    "QS": "9",
    "CG": "10",
}
V1_ROLES = {"funding": "1", "accountable": "2", "extending": "3", "implementing": "4"}
V1_REGION_VOCABULARIES = {"DAC": "1", "UN": "2"}
DAC_SECTOR_VOCABULARIES = {"", "1", "2", "DAC", "DAC-3"}
DAC_AID_TYPE_VOCABULARIES = {"", "1"}


@dataclass(slots=True)
class Org:
    ref: str
    name: str
    type: str

    @property
    def empty(self) -> bool:
        return not (self.ref or self.name)


@dataclass(slots=True)
class Place:
    code: str
    is_country: bool
    vocabulary: str  # region vocabulary ("" for countries)
    percentage: str  # as written ("" when absent)


@dataclass(slots=True)
class Transaction:
    type_code: str = ""
    type_text: str = ""
    amount: str | None = None  # None: no <value> element
    currency: str = ""
    value_date: str = ""
    transaction_date: str = ""
    provider: Org | None = None
    receiver: Org | None = None
    place: Place | None = None
    flow_type: str = ""
    finance_type: str = ""
    aid_type: str = ""
    sector: str = ""
    description: str = ""


@dataclass(slots=True)
class Activity:
    iati_id: str = ""
    default_currency: str = ""
    reporting: Org = field(default_factory=lambda: Org("", "", ""))
    participants: list[tuple[str, Org]] = field(default_factory=list)  # (role code, org)
    places: list[Place] = field(default_factory=list)
    flow_type: str = ""
    finance_type: str = ""
    aid_type: str = ""
    sector: str = ""
    sector_pct: float = -1.0
    title: str = ""
    transactions: list[Transaction] = field(default_factory=list)


def text_of(el: etree._Element) -> str:
    """First non-empty narrative of an element, else its own text (1.0x style)."""
    for child in el:
        if child.tag == "narrative":
            text = child.text
            if text and not text.isspace():
                return text.strip()
    return (el.text or "").strip()


def org_of(el: etree._Element) -> Org:
    return Org((el.get("ref") or "").strip(), text_of(el), (el.get("type") or "").strip())


def place_of(el: etree._Element, is_country: bool) -> Place:
    vocab = "" if is_country else (el.get("vocabulary") or "1").strip() or "1"
    vocab = V1_REGION_VOCABULARIES.get(vocab, vocab)
    return Place(
        (el.get("code") or "").strip(), is_country, vocab, (el.get("percentage") or "").strip()
    )


def code_of(el: etree._Element) -> str:
    return (el.get("code") or "").strip()
