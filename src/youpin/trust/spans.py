"""Merging burst windows into spans of time per shop. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol


class Window(Protocol):
    """A window that broke the burst rule (see `refresh.BurstWindow`)."""

    @property
    def shop_id(self) -> int:
        """The shop."""

    @property
    def start_ts(self) -> int:
        """Start of the window, Unix seconds."""

    @property
    def orders(self) -> int:
        """Orders in the window."""

    @property
    def buyers(self) -> int:
        """Distinct buyers in the window."""


@dataclass(frozen=True)
class Span:
    """A shop's signal over [start_ts, end_ts): orders involved, a value and its evidence."""

    shop_id: int
    start_ts: int
    end_ts: int
    orders: int
    value: Decimal
    evidence: dict[str, Any] = field(default_factory=dict)


def ratio(orders: int, buyers: int) -> Decimal:
    """Orders per distinct buyer, two places (half up); the order count when no buyer is known."""
    if buyers <= 0:
        return Decimal(orders)
    return (Decimal(orders) / Decimal(buyers)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def merge_windows(windows: Iterable[Window], window_s: int) -> list[Span]:
    """Merge overlapping windows [start, start + window_s) of each shop into spans.

    A span's value is the worst ratio among its windows; its evidence names that window
    (start, orders, buyers) and how many windows broke the rule. `orders` is the largest
    window's order count (the orders in the whole span are counted on the orders themselves).
    """
    spans: list[Span] = []
    ordered = sorted(windows, key=lambda w: (w.shop_id, w.start_ts))
    current: list[Window] = []

    def close() -> None:
        if not current:
            return
        worst = max(current, key=lambda w: (ratio(w.orders, w.buyers), w.orders, -w.start_ts))
        spans.append(
            Span(
                shop_id=current[0].shop_id,
                start_ts=current[0].start_ts,
                end_ts=max(w.start_ts for w in current) + window_s,
                orders=max(w.orders for w in current),
                value=ratio(worst.orders, worst.buyers),
                evidence={
                    "windows": len(current),
                    "worst_start_ts": worst.start_ts,
                    "worst_orders": worst.orders,
                    "worst_buyers": worst.buyers,
                    "window_minutes": window_s // 60,
                },
            )
        )
        current.clear()

    for w in ordered:
        if current and (
            w.shop_id != current[0].shop_id or w.start_ts >= current[-1].start_ts + window_s
        ):
            close()
        current.append(w)
    close()
    return spans
