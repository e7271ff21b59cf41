"""Check one IATI transaction; a malformed one becomes a reject with the activity named.

One reject per transaction (the accounting unit): ``column_name``/``value`` name the first
problem, ``reason`` lists every problem found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from pipelines.reference.iati_codelists import codes
from pipelines.sources.iati.model import Activity, Transaction

STAGE_LEG = {
    "1": ("paid", "in"),
    "11": ("commitment", "in"),
    "13": ("pledge", "in"),
    "2": ("commitment", "out"),
    "12": ("pledge", "out"),
    "3": ("disbursement", "out"),
    "4": ("expenditure", "out"),
}
AMOUNT_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
PLAIN_RE = re.compile(r"-?\d+(\.\d+)?")
# xsd:date (optionally with a time zone) or a datetime; only the calendar date is kept
DATE_RE = re.compile(r"(\d{4}-\d{2}-\d{2})([T ].*|Z|[+-]\d{2}:\d{2})?")


@dataclass(slots=True)
class Problem:
    column: str
    value: str
    code: str
    reason: str


@dataclass(slots=True)
class Checked:
    stage: str
    leg: str
    amount: Decimal
    amount_text: str  # as written (a plain decimal)
    currency: str
    date_text: str


def _type_problem(t: Transaction) -> Problem | None:
    if not t.type_code:
        if t.type_text:
            return Problem(
                "transaction-type",
                t.type_text,
                "transaction_type_as_text",
                f"transaction type {t.type_text!r} is written as element text; "
                "IATI puts it in the code attribute",
            )
        return Problem("transaction-type", "", "missing_transaction_type", "no transaction type")
    if t.type_code in STAGE_LEG:
        return None
    if t.type_code in codes("TransactionType"):
        return Problem(
            "transaction-type",
            t.type_code,
            "not_a_funding_flow",
            f"transaction type {t.type_code} (loan repayment, interest, equity, guarantee or "
            "reimbursement) is not a funding flow",
        )
    return Problem(
        "transaction-type",
        t.type_code,
        "unknown_transaction_type",
        f"transaction type {t.type_code!r} is not an IATI code",
    )


def _amount(t: Transaction) -> tuple[Decimal | None, Problem | None]:
    if not t.amount:
        return None, Problem(
            "value", "", "missing_amount", "the <value> element is empty or absent"
        )
    if not AMOUNT_RE.fullmatch(t.amount):
        return None, Problem("value", t.amount, "bad_amount", f"{t.amount!r} is not a decimal")
    try:
        return Decimal(t.amount), None
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return None, Problem("value", t.amount, "bad_amount", f"{t.amount!r} is not a decimal")


def _currency(t: Transaction, a: Activity) -> tuple[str, Problem | None]:
    currency = (t.currency or a.default_currency).upper()
    if not currency:
        reason = "no currency on the value and no default-currency on the activity"
        return "", Problem("value/@currency", "", "missing_currency", reason)
    if currency not in codes("Currency"):
        reason = f"{currency!r} is not in the IATI Currency code list"
        return "", Problem("value/@currency", currency, "unknown_currency", reason)
    return currency, None


def _date(t: Transaction) -> tuple[str, Problem | None]:
    column = "value/@value-date" if t.value_date else "transaction-date/@iso-date"
    written = t.value_date or t.transaction_date
    if not written:
        return "", Problem(column, "", "missing_date", "no value-date and no transaction-date")
    m = DATE_RE.fullmatch(written)
    try:
        if m is None:
            raise ValueError(written)
        date.fromisoformat(m.group(1))
    except ValueError:
        return "", Problem(column, written, "bad_date", f"{written!r} is not an ISO date")
    return m.group(1), None


def check(t: Transaction, a: Activity) -> tuple[Checked | None, Problem | None]:
    """The transaction's stage, leg, amount, currency and date, or the reject explaining why."""
    type_problem = _type_problem(t)
    if type_problem is not None and type_problem.code == "not_a_funding_flow":
        return None, type_problem
    amount, amount_problem = _amount(t)
    currency, currency_problem = _currency(t, a)
    date_text, date_problem = _date(t)
    problems = [
        p for p in (type_problem, amount_problem, currency_problem, date_problem) if p is not None
    ]
    if problems:
        first = problems[0]
        reason = "; ".join(p.reason for p in problems)
        return None, Problem(first.column, first.value, first.code, reason)
    stage, leg = STAGE_LEG[t.type_code]
    assert amount is not None
    written = t.amount or ""
    text = written if PLAIN_RE.fullmatch(written) else format(amount, "f")
    return Checked(stage, leg, amount, text, currency, date_text), None
