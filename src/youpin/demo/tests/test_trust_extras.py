"""The demo's extras (demo/trust_extras.py): shop places, declared revenue, a brushing shop,
fee rules and the keeper's last week — each checked against a count made here by hand."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from youpin.catalog.models import Shop
from youpin.commerce.models import Order
from youpin.commerce.statistics import retail_sales
from youpin.core.periods import SHANGHAI
from youpin.demo.tests.test_demo_data import OPERATOR, demo  # noqa: F401  (module fixture)
from youpin.demo.trust_extras import (
    BRUSH_ORDERS,
    BRUSH_SHOP_ID,
    DEMO_NOTE,
    LAST_WEEK,
    PROVINCE,
)
from youpin.logistics.models import TrackingEvent, TrackingStatus
from youpin.stations.models import FeeRule, Station, Subsidy
from youpin.stations.settlement import settlement_statements
from youpin.trust.models import OrderVerification, ShopSignal
from youpin.trust.reasons import Reason
from youpin.trust.services import verification_refresh

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_three_bases_differ_by_the_shops_placed_outside() -> None:
    """Registered- and shipping-outside shops drop out of their basis, and only those."""
    shops = list(Shop.objects.filter(is_demo=True).exclude(platform_shop_id=BRUSH_SHOP_ID))
    ordered = sorted(shops, key=lambda s: s.pk)
    outside_registered = {s.pk for i, s in enumerate(ordered) if i % 20 == 7}
    outside_shipping = {s.pk for i, s in enumerate(ordered) if i % 20 == 13}
    assert {s.pk for s in shops if s.registered_place_id == PROVINCE} == outside_registered
    assert {s.pk for s in shops if s.shipping_origin_id == PROVINCE} == outside_shipping
    assert all(s.operating_place_id == s.merchant.place_id for s in shops)
    report = retail_sales(OPERATOR, year=2025, basis="operating", as_of=date(2026, 1, 31))
    assert report.attribution is not None
    bases = {row.key: row.current.net for row in report.attribution.bases}
    assert bases["operating"] == report.total.current.net
    differing = {d.shop_id for d in report.attribution.differences}
    assert differing <= outside_registered | outside_shipping
    # Hand count: the operating figure less each outside shop's counted 2025 net sales.
    for basis, outside in (("registered", outside_registered), ("shipping", outside_shipping)):
        lost = sum(
            (d.figures.net for d in report.attribution.differences if d.shop_id in outside),
            Decimal(0),
        )
        assert lost > 0
        assert bases[basis] == bases["operating"] - lost


def test_brushing_shop_is_flagged_by_verification() -> None:
    """24 orders from 3 buyers in 50 minutes, parcels stuck at pick-up: burst, never moves,
    far above the declared revenue; every one of its orders suspicious."""
    shop = Shop.objects.get(platform_shop_id=BRUSH_SHOP_ID)
    orders = Order.objects.filter(shop=shop)
    assert orders.count() == BRUSH_ORDERS
    assert orders.values("buyer_phone").distinct().count() == 3
    verification_refresh(now=datetime(2026, 1, 10, tzinfo=SHANGHAI))
    rules = set(ShopSignal.objects.filter(shop_id=shop.pk).values_list("rule", flat=True))
    assert {"burst", "above_declared"} <= rules
    states = OrderVerification.objects.filter(order__shop=shop)
    assert states.count() == BRUSH_ORDERS
    for row in states:
        assert row.state == "suspicious"
        assert row.reasons & int(Reason.SHOP_BURST)
        assert row.reasons & int(Reason.NEVER_MOVES)
    assert shop.declared_revenue == Decimal(100)
    declared = Shop.objects.filter(is_demo=True, declared_revenue__isnull=False)
    assert declared.count() > 1


def test_fee_rules_make_the_settlement_pay() -> None:
    """The demo's fee rules and subsidies are there once, and December's statements pay."""
    assert FeeRule.objects.filter(note=DEMO_NOTE).count() == 4
    assert Subsidy.objects.filter(note=DEMO_NOTE).count() == 2
    statements = settlement_statements(OPERATOR, month=date(2025, 12, 1))
    assert statements
    assert sum((s.fees_total for s in statements), Decimal(0)) > 0


def test_keeper_week_has_counter_events() -> None:
    """One check-in per carrier 'ready' and one pick-up per sign-off at the keeper's station."""
    keeper = Station.objects.get(code="T640502109")
    first = datetime.combine(LAST_WEEK[0], datetime.min.time(), tzinfo=SHANGHAI)
    last = datetime.combine(LAST_WEEK[1] + timedelta(days=1), datetime.min.time(), tzinfo=SHANGHAI)
    week = TrackingEvent.objects.filter(
        station=keeper, occurred_at__gte=first, occurred_at__lt=last
    )
    carrier = week.exclude(source="station")
    counter = week.filter(source="station")
    ready = carrier.filter(status=TrackingStatus.READY_FOR_PICKUP).count()
    signed = carrier.filter(status=TrackingStatus.DELIVERED).count()
    assert counter.filter(raw_code="station_checkin").count() == ready
    assert counter.filter(raw_code="station_pickup").count() == signed
    assert counter.count() == ready + signed
