"""Verification states and signals of hand-built worlds, exactly as a person counts them."""

from __future__ import annotations

import pytest

from youpin.trust.models import CaseStatus, OrderVerification, ReviewCase, ShopSignal, SignalRule
from youpin.trust.reasons import codes
from youpin.trust.services import verification_refresh
from youpin.trust.tests.worlds import NOW, TrustWorld, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(zhongwei: None) -> TrustWorld:
    """The hand-built world."""
    return build_world()


def states(world: TrustWorld) -> dict[str, tuple[str, set[str]]]:
    """Each named order's state and reason codes, as stored."""
    rows = {v.order_id: v for v in OrderVerification.objects.all()}
    found = {}
    for name, order in world.orders.items():
        v = rows.get(order.pk)
        if v is not None:
            found[name] = (v.state, set(codes(v.reasons)))
    return found


def test_every_order_gets_the_state_and_reasons_a_person_would_give(world: TrustWorld) -> None:
    verification_refresh(now=NOW)
    assert states(world) == world.expected


def test_unpaid_orders_get_no_row(world: TrustWorld) -> None:
    verification_refresh(now=NOW)
    assert not OrderVerification.objects.filter(order=world.orders["A8"]).exists()


def test_the_brushing_shop_is_queued_for_review_with_its_burst(world: TrustWorld) -> None:
    verification_refresh(now=NOW)
    signals = list(ShopSignal.objects.filter(rule="burst"))
    assert [
        (s.shop_id, s.evidence["worst_orders"], s.evidence["worst_buyers"]) for s in signals
    ] == [(world.shops["B"].pk, 6, 2)]
    first = int(world.orders["B1"].ordered_at.timestamp())
    last = int(world.orders["B6"].ordered_at.timestamp())
    # every window starting at B1..B4 holds at least 3 × its buyers; they merge into one span
    assert signals[0].start_ts == first
    assert signals[0].end_ts <= last + 3600
    case = ReviewCase.objects.get(shop=world.shops["B"])
    assert case.status == CaseStatus.OPEN
    assert list(case.events.values_list("action", flat=True)) == ["opened", "signals"]


def test_thresholds_are_data(world: TrustWorld) -> None:
    SignalRule.objects.filter(code="burst").update(params={"ratio": 4})
    SignalRule.objects.filter(code="never_moves").update(enabled=False)
    verification_refresh(now=NOW)
    got = states(world)
    assert got["B1"] == ("verified", set())
    assert got["B7"] == ("unverified", {"not_delivered"})
    assert not ShopSignal.objects.filter(rule="burst").exists()


def test_a_rerun_changes_nothing(world: TrustWorld) -> None:
    verification_refresh(now=NOW)
    before = list(OrderVerification.objects.order_by("pk").values_list("pk", "state", "reasons"))
    signals = list(ShopSignal.objects.values_list("pk", "rule", "start_ts", "end_ts"))
    verification_refresh(now=NOW)
    assert (
        list(OrderVerification.objects.order_by("pk").values_list("pk", "state", "reasons"))
        == before
    )
    assert list(ShopSignal.objects.values_list("pk", "rule", "start_ts", "end_ts")) == signals
    assert ReviewCase.objects.count() == 1
