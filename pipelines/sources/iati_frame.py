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


class Chunker:
    """Collects row tuples; every ``chunk_rows`` rows they become a frame in ``ready``."""

    def __init__(self, chunk_rows: int) -> None:
        self.chunk_rows = chunk_rows
        self.rows: list[tuple] = []
        self.ready: list[pd.DataFrame] = []

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.chunk_rows:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.ready.append(chunk_frame(self.rows))
            self.rows = []

    def take(self) -> list[pd.DataFrame]:
        frames, self.ready = self.ready, []
        return frames


def concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """All chunks as one frame (Arrow text columns are chained, not copied)."""
    if not frames:
        return empty_candidates()
    if len(frames) == 1:
        return frames[0]
    return pd.concat(frames, ignore_index=True)
