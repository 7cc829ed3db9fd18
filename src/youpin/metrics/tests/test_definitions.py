"""The pure parts of the definitions on DuckDB in memory: Shanghai calendar and the exact split."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import ibis
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from youpin.commerce.retail_formulas import split_cents
from youpin.metrics.definitions import (
    Params,
    days_from_civil,
    shanghai_midnight,
    shanghai_month,
    shanghai_year,
    split_over_lines,
)

PARAMS = Params("6405", 2023, 2026)
DUCK = ibis.duckdb.connect()  # one in-memory DuckDB for the module


def test_days_from_civil_counts_from_1970() -> None:
    """Day numbers of known dates, leap days included."""
    assert days_from_civil(1970, 1, 1) == 0
    assert days_from_civil(2000, 3, 1) == 11017
    for day in (datetime(2024, 2, 29), datetime(2025, 12, 31), datetime(2026, 1, 1)):
        assert days_from_civil(day.year, day.month, day.day) == (day - datetime(1970, 1, 1)).days


def test_shanghai_midnight_is_16_00_utc_the_day_before() -> None:
    """1 January 2025 00:00 +08:00 is 31 December 2024 16:00 UTC."""
    assert shanghai_midnight(2025) == int(datetime(2024, 12, 31, 16, tzinfo=UTC).timestamp())


def _bucket_of(seconds: list[int]) -> list[tuple[int, int]]:
    """Year and month of epoch seconds, computed by DuckDB through the definitions."""
    t = ibis.memtable({"s": seconds})
    expr = t.select(y=shanghai_year(t.s, PARAMS), m=shanghai_month(t.s, PARAMS))
    rows: list[dict[str, Any]] = DUCK.to_pyarrow(expr).to_pylist()
    return [(r["y"], r["m"]) for r in rows]


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=shanghai_midnight(2023), max_value=shanghai_midnight(2027) - 1))
def test_year_and_month_are_the_shanghai_calendars(seconds: int) -> None:
    """Any instant of 2023–2026 gets the year and month of its Shanghai wall-clock time."""
    wall = datetime.fromtimestamp(seconds, tz=UTC) + timedelta(hours=8)
    assert _bucket_of([seconds]) == [(wall.year, wall.month)]


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        (datetime(2024, 12, 31, 15, 59, 59, tzinfo=UTC), (2024, 12)),
        (datetime(2024, 12, 31, 16, 0, 0, tzinfo=UTC), (2025, 1)),
        (datetime(2025, 2, 28, 16, 0, 0, tzinfo=UTC), (2025, 3)),
    ],
)
def test_edges_of_months(utc: datetime, expected: tuple[int, int]) -> None:
    """The first second of a Shanghai month belongs to it; the one before does not."""
    assert _bucket_of([int(utc.timestamp())]) == [expected]


@settings(max_examples=40, deadline=None)
@given(
    paid=st.integers(min_value=0, max_value=10**9),
    weights=st.lists(st.integers(min_value=-500, max_value=10**6), min_size=1, max_size=6),
)
def test_the_split_equals_split_cents(paid: int, weights: list[int]) -> None:
    """The SQL split of line_parts gives each line what retail_formulas.split_cents gives."""
    lines = ibis.memtable(
        {
            "order_id": [1] * len(weights),
            "line_no": list(range(1, len(weights) + 1)),
            "weight": [max(0, w) for w in weights],
            "paid": [paid] * len(weights),
        }
    )
    got = DUCK.to_pyarrow(split_over_lines(lines, {"paid": "p"})).to_pylist()
    parts = [r["p"] for r in sorted(got, key=lambda r: r["line_no"])]
    assert parts == split_cents(paid, [max(0, w) for w in weights])
