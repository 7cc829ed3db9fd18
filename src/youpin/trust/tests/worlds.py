"""Small worlds built by hand: an honest shop, a brushing shop, a shop registered elsewhere,
a service seller; each order's expected state and reasons are written beside it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from youpin.catalog.models import Category
from youpin.commerce.models import Order, OrderStatus
from youpin.geo.models import Level, Place
from youpin.logistics.models import Carrier
from youpin.testing.factories import (
    HAIYUAN,
    SHAPOTOU,
    ZHONGNING,
    CarrierFactory,
    MerchantFactory,
    OrderFactory,
    OrderLineFactory,
    ProductFactory,
    ShopFactory,
    StationFactory,
    parcel_with_events,
    place,
)

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 7, 1, 12, 0, tzinfo=SH)
YINCHUAN = "640100000000"


def sh(*args: int) -> datetime:
    """A Shanghai wall-clock time."""
    return datetime(*args, tzinfo=SH)


def yinchuan() -> Place:
    """银川市: a city outside Zhongwei (not in the loaded table, so added here)."""
    province = Place.objects.get(code="640000000000")
    found, _ = Place.objects.get_or_create(
        code=YINCHUAN, defaults={"name": "银川市", "level": Level.CITY, "parent": province}
    )
    return found


@dataclass
class TrustWorld:
    """The shops, the orders by name, and what each order's verification must be."""

    shops: dict[str, Any]
    orders: dict[str, Order] = field(default_factory=dict)
    expected: dict[str, tuple[str, set[str]]] = field(default_factory=dict)
    carrier: Carrier | None = None

    def order(self, name: str, shop: str, state: str, reasons: set[str], **kw: Any) -> Order:
        """Create an order of a shop and note its expected state and reasons."""
        shop_row = self.shops[shop]
        lines = kw.pop("lines", None)
        paid = Decimal(kw.pop("paid", "100.00"))
        kw.setdefault("paid_at", kw.get("ordered_at"))
        kw.setdefault("destination_text", f"宁夏中卫市中宁县测试路{len(self.orders) + 1}号")
        order: Order = OrderFactory(
            shop=shop_row,
            paid_amount=paid,
            goods_amount=paid,
            net_amount=paid,
            platform_order_id=f"T-{name}",
            buyer_phone=kw.pop("phone", f"1390000{len(self.orders):04d}"),
            **kw,
        )
        for i, (product, title) in enumerate(lines or [], start=1):
            OrderLineFactory(
                order=order, line_no=i, product=product, title=title, amount=paid, unit_price=paid
            )
        self.orders[name] = order
        if state:
            self.expected[name] = (state, reasons)
        return order

    def shipped(
        self,
        name: str,
        shop: str,
        state: str,
        reasons: set[str],
        *,
        paid_at: datetime,
        events: list[tuple[str, timedelta, str | None]],
        parcel: Any = None,
        **kw: Any,
    ) -> Order:
        """An order with a parcel whose events are offsets from the payment time."""
        if parcel is None:
            assert self.carrier is not None
            parcel = parcel_with_events(
                self.carrier, [(s, paid_at + dt, code) for s, dt, code in events]
            )
        kw.setdefault("destination_place", place(ZHONGNING))
        return self.order(
            name,
            shop,
            state,
            reasons,
            ordered_at=paid_at,
            paid_at=paid_at,
            carrier=parcel.carrier,
            waybill_no=parcel.waybill_no,
            parcel=parcel,
            **kw,
        )


H = timedelta(hours=1)
D = timedelta(days=1)
GOOD = [("picked_up", 5 * H, SHAPOTOU), ("in_transit", D, None), ("delivered", 2 * D, ZHONGNING)]


