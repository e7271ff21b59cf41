"""IATI code lists: the project's transcribed tables in ``data/reference/iati/`` -> warehouse.

``load_codelists`` fills ``codelist`` (every list named in ``sources.csv``, with its source) and
adds the OECD DAC regions (IATI RegionVocabulary 1) to ``region`` with vocabulary ``oecd_dac``
and the M49 region each maps to (``region_oecd_m49.csv``; NULL where it does not map cleanly).
``codes`` gives the parser a list's codes without a database.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from pipelines import settings

CODELIST_DIR = settings.REFERENCE_DIR / "iati"


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _sources(folder: Path) -> list[dict[str, str]]:
    return _read_csv(folder / "sources.csv")


def codelist_frame(folder: Path = CODELIST_DIR) -> pd.DataFrame:
    """All transcribed lists as one frame with the ``codelist`` table's columns."""
    frames = []
    for src in _sources(folder):
        rows = _read_csv(folder / src["file"])
        frame = pd.DataFrame(rows, dtype="str").fillna("")
        frame.insert(0, "list_name", src["list_name"])
        frame["source"] = src["source"]
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    return out.replace({"": None})


def region_frame(folder: Path = CODELIST_DIR) -> pd.DataFrame:
    """OECD DAC regions with the M49 region they map to (None when none maps cleanly)."""
    names = {r["code"]: r["name_en"] for r in _read_csv(folder / "Region.csv")}
    mapping = {
        r["code"]: r["m49_region"] or None for r in _read_csv(folder / "region_oecd_m49.csv")
    }
    return pd.DataFrame(
        {
            "vocabulary": "oecd_dac",
            "code": list(names),
            "name_en": list(names.values()),
            "m49_region": [mapping.get(code) for code in names],
        }
    )


def load_codelists(con: duckdb.DuckDBPyConnection) -> None:
    """Fill ``codelist`` and the ``oecd_dac`` rows of ``region`` (in the caller's transaction)."""
    lists = codelist_frame()
    regions = region_frame()
    con.register("iati_codelist_frame", lists)
    con.register("iati_region_frame", regions)
    try:
        con.execute(
            "INSERT INTO codelist (list_name, code, name_en, name_fr, description, category, "
            "status, source) SELECT list_name, code, name_en, name_fr, description, category, "
            "status, source FROM iati_codelist_frame"
        )
        con.execute(
            "INSERT INTO region (vocabulary, code, name_en, m49_region) "
            "SELECT vocabulary, code, name_en, m49_region FROM iati_region_frame"
        )
    finally:
        con.unregister("iati_codelist_frame")
        con.unregister("iati_region_frame")


@cache
def codes(list_name: str) -> frozenset[str]:
    """The codes of one transcribed list (e.g. ``codes("Currency")``)."""
    return frozenset(r["code"] for r in _read_csv(CODELIST_DIR / f"{list_name}.csv"))
