"""Calendar periods in Asia/Shanghai, as half-open ranges that use the time indexes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Max, Min, QuerySet

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Shanghai has kept UTC+8 without daylight saving since 1992: SQL that cannot use the zone's
# rules (SQLite's date(), day numbers from Unix seconds) adds this many seconds.
SHANGHAI_OFFSET_S = int(
    (datetime(2000, 1, 1, tzinfo=SHANGHAI).utcoffset() or timedelta()).total_seconds()
)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The first instant of a year and of the next one, in Shanghai time."""
    return datetime(year, 1, 1, tzinfo=SHANGHAI), datetime(year + 1, 1, 1, tzinfo=SHANGHAI)


def years_spanned(qs: QuerySet[Any], field: str) -> Iterator[int]:
    """Every calendar year (Shanghai) from the earliest to the latest value of a time field."""
    span = qs.aggregate(first=Min(field), last=Max(field))
    if span["first"] is None:
        return iter(())
    first = span["first"].astimezone(SHANGHAI).year
    last = span["last"].astimezone(SHANGHAI).year
    return iter(range(first, last + 1))
