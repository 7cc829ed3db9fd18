"""Review decisions, shared contacts, incremental refresh and per-role scoping."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.testing.factories import HAIYUAN, ShopFactory, place
from youpin.trust.models import CaseStatus, OrderVerification, ReviewCase, SignalRule
from youpin.trust.reasons import codes
from youpin.trust.selectors import data_quality, review_cases_visible
from youpin.trust.services import ReviewError, review_decide, verification_refresh
from youpin.trust.tests.test_verification import states
from youpin.trust.tests.worlds import GOOD, NOW, TrustWorld, build_world, sh

pytestmark = pytest.mark.django_db
OPERATOR = Scope(role=Role.OPERATOR)


@pytest.fixture
def world(zhongwei: None) -> TrustWorld:
    """The hand-built world, refreshed."""
    w = build_world()
    verification_refresh(now=NOW)
    return w


def _case(world: TrustWorld) -> ReviewCase:
    return ReviewCase.objects.get(shop=world.shops["B"], status=CaseStatus.OPEN)


def test_cleared_burst_orders_become_verified_and_stay_so(world: TrustWorld) -> None:
    case = review_decide(OPERATOR, case_id=_case(world).pk, decision="cleared", note="团购活动")
    assert states(world)["B1"] == ("verified", set())
    assert states(world)["B7"][0] == "suspicious"  # parcel evidence is not reviewed away
    verification_refresh(now=NOW)
    assert states(world)["B1"] == ("verified", set())
    assert not ReviewCase.objects.filter(status=CaseStatus.OPEN).exists()
    assert [e.action for e in case.events.all()] == ["opened", "signals", "cleared"]


def test_confirmed_brushing_is_marked_and_excluded(world: TrustWorld) -> None:
    review_decide(OPERATOR, case_id=_case(world).pk, decision="confirmed", note="电话核实")
    assert states(world)["B1"] == ("suspicious", {"shop_burst", "confirmed_brushing"})
    verification_refresh(now=NOW)
    assert states(world)["B6"] == ("suspicious", {"shop_burst", "confirmed_brushing"})
    assert states(world)["B12"] == ("verified", set())


def test_a_decision_needs_a_reason_and_is_taken_once(world: TrustWorld) -> None:
    case = _case(world)
    with pytest.raises(ReviewError):
        review_decide(OPERATOR, case_id=case.pk, decision="cleared", note=" ")
    with pytest.raises(ReviewError):
        review_decide(OPERATOR, case_id=case.pk, decision="maybe", note="x")
    review_decide(OPERATOR, case_id=case.pk, decision="cleared", note="ok")
    with pytest.raises(ReviewError):
        review_decide(OPERATOR, case_id=case.pk, decision="confirmed", note="again")


def test_review_queue_per_role(world: TrustWorld) -> None:
    zhongning = Scope(role=Role.OFFICIAL, region_prefix="640521", region_code="640521000000")
    haiyuan = Scope(role=Role.OFFICIAL, region_prefix="640522", region_code=HAIYUAN)
    assert review_cases_visible(zhongning).count() == 1  # the brushing shop's merchant is there
    assert review_cases_visible(haiyuan).count() == 0
    with pytest.raises(ReviewCase.DoesNotExist):
        review_decide(haiyuan, case_id=_case(world).pk, decision="cleared", note="x")
    for role in (Role.MERCHANT, Role.CONSUMER, Role.CARRIER, Role.STATION_KEEPER):
        with pytest.raises(PermissionDenied):
            review_cases_visible(Scope(role=role, merchant_id=1))


def test_data_quality_per_role(world: TrustWorld) -> None:
    everything = data_quality(OPERATOR)
    expected = world.expected
    assert everything.total.orders == len(expected)
    assert everything.total.verified == sum(1 for s, _ in expected.values() if s == "verified")
    assert everything.total.suspicious == sum(1 for s, _ in expected.values() if s == "suspicious")
    merchant = Scope(role=Role.MERCHANT, merchant_id=world.shops["A"].merchant_id)
    own = data_quality(merchant)
    assert own.total.orders == sum(1 for n in expected if n.startswith("A"))
    assert own.total.suspicious == 0
    with pytest.raises(PermissionDenied):
        data_quality(Scope(role=Role.CONSUMER, user_id=1))


def test_shared_contacts_across_shops(world: TrustWorld) -> None:
    SignalRule.objects.filter(code="shared_contact").update(
        params={"min_shops": 3, "min_orders": 3, "period_days": 30}
    )
    extra = [ShopFactory(merchant=world.shops["A"].merchant) for _ in range(3)]
    for i, shop in enumerate(extra):
        world.shops[f"X{i}"] = shop
        world.shipped(
            f"X{i}",
            f"X{i}",
            "",
            set(),
            paid_at=sh(2025, 6, 3 + i, 15),
            events=GOOD,
            phone="13500000000",
        )
    verification_refresh(now=NOW)
    got = states(world)
    assert [got[f"X{i}"] for i in range(3)] == [("suspicious", {"shared_contact"})] * 3
    assert got["A1"] == ("verified", set())


def test_incremental_refresh_equals_a_full_one(world: TrustWorld) -> None:
    since = timezone.now()
    later = NOW + timedelta(days=1)
    # a new day: three more orders of the brushing buyer pattern, and A4 gets delivered
    for i in range(3):
        world.shipped(
            f"N{i}",
            "B",
            "",
            set(),
            paid_at=sh(2025, 7, 1, 20, 10 * i),
            events=GOOD,
            phone="13700000009",
        )
    a4 = world.orders["A4"].parcel
    assert a4 is not None
    from youpin.testing.factories import TrackingEventFactory

    TrackingEventFactory(
        parcel=a4, status="delivered", occurred_at=sh(2025, 7, 1, 18), place=place("640521000000")
    )
    a4.delivered_at = sh(2025, 7, 1, 18)
    a4.status = "delivered"
    a4.save()
    result = verification_refresh(since, now=later)
    assert not result.full
    # the new orders, A4, and the orders of B from an hour before the new ones; not the rest
    assert 4 <= result.orders < OrderVerification.objects.count() // 2
    incremental = list(
        OrderVerification.objects.order_by("pk").values_list("pk", "state", "reasons")
    )
    verification_refresh(now=later)
    full = list(OrderVerification.objects.order_by("pk").values_list("pk", "state", "reasons"))
    assert incremental == full
    got = states(world)
    assert got["A4"] == ("verified", set())
    assert got["N0"][0] == "suspicious"
    assert "shop_burst" in got["N0"][1]
    assert set(codes(OrderVerification.objects.get(order=world.orders["A1"]).reasons)) == set()


def test_sales_far_above_declared_revenue(world: TrustWorld) -> None:
    shop = world.shops["A"]
    shop.declared_revenue, shop.declared_revenue_year = 200, 2025  # A sold 800.00 in 2025
    shop.save()
    verification_refresh(now=NOW)
    case = ReviewCase.objects.get(shop=shop, status=CaseStatus.OPEN)
    signal = case.signals.get()
    assert (signal.rule, signal.value, signal.evidence["paid"]) == ("above_declared", 4, "800.00")
    assert states(world)["A1"] == ("verified", set())  # a shop-level signal until confirmed
    review_decide(OPERATOR, case_id=case.pk, decision="confirmed", note="税务申报核对")
    assert states(world)["A1"] == ("suspicious", {"confirmed_brushing"})
    assert states(world)["A7"] == ("suspicious", {"store_pickup", "confirmed_brushing"})
    shop.declared_revenue = 300  # 800 is not above 3 × 300: no new signal, the decision stays
    shop.save()
    verification_refresh(now=NOW)
    assert ReviewCase.objects.filter(shop=shop).count() == 1
