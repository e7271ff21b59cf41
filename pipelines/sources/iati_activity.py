"""Read one ``<iati-activity>`` element into plain values (no validation, no mapping).

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


def _org(el: etree._Element) -> Org:
    return Org((el.get("ref") or "").strip(), text_of(el), (el.get("type") or "").strip())


def _place(el: etree._Element, is_country: bool) -> Place:
    vocab = "" if is_country else (el.get("vocabulary") or "1").strip() or "1"
    vocab = V1_REGION_VOCABULARIES.get(vocab, vocab)
    return Place(
        (el.get("code") or "").strip(), is_country, vocab, (el.get("percentage") or "").strip()
    )


def _code(el: etree._Element) -> str:
    return (el.get("code") or "").strip()


def _money(t: Transaction, child: etree._Element) -> None:
    t.amount = (child.text or "").strip()
    t.currency = (child.get("currency") or "").strip()
    t.value_date = (child.get("value-date") or "").strip()


def _transaction_type(t: Transaction, child: etree._Element) -> None:
    code = _code(child)
    t.type_code = V1_TRANSACTION_TYPES.get(code, code)
    t.type_text = (child.text or "").strip()


def _flow_type(t: Transaction, child: etree._Element) -> None:
    t.flow_type = _code(child)


def _finance_type(t: Transaction, child: etree._Element) -> None:
    t.finance_type = _code(child)


def _aid_type(t: Transaction, child: etree._Element) -> None:
    if (child.get("vocabulary") or "") in DAC_AID_TYPE_VOCABULARIES and not t.aid_type:
        t.aid_type = _code(child)


def _transaction_sector(t: Transaction, child: etree._Element) -> None:
    if (child.get("vocabulary") or "") in DAC_SECTOR_VOCABULARIES and not t.sector:
        t.sector = _code(child)


def _date(t: Transaction, child: etree._Element) -> None:
    t.transaction_date = (child.get("iso-date") or "").strip()


def _provider(t: Transaction, child: etree._Element) -> None:
    t.provider = _org(child)


def _receiver(t: Transaction, child: etree._Element) -> None:
    t.receiver = _org(child)


def _country(t: Transaction, child: etree._Element) -> None:
    t.place = _place(child, True)


def _region(t: Transaction, child: etree._Element) -> None:
    t.place = _place(child, False)


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


def _sector(a: Activity, el: etree._Element) -> None:
    """Keep the DAC sector with the highest percentage (first one on ties)."""
    if (el.get("vocabulary") or "") not in DAC_SECTOR_VOCABULARIES:
        return
    try:
        pct = float(el.get("percentage") or 100)
    except ValueError:
        pct = 0.0
    if pct > a.sector_pct:
        a.sector, a.sector_pct = _code(el), pct


def _role(el: etree._Element) -> str:
    role = (el.get("role") or "").strip()
    return V1_ROLES.get(role.lower(), role)


def _activity_child(a: Activity, child: etree._Element, tag: str) -> None:
    if tag == "transaction":
        a.transactions.append(read_transaction(child))
    elif tag == "iati-identifier":
        a.iati_id = (child.text or "").strip()
    elif tag == "reporting-org":
        a.reporting = _org(child)
    elif tag == "participating-org":
        a.participants.append((_role(child), _org(child)))
    elif tag in ("recipient-country", "recipient-region"):
        a.places.append(_place(child, tag == "recipient-country"))
    elif tag == "default-flow-type":
        a.flow_type = _code(child)
    elif tag == "default-finance-type":
        a.finance_type = _code(child)
    elif tag == "default-aid-type":
        if (child.get("vocabulary") or "") in DAC_AID_TYPE_VOCABULARIES and not a.aid_type:
            a.aid_type = _code(child)
    elif tag == "sector":
        _sector(a, child)
    elif tag == "title" and not a.title:
        a.title = text_of(child)


def read_activity(el: etree._Element) -> Activity:
    """Everything the mapping needs from one activity, in document order."""
    a = Activity(default_currency=(el.get("default-currency") or "").strip())
    for child in el:
        tag = child.tag
        if isinstance(tag, str):
            _activity_child(a, child, tag)
    return a
