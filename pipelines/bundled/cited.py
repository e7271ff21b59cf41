"""Load the bundled ``cited`` dataset: the 97 figures of figures.csv, transcribed.

``data/flows/cited_figures.csv`` keeps every column of the hand-collected figures file as
written (figure_id ... part_of) and adds the mapping columns this loader needs: fund_id,
actor ids, leg, warehouse stage (``wh_stage``), modality, recipient, dates, statistic kind,
source document and flags. ``figure_type = flow`` rows become ``flow`` rows; the others
(cumulative, stock, budget, period_total) become ``fund_statistic`` rows. ``figure_id`` goes to
``source_ref``; ``part_of`` is kept so a part is never added to its parent.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from pipelines import settings
from pipelines.ingest import fx
from pipelines.reference.frames import insert_frame

DATASET = "cited"
BATCH_ID = "bundled-cited"
FILE_NAME = "cited_figures.csv"


def cited_path() -> Path:
    return settings.FLOWS_DIR / FILE_NAME


def read_figures(path: Path | None = None) -> pd.DataFrame:
    return pd.read_csv(path or cited_path(), dtype=str, keep_default_na=False, na_values=[""])


def _common(con: duckdb.DuckDBPyConnection, fig: pd.DataFrame, date_col: str) -> pd.DataFrame:
    """Columns shared by flow and fund_statistic rows, money converted to US dollars."""
    out = pd.DataFrame(index=fig.index)
    out["dataset"] = DATASET
    out["batch_id"] = BATCH_ID
    out["year"] = pd.to_numeric(fig["year"]).astype("Int64")
    out["currency"] = fig["currency"]
    out["source_document_id"] = fig["source_document_id"]
    out["source_locator"] = fig["source_locator"]
    out["source_ref"] = fig["figure_id"]
    out["part_of"] = fig["part_of"]
    out["is_illustrative"] = False
    # the word the source states the amount with (over, about, at_least), shown with the number
    out["qualifier"] = fig.get("qualifier")
    money = pd.DataFrame(
        {
            "currency": fig["currency"],
            "flow_date": pd.to_datetime(fig[date_col]),
            "year": out["year"],
            "amount_original": fig["amount"].astype("float64"),
        },
        index=fig.index,
    )
    converted = fx.convert(con, money)
    out["fx_rate"] = converted["fx_rate"]
    out["fx_date"] = converted["fx_date"]
    out["fx_source"] = converted["fx_source"]
    out["amount_usd"] = converted["amount_usd"].round(2)
    own = fig["flags"].fillna("").str.split(";").map(lambda f: [x for x in f if x])
    out["flags"] = [a + list(b) for a, b in zip(own, converted["fx_flags"], strict=True)]
    return out


def _text(fig: pd.DataFrame) -> pd.Series:
    return fig["from_entity"] + " -> " + fig["to_entity"] + ": " + fig["note"].fillna("")


def flow_rows(con: duckdb.DuckDBPyConnection, fig: pd.DataFrame) -> pd.DataFrame:
    out = _common(con, fig, "flow_date")
    out["flow_id"] = DATASET + "-" + fig["figure_id"]
    out["flow_date"] = pd.to_datetime(fig["flow_date"]).dt.date
    year_only = fig["flow_date"].isna() & out["year"].notna()
    out["flags"] = [
        f + ["year_only_date"] if y else f for f, y in zip(out["flags"], year_only, strict=True)
    ]
    out["amount_original"] = fig["amount"]
    out["description"] = _text(fig)
    out["stage"] = fig["wh_stage"]
    for col in (
        "leg", "modality", "instrument", "source_actor_id", "destination_actor_id", "fund_id",
        "recipient_country_iso3", "recipient_region", "recipient_region_vocab",
        "recipient_city_id",
    ):  # fmt: skip
        out[col] = fig[col]
    return out


def statistic_rows(con: duckdb.DuckDBPyConnection, fig: pd.DataFrame) -> pd.DataFrame:
    out = _common(con, fig, "as_of")
    out["stat_id"] = DATASET + "-" + fig["figure_id"]
    out["fund_id"] = fig["fund_id"]
    out["actor_id"] = fig["stat_actor_id"]
    out["kind"] = fig["stat_kind"]
    out["stage"] = fig["stage"]
    out["period_start"] = pd.to_datetime(fig["period_start"]).dt.date
    out["as_of"] = pd.to_datetime(fig["as_of"]).dt.date
    out["amount"] = fig["amount"]
    out["note"] = _text(fig)
    return out


def batch_row(path: Path, rows: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "batch_id": [BATCH_ID],
            "dataset": [DATASET],
            "file_name": [f"data/flows/{path.name}"],
            "sha256": [hashlib.sha256(path.read_bytes()).hexdigest()],
            "format": ["bundled"],
            "loaded_at": [datetime.now(UTC).replace(tzinfo=None)],
            "loaded_by": ["fundflows build"],
            "rows_read": [rows],
            "rows_loaded": [rows],
            "rows_rejected": [0],
            "is_bundled": [True],
        }
    )


def load_cited(con: duckdb.DuckDBPyConnection, path: Path | None = None) -> None:
    """Write the cited figures as flows and fund statistics, with their load_batch row."""
    path = path or cited_path()
    fig = read_figures(path)
    is_flow = fig["figure_type"].eq("flow")
    con.execute("SELECT 1").fetchall()  # no pending result: fx.convert registers a frame
    flows = flow_rows(con, fig[is_flow])
    stats = statistic_rows(con, fig[~is_flow])
    insert_frame(con, "flow", flows)
    insert_frame(con, "fund_statistic", stats)
    insert_frame(con, "load_batch", batch_row(path, len(fig)))
