"""What a page needs in one object: the filters, the choices, labels, and card footers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from dashboard import data, data_labels, filters, prices
from dashboard.components import Footer
from dashboard.filter_state import KINDS, MODALITIES, Choices, Filters, sql_params
from dashboard.i18n import label, t


@dataclass(frozen=True)
class View:
    filters: Filters
    choices: Choices
    labels: dict[str, dict[str, str]]

    @property
    def currency(self) -> str:
        return self.filters.currency

    @property
    def unit(self) -> str:
        """What a title says the money is in: ``USD`` or ``constant 2025 US$ (US CPI-U)``."""
        return prices.unit(self.filters, self.choices)

    @property
    def illustrative(self) -> bool:
        return self.filters.dataset in self.choices.illustrative

    def query(self, name: str, **extra: object) -> pd.DataFrame:
        """A chart query with this view's filters (``extra`` adds or overrides parameters)."""
        frame = data.query(name, **(sql_params(self.filters) | extra))
        if prices.is_constant(self.filters) and "amount" in frame.columns:
            frame = frame.assign(prices=self.unit)  # downloads name their prices too
        return frame

    def footer(
        self, groups: Sequence[str], side: str, pledges_beside: bool = False, **extra: object
    ) -> Footer:
        """Footer of a card counting ``groups`` on ``side`` (given, received, total, any)."""
        stats = self.query("card_stats", groups=list(groups), side=side, **extra).iloc[0]
        return Footer(
            currency=self.currency,
            groups=tuple(groups),
            flows=int(stats["flows"]),
            sources=int(stats["sources"]),
            flows_without_rate=int(stats["flows_without_rate"]),
            illustrative=self.illustrative,
            pledges_beside=pledges_beside,
            prices=prices.footer_unit(self.filters, self.choices),
        )

    def names(self) -> dict[str, str]:
        """Display names, in the reader's language, of every code a chart may show (funds,
        channels, kinds, modalities, M49 regions by their English names)."""
        names = data_labels.regions()
        names |= {k: label("kind", k) for k in KINDS}
        names |= {m: label("modality", m) for m in MODALITIES}
        names |= data_labels.funds_by_short_name(self.labels.get("fund", {}))
        names |= {"unspecified": t("common.unspecified"), "other": t("common.other")}
        return names


def view() -> View:
    choices, labels = filters.load_choices()
    return View(filters=filters.current(), choices=choices, labels=labels)
