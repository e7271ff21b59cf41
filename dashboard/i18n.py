"""The one translation function ``t`` and the one place where numbers and money are formatted.

Catalogues live in ``dashboard/locales/<lang>.toml`` (dotted keys by TOML tables), plus any
``dashboard/locales/<lang>/<area>.toml`` a feature adds for its own keys (merged; the main file
wins on a clash). A key missing from a catalogue falls back to English; a key missing from
English is returned as ``⟦key⟧`` so that a forgotten string is visible on screen and in
tests, never an exception.
"""

from __future__ import annotations

import math
import threading
import tomllib
from functools import cache
from pathlib import Path

from babel.dates import format_date
from babel.numbers import (
    format_compact_currency,
    format_compact_decimal,
    format_currency,
    format_decimal,
    format_percent,
)

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DEFAULT_LANG = "en"
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
    merged: dict[str, str] = {}
    paths = sorted((LOCALES_DIR / lang).glob("*.toml")) + [LOCALES_DIR / f"{lang}.toml"]
    for path in paths:
        if path.is_file():
            merged.update(_flatten(tomllib.loads(path.read_text(encoding="utf-8"))))
    return merged


def set_language(lang: str) -> None:
    """Language used by ``t`` and the formatters (set once per run by the filters)."""
    _local.lang = lang if lang in available_languages() else DEFAULT_LANG


def language() -> str:
    return getattr(_local, "lang", DEFAULT_LANG)


def t(key: str, **kwargs: object) -> str:
    """The user-visible text for ``key`` in the current language, with ``{name}`` filled in."""
    text = catalogue(language()).get(key) or catalogue(DEFAULT_LANG).get(key)
    if text is None:
        return f"⟦{key}⟧"
    return text.format(**kwargs) if kwargs else text


def has_key(key: str) -> bool:
    return key in catalogue(DEFAULT_LANG)


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def money(value: object, currency: str, compact: bool = True) -> str:
    """Money in the current language: ``$15.5M`` (compact) or ``$15,500,000`` (full)."""
    if _missing(value):
        return "–"
    amount = float(value)  # type: ignore[arg-type]
    if compact and abs(amount) >= 1000:
        text = format_compact_currency(amount, currency, locale=language(), fraction_digits=1)
    else:
        text = format_currency(
            amount, currency, locale=language(), format="¤#,##0", currency_digits=False
        )
    # a left-to-right mark keeps "US$" whole at the end of an amount inside right-to-left text
    return text + "\u200e" if language() == "ar" else text


def number(value: object, compact: bool = False) -> str:
    if _missing(value):
        return "–"
    if compact and abs(float(value)) >= 10_000:  # type: ignore[arg-type]
        return format_compact_decimal(float(value), locale=language(), fraction_digits=1)  # type: ignore[arg-type]
    return format_decimal(value, locale=language(), format="#,##0")  # type: ignore[arg-type]


def percent(value: object, signed: bool = False) -> str:
    """A share (0.123 → 12.3%); ``signed`` puts + before a positive change."""
    if _missing(value):
        return "–"
    text = format_percent(float(value), locale=language(), format="#,##0.0%")  # type: ignore[arg-type]
    return f"+{text}" if signed and float(value) > 0 else text  # type: ignore[arg-type]


def label(kind: str, code: object) -> str:
    """Display name of a vocabulary value (stage, modality, actor kind, ...), code as fallback."""
    key = f"{kind}.{code}"
    return t(key) if has_key(key) else str(code)


def day(value: object, year: object = None) -> str:
    """A date in the current language (``Jul 23, 2018``); the bare year when only that is
    known; "undated" when neither is."""
    if value is not None and not _missing_date(value):
        return format_date(_as_date(value), format="medium", locale=language())
    if not _missing(year):
        return str(int(float(year)))  # type: ignore[arg-type]
    return t("funds.undated")


def _missing_date(value: object) -> bool:
    try:
        return bool(value != value)  # NaT and NaN are not equal to themselves
    except (TypeError, ValueError):
        return False


def _as_date(value: object) -> object:
    return value.date() if hasattr(value, "date") and callable(value.date) else value
