"""Days and day ranges for the refresh (pure, no Django)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta

DayRange = tuple[date, date]  # first and last day, both included


def day_ranges(days: Iterable[date]) -> list[DayRange]:
    """Distinct days sorted and joined into runs of consecutive days."""
    out: list[DayRange] = []
    for day in sorted(set(days)):
        if out and day == out[-1][1] + timedelta(days=1):
            out[-1] = (out[-1][0], day)
        else:
            out.append((day, day))
    return out


def chunks(ranges: list[DayRange], size: int) -> Iterator[list[DayRange]]:
    """The ranges in groups of at most `size` (one statement per group)."""
    for i in range(0, len(ranges), size):
        yield ranges[i : i + size]


def count_days(ranges: Iterable[DayRange]) -> int:
    """How many days the ranges cover."""
    return sum((last - first).days + 1 for first, last in ranges)


def parse_day(text: str) -> date:
    """A day written YYYY-MM-DD, or a ValueError saying what was expected."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"日期格式应为 YYYY-MM-DD：{text!r}") from None
