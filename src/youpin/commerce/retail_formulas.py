"""Pure formulas of the retail statistic: exact splits, growth, shares and reporting windows.

No Django imports: money is handled here in whole fen (1/100 CNY) as integers, converted to
`Decimal` only at the edges, so every split and sum is exact.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def to_cents(amount: Decimal) -> int:
    """An amount in CNY as whole fen; refuses amounts finer than a fen."""
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"金额精度超过分：{amount}")
    return int(cents)


def from_cents(cents: int) -> Decimal:
    """Whole fen as an amount in CNY with two decimal places."""
    return Decimal(cents).scaleb(-2).quantize(CENT)


def split_cents(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` fen in proportion to `weights`; the parts sum to `total` exactly.

    Each part is the exact share rounded toward zero; what rounding leaves over goes to the
    largest weight (the first of equal ones). With no positive weight the total is split in
    equal parts. Parts carry the sign of the total, so a non-negative total never yields a
    negative part.
    """
    if not weights:
        raise ValueError("至少需要一个分摊对象")
    if any(w < 0 for w in weights):
        raise ValueError("分摊权重不能为负")
    weight_sum = sum(weights)
    used = list(weights) if weight_sum > 0 else [1] * len(weights)
    used_sum = weight_sum if weight_sum > 0 else len(weights)
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    parts = [sign * (magnitude * w // used_sum) for w in used]
    largest = max(range(len(used)), key=lambda i: (used[i], -i))
    parts[largest] += total - sum(parts)
    return parts


def split_proportionally(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split an amount in CNY across weights (e.g. line amounts); the parts sum to it exactly."""
    parts = split_cents(to_cents(total), [max(0, to_cents(w)) for w in weights])
    return [from_cents(p) for p in parts]


def growth_pct(current: Decimal, previous: Decimal | None) -> Decimal | None:
    """Year-on-year growth in per cent (two decimals); None when there is no positive base."""
    if previous is None or previous <= 0:
        return None
    return ((current - previous) * HUNDRED / previous).quantize(CENT, rounding=ROUND_HALF_UP)


def share_pct(part: Decimal, whole: Decimal) -> Decimal | None:
    """A part's share of a whole in per cent (two decimals); None when the whole is not positive."""
    if whole <= 0:
        return None
    return (part * HUNDRED / whole).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Window:
    """Calendar days `first`..`last` (both included) in Asia/Shanghai; empty when last < first."""

    first: date
    last: date
    partial: bool = False

    @property
    def end(self) -> date:
        """The day after the last one (the exclusive end)."""
        return self.last + timedelta(days=1)

    @property
    def is_empty(self) -> bool:
        """True when the window holds no day (a period that has not begun)."""
        return self.last < self.first


def shift_years(day: date, years: int) -> date:
    """The same calendar day `years` later (earlier if negative); 29 February becomes the 28th."""
    target = day.year + years
    if day.month == 2 and day.day == 29 and not calendar.isleap(target):
        return date(target, 2, 28)
    return day.replace(year=target)


def report_window(year: int, month: int | None, today: date) -> Window:
    """The days of a year or month, cut at `today` when the period is still running."""
    if month is None:
        first, last = date(year, 1, 1), date(year, 12, 31)
    else:
        first = date(year, month, 1)
        last = date(year, month, calendar.monthrange(year, month)[1])
    if today >= last:
        return Window(first, last)
    return Window(first, max(today, first - timedelta(days=1)), partial=True)


def same_period_in(window: Window, month: int | None, year: int) -> Window:
    """The window's period in another year: whole if the window is whole, else the same days."""
    if not window.partial:
        return report_window(year, month, date.max)
    offset = year - window.first.year
    first = shift_years(window.first, offset)
    if window.is_empty:
        return Window(first, first - timedelta(days=1), partial=True)
    return Window(first, shift_years(window.last, offset), partial=True)


def comparison_window(window: Window, month: int | None) -> Window:
    """The same period one year earlier (the base of year-on-year growth)."""
    return same_period_in(window, month, window.first.year - 1)


@dataclass
class Tally:
    """Orders and money (in fen) summed over some sales."""

    orders: int = 0
    gross: int = 0
    refunded: int = 0

    @property
    def net(self) -> int:
        """Paid less refunded, in fen."""
        return self.gross - self.refunded

    def add(self, gross: int, refunded: int, orders: int = 0) -> None:
        """Add money (and orders) to the tally."""
        self.orders += orders
        self.gross += gross
        self.refunded += refunded


GOODS = "goods"
SERVICES = "services"
UNCLASSIFIED = "unclassified"
FARM = "farm"

# One order line as the allocation reads it: order id, line amount, category id (None when
# the line matched no product), and the order's paid and refunded amounts, money in fen.
LineRow = tuple[int, int, int | None, int, int]
_NONE = (UNCLASSIFIED,)


@dataclass
class Allocation:
    """Sales split onto categories and onto the classes goods / services / unclassified / farm."""

    by_category: dict[int | None, Tally]
    by_class: dict[str, Tally]


def category_classes(is_farm_product: bool, is_service: bool) -> tuple[str, ...]:
    """The classes a category's sales count in: services, or goods (and farm products)."""
    if is_service:
        return (SERVICES,)
    return (GOODS, FARM) if is_farm_product else (GOODS,)


def allocate(rows: Sequence[LineRow], classes: dict[int, tuple[str, ...]]) -> Allocation:
    """Split each order's paid and refunded amounts onto its lines in proportion to line amounts.

    `rows` must be ordered by order id; `classes` maps a category id to its classes. Lines
    without a category are unclassified. Orders are counted once per category and class.
    """
    result = Allocation(
        by_category={}, by_class={k: Tally() for k in (GOODS, SERVICES, UNCLASSIFIED, FARM)}
    )
    start = 0
    n = len(rows)
    while start < n:
        order_id = rows[start][0]
        stop = start + 1
        while stop < n and rows[stop][0] == order_id:
            stop += 1
        _allocate_order(rows[start:stop], classes, result)
        start = stop
    return result


def _allocate_order(
    lines: Sequence[LineRow], classes: dict[int, tuple[str, ...]], result: Allocation
) -> None:
    """Allocate one order's lines into the result."""
    paid, refunded = lines[0][3], lines[0][4]
    if len(lines) == 1:
        paid_parts, refund_parts = [paid], [refunded]
    else:
        weights = [max(0, line[1]) for line in lines]
        paid_parts = split_cents(paid, weights)
        refund_parts = split_cents(refunded, weights)
    seen_categories: set[int | None] = set()
    seen_classes: set[str] = set()
    for line, gross, refund in zip(lines, paid_parts, refund_parts, strict=True):
        category = line[2]
        tally = result.by_category.get(category)
        if tally is None:
            tally = result.by_category[category] = Tally()
        first = category not in seen_categories
        seen_categories.add(category)
        tally.add(gross, refund, orders=1 if first else 0)
        for kind in classes.get(category, (UNCLASSIFIED,)) if category is not None else _NONE:
            result.by_class[kind].add(gross, refund, orders=0 if kind in seen_classes else 1)
            seen_classes.add(kind)
