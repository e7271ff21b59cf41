"""Candidate rows (tuples in ``COLUMNS`` order) -> DataFrame chunks with the contract dtypes.

Text goes into Arrow-backed ``str`` columns (empty text becomes missing, as the loader
expects), so a chunk costs its bytes, not one Python object per cell.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from pipelines.candidates import CANDIDATE_COLUMNS, empty_candidates
from pipelines.sources.iati_rows import COLUMNS


def chunk_frame(rows: list[tuple]) -> pd.DataFrame:
    """One DataFrame with the candidate columns from row tuples."""
    if not rows:
        return empty_candidates()
    data = {}
    transposed = zip(*rows, strict=False)  # every tuple has len(COLUMNS) values
    for name, values in zip(COLUMNS, transposed, strict=True):
        kind = CANDIDATE_COLUMNS[name]
        if kind == "str":
            text = pa.array([v or None for v in values], type=pa.large_string())
            data[name] = pd.Series(text, dtype="str")
        elif kind == "object":
            data[name] = pd.Series([list(v) for v in values], dtype="object")
        else:
            data[name] = pd.Series(np.asarray(values, dtype=kind), dtype=kind)
    return pd.DataFrame(data)


def concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """All chunks as one frame (Arrow text columns are chained, not copied)."""
    if not frames:
        return empty_candidates()
    if len(frames) == 1:
        return frames[0]
    return pd.concat(frames, ignore_index=True)
