"""A small world for the monthly report of June 2025, with every figure counted by hand.

Sellers: A in 沙坡头区, B in 中宁县 (both Zhongwei sellers), C in 沙坡头区 but registered
elsewhere (not counted). Orders (CNY): June 2025 — A 100 farm (carried by a real parcel,
so verified), A 30 service, B 250 farm with 50 refunded; March 2025 — A 80 other goods
(Pinduoduo); June 2024 — A 50 farm; February 2024 — B 40 farm; not counted — A 999 in July
2025, C 500 in June 2025, A 70 unpaid in June 2025.

Parcels: p1 (甲) collected 10 June 2025 in 沙坡头区, out of the city (outbound, e-waybill);
p2 (甲) 沙坡头区 → 中宁县, collected 5 June, delivered 7 June (intra, 48 h, no e-waybill);
p3 (乙) from outside → 中宁县, collected 14 June, ready at a station 16 June, delivered 17
June (inbound, 72 h, at a station); p4 (乙) collected 20 June 2024 in 沙坡头区 (outbound);
p5 (甲) collected 10 February 2025 in 中宁县 (outbound).

Stations: township stations opened 2024-01-01, 2025-03-01, 2025-08-01 and a closed one;
one village point in an administrative village of 沙坡头区.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from youpin.catalog.models import Platform
from youpin.commerce.models import OrderStatus
from youpin.facts.refresh import facts_rebuild, facts_refresh
from youpin.geo.models import Level, Place
from youpin.logistics.models import TrackingStatus
from youpin.stations.models import StationKind
from youpin.testing.factories import (
    SHANGHAI,
    SHAPOTOU,
    ZHONGNING,
    CarrierFactory,
    CategoryFactory,
    MerchantFactory,
    OrderFactory,
    OrderLineFactory,
    ProductFactory,
    ShopFactory,
    StationFactory,
    TrackingEventFactory,
    parcel_with_events,
    place,
)
from youpin.trust.services import verification_refresh


def sh(y: int, m: int, d: int, h: int = 10) -> datetime:
    """A Shanghai time."""
    return datetime(y, m, d, h, 0, tzinfo=SHANGHAI)


@dataclass
class World:
    """What the tests look up."""

    orders: dict[str, Any]
    parcels: dict[str, Any]
    village: Place


def _order(shop: Any, product: Any, at: datetime, paid: str, **extra: Any) -> Any:
    """An order with one line of the product."""
    amount = Decimal(paid)
    refunded = Decimal(extra.pop("refunded", "0"))
    order = OrderFactory(
        shop=shop,
        ordered_at=at,
        paid_at=at,
        goods_amount=amount,
        paid_amount=amount,
        refunded_amount=refunded,
        net_amount=amount - refunded,
        **extra,
    )
    OrderLineFactory(order=order, product=product, unit_price=amount, amount=amount, line_no=1)
    return order


def build_world() -> World:
    """Write the world and fill the facts and the verification."""
    farm = CategoryFactory(slug="r-farm", name="农产品", is_farm_product=True)
    goods = CategoryFactory(slug="r-goods", name="日用品", is_farm_product=False)
    service = CategoryFactory(slug="r-svc", name="门票", is_farm_product=False, is_service=True)
    a = MerchantFactory(name="商户A", place=place(SHAPOTOU))
    b = MerchantFactory(name="商户B", place=place(ZHONGNING))
    c = MerchantFactory(name="商户C", place=place(SHAPOTOU), registered_locally=False)
    a_tb = ShopFactory(merchant=a, platform=Platform.TAOBAO)
    a_pdd = ShopFactory(merchant=a, platform=Platform.PINDUODUO)
    b_dy = ShopFactory(merchant=b, platform=Platform.DOUYIN)
    c_tb = ShopFactory(merchant=c, platform=Platform.TAOBAO)
    a_farm = ProductFactory(merchant=a, category=farm)
    a_goods = ProductFactory(merchant=a, category=goods)
    a_service = ProductFactory(merchant=a, category=service)
    b_farm = ProductFactory(merchant=b, category=farm)
    c_farm = ProductFactory(merchant=c, category=farm)
    x = CarrierFactory(code="r-jia", name="甲快递")
    y = CarrierFactory(code="r-yi", name="乙快递")

    p1 = parcel_with_events(
        x,
        [
            (TrackingStatus.PICKED_UP, sh(2025, 6, 10, 18), SHAPOTOU),
            (TrackingStatus.IN_TRANSIT, sh(2025, 6, 11, 8), None),
            (TrackingStatus.DELIVERED, sh(2025, 6, 12, 18), None),
        ],
        sender_place=place(SHAPOTOU),
        recipient_place=None,
        e_waybill=True,
    )
    orders = {
        "a_june_farm": _order(
            a_tb, a_farm, sh(2025, 6, 10), "100.00", carrier=x, waybill_no=p1.waybill_no
        ),
        "a_june_service": _order(a_tb, a_service, sh(2025, 6, 12), "30.00"),
        "b_june_farm": _order(b_dy, b_farm, sh(2025, 6, 20), "250.00", refunded="50.00"),
        "a_march_goods": _order(a_pdd, a_goods, sh(2025, 3, 5), "80.00"),
        "a_june_2024": _order(a_tb, a_farm, sh(2024, 6, 15), "50.00"),
        "b_feb_2024": _order(b_dy, b_farm, sh(2024, 2, 1), "40.00"),
        "a_july": _order(a_tb, a_farm, sh(2025, 7, 2), "999.00"),
        "c_june": _order(c_tb, c_farm, sh(2025, 6, 11), "500.00"),
        "a_unpaid": _order(
            a_tb, a_farm, sh(2025, 6, 25), "70.00", status=OrderStatus.PENDING_PAYMENT
        ),
    }
    orders["a_unpaid"].paid_at = None
    orders["a_unpaid"].save()

    s1 = StationFactory(name="中卫市兴仁镇电商快递兴农超市", opened_on=date(2024, 1, 1))
    StationFactory(opened_on=date(2025, 3, 1))
    StationFactory(opened_on=date(2025, 8, 1))
    StationFactory(opened_on=date(2023, 1, 1), is_active=False)
    village = (
        Place.objects.filter(
            level=Level.VILLAGE, code__startswith="640502", name__endswith="村委会"
        )
        .order_by("code")
        .first()
    )
    assert village is not None
    StationFactory(kind=StationKind.VILLAGE, place=village, opened_on=date(2024, 5, 1))

    p2 = parcel_with_events(
        x,
        [
            (TrackingStatus.PICKED_UP, sh(2025, 6, 5, 9), SHAPOTOU),
            (TrackingStatus.DELIVERED, sh(2025, 6, 7, 9), ZHONGNING),
        ],
        sender_place=place(SHAPOTOU),
        recipient_place=place(ZHONGNING),
        e_waybill=False,
    )
    p3 = parcel_with_events(
        y,
        [
            (TrackingStatus.PICKED_UP, sh(2025, 6, 14, 10), None),
            (TrackingStatus.DELIVERED, sh(2025, 6, 17, 10), ZHONGNING),
        ],
        sender_place=None,
        recipient_place=place(ZHONGNING),
        e_waybill=True,
    )
    TrackingEventFactory(
        parcel=p3, status=TrackingStatus.READY_FOR_PICKUP, occurred_at=sh(2025, 6, 16), station=s1
    )
    p4 = parcel_with_events(
        y,
        [(TrackingStatus.PICKED_UP, sh(2024, 6, 20), SHAPOTOU)],
        sender_place=place(SHAPOTOU),
        recipient_place=None,
    )
    p5 = parcel_with_events(
        x,
        [(TrackingStatus.PICKED_UP, sh(2025, 2, 10), ZHONGNING)],
        sender_place=place(ZHONGNING),
        recipient_place=None,
    )
    facts_rebuild()
    verification_refresh(now=sh(2025, 7, 15))
    facts_refresh()  # the days whose orders changed verification state (the ledger)
    return World(orders, {"p1": p1, "p2": p2, "p3": p3, "p4": p4, "p5": p5}, village)
