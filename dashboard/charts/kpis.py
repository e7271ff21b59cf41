"""The KPI row's numbers from ``overview_kpis`` (pure): totals and year-over-year change."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

MONEY = ("promised", "transferred", "allocated", "used")
COUNTS = ("contributors", "recipient_countries")
SHARES = ("ss_share",)
METRICS = MONEY + COUNTS + SHARES


@dataclass(frozen=True)
class Kpi:
    """A total over the selection and its change in the last year with data vs the year before
    (relative for money and counts, in points for shares; None when there is no base)."""

    name: str
    value: float | None
    change: float | None
    year: int | None


def _num(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


def summary(frame: pd.DataFrame) -> dict[str, Kpi]:
    """One ``Kpi`` per metric. ``frame``: rows per year plus the total row (``is_total`` 1);
    flows without a year count in the total but in no year."""
    is_total = frame["is_total"] == 1 if "is_total" in frame else frame["year"].isna()
    total = frame[is_total]
    yearly = frame[~is_total & frame["year"].notna()].sort_values("year")
    last = int(yearly["year"].iloc[-1]) if len(yearly) else None
    by_year = yearly.set_index(yearly["year"].astype(int))
    result = {}
    for name in METRICS:
        value = _num(total[name].iloc[0]) if len(total) else None
        change = None
        if last is not None and last - 1 in by_year.index:
            now, before = _num(by_year.at[last, name]), _num(by_year.at[last - 1, name])
            if now is not None and before is not None:
                if name in SHARES:
                    change = now - before
                elif before:
                    change = now / before - 1
        result[name] = Kpi(name, value, change, last)
    return result
