"""The UN M49 regions and sub-regions the warehouse names, by code.

The warehouse stores the English M49 names (``country.region_name``, ``subregion_name``,
``intermediate_region_name``, from UNSD); the dashboard shows them in the reader's language
through ``dashboard/i18n.py`` (``region_name``), which needs the code behind a name. The
English names here are UNSD's; the other languages come from CLDR territory names (babel),
with the catalogue's ``m49.<code>`` keys where CLDR's name is not M49's.
"""

from __future__ import annotations

ENGLISH: dict[str, str] = {
    "001": "World",
    "002": "Africa",
    "005": "South America",
    "009": "Oceania",
    "011": "Western Africa",
    "013": "Central America",
    "014": "Eastern Africa",
    "015": "Northern Africa",
    "017": "Middle Africa",
    "018": "Southern Africa",
    "019": "Americas",
    "021": "Northern America",
    "029": "Caribbean",
    "030": "Eastern Asia",
    "034": "Southern Asia",
    "035": "South-eastern Asia",
    "039": "Southern Europe",
    "053": "Australia and New Zealand",
    "054": "Melanesia",
    "057": "Micronesia",
    "061": "Polynesia",
    "142": "Asia",
    "143": "Central Asia",
    "145": "Western Asia",
    "150": "Europe",
    "151": "Eastern Europe",
    "154": "Northern Europe",
    "155": "Western Europe",
    "202": "Sub-Saharan Africa",
    "419": "Latin America and the Caribbean",
}
_BY_NAME = {name.casefold(): code for code, name in ENGLISH.items()}


def code_of(value: object) -> str | None:
    """The three-digit M49 code of a code (``2``, ``"002"``) or an English M49 name."""
    text = str(value).strip()
    if text.isdigit():
        code = text.zfill(3)
        return code if code in ENGLISH else None
    return _BY_NAME.get(text.casefold())
