"""Translations and locale formatting for the deck and the CLI, without Streamlit.

Reads the same catalogues as the dashboard, the same way: ``dashboard/locales/<lang>/*.toml``
then ``dashboard/locales/<lang>.toml`` (TOML tables or dotted keys), so there is one catalogue
per language. A key missing from a language falls back to English; a key missing from English
comes back as ``⟦key⟧`` so a forgotten string is visible, never an exception.
"""

from __future__ import annotations

import gettext
import math
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import pycountry
from babel.dates import format_date
from babel.numbers import format_compact_currency, format_currency, format_decimal, format_percent

from pipelines import settings

LANGUAGES = ("en", "fr", "es", "ru", "ar", "zh")  # the six official UN languages
DEFAULT_LANG = "en"
RTL = frozenset({"ar"})
DASHBOARD_LOCALES = settings.REPO_ROOT / "dashboard" / "locales"


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = str(value)
    return flat


def _read(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    return _flatten(tomllib.loads(path.read_text(encoding="utf-8")))


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every key of ``lang``: the language's folder of catalogue parts, then its main file."""
    found: dict[str, str] = {}
    for path in sorted((DASHBOARD_LOCALES / lang).glob("*.toml")):
        found |= _read(path)
    return found | _read(DASHBOARD_LOCALES / f"{lang}.toml")


def _missing(value: object) -> bool:
    try:
        return value is None or math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


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
        """Display name of a vocabulary value (``stage_group.paid``), the code as fallback."""
        key = f"{kind}.{code}"
        known = key in catalogue(self.lang) or key in catalogue(DEFAULT_LANG)
        return self.t(key) if known else str(code)

    def money(self, value: object, currency: str = "USD", compact: bool = True) -> str:
        if _missing(value):
            return "–"
        amount = float(value)  # type: ignore[arg-type]
        if compact:
            text = format_compact_currency(amount, currency, locale=self.lang, fraction_digits=1)
        else:
            text = format_currency(amount, currency, locale=self.lang, format="¤#,##0")
        # in right-to-left text a trailing "US$" would show as "$US": a left-to-right mark
        # keeps the symbol after its letters
        return text + "\u200e" if self.lang in RTL else text

    def number(self, value: object) -> str:
        if _missing(value):
            return "–"
        return format_decimal(value, locale=self.lang, format="#,##0")  # type: ignore[arg-type]

    def percent(self, value: object) -> str:
        if _missing(value):
            return "–"
        return format_percent(float(value), locale=self.lang, format="#,##0.0%")  # type: ignore[arg-type]

    def country(self, iso3: str, english: str | None = None) -> str:
        """A country's name in this language, from pycountry's ISO 3166 translations."""
        found = pycountry.countries.get(alpha_3=str(iso3))
        if found is None:
            return english or str(iso3)
        return _iso3166(self.lang).gettext(found.name)

    def date(self, day: date) -> str:
        return format_date(day, format="long", locale=self.lang)


@cache
def _iso3166(lang: str) -> gettext.NullTranslations:
    code = {"zh": "zh_CN", "en": None}.get(lang, lang)
    if code is None:
        return gettext.NullTranslations()
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[code], fallback=True)


def translator(lang: str | None) -> Translator:
    """A translator for ``lang``; unknown languages fall back to English."""
    return Translator(lang if lang in LANGUAGES else DEFAULT_LANG)
