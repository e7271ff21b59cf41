"""The one translation layer: catalogues, ``t``, and the one place numbers and money are formatted.

Catalogues live in ``dashboard/locales/<lang>.toml`` (dotted keys by TOML tables), plus any
``dashboard/locales/<lang>/<area>.toml`` a feature adds for its own keys (merged; the main file
wins on a clash). A key missing from a catalogue falls back to English; a key missing from
English is returned as ``⟦key⟧`` so that a forgotten string is visible on screen and in
tests, never an exception.

Two doors, one implementation: the pages use the module functions (``t``, ``money``, ...) in
the language the filters set for the session's thread; the deck, chart images and the
``deck``/``chart`` commands hold a ``Translator`` for an explicit language. A figure therefore
reads the same on a card, a chart and a slide.
"""

from __future__ import annotations

import gettext
import math
import threading
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import pycountry
from babel.dates import format_date
from babel.numbers import (
    format_compact_currency,
    format_compact_decimal,
    format_currency,
    format_decimal,
    format_percent,
)

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
LANGUAGES = ("en", "fr", "es", "ru", "ar", "zh")  # the six official UN languages
DEFAULT_LANG = "en"
RTL = frozenset({"ar"})
_local = threading.local()  # each Streamlit session runs its script in its own thread


def available_languages() -> tuple[str, ...]:
    """Languages with a catalogue file, English first."""
    found = sorted(
        {p.stem for p in LOCALES_DIR.glob("*.toml")}
        | {p.name for p in LOCALES_DIR.iterdir() if p.is_dir() and any(p.glob("*.toml"))}
    )
    return tuple(sorted(found, key=lambda code: code != DEFAULT_LANG))


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


@cache
def _iso3166(lang: str) -> gettext.NullTranslations:
    code = {"zh": "zh_CN", "en": None}.get(lang, lang)
    if code is None:
        return gettext.NullTranslations()
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[code], fallback=True)


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
        """Display name of a vocabulary value (stage, modality, actor kind, ...), code as
        fallback."""
        key = f"{kind}.{code}"
        return self.t(key) if key in catalogue(DEFAULT_LANG) else str(code)

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
        """A share (0.123 → 12.3%); ``signed`` puts + before a positive change."""
        if _missing(value):
            return "–"
        share = float(value)  # type: ignore[arg-type]
        text = format_percent(share, locale=self.lang, format="#,##0.0%")
        return f"+{text}" if signed and share > 0 else text

    def country(self, iso3: str, english: str | None = None) -> str:
        """A country's name in this language, from pycountry's ISO 3166 translations."""
        found = pycountry.countries.get(alpha_3=str(iso3))
        if found is None:
            return english or str(iso3)
        return _iso3166(self.lang).gettext(found.name)

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


def day(value: object, year: object = None) -> str:
    return current().day(value, year)
