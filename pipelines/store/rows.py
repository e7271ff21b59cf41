"""``one(row)``: the row a query always returns, typed as a row.

DuckDB types ``fetchone()`` as ``tuple | None``. An aggregate (``count(*)``, ``max()``) or a
``RETURNING`` on a row just written always has a row, so a missing one is a bug, said as such.
"""

from __future__ import annotations

from typing import Any


def one(row: tuple[Any, ...] | None) -> tuple[Any, ...]:
    """``row``, or ``LookupError`` when the query returned none."""
    if row is None:
        raise LookupError("the query returned no row")
    return row
