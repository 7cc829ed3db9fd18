"""A target's yearly values between a plan's base year and target year (pure, no Django)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
COMPOUND = "compound"
LINEAR = "linear"
EACH_YEAR = "each_year"
TARGET_ONLY = "target_only"
EXPLICIT = "explicit"


@dataclass(frozen=True)
class Path:
    """What a yearly path is computed from."""

    base_year: int
    target_year: int
    target_value: Decimal
    trajectory: str
    base_value: Decimal | None = None
    annual_growth_pct: Decimal | None = None
    explicit: Mapping[int, Decimal] = field(default_factory=dict)


def _cents(value: Decimal) -> Decimal:
    """Rounded half up to two places."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def yearly_values(path: Path) -> dict[int, Decimal]:
    """The value each year should reach, base year (when known) to target year.

    * compound: from the base value at the annual growth rate; without a base value the
      path is anchored at the target (target ÷ (1 + g)^(years left)), so the base year's
      value is the one the plan's rate implies;
    * linear: evenly from the base value to the target;
    * each_year: the target value every year after the base year (e.g. classes a year);
    * target_only: only the target year;
    * explicit: the values given, year by year.
    """
    if path.target_year <= path.base_year:
        raise ValueError("目标年应晚于基期年")
    years = range(path.base_year, path.target_year + 1)
    kind = path.trajectory
    if kind == COMPOUND:
        if path.annual_growth_pct is None:
            raise ValueError("复合增长路径需要年均增长率")
        rate = 1 + path.annual_growth_pct / 100
        if rate <= 0:
            raise ValueError("年均增长率不能低于 -100%")
        if path.base_value is not None:
            base = path.base_value
            return {y: _cents(base * rate ** (y - path.base_year)) for y in years}
        return {y: _cents(path.target_value / rate ** (path.target_year - y)) for y in years}
    if kind == LINEAR:
        if path.base_value is None:
            raise ValueError("线性路径需要基期值")
        span = path.target_year - path.base_year
        step = (path.target_value - path.base_value) / span
        return {y: _cents(path.base_value + step * (y - path.base_year)) for y in years}
    if kind == EACH_YEAR:
        return {y: _cents(path.target_value) for y in years if y > path.base_year}
    if kind == TARGET_ONLY:
        return {path.target_year: _cents(path.target_value)}
    if kind == EXPLICIT:
        values = {y: _cents(v) for y, v in path.explicit.items()}
        values.setdefault(path.target_year, _cents(path.target_value))
        return dict(sorted(values.items()))
    raise ValueError(f"未知的路径类型：{kind!r}")


def attainment_pct(actual: Decimal | None, planned: Decimal | None) -> Decimal | None:
    """Actual as a percentage of the planned value (one place); None when either is missing."""
    if actual is None or planned is None or planned <= 0:
        return None
    return (actual * 100 / planned).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
