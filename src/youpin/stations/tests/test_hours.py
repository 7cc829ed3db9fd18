"""Opening hours: the parser, its errors, and `is_open` (pure, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from youpin.stations.hours import HoursError, OpenRange, hours_normalise, hours_parse, is_open


def test_one_and_two_ranges_are_read_sorted() -> None:
    """Ranges come back in minutes, sorted by start, whatever order they were written in."""
    assert hours_parse("8:00-20:00") == (OpenRange(480, 1200),)
    assert hours_parse("14:00-20:00, 08:30-12:00") == (OpenRange(510, 720), OpenRange(840, 1200))
    assert hours_normalise("14:00-20:00，8:30-12:00") == "08:30-12:00,14:00-20:00"


def test_a_locker_open_all_day_ends_at_24() -> None:
    """00:00-24:00 is open at every minute, midnight included."""
    for moment in (time(0, 0), time(12, 0), time(23, 59)):
        assert is_open("00:00-24:00", moment)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (time(7, 59), False),
        (time(8, 0), True),  # start included
        (time(11, 59), True),
        (time(12, 0), False),  # end excluded: the lunch break
        (time(13, 30), False),
        (time(14, 0), True),
        (time(19, 59), True),
        (time(20, 0), False),
    ],
)
def test_is_open_at_the_edges_of_two_ranges(at: time, expected: bool) -> None:
    """A station with a lunch break is closed at 12:00 and open again at 14:00."""
    assert is_open("08:00-12:00,14:00-20:00", at) is expected


def test_an_aware_time_is_read_in_zhongwei() -> None:
    """02:30 UTC is 10:30 in Zhongwei: open; 13:00 UTC is 21:00: closed."""
    assert is_open("08:00-20:00", datetime(2025, 6, 1, 2, 30, tzinfo=UTC))
    assert not is_open("08:00-20:00", datetime(2025, 6, 1, 13, 0, tzinfo=UTC))
    assert is_open(hours_parse("08:00-20:00"), datetime(2025, 6, 1, 10, 30))  # naive = local


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "请填写营业时间"),
        ("全天", "无法识别"),
        ("8点-20点", "无法识别"),
        ("08:00-25:00", "时刻无效"),
        ("24:00-24:00", "时刻无效"),
        ("08:60-20:00", "时刻无效"),
        ("20:00-08:00", "跨夜营业请分两段写"),
        ("08:00-12:00,11:00-14:00", "重叠"),
    ],
)
def test_bad_hours_say_what_is_wrong(text: str, words: str) -> None:
    """Every unreadable form is refused with a message naming the problem."""
    with pytest.raises(HoursError, match=words):
        hours_parse(text)
