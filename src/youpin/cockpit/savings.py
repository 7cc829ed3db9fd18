"""The joint-delivery saving tile, shown only when the delivery app offers `savings_by_month`.

The delivery context is built separately; this module imports its selector lazily and
answers None when it is absent, so the cockpit never depends on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from youpin.accounts.scoping import Scope


@dataclass(frozen=True)
class SavingTile:
    """Joint delivery against each carrier alone, summed over the year to the as-of month."""

    year: int
    months: int
    plans: int
    joint_km: Decimal
    alone_km: Decimal
    joint_cost: Decimal
    alone_cost: Decimal
    km_saving_pct: Decimal | None
    cost_saving_pct: Decimal | None


def _pct(joint: int, alone: int) -> Decimal | None:
    """1 − joint ÷ alone in per cent (one place); None when nothing was driven alone."""
    if alone <= 0:
        return None
    return (Decimal(alone - joint) * 100 / Decimal(alone)).quantize(Decimal("0.1"))


def saving_tile(scope: Scope, as_of: date, place: str = "") -> SavingTile | None:
    """The year-to-date saving in the scope (and place), or None without the delivery selector
    or without any plan."""
    try:
        from youpin.delivery.selectors import savings_by_month
    except ImportError:
        return None
    month = f"{as_of:%Y-%m}"
    rows: list[dict[str, Any]] = [
        r
        for r in savings_by_month(scope, as_of.year)
        if r["month"] <= month and str(r["county_code"]).startswith(place[:6])
    ]
    if not rows:
        return None
    joint_m = sum(int(r["joint"]["distance_m"]) for r in rows)
    alone_m = sum(int(r["alone"]["distance_m"]) for r in rows)
    joint_c = sum(int(r["joint"]["cost_micro"]) for r in rows)
    alone_c = sum(int(r["alone"]["cost_micro"]) for r in rows)
    return SavingTile(
        year=as_of.year,
        months=len({r["month"] for r in rows}),
        plans=sum(int(r["plans"]) for r in rows),
        joint_km=(Decimal(joint_m) / 1000).quantize(Decimal("0.1")),
        alone_km=(Decimal(alone_m) / 1000).quantize(Decimal("0.1")),
        joint_cost=(Decimal(joint_c) / 1_000_000).quantize(Decimal("0.01")),
        alone_cost=(Decimal(alone_c) / 1_000_000).quantize(Decimal("0.01")),
        km_saving_pct=_pct(joint_m, alone_m),
        cost_saving_pct=_pct(joint_c, alone_c),
    )
