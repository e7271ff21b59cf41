"""Strings of the Load data page and the admin sign-in through the app's translation function.

``tx(key)`` is ``i18n.t(key)`` when the catalogue has the key, else the English text from
``dashboard/locales/en/load.toml``.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from dashboard import i18n

DEFAULTS = Path(__file__).resolve().parent / "locales" / "en" / "load.toml"


@cache
def _defaults() -> dict[str, str]:
    return i18n._flatten(tomllib.loads(DEFAULTS.read_text(encoding="utf-8")))


def tx(key: str, **kwargs: object) -> str:
    if i18n.has_key(key):
        return i18n.t(key, **kwargs)
    text = _defaults().get(key)
    if text is None:
        return i18n.t(key, **kwargs)  # the catalogue's visible ⟦key⟧ marker
    return text.format(**kwargs) if kwargs else text
