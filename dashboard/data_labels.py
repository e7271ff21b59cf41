"""Data values shown in words in the reader's language: tables, pivots and chart name maps.

Every word comes from ``dashboard/i18n.py`` (``label``, ``region_name``, ``country_name``,
``fund_name``); this module only knows which column holds which kind of value. Codes stay in
the frames the pages keep (drill keys, downloads of codes): ``localise`` returns a copy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import cache

import pandas as pd
import pycountry
from babel import Locale

from dashboard import i18n, m49

# column (or Explore dimension) -> vocabulary of dashboard/locales/*/labels.toml and en.toml
VOCABULARY = {
    "stage": "stage", "stage_group": "group", "leg": "leg", "modality": "modality",
    "instrument": "instrument", "kind": "kind", "contributor_kind": "kind",
    "source_kind": "kind", "recipient_kind": "kind", "status": "status", "dataset": "dataset",
    "stat_kind": "stat", "event_kind": "event",
}  # fmt: skip
REGIONS = ("region", "subregion", "contributor_region", "recipient_region",
           "recipient_subregion", "recipient_region_name", "recipient_subregion_name")  # fmt: skip
ISO3 = ("iso3", "country_iso3", "recipient_country_iso3", "source_country_iso3")
COUNTRY_NAMES = ("country", "recipient_country", "recipient_country_name")
STATUS_DIMS = {"ldc": "LDC", "lldc": "LLDC", "sids": "SIDS"}


@cache
def _english_countries() -> dict[str, str]:
    """English CLDR country name -> ISO alpha-2 (the warehouse's ``name_en`` are CLDR's)."""
    return {name: code for code, name in Locale.parse("en").territories.items() if code.isalpha()}


def country_from_english(name: object) -> str:
    """A country the warehouse names in English, in the reader's language."""
    code = _english_countries().get(str(name))
    if code is None:
        return i18n.label("common", name)
    return i18n.Translator(i18n.language()).country(_alpha3(code), str(name))


def _is_iso3(value: object) -> bool:
    text = str(value)
    return len(text) == 3 and text.isupper() and pycountry.countries.get(alpha_3=text) is not None


def _alpha3(alpha2: str) -> str:
    found = pycountry.countries.get(alpha_2=alpha2)
    return found.alpha_3 if found is not None else alpha2


def actor(name: object) -> str:
    """An actor's name as the data gives it; a government (named as its country) in words."""
    if str(name) in _english_countries():
        return country_from_english(name)
    return i18n.actor_name(name)


def flags(value: object) -> str:
    """A flow's flags (a list of codes) as words."""
    if isinstance(value, str):  # some queries join the list into text
        codes: Iterable[object] = [code.strip() for code in value.split(",") if code.strip()]
    elif isinstance(value, Iterable):
        codes = value
    else:  # None or NaN: no flags
        return ""
    return ", ".join(i18n.label("flow_flag", code) for code in codes)


def funds_by_short_name(fund_labels: Mapping[str, str]) -> dict[str, str]:
    """Fund short names as the warehouse holds them (and fund ids) -> the reader's name."""
    shown = {fid: i18n.fund_name(fid, english=short) for fid, short in fund_labels.items()}
    by_short = {short: shown[fid] for fid, short in fund_labels.items()}
    channels = {c: i18n.fund_name(c) for c in ("local_private", "direct")}
    return shown | by_short | channels


def regions() -> dict[str, str]:
    """Every English M49 name the warehouse can hold -> the reader's name."""
    return {name: i18n.region_name(code) for code, name in m49.ENGLISH.items()}


def dimension(dim: str, fund_labels: Mapping[str, str]) -> Callable[[object], str] | None:
    """How one column's (or Explore dimension's) values read; None: as they are."""
    if dim in VOCABULARY:
        return lambda v: i18n.label(VOCABULARY[dim], v)
    if dim in REGIONS:
        return i18n.region_name
    if dim == "recipient_country":  # the filter's ISO codes (pivot cells hold names)
        return lambda v: i18n.country_name(v) if _is_iso3(v) else country_from_english(v)
    if dim in ISO3:
        return i18n.country_name
    if dim in COUNTRY_NAMES:
        return country_from_english
    if dim in ("contributor", "recipient"):
        return actor
    if dim in ("fund", "channel", "fund_id"):
        names = funds_by_short_name(fund_labels)
        return lambda v: names.get(str(v), i18n.label("channel", v))
    if dim in STATUS_DIMS:
        status = i18n.label("status", dim)
        other = i18n.t("common.not_status", status=status)
        return lambda v: status if v == STATUS_DIMS[dim] else other if v else i18n.label("", v)
    if dim == "is_illustrative":
        return lambda v: i18n.label("flow_flag" if v == "illustrative" else "common", v)
    if dim == "flags":
        return flags
    return None


def localise(frame: pd.DataFrame, fund_labels: Mapping[str, str] | None = None,
             keep: tuple[str, ...] = ()) -> pd.DataFrame:  # fmt: skip
    """A copy of ``frame`` whose code columns read as words (``keep`` names columns left as
    they are); numbers, ids and free text are untouched."""
    out = frame.copy()
    for column in out.columns:
        if column in keep or not isinstance(column, str):
            continue
        word = dimension(column, fund_labels or {})
        if word is None or (column == "iso3" and "country" in out.columns):
            continue  # the country name beside an iso3 column is the one translated
        out[column] = [word(v) for v in out[column]]
    for column in out.columns:  # a missing text reads "–", never "None"
        if pd.api.types.is_object_dtype(out[column]) or pd.api.types.is_string_dtype(out[column]):
            out[column] = [_text(v) for v in out[column]]
    return out


def _text(value: object) -> object:
    missing = value is None or value is pd.NA or (isinstance(value, float) and value != value)
    return "–" if missing else value
