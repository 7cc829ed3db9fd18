"""Pure formulas of the retail statistic: exact splits, growth, shares, windows, allocation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from youpin.commerce.retail_formulas import (
    FARM,
    GOODS,
    SERVICES,
    UNCLASSIFIED,
    Window,
    allocate,
    category_classes,
    comparison_window,
    from_cents,
    growth_pct,
    report_window,
    share_pct,
    split_cents,
    split_proportionally,
    to_cents,
)

D = Decimal


def test_split_in_proportion_when_it_divides_evenly() -> None:
    """150 over lines of 100 and 50 is 100 and 50."""
    assert split_proportionally(D("150.00"), [D("100.00"), D("50.00")]) == [D("100.00"), D("50.00")]


def test_split_remainder_goes_to_the_largest_line() -> None:
    """100 over three lines: the largest (first of the equal) takes the fen left over."""
    assert split_proportionally(D("100.00"), [D("10"), D("10"), D("10")]) == [
        D("33.34"),
        D("33.33"),
        D("33.33"),
    ]
    assert split_proportionally(D("100.00"), [D("1"), D("5"), D("1")]) == [
        D("14.28"),
        D("71.44"),
        D("14.28"),
    ]


def test_split_with_zero_weights_is_equal() -> None:
    """Lines of amount zero share the order equally."""
    assert split_proportionally(D("0.10"), [D("0"), D("0"), D("0")]) == [
        D("0.04"),
        D("0.03"),
        D("0.03"),
    ]


def test_split_refuses_nonsense() -> None:
    """No lines, negative weights and amounts finer than a fen are errors."""
    with pytest.raises(ValueError, match="至少"):
        split_cents(100, [])
    with pytest.raises(ValueError, match="负"):
        split_cents(100, [1, -1])
    with pytest.raises(ValueError, match="精度"):
        to_cents(D("1.001"))


@given(
    total=st.integers(min_value=0, max_value=10**12),
    weights=st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=30),
)
def test_split_parts_sum_exactly_and_none_is_negative(total: int, weights: list[int]) -> None:
    """Property: the parts sum to the total, none is negative, each is within n fen of its share."""
    parts = split_cents(total, weights)
    assert sum(parts) == total
    assert all(p >= 0 for p in parts)
    assert len(parts) == len(weights)
    whole = sum(weights) or len(weights)
    used = weights if sum(weights) else [1] * len(weights)
    for part, w in zip(parts, used, strict=True):
        assert abs(part * whole - total * w) <= len(weights) * whole


@given(
    total=st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False),
    weights=st.lists(
        st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False),
        min_size=1,
        max_size=12,
    ),
)
def test_split_of_decimals_sums_exactly(total: Decimal, weights: list[Decimal]) -> None:
    """Property: in CNY too, the parts sum to the order and keep two places."""
    parts = split_proportionally(total, weights)
    assert sum(parts) == total
    assert all(p >= 0 and p == p.quantize(D("0.01")) for p in parts)


def test_cents_round_trip() -> None:
    """Fen and yuan convert both ways exactly."""
    assert to_cents(D("1234.50")) == 123450
    assert from_cents(123450) == D("1234.50")
    assert str(from_cents(-5)) == "-0.05"


def test_growth_and_share() -> None:
    """Growth is (this − last) / last in per cent; no base, no growth."""
    assert growth_pct(D("112.00"), D("100.00")) == D("12.00")
    assert growth_pct(D("50.00"), D("150.00")) == D("-66.67")
    assert growth_pct(D("50.00"), D("0.00")) is None
    assert growth_pct(D("50.00"), None) is None
    assert share_pct(D("1.00"), D("3.00")) == D("33.33")
    assert share_pct(D("1.00"), D("0.00")) is None


def test_whole_year_compares_with_the_whole_last_year() -> None:
    """A finished year is compared with all of the year before."""
    w = report_window(2025, None, today=date(2026, 3, 1))
    assert (w.first, w.last, w.partial) == (date(2025, 1, 1), date(2025, 12, 31), False)
    c = comparison_window(w, None)
    assert (c.first, c.last, c.partial) == (date(2024, 1, 1), date(2024, 12, 31), False)


def test_running_year_compares_the_same_days() -> None:
    """A year still running is cut at today and compared with the same days last year."""
    w = report_window(2025, None, today=date(2025, 6, 15))
    assert (w.first, w.last, w.partial) == (date(2025, 1, 1), date(2025, 6, 15), True)
    c = comparison_window(w, None)
    assert (c.first, c.last, c.partial) == (date(2024, 1, 1), date(2024, 6, 15), True)


def test_february_whole_and_leap_day() -> None:
    """February 2025 compares with all of February 2024 (29 days); 29 Feb 2028 cut maps to 28th."""
    c = comparison_window(report_window(2025, 2, today=date(2025, 3, 1)), 2)
    assert (c.first, c.last) == (date(2024, 2, 1), date(2024, 2, 29))
    c = comparison_window(report_window(2028, 2, today=date(2028, 2, 29)), 2)
    assert (c.first, c.last) == (date(2027, 2, 1), date(2027, 2, 28))


def test_future_period_is_empty() -> None:
    """A period that has not begun holds no day."""
    w = report_window(2030, None, today=date(2025, 6, 15))
    assert w.is_empty
    assert w.partial
    assert comparison_window(w, None).is_empty


def test_allocate_counts_each_order_once_per_category_and_class() -> None:
    """Two goji lines and a ticket line: goji and farm count the order once, services once."""
    classes = {1: category_classes(True, False), 2: category_classes(False, True)}
    rows = [(7, 100, 1, 300, 30), (7, 100, 1, 300, 30), (7, 100, 2, 300, 30), (8, 50, None, 50, 0)]
    result = allocate(rows, classes)
    assert (result.by_category[1].orders, result.by_category[1].gross) == (1, 200)
    assert (result.by_category[2].gross, result.by_category[2].refunded) == (100, 10)
    assert result.by_class[GOODS].orders == result.by_class[FARM].orders == 1
    assert result.by_class[SERVICES].net == 90
    assert (result.by_class[UNCLASSIFIED].orders, result.by_class[UNCLASSIFIED].gross) == (1, 50)


def test_window_end_is_exclusive() -> None:
    """A window's end is the day after its last."""
    assert Window(date(2025, 1, 1), date(2025, 12, 31)).end == date(2026, 1, 1)
