"""Countries, their statuses over time, M49 regions and cities (part of ``load_reference``)."""

from __future__ import annotations

import duckdb
import pandas as pd

from pipelines.reference.frames import insert_frame, read_table

LDC_SOURCE = (
    "UN CDP / UN DESA list of LDCs with years of inclusion and graduation "
    "(https://www.un.org/development/desa/dpad/least-developed-country-category.html); UN-OHRLLS"
)
DAC_SOURCE = (
    "OECD, Development Assistance Committee members and dates of accession "
    "(https://www.oecd.org/dac/development-assistance-committee/)"
)
M49_SOURCE = "UNSD M49 (https://unstats.un.org/unsd/methodology/m49/)"
G77_SOURCE = "Group of 77, member list (https://www.g77.org/doc/members.html)"

COUNTRY_COLUMNS = [
    "iso3", "iso2", "m49", "name_en", "name_fr", "name_es", "name_ru", "name_ar", "name_zh",
    "region_code", "region_name", "subregion_code", "subregion_name",
    "intermediate_region_code", "intermediate_region_name", "currency_code",
    "is_ldc", "is_lldc", "is_sids", "is_g77", "is_dac_member",
]  # fmt: skip


def _truthy(series: pd.Series) -> pd.Series:
    return series.fillna("").str.lower().isin(["true", "x", "1", "yes"])


def country_status(countries: pd.DataFrame) -> pd.DataFrame:
    """Rows (iso3, status, from/to year, from/to date, source): LDC and DAC histories, current
    flags (see ``_status_dates`` for the days a status holds)."""
    ldc = read_table("ldc_history.csv").assign(status="ldc")
    ldc["source"] = LDC_SOURCE + ldc["note"].fillna("").map(lambda n: f"; {n}" if n else "")
    dac = read_table("dac_members.csv").assign(status="dac")
    dac["source"] = DAC_SOURCE + dac["note"].fillna("").map(lambda n: f"; {n}" if n else "")
    parts = [ldc, dac]
    for status, flag, source in (
        ("lldc", "is_lldc", M49_SOURCE),
        ("sids", "is_sids", M49_SOURCE),
        ("g77", "is_g77", G77_SOURCE),
    ):
        members = countries.loc[_truthy(countries[flag]), ["iso3"]]
        parts.append(members.assign(status=status, source=source))
    out = pd.concat(parts, ignore_index=True)
    for col in ("from_year", "to_year"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype("Int64")
    return out.assign(**_status_dates(out))[STATUS_COLUMNS]


STATUS_COLUMNS = ["iso3", "status", "from_year", "to_year", "from_date", "to_date", "source"]


def _status_dates(status: pd.DataFrame) -> dict[str, pd.Series]:
    """Days a status holds: ``from_date <= day < to_date`` (``to_date`` the first day without it).

    An exact date from the reference file where it gives one (``from_date``/``to_date``
    columns, e.g. a graduation on 1 January 2011 ends the status on that day); else 1 January of
    ``from_year`` (1900 when unknown) and 1 January of the year after ``to_year`` (the whole of
    the last named year); no end: still holds.
    """
    dates: dict[str, pd.Series] = {}
    for col, years, shift in (("from_date", "from_year", 0), ("to_date", "to_year", 1)):
        written = status[col] if col in status else pd.Series(None, index=status.index)
        given = pd.to_datetime(written, errors="raise", format="%Y-%m-%d")
        year = status[years].fillna(1900 if shift == 0 else pd.NA)
        default = pd.to_datetime(
            (year + shift).astype("string") + "-01-01", errors="coerce", format="%Y-%m-%d"
        )
        dates[col] = given.fillna(default).dt.date
    return dates


def current_members(status: pd.DataFrame, kind: str) -> set[str]:
    rows = status[(status["status"] == kind) & status["to_year"].isna()]
    return set(rows["iso3"])


def countries_frame(raw: pd.DataFrame, status: pd.DataFrame) -> pd.DataFrame:
    out = raw.copy()
    out["is_ldc"] = out["iso3"].isin(current_members(status, "ldc"))
    out["is_dac_member"] = out["iso3"].isin(current_members(status, "dac"))
    for flag in ("is_lldc", "is_sids", "is_g77"):
        out[flag] = _truthy(out[flag])
    return out[COUNTRY_COLUMNS]


def regions(countries: pd.DataFrame) -> pd.DataFrame:
    """M49 regions, sub-regions and intermediate regions (vocabulary 'm49', 3-digit codes)."""
    frames = [pd.DataFrame({"code": ["1"], "name_en": ["World"], "m49_region": [None]})]
    for level in ("region", "subregion", "intermediate_region"):
        part = countries[[f"{level}_code", f"{level}_name", "region_name"]].dropna(
            subset=[f"{level}_code"]
        )
        part.columns = ["code", "name_en", "m49_region"]
        frames.append(part)
    out = pd.concat(frames).drop_duplicates("code")
    out["code"] = out["code"].astype(int).map("{:03d}".format)
    return out.assign(vocabulary="m49")


def load_geography(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Fill country, country_status, region (m49) and city; return the country frame."""
    raw = read_table("countries.csv")
    status = country_status(raw)
    countries = countries_frame(raw, status)
    insert_frame(con, "country", countries)
    insert_frame(con, "country_status", status)
    insert_frame(con, "region", regions(countries))
    insert_frame(con, "city", read_table("cities.csv"))
    return raw.assign(is_ldc=countries["is_ldc"])
