"""Yearly paths of targets (pure: no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from youpin.plans.trajectory import Path, attainment_pct, yearly_values


def test_compound_anchored_at_the_target_divides_back_year_by_year() -> None:
    """8 billion in 2025 at 12 %/year: 2024 is 8e9 / 1.12, 2020 is 8e9 / 1.12^5."""
    path = Path(2020, 2025, Decimal("8000000000"), "compound", annual_growth_pct=Decimal("12"))
    values = yearly_values(path)
    assert list(values) == [2020, 2021, 2022, 2023, 2024, 2025]
    assert values[2025] == Decimal("8000000000.00")
    assert values[2024] == Decimal("7142857142.86")  # 8e9 / 1.12 = 7,142,857,142.857…
    assert values[2020] == Decimal("4539414845.75")  # 8e9 / 1.12**5 = 8e9 / 1.7623416832
    for year in range(2021, 2026):
        ratio = values[year] / values[year - 1]
        assert abs(ratio - Decimal("1.12")) < Decimal("0.0000001")


def test_compound_from_a_base_value_grows_forward() -> None:
    """100 in 2020 at 10 %: 110, 121, 133.10 …"""
    path = Path(2020, 2023, Decimal("140"), "compound", Decimal("100"), Decimal("10"))
    assert yearly_values(path) == {
        2020: Decimal("100.00"),
        2021: Decimal("110.00"),
        2022: Decimal("121.00"),
        2023: Decimal("133.10"),
    }


def test_linear_each_year_target_only_and_explicit() -> None:
    """The other path kinds."""
    linear = Path(2020, 2025, Decimal("300"), "linear", base_value=Decimal("0"))
    assert yearly_values(linear)[2021] == Decimal("60.00")
    each = yearly_values(Path(2020, 2025, Decimal("10"), "each_year"))
    assert each == {y: Decimal("10.00") for y in range(2021, 2026)}
    assert yearly_values(Path(2020, 2025, Decimal("50"), "target_only")) == {2025: Decimal("50.00")}
    explicit = Path(2020, 2025, Decimal("200"), "explicit", explicit={2022: Decimal("80")})
    assert yearly_values(explicit) == {2022: Decimal("80.00"), 2025: Decimal("200.00")}


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (Path(2025, 2025, Decimal("1"), "target_only"), "目标年"),
        (Path(2020, 2025, Decimal("1"), "compound"), "增长率"),
        (Path(2020, 2025, Decimal("1"), "linear"), "基期值"),
        (Path(2020, 2025, Decimal("1"), "zigzag"), "未知"),
    ],
)
def test_bad_paths_are_refused_with_a_reason(path: Path, message: str) -> None:
    """Missing inputs name what is missing."""
    with pytest.raises(ValueError, match=message):
        yearly_values(path)


def test_attainment() -> None:
    """Actual over planned, one decimal; undefined without both."""
    assert attainment_pct(Decimal("45"), Decimal("60")) == Decimal("75.0")
    assert attainment_pct(None, Decimal("60")) is None
    assert attainment_pct(Decimal("1"), Decimal("0")) is None
