"""The one translation layer: catalogues, ``t``, and the one place numbers and money are formatted.

Catalogues: ``dashboard/locales/<lang>.toml`` plus ``dashboard/locales/<lang>/<area>.toml``
(merged; the main file wins). A key missing from a catalogue falls back to English, one missing
from English reads ``⟦key⟧`` (visible on screen and in tests, never an exception). Data labels
(regions, countries, funds, vocabularies) and numbers (babel, CLDR) are formatted here too.

Two doors, one implementation: the pages use the module functions (``t``, ``money``, ...) in
the session thread's language; the deck, chart images and the ``deck``/``chart`` commands hold
a ``Translator``. A figure therefore reads the same on a card, a chart and a slide.
"""

from __future__ import annotations

import math
import threading
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import pycountry
from babel import Locale
from babel.dates import format_date
from babel.numbers import (
    format_compact_currency,
    format_compact_decimal,
    format_currency,
    format_decimal,
    format_percent,
    get_decimal_symbol,
    get_group_symbol,
    get_plus_sign_symbol,
)

from dashboard import m49

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
LANGUAGES = ("en", "fr", "es", "ru", "ar", "zh")  # the six official UN languages
DEFAULT_LANG = "en"
RTL = frozenset({"ar"})
_local = threading.local()  # each Streamlit session runs its script in its own thread


def available_languages() -> tuple[str, ...]:
    """Languages with a catalogue file, English first."""
    found = {p.stem for p in LOCALES_DIR.glob("*.toml")}
    found |= {p.name for p in LOCALES_DIR.iterdir() if p.is_dir() and any(p.glob("*.toml"))}
    return tuple(sorted(sorted(found), key=lambda code: code != DEFAULT_LANG))


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every key of ``lang``: the language's folder of catalogue parts, then its main file."""
    merged: dict[str, str] = {}
    paths = sorted((LOCALES_DIR / lang).glob("*.toml")) + [LOCALES_DIR / f"{lang}.toml"]
    for path in paths:
        if path.is_file():
            merged.update(_flatten(tomllib.loads(path.read_text(encoding="utf-8"))))
    return merged


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def _missing_date(value: object) -> bool:
    try:
        return bool(value != value)  # NaT and NaN are not equal to themselves
    except (TypeError, ValueError):
        return False


def _as_date(value: object) -> object:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def _blank(code: object) -> bool:
    """No value: None, NaN, an empty string, or the queries' "unspecified"."""
    return _missing_date(code) or str(code).strip() in ("", "unspecified", "None", "<NA>")


@cache
def _territories(lang: str) -> dict[str, str]:
    """CLDR territory names (countries by ISO 3166 alpha-2, regions by M49 code), via babel."""
    return dict(Locale.parse(lang).territories)


