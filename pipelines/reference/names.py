"""Name normalisation shared by actor aliases, country names and fund names."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_PUNCT = re.compile(r"[\"'’`´.,;:()\[\]]")


def normalise(name: str) -> str:
    """Case- and accent-insensitive key: 'Pérez-Guerrero  Fund' -> 'perez-guerrero fund'.

    Cyrillic and other scripts keep their letters (only combining marks are removed).
    """
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _PUNCT.sub(" ", text.casefold())
    return _SPACES.sub(" ", text).strip()
