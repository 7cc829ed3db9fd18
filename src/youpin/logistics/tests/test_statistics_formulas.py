"""The pure rules of the express statistic: periods, buckets, direction, growth and shares."""

from __future__ import annotations

from datetime import date

import pytest

from youpin.logistics.statistics_formulas import (
    DIMENSIONS,
    Direction,
    Measures,
    code_prefix,
    collected_inside,
    county_of,
    day_starts,
    delivered_inside,
    direction_of,
    growth_percent,
    median_slice,
    month_starts,
    parse_dimensions,
    period_bounds,
    same_day_last_year,
    share_percent,
    sum_measures,
    township_of,
)


def test_parse_dimensions_accepts_commas_repeats_and_none() -> None:
    """Names may be comma-separated or repeated; order follows DIMENSIONS; 'none' means none."""
    assert parse_dimensions(["carrier,county", "county", " Month "]) == (
        "month",
        "county",
        "carrier",
    )
    assert parse_dimensions(["none"]) == ()
    assert parse_dimensions(DIMENSIONS) == DIMENSIONS
    with pytest.raises(ValueError, match="weekday"):
        parse_dimensions(["weekday"])


def test_periods_are_shanghai_calendar_periods() -> None:
    """A year and a month start at local midnight; December ends at the next 1 January."""
    start, end = period_bounds(2025)
    assert start.isoformat() == "2025-01-01T00:00:00+08:00"
    assert end.isoformat() == "2026-01-01T00:00:00+08:00"
    start, end = period_bounds(2025, 12)
    assert (start.month, end.year, end.month) == (12, 2026, 1)
    assert len(month_starts(2025)) == 13
    assert month_starts(2025, 3) == list(period_bounds(2025, 3))
    assert len(day_starts(2024)) == 367  # leap year: 366 days and the end
    assert len(day_starts(2025, 2)) == 29


def test_same_day_last_year_skips_the_leap_day() -> None:
    """29 February has no counterpart the year before."""
    assert same_day_last_year(date(2025, 3, 1)) == date(2024, 3, 1)
    assert same_day_last_year(date(2024, 2, 29)) is None


def test_direction_rules() -> None:
    """Collected inside and delivered inside is intra; one side only is out- or inbound."""
    scans = [("picked_up", "640522101208", None), ("delivered", None, "640502109000")]
    assert collected_inside("6405", None, scans)
    assert not collected_inside("6405", "110101000000", scans)  # sender place wins
    assert delivered_inside("6405", None, scans)  # delivered at a station inside
    assert not delivered_inside("6405", None, [("in_transit", "640500000000", None)])
    assert direction_of(True, True) == Direction.INTRA
    assert direction_of(True, False) == Direction.OUTBOUND
    assert direction_of(False, True) == Direction.INBOUND
    assert direction_of(False, False) is None


def test_codes_roll_up_to_county_and_township() -> None:
    """Villages roll up to their township and county; county-level places have no township."""
    assert county_of("640502109200") == "640502000000"
    assert township_of("640502109200") == "640502109000"
    assert township_of("640502000000") is None
    assert county_of("640500000000") is None
    assert code_prefix("640500000000") == "6405"
    assert code_prefix("640522000000") == "640522"
    assert code_prefix("640502109000") == "640502109"


def test_growth_shares_and_median_positions() -> None:
    """Percentages have one decimal and are None without a base; the median slice is central."""
    assert growth_percent(123, 100) == 23.0
    assert growth_percent(5, 0) is None
    assert growth_percent(5, None) is None
    assert share_percent(1, 3) == 33.3
    assert share_percent(0, 0) is None
    assert median_slice(5) == (2, 1)
    assert median_slice(4) == (1, 2)


def test_measures_add_up() -> None:
    """Cells add field by field; derived shares come from the sums."""
    a = Measures(collected=2, collected_e_waybill=1, collected_timed=2, collected_hours=10.0)
    b = Measures(collected=2, collected_e_waybill=2, delivered=4, delivered_at_station=1)
    total = sum_measures([a, b])
    assert total.collected == 4
    assert total.e_waybill_share == 75.0
    assert total.station_share == 25.0
    assert total.collected_mean_hours == 5.0
    assert total.delivered_mean_hours is None