def build_world() -> TrustWorld:
    """Every shop and order of the tests (see the expected states beside each)."""
    carrier = CarrierFactory(code="yto", name="圆通速递")
    m_a = MerchantFactory(name="诚信枸杞", place=place(SHAPOTOU))
    m_b = MerchantFactory(name="刷单果园", place=place(ZHONGNING))
    m_c = MerchantFactory(name="外地注册在中卫经营", place=place(SHAPOTOU))
    m_c2 = MerchantFactory(name="中卫注册外地经营", place=place(SHAPOTOU))
    m_d = MerchantFactory(name="沙坡头旅游", place=place(SHAPOTOU))
    shops = {
        "A": ShopFactory(merchant=m_a, name="诚信店"),
        "B": ShopFactory(merchant=m_b, name="刷单店"),
        "C": ShopFactory(
            merchant=m_c,
            name="异地注册店",
            registered_place=yinchuan(),
            operating_place=place(SHAPOTOU),
            shipping_origin=place(ZHONGNING),
        ),
        "C2": ShopFactory(
            merchant=m_c2,
            name="异地经营店",
            registered_place=place(ZHONGNING),
            operating_place=yinchuan(),
            shipping_origin=yinchuan(),
        ),
        "D": ShopFactory(merchant=m_d, name="景区票务"),
    }
    w = TrustWorld(shops=shops, carrier=carrier)
    ticket = Category.objects.get_or_create(
        slug="scenic-ticket", defaults={"name": "沙坡头景区门票", "is_service": True}
    )[0]
    ticket_product = ProductFactory(merchant=m_d, category=ticket, name="沙坡头门票")

    # A: honest shop.
    for i in range(3):
        w.shipped(f"A{i + 1}", "A", "verified", set(), paid_at=sh(2025, 6, 10 + i, 10), events=GOOD)
    w.shipped(
        "A4",
        "A",
        "unverified",
        {"not_delivered"},
        paid_at=sh(2025, 6, 30, 10),
        events=[("picked_up", 5 * H, SHAPOTOU), ("in_transit", 20 * H, None)],
    )
    w.order(
        "A5",
        "A",
        "unverified",
        {"carrier_not_in_hub"},
        ordered_at=sh(2025, 6, 14, 9),
        waybill_no="ZZ0000001",
    )
    w.order(
        "A6",
        "A",
        "unverified",
        {"not_in_hub"},
        ordered_at=sh(2025, 6, 15, 9),
        waybill_no="YT0000000099",
        carrier=carrier,
    )
    w.order(
        "A7",
        "A",
        "unverified",
        {"store_pickup"},
        ordered_at=sh(2025, 6, 16, 9),
        pickup_station=StationFactory(),
    )
    w.order(
        "A8",
        "A",
        "",
        set(),
        ordered_at=sh(2025, 6, 17, 9),
        status=OrderStatus.PENDING_PAYMENT,
        paid_at=None,
    )
    w.shipped(
        "A9",
        "A",
        "verified",
        {"region_unchecked"},
        paid_at=sh(2025, 6, 18, 10),
        events=GOOD,
        destination_place=None,
    )

    # B: a brushing shop. Six orders in 25 minutes from two buyers (ratio 3), well delivered.
    for i in range(6):
        w.shipped(
            f"B{i + 1}",
            "B",
            "suspicious",
            {"shop_burst"},
            paid_at=sh(2025, 6, 20, 20, 5 * i),
            events=GOOD,
            phone=f"1370000000{i // 3}",
        )
    w.shipped(
        "B7",
        "B",
        "suspicious",
        {"never_moves", "not_delivered"},
        paid_at=sh(2025, 6, 1, 10),
        events=[("picked_up", 4 * H, ZHONGNING)],
    )
    w.shipped(
        "B8",
        "B",
        "suspicious",
        {"pickup_before_payment"},
        paid_at=sh(2025, 6, 5, 10),
        events=[
            ("picked_up", -2 * H, ZHONGNING),
            ("in_transit", D, None),
            ("delivered", 2 * D, ZHONGNING),
        ],
    )
    shared = parcel_with_events(carrier, [(s, sh(2025, 6, 8, 10) + dt, c) for s, dt, c in GOOD])
    w.shipped(
        "B9",
        "B",
        "suspicious",
        {"waybill_reused"},
        paid_at=sh(2025, 6, 8, 10),
        events=[],
        parcel=shared,
        phone="13600000009",
    )
    w.shipped(
        "B10",
        "B",
        "suspicious",
        {"waybill_reused"},
        paid_at=sh(2025, 6, 8, 11),
        events=[],
        parcel=shared,
        phone="13600000010",
    )
    w.shipped(
        "B11",
        "B",
        "suspicious",
        {"signed_outside_region"},
        paid_at=sh(2025, 6, 11, 10),
        events=[
            ("picked_up", 5 * H, ZHONGNING),
            ("in_transit", D, None),
            ("delivered", 2 * D, HAIYUAN),
        ],
    )
    merged = parcel_with_events(carrier, [(s, sh(2025, 6, 12, 10) + dt, c) for s, dt, c in GOOD])
    for name, minute in (("B12", 0), ("B13", 30)):
        w.shipped(
            name,
            "B",
            "verified",
            set(),
            paid_at=sh(2025, 6, 12, 9, minute),
            events=[],
            parcel=merged,
            phone="13600000012",
        )

    # C: registered in Yinchuan, operating in Zhongwei; C2 the other way round.
    for i in range(2):
        w.shipped(
            f"C{i + 1}",
            "C",
            "verified",
            set(),
            paid_at=sh(2025, 6, 2 + i, 10),
            events=GOOD,
            paid="150.00",
        )
    w.shipped("C21", "C2", "verified", set(), paid_at=sh(2025, 6, 4, 10), events=GOOD, paid="80.00")

    # D: a service seller. Tickets by category and by title need no parcel.
    w.order(
        "D1",
        "D",
        "unverified",
        {"service"},
        ordered_at=sh(2025, 6, 21, 9),
        lines=[(ticket_product, "沙坡头门票")],
        paid="120.00",
    )
    w.order(
        "D2",
        "D",
        "unverified",
        {"service"},
        ordered_at=sh(2025, 6, 22, 9),
        lines=[(None, "沙坡头景区门票 成人票")],
        paid="60.00",
    )
    w.order(
        "D3",
        "D",
        "unverified",
        {"no_waybill"},
        ordered_at=sh(2025, 6, 23, 9),
        lines=[(None, "枸杞原浆 30ml")],
        paid="30.00",
    )
    return w
