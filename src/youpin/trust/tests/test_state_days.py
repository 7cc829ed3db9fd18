"""A change of verification state names the sale days it touches, and the sales facts follow.

The sales facts split each day's net by the orders' verification state (the cockpit and the
monthly report read that split), so every path that changes a state must say which days:
the refresh, an official's review decision. Checked against the hand-built trust world.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Sum

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.commerce.models import Order
from youpin.commerce.selectors import NOT_SOLD
from youpin.core.periods import SHANGHAI
from youpin.facts.models import ChangedDay, SalesFact, SalesPlaceFact
from youpin.facts.refresh import facts_rebuild, facts_refresh
from youpin.trust.models import OrderVerification, ReviewCase
from youpin.trust.services import review_decide, verification_refresh
from youpin.trust.tests.worlds import NOW, TrustWorld, build_world

pytestmark = pytest.mark.django_db

OPERATOR = Scope(role=Role.OPERATOR)


@pytest.fixture
def world(zhongwei: None) -> TrustWorld:
    """The hand-built world."""
    return build_world()


def sale_day(order: Order) -> date:
    """The Shanghai day the sales facts count an order on."""
    return (order.paid_at or order.ordered_at).astimezone(SHANGHAI).date()


def hand_split() -> dict[tuple[date, str], Decimal]:
    """Net sales per day and state (no row: "not_checked"), from the raw rows."""
    states = dict(OrderVerification.objects.values_list("order_id", "state"))
    out: dict[tuple[date, str], Decimal] = defaultdict(Decimal)
    for o in Order.objects.exclude(status__in=NOT_SOLD):
        out[(sale_day(o), states.get(o.pk, "not_checked"))] += o.paid_amount - o.refunded_amount
    return dict(out)


def facts_split() -> dict[tuple[date, str], Decimal]:
    """The same, from the sales facts (not checked = net − the three states)."""
    out: dict[tuple[date, str], Decimal] = {}
    rows = (
        SalesFact.objects.values("day")
        .annotate(
            n=Sum("net_fen"),
            v=Sum("verified_fen"),
            u=Sum("unverified_fen"),
            s=Sum("suspicious_fen"),
        )
        .order_by()
    )
    for r in rows:
        parts = {
            "verified": r["v"],
            "unverified": r["u"],
            "suspicious": r["s"],
            "not_checked": r["n"] - r["v"] - r["u"] - r["s"],
        }
        for state, fen in parts.items():
            if fen:
                out[(r["day"], state)] = Decimal(fen) / 100
    return out


def test_the_first_run_names_every_sale_day_and_a_rerun_none(world: TrustWorld) -> None:
    first = verification_refresh(now=NOW)
    sold = Order.objects.exclude(status__in=NOT_SOLD)
    assert first.changed_days == {sale_day(o) for o in sold}
    assert set(ChangedDay.objects.filter(table="sales").values_list("day", flat=True)) == (
        first.changed_days
    )
    assert verification_refresh(now=NOW).changed_days == set()


def test_the_sales_facts_split_net_sales_by_state_as_counted_by_hand(world: TrustWorld) -> None:
    facts_rebuild()
    assert facts_split() == {(d, s): v for (d, s), v in hand_split().items() if v}
    assert {s for _, s in facts_split()} == {"not_checked"}
    verification_refresh(now=NOW)
    facts_refresh()  # the days the run queued
    split = facts_split()
    assert split == {(d, s): v for (d, s), v in hand_split().items() if v}
    assert {"verified", "unverified", "suspicious"} <= {s for _, s in split}
    assert not ChangedDay.objects.exists()
    # the per-place summary carries the same split
    by_place = SalesPlaceFact.objects.aggregate(v=Sum("verified_fen"), o=Sum("verified_orders"))
    by_row = SalesFact.objects.aggregate(v=Sum("verified_fen"), o=Sum("verified_orders"))
    assert by_place == by_row
    verified = OrderVerification.objects.filter(state="verified").count()
    assert by_row["o"] == verified > 0


def test_a_review_decision_queues_the_days_of_the_orders_it_changes(world: TrustWorld) -> None:
    verification_refresh(now=NOW)
    facts_refresh()
    case = ReviewCase.objects.get()
    shop_orders = Order.objects.filter(shop_id=case.shop_id).exclude(status__in=NOT_SOLD)
    before = dict(
        OrderVerification.objects.filter(order__in=shop_orders).values_list("order_id", "state")
    )
    review_decide(OPERATOR, case_id=case.pk, decision="cleared", note="核实为真实团购订单", now=NOW)
    after = dict(
        OrderVerification.objects.filter(order__in=shop_orders).values_list("order_id", "state")
    )
    changed = {o for o in before if before[o] != after[o]}
    assert changed  # clearing the burst makes some of the shop's orders no longer suspicious
    expected = {sale_day(o) for o in shop_orders if o.pk in changed}
    queued = set(ChangedDay.objects.filter(table="sales").values_list("day", flat=True))
    assert queued == expected
    facts_refresh()
    assert facts_split() == {(d, s): v for (d, s), v in hand_split().items() if v}
