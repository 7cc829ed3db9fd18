"""The periods of a monthly report and the arithmetic of its comparisons (pure, no Django)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


class ReportPeriodError(ValueError):
    """A month that cannot be reported on (bad spelling, out of range)."""


@dataclass(frozen=True)
class Window:
    """Days first..last, both included."""

    first: date
    last: date

    @property
    def days(self) -> int:
        """How many days the window holds."""
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class ReportMonth:
    """The month reported on: the month itself, the year to its end, and both a year earlier."""

    year: int
    month: int

    @property
    def label(self) -> str:
        """`2025-06`."""
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def chinese(self) -> str:
        """`2025年6月`."""
        return f"{self.year}年{self.month}月"

    @property
    def ytd_chinese(self) -> str:
        """`1–6月` (or `1月` in January)."""
        return "1月" if self.month == 1 else f"1–{self.month}月"

    def month_window(self, years_back: int = 0) -> Window:
        """The calendar month (in an earlier year when asked)."""
        year = self.year - years_back
        return Window(
            date(year, self.month, 1),
            date(year, self.month, calendar.monthrange(year, self.month)[1]),
        )

    def ytd_window(self, years_back: int = 0) -> Window:
        """1 January to the month's last day (in an earlier year when asked)."""
        return Window(date(self.year - years_back, 1, 1), self.month_window(years_back).last)

    @property
    def last_day(self) -> date:
        """The month's last day: the report's as-of date."""
        return self.month_window().last


def month_parse(text: str) -> ReportMonth:
    """`2025-06` → ReportMonth(2025, 6); a ReportPeriodError in Chinese otherwise."""
    m = _MONTH.match(text or "")
    if not m:
        raise ReportPeriodError(f"月份格式应为 YYYY-MM，例如 2025-06：{text!r}")
    year, month = int(m.group(1)), int(m.group(2))
    if not 2000 <= year <= 2100 or not 1 <= month <= 12:
        raise ReportPeriodError(f"月份超出范围：{text!r}")
    return ReportMonth(year, month)


def previous_month(today: date) -> ReportMonth:
    """The month before today's: the month usually being reported on."""
    if today.month == 1:
        return ReportMonth(today.year - 1, 12)
    return ReportMonth(today.year, today.month - 1)


ONE_DECIMAL = Decimal("0.1")


def _round(value: Decimal) -> Decimal:
    """One decimal, halves away from zero."""
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def growth_pct(current: int | Decimal | None, previous: int | Decimal | None) -> Decimal | None:
    """(current − previous) ÷ previous × 100, one decimal; None without a positive base."""
    if current is None or previous is None or previous <= 0:
        return None
    return _round((Decimal(current) - Decimal(previous)) * 100 / Decimal(previous))


def share_pct(part: int, whole: int) -> Decimal | None:
    """part ÷ whole × 100, one decimal; None when whole is zero."""
    if whole <= 0:
        return None
    return _round(Decimal(part) * 100 / Decimal(whole))


def point_change(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """The change of a share in percentage points, one decimal."""
    if current is None or previous is None:
        return None
    return _round(current - previous)


def mean_hours(seconds: int, count: int) -> Decimal | None:
    """seconds ÷ count ÷ 3600, one decimal; None without parcels."""
    if count <= 0:
        return None
    return _round(Decimal(seconds) / Decimal(count) / Decimal(3600))


def yuan_wan(fen: int) -> Decimal:
    """Fen as 万元 (10,000 CNY), two decimals."""
    return (Decimal(fen) / Decimal(1_000_000)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def yuan_yi(fen: int) -> Decimal:
    """Fen as 亿元 (100 million CNY), two decimals."""
    return (Decimal(fen) / Decimal(10_000_000_000)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
