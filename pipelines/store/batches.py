"""List and delete load batches. Deleting publishes a new warehouse version.

Deleting a batch removes its flows, fund statistics, rejected rows and user rates, and the
actors, aliases and source documents it created unless rows of another batch still use them.
Bundled batches (``cited``, ``demo``) cannot be deleted: ``fundflows build`` owns them.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from pipelines.store import sql, warehouse
from pipelines.store.rows import one


class BatchError(ValueError):
    """A batch cannot be deleted (unknown id, bundled)."""


def list_batches(live: Path, dataset: str | None = None) -> pd.DataFrame:
    """Every load batch, newest first (optionally of one dataset)."""
    con = warehouse.connect_plain(live)
    try:
        return con.execute(sql.text("loader/batches_list"), {"dataset": dataset}).df()
    finally:
        con.close()


def delete_in(con: duckdb.DuckDBPyConnection, batch_id: str) -> int:
    """Delete one batch inside an open transaction; return the number of flows removed."""
    flows = con.execute("SELECT count(*) FROM flow WHERE batch_id = $b", {"b": batch_id}).fetchone()

    sql.script(con, "loader/delete_batch", batch=batch_id)
    return int(one(flows)[0])


def previous_batches(con: duckdb.DuckDBPyConnection, dataset: str, file_name: str) -> list[str]:
    """Non-bundled batches of the same file name in the dataset (what ``--replace`` replaces)."""
    rows = con.execute(
        "SELECT batch_id FROM load_batch WHERE dataset = $d AND file_name = $f AND NOT is_bundled",
        {"d": dataset, "f": file_name},
    ).fetchall()
    return [r[0] for r in rows]


def delete_batch(live: Path, batch_id: str) -> int:
    """Delete a user batch and publish a new version; return the number of flows removed."""
    with warehouse.publish(Path(live)) as pub:
        row = pub.con.execute(
            "SELECT is_bundled, dataset FROM load_batch WHERE batch_id = $b", {"b": batch_id}
        ).fetchone()
        if row is None:
            raise BatchError(f"no batch {batch_id!r} (see `fundflows batches`)")
        if row[0]:
            raise BatchError(f"batch {batch_id!r} is bundled data; `fundflows build` owns it")
        pub.touched_datasets = {row[1]}
        return delete_in(pub.con, batch_id)
