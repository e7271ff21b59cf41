"""The frame every source parser hands to the loader: one row per flow to be written.

Parsers (``pipelines/sources/template.py``, ``pipelines/sources/iati/parse.py``) turn a file into
*candidates* (already mapped to stage/leg, not yet validated against reference data, no FX)
plus *rejects*. ``pipelines/ingest/load.py`` validates candidates, resolves actors and countries,
converts money, and writes flows, ``load_batch`` and ``rejected_row`` in one transaction.

Row accounting unit: ``row_number``. Several candidates may share one ``row_number`` (the two
legs of a template row through a fund; IATI percentage splits); the row counts once in
``rows_read`` and is loaded or rejected as a whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

CANDIDATE_COLUMNS: dict[str, str] = {
    "row_number": "int64",  # accounting unit: file row (1 = first data row) or transaction no.
    "leg_seq": "int64",  # 0, 1, ... within the row (in-leg 0, out-leg 1; split index)
    "locator": "str",  # file:row, or "<iati-identifier>#<n>"
    "stage": "str",  # pledge, commitment, paid, allocation, disbursement, expenditure
    "leg": "str",  # in, out, direct
    "modality": "str",  # may be empty: derived by the loader's documented rules
    "instrument": "str",
    "contributor": "str",  # name or alias as written
    "contributor_kind": "str",
    "contributor_country": "str",  # ISO code or name (en/fr/es/ru)
    "contributor_ref": "str",  # IATI organisation identifier
    "fund": "str",  # fund id or name as written (empty: no fund)
    "recipient": "str",
    "recipient_kind": "str",
    "recipient_country": "str",
    "recipient_ref": "str",
    "recipient_region": "str",
    "recipient_region_vocab": "str",  # m49, oecd_dac, or the publisher's own
    "date_text": "str",  # as written: YYYY-MM-DD, DD/MM/YYYY, or YYYY
    "amount_text": "str",  # as written; the loader parses it (decimal separator per file)
    "currency": "str",
    "description": "str",
    "source": "str",  # document symbol, URL, or file name
    "source_locator": "str",
    "flags": "object",  # list[str] of flags the parser already knows (actor_fallback, ...)
    "transaction_type": "str",
    "flow_type": "str",
    "finance_type": "str",
    "aid_type": "str",
    "sector": "str",
    "iati_activity_id": "str",
    "split_share": "float64",  # 1.0 unless split by percentage
    # stable flow_id from the parser: IATI gives iati:<dataset>:<iati-identifier>#<n>#<split>
    # (the loader passes the dataset prefix); empty: <batch>-<row>-<leg_seq>
    "flow_key": "str",
}

# the rejects a parser hands to the loader (the loader reports them as REPORT_REJECT_COLUMNS)
PARSER_REJECT_COLUMNS = ["row_number", "locator", "column_name", "value", "reason_code", "reason"]


def empty_rejects() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in PARSER_REJECT_COLUMNS})


@dataclass
class ParsedFile:
    """What a source parser returns for one file.

    ``rows_read`` counts accounting units (template rows; IATI transactions). Every unit is
    either in ``candidates`` (by ``row_number``) or in ``rejects``. ``conflicts`` is an optional
    check the loader runs inside its transaction before writing: it returns messages (e.g. IATI
    activity identifiers already in the dataset from another file); any message refuses the load
    unless ``--replace`` is given.
    """

    path: Path
    format: str  # csv, xlsx, iati
    candidates: pd.DataFrame
    rejects: pd.DataFrame
    rows_read: int
    notes: list[str] = field(default_factory=list)
    conflicts: Callable[[duckdb.DuckDBPyConnection, str], list[str]] | None = None


class UnusableFile(ValueError):
    """The file cannot be read at all (exit code 2): empty, wrong format, bomb, bad header."""
