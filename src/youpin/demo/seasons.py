"""The demo's calendar: 2021–2025 by month, with growth, festivals and hours of the day. Pure."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

FIRST_DAY = date(2021, 1, 1)
LAST_DAY = date(2025, 12, 31)
UTC_OFFSET = 8 * 3600  # Asia/Shanghai, no daylight saving
SALES_GROWTH = 1.12  # net online sales, per year (plan target G1)
EXPRESS_GROWTH = 1.23  # parcels collected, per year (plan target G2)

# Spring Festival and Mid-Autumn days, which move shopping around them.
SPRING_FESTIVAL = {
    2021: date(2021, 2, 12),
    2022: date(2022, 2, 1),
    2023: date(2023, 1, 22),
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
}
MID_AUTUMN = {
    2021: date(2021, 9, 21),
    2022: date(2022, 9, 10),
    2023: date(2023, 9, 29),
    2024: date(2024, 9, 17),
    2025: date(2025, 10, 6),
}
# Orders by hour of the day: the evening peak after work.
HOUR_WEIGHTS = (
    3,
    1.5,
    0.8,
    0.4,
    0.3,
    0.4,
    1,
    2,
    3.5,
    4.5,
    5,
    5,
    5,
    4.5,
    4.5,
    4.5,
    4.5,
    4.5,
    5,
    6,
    7.5,
    8,
    7,
    5,
)
HOURS = tuple(range(24))
HOUR_CUM = tuple(accumulate(HOUR_WEIGHTS))


def local_midnight(day: date) -> int:
    """Epoch seconds of 00:00 in Zhongwei on that day."""
    return calendar.timegm(day.timetuple()) - UTC_OFFSET


END_TS = local_midnight(LAST_DAY + timedelta(days=1)) - 1  # 2025-12-31 23:59:59, the demo's "now"


def years_since_start(day: date) -> float:
    """Years from 2021-01-01 to a day, as a fraction."""
    return (day - FIRST_DAY).days / 365.25


def festival_factor(day: date) -> tuple[float, bool]:
    """How busy a day is against an ordinary one, and whether it is a shopping festival."""
    factor, festival = 1.0, False
    if day.month == 11 and day.day <= 11:  # Double 11
        factor, festival = (5.0 if day.day == 11 else 1.6), True
    elif day.month == 6 and day.day <= 18:  # 618
        factor, festival = (3.0 if day.day == 18 else 1.4), True
    elif day.month == 12 and day.day == 12:  # Double 12
        factor, festival = 1.8, True
    elif (day.month == 12 and day.day >= 28) or (day.month == 1 and day.day <= 2):  # New Year
        factor = 1.2
    to_spring = (day - SPRING_FESTIVAL[day.year]).days
    if -25 <= to_spring <= -8:  # 年货节: New Year goods
        factor, festival = factor * 1.5, True
    elif -7 <= to_spring <= 6:  # couriers go home
        factor *= 0.45
    if -12 <= (day - MID_AUTUMN[day.year]).days <= -1:  # Mid-Autumn gifts
        factor *= 1.25
    return factor, festival


@dataclass(frozen=True)
class Day:
    """One day: its date, local midnight, demand weight and festival flag."""

    day: date
    midnight: int
    weight: float
    festival: bool


@dataclass(frozen=True)
class Month:
    """One month of the dataset with its days and their cumulative weights."""

    index: int
    year: int
    month: int
    days: tuple[Day, ...]
    day_cum: tuple[float, ...]

    @property
    def demand(self) -> float:
        """The month's total order demand (growth × festivals), in day units."""
        return self.day_cum[-1]

    @property
    def middle(self) -> date:
        """The 15th of the month."""
        return date(self.year, self.month, 15)


def months() -> list[Month]:
    """The 60 months from January 2021 to December 2025."""
    result = []
    for index in range(60):
        year, month = 2021 + index // 12, index % 12 + 1
        days = []
        for n in range(calendar.monthrange(year, month)[1]):
            day = date(year, month, n + 1)
            factor, festival = festival_factor(day)
            weight = SALES_GROWTH ** years_since_start(day) * factor
            days.append(Day(day, local_midnight(day), weight, festival))
        result.append(
            Month(index, year, month, tuple(days), tuple(accumulate(d.weight for d in days)))
        )
    return result


def allocate(total: int, weights: list[float]) -> list[int]:
    """Split a whole number in proportion to weights (largest remainders), summing exactly to it."""
    whole = sum(weights)
    if total <= 0 or whole <= 0:
        return [0] * len(weights)
    exact = [total * w / whole for w in weights]
    counts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - exact[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts
