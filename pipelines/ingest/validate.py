"""Check loader candidates against the contract's vocabularies; parse dates and amounts.

Everything runs in DuckDB over ``cand`` (one row per candidate, ``_cid`` key; an Arrow table
registered by ``pipelines.ingest.steps``). ``check(con, ...)`` creates temp view ``cv``: the
parsed values (stage, currency, flow_date, year, amount) and, for a candidate that fails, the
*first* failing check as ``reason_code``, ``column_name`` and ``value``. Checks, in this order:

- ``missing_value``: date, stage, contributor (or an IATI contributor reference), amount,
  currency or source is empty.
- ``unknown_stage``: stage not one of pledge, commitment, paid, allocation, disbursement,
  expenditure (case-insensitive).
- ``bad_date``: not YYYY-MM-DD, DD/MM/YYYY or a bare year YYYY, or outside 1945–2100. A bare
  year gives ``flow_date`` NULL and the flag ``year_only_date``.
- ``bad_amount`` / ``ambiguous_amount``: see ``detect_decimal``; amounts of 10^15 or more
  units are ``amount_out_of_range`` (they cannot be stored in US dollars).
- ``unknown_currency``: not an ISO 4217 code known to pycountry, the rate tables or the pegs.
- ``unknown_modality``, ``unknown_instrument``, ``unknown_kind``: a value given outside the
  vocabulary.
- ``formula_text``: a contributor, recipient, fund or source that starts like a spreadsheet
  formula (``=``, ``+``, ``-``, ``@``, tab or carriage return). Such names would become actors
  or documents, so the row is rejected. A description that starts that way is kept as text
  (never evaluated: CSV cells are read as text, XLSX formulas as their text) and is neutralised
  by the exporters.
- ``duplicate_row`` (template files only): a row identical in every column to an earlier row of
  the same file; the reject names the earlier row.
"""

from __future__ import annotations

import duckdb
import pycountry

from pipelines.store import sql
from pipelines.store.rows import one

STAGES = ["pledge", "commitment", "paid", "allocation", "disbursement", "expenditure"]
MODALITIES = [
    "north_south", "south_south", "triangular", "city_to_city", "local_private", "multilateral",
]  # fmt: skip
INSTRUMENTS = ["grant", "in_kind", "loan", "micro_credit", "technical_cooperation"]
KINDS = [
    "government", "local_government", "city_network", "multilateral", "fund", "company",
    "foundation", "ngo", "community", "individual", "other",
]  # fmt: skip
REASONS = {
    "missing_value": "a required value is empty",
    "unknown_stage": "stage must be one of " + ", ".join(STAGES),
    "bad_date": "date must be YYYY-MM-DD, DD/MM/YYYY or a year (1945-2100)",
    "bad_amount": "amount is not a number",
    "ambiguous_amount": "amount could be read with either decimal separator "
    "(nothing else in the file tells which one it uses)",
    "amount_out_of_range": "amount of 10^15 units or more cannot be stored",
    "unknown_currency": "not a known ISO 4217 currency code",
    "unknown_modality": "modality must be one of " + ", ".join(MODALITIES),
    "unknown_instrument": "instrument must be one of " + ", ".join(INSTRUMENTS),
    "unknown_kind": "kind must be one of " + ", ".join(KINDS),
    "formula_text": "text starts like a spreadsheet formula (= + - @); rejected to keep it "
    "out of names and documents",
    "duplicate_row": "same values as an earlier row of the file",
    "unknown_country": "no country with this ISO code or name (English, French, Spanish, Russian)",
    "unknown_fund": "no fund with this id or name",
    "missing_kind": "a new actor needs its kind (no known actor has this name)",
    "fund_to_itself": "the contributor is the fund and there is no recipient",
    "dataset_bundled": "bundled datasets cannot be loaded into",
    # the template parser's own (pipelines/sources/csv_shape.py, text_encoding.py)
    "wrong_field_count": "the row has more or fewer fields than the header",
    "encoding": "text mixes encodings (UTF-8 read as Windows-1252, or bytes that are no text)",
}


def reason_text(code: str) -> str:
    return REASONS.get(code, code)


def known_currencies(con: duckdb.DuckDBPyConnection) -> None:
    """Temp table ``known_currency(code)``: pycountry ISO 4217 plus every rate/peg currency."""
    codes = sorted({c.alpha_3 for c in pycountry.currencies})
    con.execute(
        "CREATE OR REPLACE TEMP TABLE known_currency AS SELECT unnest($c) AS code", {"c": codes}
    )
    con.execute(sql.text("loader/known_currency"))


def detect_decimal(con: duckdb.DuckDBPyConnection) -> str | None:
    """The file's decimal separator from its amounts: 'dot', 'comma', or None (no clue).

    Evidence for a decimal point: ``12.5``, ``0.125``, ``1,234.5``, ``1,234,567``. For a decimal
    comma: ``12,5``, ``0,125``, ``1.234,5``, ``1.234.567``. ``1,234`` and ``1.234`` alone are no
    evidence (either reading works). With evidence both ways, the majority wins; a tie is no
    clue. Spaces are thousands separators in every convention.
    """
    dot, comma = one(con.execute(sql.text("loader/decimal_evidence")).fetchone())
    if dot > comma:
        return "dot"
    if comma > dot:
        return "comma"
    return None


def check(con: duckdb.DuckDBPyConnection, decimal: str | None, template: bool) -> str | None:
    """Create temp view ``cv`` over ``cand`` (see module docstring); return the separator."""

    known_currencies(con)
    sql.script(
        con,
        "loader/validate",
        decimal=decimal or "",
        stages=STAGES,
        modalities=MODALITIES,
        instruments=INSTRUMENTS,
        kinds=KINDS,
        template=template,
    )
    return decimal
