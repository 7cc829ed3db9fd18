"""The joint-delivery tile sums the delivery app's monthly rows up to the as-of month."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.cockpit.savings import saving_tile

ROWS = [
    {
        "month": "2025-05",
        "county_code": "640521000000",
        "plans": 2,
        "joint": {"distance_m": 40_000, "cost_micro": 90_000_000},
        "alone": {"distance_m": 60_000, "cost_micro": 120_000_000},
    },
    {
        "month": "2025-06",
        "county_code": "640522000000",
        "plans": 1,
        "joint": {"distance_m": 10_000, "cost_micro": 30_000_000},
        "alone": {"distance_m": 20_000, "cost_micro": 40_000_000},
    },
    {
        "month": "2025-07",
        "county_code": "640521000000",
        "plans": 5,
        "joint": {"distance_m": 1, "cost_micro": 1},
        "alone": {"distance_m": 9, "cost_micro": 9},
    },
]


@pytest.fixture
def rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stand in for the delivery selector with fixed rows."""
    import youpin.delivery.selectors as delivery

    def fake(scope: Any, year: int) -> list[dict[str, Any]]:
        return [dict(r) for r in ROWS if r["month"].startswith(str(year))]

    monkeypatch.setattr(delivery, "savings_by_month", fake)


def test_saving_to_the_as_of_month_by_hand(rows: None) -> None:
    """May and June (not July): 50 km joint against 80 km alone, 37.5 %; cost 120 vs 160."""
    t = saving_tile(Scope(role=Role.OPERATOR), date(2025, 6, 30))
    assert t is not None
    assert (t.joint_km, t.alone_km) == (Decimal("50.0"), Decimal("80.0"))
    assert t.km_saving_pct == Decimal("37.5")
    assert (t.joint_cost, t.alone_cost) == (Decimal("120.00"), Decimal("160.00"))
    assert t.cost_saving_pct == Decimal("25.0")
    assert (t.months, t.plans) == (2, 3)


def test_saving_of_one_county_and_none_without_plans(rows: None) -> None:
    """A county keeps its own rows; a year without plans shows no tile."""
    t = saving_tile(Scope(role=Role.OPERATOR), date(2025, 6, 30), "640522")
    assert t is not None
    assert t.km_saving_pct == Decimal("50.0")
    assert saving_tile(Scope(role=Role.OPERATOR), date(2024, 6, 30)) is None
