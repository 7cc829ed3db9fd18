"""The pure helpers behind the dashboards: year choice, growth, shares, phone tails."""

from __future__ import annotations

from decimal import Decimal

from youpin.portal.dashboards import growth_percent, phone_tail, pick_year, share_percent


def test_pick_year_keeps_a_plausible_request() -> None:
    """A requested year within range is shown as asked."""
    assert pick_year(2023, 2026, [2024, 2025]) == (2023, False)


def test_pick_year_ignores_implausible_requests() -> None:
    """A year far in the future or the past falls back to the default choice."""
    assert pick_year(3000, 2026, [2026]) == (2026, False)
    assert pick_year(1900, 2026, []) == (2026, False)


def test_pick_year_falls_back_to_latest_year_with_data() -> None:
    """Without data this year, the latest earlier year with data is shown and flagged."""
    assert pick_year(None, 2026, [2023, 2025]) == (2025, True)
    assert pick_year(None, 2026, [2025, 2026]) == (2026, False)
    assert pick_year(None, 2026, []) == (2026, False)
    assert pick_year(None, 2026, [2027]) == (2026, False)


def test_growth_percent() -> None:
    """Growth is one-decimal percent, and undefined without a previous value."""
    assert growth_percent(Decimal("112"), Decimal("100")) == Decimal("12.0")
    assert growth_percent(Decimal("50"), Decimal("200")) == Decimal("-75.0")
    assert growth_percent(Decimal("50"), Decimal("0")) is None


def test_share_percent() -> None:
    """A share is one-decimal percent, and undefined for an empty whole."""
    assert share_percent(1, 3) == Decimal("33.3")
    assert share_percent(0, 0) is None


def test_phone_tail() -> None:
    """Only the last four digits of a phone are kept; short numbers give nothing."""
    assert phone_tail("139-1234-5678") == "5678"
    assert phone_tail("12") == ""
