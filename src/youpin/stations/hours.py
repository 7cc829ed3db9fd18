"""Opening hours written "HH:MM-HH:MM[,HH:MM-HH:MM]" and whether a station is open. Pure.

A day's hours are one or more ranges, start included and end excluded, in local time
(Asia/Shanghai); "24:00" ends a range at midnight. Ranges may not overlap or cross midnight:
a station open through the night writes "00:00-02:00,20:00-24:00".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from itertools import pairwise
from zoneinfo import ZoneInfo

from youpin.stations.vocabulary import RegistryError

_RANGE = re.compile(r"^(\d{1,2}):(\d{2})\s*[-–~至]\s*(\d{1,2}):(\d{2})$")
DAY_MINUTES = 24 * 60
LOCAL = ZoneInfo("Asia/Shanghai")


class HoursError(RegistryError):
    """Opening hours that cannot be read; the message shows the expected form."""


@dataclass(frozen=True)
class OpenRange:
    """Open from `start` (included) to `end` (excluded), in minutes after midnight."""

    start: int
    end: int

    def __str__(self) -> str:
        return f"{_clock(self.start)}-{_clock(self.end)}"


def _clock(minutes: int) -> str:
    """Minutes after midnight as HH:MM."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _minutes(hh: str, mm: str, text: str, *, is_end: bool) -> int:
    """HH and MM as minutes after midnight; 24:00 only as an end."""
    h, m = int(hh), int(mm)
    if m > 59 or h > 24 or (h == 24 and (m != 0 or not is_end)):
        raise HoursError(f"营业时间中的时刻无效：{text}（时 0–23，分 00–59，24:00 只能作结束）")
    return h * 60 + m


def hours_parse(text: str) -> tuple[OpenRange, ...]:
    """Read "08:00-12:00,14:00-20:00" into sorted ranges; a clear error otherwise."""
    cleaned = text.strip().replace("，", ",").replace("；", ",").replace(";", ",")
    if not cleaned:
        raise HoursError("请填写营业时间，格式如 08:00-20:00 或 08:00-12:00,14:00-20:00")
    ranges: list[OpenRange] = []
    for part in cleaned.split(","):
        piece = part.strip()
        match = _RANGE.match(piece)
        if match is None:
            raise HoursError(
                f"无法识别营业时间“{piece}”，格式应为 HH:MM-HH:MM，多段用逗号分隔，"
                "如 08:00-12:00,14:00-20:00"
            )
        start = _minutes(match[1], match[2], piece, is_end=False)
        end = _minutes(match[3], match[4], piece, is_end=True)
        if end <= start:
            raise HoursError(
                f"营业时间“{piece}”的结束不晚于开始；跨夜营业请分两段写，如 00:00-02:00,20:00-24:00"
            )
        ranges.append(OpenRange(start, end))
    ranges.sort(key=lambda r: r.start)
    for before, after in pairwise(ranges):
        if after.start < before.end:
            raise HoursError(f"营业时间的两段重叠：{before} 与 {after}")
    return tuple(ranges)


def hours_normalise(text: str) -> str:
    """The canonical spelling of valid hours: zero-padded, sorted, comma-separated."""
    return ",".join(str(r) for r in hours_parse(text))


def is_open(hours: str | tuple[OpenRange, ...], at: datetime | time) -> bool:
    """True when a station with these hours is open at a moment (aware: read in Asia/Shanghai)."""
    ranges = hours_parse(hours) if isinstance(hours, str) else hours
    if isinstance(at, datetime):
        moment = (at.astimezone(LOCAL) if at.tzinfo is not None else at).time()
    else:
        moment = at
    minute = moment.hour * 60 + moment.minute
    return any(r.start <= minute < r.end for r in ranges)