@dataclass(frozen=True)
class Translator:
    """Text and numbers in one language; ``t`` fills ``{name}`` placeholders."""

    lang: str = DEFAULT_LANG

    def t(self, key: str, **kwargs: object) -> str:
        text = catalogue(self.lang).get(key) or catalogue(DEFAULT_LANG).get(key)
        if text is None:
            return f"⟦{key}⟧"
        return text.format(**kwargs) if kwargs else text

    def label(self, kind: str, code: object) -> str:
        """A vocabulary value (stage, leg, modality, kind, flag, ...); no value reads "not
        reported", an unknown one as words (``a_b`` → ``a b``), never ``None`` or a code."""
        if _blank(code):
            return self.t("common.not_reported")
        for key in (f"{kind}.{code}", f"common.{code}"):
            if key in catalogue(DEFAULT_LANG):
                return self.t(key)
        return str(code).replace("_", " ")

    def region(self, value: object) -> str:
        """An M49 region (code or English M49 name): the catalogue's ``m49.<code>`` where
        CLDR's name is not M49's, else CLDR's, else English; other vocabularies as given."""
        if _blank(value):
            return self.t("common.unspecified")
        if str(value) in ("via_fund", "other"):
            return self.label("common", value)
        code = m49.code_of(value)
        if code is None:
            return str(value)
        if self.lang == DEFAULT_LANG:
            return m49.ENGLISH[code]
        if f"m49.{code}" in catalogue(self.lang):
            return catalogue(self.lang)[f"m49.{code}"]
        return _territories(self.lang).get(code) or m49.ENGLISH[code]

    def fund(self, fund_id: object, short: bool = True, english: str | None = None) -> str:
        """A fund's short name (charts, filters) or full official name, in this language."""
        if _blank(fund_id):
            return self.t("common.unspecified")
        key = f"fund.{fund_id}.{'short' if short else 'name'}"
        if key in catalogue(DEFAULT_LANG):
            return self.t(key)
        if f"channel.{fund_id}" in catalogue(DEFAULT_LANG):
            return self.t(f"channel.{fund_id}")
        return english or str(fund_id)

    def money(self, value: object, currency: str = "USD", compact: bool = True) -> str:
        """Money: ``$15.5M`` (compact, from a thousand up) or ``$15,500,000`` (full)."""
        if _missing(value):
            return "–"
        amount = float(value)  # type: ignore[arg-type]
        if compact and abs(amount) >= 1000:
            text = format_compact_currency(amount, currency, locale=self.lang, fraction_digits=1)
        else:
            text = format_currency(
                amount, currency, locale=self.lang, format="¤#,##0", currency_digits=False
            )
        # a left-to-right mark keeps "US$" whole at the end of an amount in right-to-left text
        return text + "\u200e" if self.lang in RTL else text

    def number(self, value: object, compact: bool = False) -> str:
        if _missing(value):
            return "–"
        amount = float(value)  # type: ignore[arg-type]
        if compact and abs(amount) >= 10_000:
            return format_compact_decimal(amount, locale=self.lang, fraction_digits=1)
        return format_decimal(value, locale=self.lang, format="#,##0")  # type: ignore[arg-type]

    def percent(self, value: object, signed: bool = False) -> str:
        """A share (0.123 → 12.3%); ``signed`` puts the locale's + before a positive change."""
        if _missing(value):
            return "–"
        share = float(value)  # type: ignore[arg-type]
        text = format_percent(share, locale=self.lang, format="#,##0.0%")
        return get_plus_sign_symbol(self.lang) + text if signed and share > 0 else text

    def decimal(self, value: object, digits: int = 1, signed: bool = False) -> str:
        """A number with ``digits`` decimals in the locale's signs (``+14,7`` in French)."""
        if _missing(value):
            return "–"
        amount = float(value)  # type: ignore[arg-type]
        text = format_decimal(amount, locale=self.lang, format="#,##0." + "0" * digits)
        return get_plus_sign_symbol(self.lang) + text if signed and amount > 0 else text

    def points(self, change: object) -> str:
        """A change of a share in percentage points: 0.147 → ``+14,7 pts`` (fr)."""
        shown = "–" if _missing(change) else self.decimal(float(change) * 100, signed=True)  # type: ignore[arg-type]
        return self.t("kpi.points", n=shown)

    def separators(self) -> str:
        """Plotly's ``layout.separators``: the locale's decimal sign, then its grouping sign."""
        return get_decimal_symbol(self.lang) + get_group_symbol(self.lang)

    def country(self, iso3: object, english: str | None = None) -> str:
        """A country (ISO alpha-3) named by CLDR (babel); else English; else the code."""
        if _blank(iso3):
            return self.t("common.not_reported")
        found = pycountry.countries.get(alpha_3=str(iso3))
        name = _territories(self.lang).get(found.alpha_2) if found is not None else None
        return name or english or (found.name if found is not None else str(iso3))

    def actor(self, name: object, kind: object = None, iso3: object = None) -> str:
        """An actor's display name: a government is its country's name in this language."""
        if kind == "government" and not _blank(iso3):
            return self.country(iso3, str(name) if not _blank(name) else None)
        return self.t("common.not_reported") if _blank(name) else str(name)

    def date(self, day: date) -> str:
        return format_date(day, format="long", locale=self.lang)

    def day(self, value: object, year: object = None) -> str:
        """A date (``Jul 23, 2018``); the bare year when only that is known; "undated" when
        neither is."""
        if value is not None and not _missing_date(value):
            return format_date(_as_date(value), format="medium", locale=self.lang)
        if not _missing(year):
            return str(int(float(year)))  # type: ignore[arg-type]
        return self.t("funds.undated")


def translator(lang: str | None) -> Translator:
    """A translator for ``lang``; unknown languages fall back to English."""
    return Translator(lang if lang in LANGUAGES else DEFAULT_LANG)


# The session's language (the pages): the same formatting through the module functions.


def set_language(lang: str) -> None:
    """Language used by ``t`` and the formatters (set once per run by the filters)."""
    _local.lang = lang if lang in available_languages() else DEFAULT_LANG


def language() -> str:
    return getattr(_local, "lang", DEFAULT_LANG)


def current() -> Translator:
    """The translator of this session's language."""
    return Translator(language())


def t(key: str, **kwargs: object) -> str:
    """The user-visible text for ``key`` in the current language, with ``{name}`` filled in."""
    return current().t(key, **kwargs)


def has_key(key: str) -> bool:
    return key in catalogue(DEFAULT_LANG)


def money(value: object, currency: str, compact: bool = True) -> str:
    return current().money(value, currency, compact)


def number(value: object, compact: bool = False) -> str:
    return current().number(value, compact)


def percent(value: object, signed: bool = False) -> str:
    return current().percent(value, signed)


def label(kind: str, code: object) -> str:
    return current().label(kind, code)


def region_name(value: object) -> str:
    return current().region(value)


def country_name(iso3: object, english: str | None = None) -> str:
    return current().country(iso3, english)


def fund_name(fund_id: object, short: bool = True, english: str | None = None) -> str:
    return current().fund(fund_id, short, english)


def actor_name(name: object, kind: object = None, iso3: object = None) -> str:
    return current().actor(name, kind, iso3)


def points(change: object) -> str:
    return current().points(change)


def day(value: object, year: object = None) -> str:
    return current().day(value, year)
