"""Strings of the workbench pages through the app's one translation function.

The English texts are the catalogue part ``dashboard/locales/en/workbench.toml``; the other
languages carry the same keys in their catalogues. ``tx`` is ``i18n.t``, kept as the pages'
one name for it.
"""

from __future__ import annotations

from dashboard import i18n


def tx(key: str, **kwargs: object) -> str:
    return i18n.t(key, **kwargs)
