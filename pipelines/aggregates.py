"""Pre-computed tables maintained at publish time, so chart queries stop recomputing them.

``refresh(con)`` runs every ``sql/aggregates/*.sql`` (today: ``flow_enriched``, the
``flows_enriched`` view materialised and sorted by dataset and year) and then points the
``flows_enriched`` view at the table. Call it inside ``publish()`` right after
``create_views(con)`` (which re-creates the computing view from ``sql/views`` first, so the
table is always rebuilt from the current definition and the current flows):

    create_views(con)
    aggregates.refresh(con)

Every chart query keeps reading ``flows_filtered(...)``/``flows_enriched`` unchanged and gets
the same rows (``tests/test_aggregates.py`` checks this over random filters).
"""

from __future__ import annotations

import duckdb

from pipelines import settings

POINT_VIEW = "CREATE OR REPLACE VIEW flows_enriched AS SELECT * FROM flow_enriched"


def refresh(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Rebuild every pre-computed table from the computing views; return their names."""
    built = []
    for path in sorted((settings.SQL_DIR / "aggregates").glob("*.sql")):
        con.execute(path.read_text(encoding="utf-8"))
        built.append(path.stem)
    if "flow_enriched" in built:
        con.execute(POINT_VIEW)
    return built


def maintain(con: duckdb.DuckDBPyConnection, touched_datasets: set[str] | None) -> None:
    """Bring pre-computed tables up to date at the end of a publication (see ``Publication``).

    ``touched_datasets`` None: rebuild for every dataset. Nothing is pre-computed yet.
    """
    del con, touched_datasets
