"""The loader's steps take candidates as a pandas frame (IATI) or an Arrow table (template)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from pipelines.ingest.steps import candidate_table, drop_temp, process, rejects_frame
from pipelines.sources import template
from pipelines.sources.candidates import CANDIDATE_COLUMNS
from pipelines.store import warehouse

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
MINIMAL = Path(__file__).resolve().parent / "bad_template" / "minimal_reference.sql"


@pytest.fixture
def reference(tmp_path: Path) -> Path:
    live = tmp_path / "warehouse.duckdb"
    with warehouse.publish(live, fresh=True) as pub:
        pub.con.execute(MINIMAL.read_text(encoding="utf-8"))
    return live


def test_a_frame_and_a_table_give_the_same_typed_candidates_with_a_row_key() -> None:
    frame = pd.DataFrame(
        {
            "row_number": [1, 2, 3],
            "leg_seq": [0, 0, 1],
            "amount_text": ["10", "2,5", None],
            "flags": [["actor_fallback", "x"], None, []],
            "split_share": [1.0, 0.5, 0.5],
        }
    )
    for column in CANDIDATE_COLUMNS:
        if column not in frame:
            frame[column] = None
    from_frame = candidate_table(frame[list(reversed(frame.columns))])  # any column order
    from_table = candidate_table(
        pa.Table.from_pandas(frame[list(CANDIDATE_COLUMNS)].drop(columns="flags")).append_column(
            "flags", pa.array([["actor_fallback", "x"], [], []], type=pa.list_(pa.string()))
        )
    )
    assert from_frame.column_names == [*CANDIDATE_COLUMNS, "_cid"]
    assert from_frame.schema == from_table.schema
    assert from_frame["_cid"].to_pylist() == [0, 1, 2]
    assert from_frame["flags"].to_pylist() == [["actor_fallback", "x"], [], []]
    assert from_frame["amount_text"].to_pylist() == ["10", "2,5", None]
    assert from_frame["split_share"].to_pylist() == [1.0, 0.5, 0.5]


def _staged(live: Path, parsed) -> tuple[list[tuple], pd.DataFrame]:
    con = warehouse.connect_plain(live)
    try:
        process(con, parsed, "bX")
        rows = con.execute(
            "SELECT row_number, leg_seq, stage, leg, source_actor_id, destination_actor_id, "
            "fund_id, amount_original, currency, coalesce(parser_flags, []) "
            "FROM staged ORDER BY ALL"
        ).fetchall()
        rejects = rejects_frame(con, parsed.path.name)
        drop_temp(con)
        return rows, rejects
    finally:
        con.close()


def test_the_loader_steps_give_the_same_rows_for_arrow_and_pandas_candidates(
    reference: Path,
) -> None:
    parsed = template.parse(SAMPLES / "template.csv")
    assert isinstance(parsed.candidates, pa.Table)
    as_frame = dataclasses.replace(parsed, candidates=parsed.candidates.to_pandas())
    rows, rejects = _staged(reference, parsed)
    rows_pd, rejects_pd = _staged(reference, as_frame)
    assert rows == rows_pd
    assert rejects.to_dict("records") == rejects_pd.to_dict("records")
    first = (1, 0, "paid", "in", "gov_ind", "pgtf", "pgtf", 250000, "USD", [])
    assert rows[0] == first
    assert len({r[0] for r in rows}) + len(rejects) == parsed.rows_read
