"""Candidate rows (tuples in ``COLUMNS`` order) -> Arrow tables with the contract's types.

Text goes into Arrow string columns (empty text becomes null, as the loader expects), so a
chunk costs its bytes, not one Python object per cell; the loader registers the tables as
they are (``load_steps.candidate_table``). ``to_frame`` gives the pandas form of the contract
(``str`` text columns, ``flags`` as lists) for callers that want a DataFrame.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.sources.candidates import CANDIDATE_COLUMNS

TEXT = pa.string()
NO_TEXT = pa.scalar(None, TEXT)
FLAGS = pa.list_(pa.string())
SCHEMA = pa.schema(
    [
        (name, {"str": TEXT, "object": FLAGS}.get(kind) or pa.from_numpy_dtype(np.dtype(kind)))
        for name, kind in CANDIDATE_COLUMNS.items()
    ]
)


def _text(values: tuple[object, ...]) -> pa.Array:
    array = pa.array(values, type=TEXT)
    return pc.if_else(pc.equal(array, ""), NO_TEXT, array)


def chunk_table(rows: list[tuple[object, ...]]) -> pa.Table:
    """One Arrow table with the candidate columns from row tuples."""
    if not rows:
        return SCHEMA.empty_table()
    arrays = []
    for field, values in zip(SCHEMA, zip(*rows, strict=False), strict=True):
        if field.type == TEXT:
            arrays.append(_text(values))
        else:  # flags: tuples of flag names; numbers
            arrays.append(pa.array(values, type=field.type))
    return pa.Table.from_arrays(arrays, schema=SCHEMA)


def concat(tables: list[pa.Table]) -> pa.Table:
    """All chunks as one table (columns are chained, not copied)."""
    if not tables:
        return SCHEMA.empty_table()
    return tables[0] if len(tables) == 1 else pa.concat_tables(tables)


def to_frame(table: pa.Table) -> pd.DataFrame:
    """The pandas form of the candidates (contract dtypes; ``flags`` as lists of str)."""
    data = {}
    for name, kind in CANDIDATE_COLUMNS.items():
        column = table[name]
        if kind == "str":
            data[name] = pd.Series(column.combine_chunks(), dtype="str")
        elif kind == "object":
            data[name] = pd.Series(column.to_pylist(), dtype="object")
        else:
            data[name] = pd.Series(column.to_numpy(), dtype=kind)
    return pd.DataFrame(data)
