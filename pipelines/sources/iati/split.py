"""Split a transaction over the activity's recipient countries and regions by percentage.

The split amounts always add up exactly to the transaction amount: each split is rounded to
the transaction's own precision (at least cents) and the rounding remainder goes on the last.
Percentages that do not add up to 100 are rebased (each divided by their sum) and flagged;
absent percentages count as 0 unless all are absent (then the shares are equal).
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from pipelines.sources.iati.model import Place

HUNDRED = Decimal(100)


def _percent(text: str) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() and value >= 0 else None


def _weights(places: list[Place]) -> tuple[list[Decimal], bool]:
    """One weight per place and whether the percentages had to be rebased."""
    written = [_percent(p.percentage) for p in places]
    if all(w is None for w in written):
        return [Decimal(1)] * len(places), len(places) > 1
    weights = [w if w is not None else Decimal(0) for w in written]
    total = sum(weights)
    if total == 0:
        return [Decimal(1)] * len(places), True
    return weights, total != HUNDRED


def split(amount: Decimal, places: list[Place]) -> tuple[list[tuple[Place, Decimal, float]], bool]:
    """``[(place, split amount, share)]`` over the places with a share, and the rebased flag."""
    weights, rebased = _weights(places)
    kept = [(p, w) for p, w in zip(places, weights, strict=True) if w > 0]
    total = sum(w for _, w in kept)
    exponent = amount.as_tuple().exponent
    assert isinstance(exponent, int)  # a finite amount: check() admits only plain decimals
    quantum = Decimal(1).scaleb(min(exponent, -2))
    out: list[tuple[Place, Decimal, float]] = []
    running = Decimal(0)
    for index, (place, weight) in enumerate(kept):
        if index == len(kept) - 1:
            part = amount - running
        else:
            part = (amount * weight / total).quantize(quantum, rounding=ROUND_HALF_EVEN)
            running += part
        out.append((place, part, float(weight / total)))
    return out, rebased
