"""A small world for the cockpit tests, and hand counts over the rows it made.

Two Zhongwei sellers (沙坡头区 on Taobao, 海原县 on Douyin) and one seller not counted
(registered elsewhere), orders in 2024 and 2025 around the as-of day 30 June 2025, parcels
collected by two carriers, township stations opened at known days, hand-entered values.
The hand counts below read the rows back with plain Python, never through the facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from youpin.catalog.models import Platform
from youpin.commerce.models import Order, OrderStatus
from youpin.logistics.models import Carrier, Parcel, TrackingStatus
from youpin.stations.models import StationKind
from youpin.testing.factories import (
    HAIYUAN,
    SHAPOTOU,
    XINGREN_TOWN,
    CarrierFactory,
    MerchantFactory,
    OrderFactory,
    ParcelFactory,
    ShopFactory,
    StationFactory,
    parcel_with_events,
    place,
)

SH = ZoneInfo("Asia/Shanghai")
AS_OF = date(2025, 6, 30)
HAIYUAN_TOWN = "640522100000"  # 海城镇, 海原县


def sh(*args: int) -> datetime:
    """A Shanghai wall-clock time."""
    return datetime(*args, tzinfo=SH)


@dataclass
class World:
    """What was made."""

    orders: list[Order] = field(default_factory=list)
    parcels: list[Parcel] = field(default_factory=list)
    carriers: dict[str, Carrier] = field(default_factory=dict)
    verified_order: Order | None = None


def build() -> World:
    """Make the world (see the module docstring)."""
    w = World()
    shop_a = ShopFactory(merchant=MerchantFactory(name="沙坡头枸杞", place=place(SHAPOTOU)))
    shop_b = ShopFactory(
        merchant=MerchantFactory(name="海原牛肉", place=place(HAIYUAN)), platform=Platform.DOUYIN
    )
    shop_c = ShopFactory(
        merchant=MerchantFactory(
            name="外地注册商户", place=place(SHAPOTOU), registered_locally=False
        )
    )
    zto = CarrierFactory(code="zto", name="中通快递")
    yto = CarrierFactory(code="yto", name="圆通速递")
    w.carriers = {"zto": zto, "yto": yto}

    def sale(
        shop: object, paid: datetime, amount: str, refunded: str = "0.00", **kw: object
    ) -> Order:
        """An order of the shop paid at a time, with its amounts."""
        order: Order = OrderFactory(
            shop=shop,
            ordered_at=paid - timedelta(minutes=5),
            paid_at=paid,
            paid_amount=Decimal(amount),
            goods_amount=Decimal(amount),
            net_amount=Decimal(amount) - Decimal(refunded),
            refunded_amount=Decimal(refunded),
            **kw,
        )
        w.orders.append(order)
        return order

    # 2024: before and after the comparison day (30 June 2024)
    sale(shop_a, sh(2024, 3, 10, 10), "100.00")
    sale(shop_a, sh(2024, 6, 20, 21), "200.00", "50.00")
    sale(shop_b, sh(2024, 5, 5, 9), "300.00")
    sale(shop_b, sh(2024, 7, 1, 0, 30), "400.00")  # 1 July: outside the same period
    sale(shop_a, sh(2024, 11, 11, 0, 1), "1000.00")
    # 2025
    sale(shop_a, sh(2025, 1, 1, 0, 10), "150.00")  # 31 Dec 16:10 UTC: still 2025 in Shanghai
    sale(shop_a, sh(2025, 2, 14, 12), "80.00")
    sale(shop_a, sh(2025, 6, 18, 20), "250.00", "25.50")
    sale(shop_b, sh(2025, 4, 1, 8), "500.00")
    sale(shop_b, sh(2025, 6, 30, 23, 50), "60.00")  # the as-of day itself
    sale(shop_b, sh(2025, 7, 1, 0, 5), "999.00")  # after the as-of day
    sale(shop_a, sh(2025, 3, 3, 3), "70.00", status=OrderStatus.PENDING_PAYMENT)  # not sold
    sale(shop_c, sh(2025, 3, 3, 3), "5000.00")  # not a Zhongwei seller

    # one order carried by a real parcel: picked up after payment, moved, delivered
    carried = sale(shop_a, sh(2025, 5, 20, 10), "120.00")
    parcel = parcel_with_events(
        zto,
        [
            (TrackingStatus.PICKED_UP, sh(2025, 5, 20, 15), SHAPOTOU),
            (TrackingStatus.IN_TRANSIT, sh(2025, 5, 21, 10), None),
            (TrackingStatus.DELIVERED, sh(2025, 5, 22, 10), HAIYUAN),
        ],
        sender_place=place(SHAPOTOU),
    )
    carried.parcel = parcel
    carried.carrier = zto
    carried.waybill_no = parcel.waybill_no
    carried.save()
    w.verified_order = carried
    w.parcels.append(parcel)

    # parcels collected (collection place = sender place), by day and carrier
    for carrier, at, code in (
        (zto, sh(2024, 4, 1, 9), SHAPOTOU),
        (yto, sh(2024, 4, 1, 10), SHAPOTOU),
        (zto, sh(2024, 9, 1, 9), SHAPOTOU),
        (zto, sh(2025, 3, 1, 9), SHAPOTOU),
        (yto, sh(2025, 3, 1, 9), HAIYUAN),
        (yto, sh(2025, 3, 2, 9), HAIYUAN),
        (zto, sh(2025, 6, 30, 22), SHAPOTOU),
        (zto, sh(2025, 7, 2, 9), SHAPOTOU),
    ):
        w.parcels.append(
            ParcelFactory(
                carrier=carrier,
                sender_place=place(code),
                collected_at=at,
                status=TrackingStatus.IN_TRANSIT,
            )
        )

    # township stations: opened 2024-05-01 and 2025-02-01 count; the others do not (yet)
    StationFactory(opened_on=date(2024, 5, 1))
    StationFactory(opened_on=date(2025, 2, 1), place=place(HAIYUAN_TOWN))
    StationFactory(opened_on=date(2025, 8, 1))
    StationFactory(opened_on=date(2023, 1, 1), is_active=False)
    StationFactory(opened_on=date(2023, 1, 1), kind=StationKind.VILLAGE, place=place(XINGREN_TOWN))
    return w


def sold_local(order: Order) -> bool:
    """An order the retail figure counts: sold, by a Zhongwei seller."""
    m = order.merchant
    return (
        order.status not in (OrderStatus.PENDING_PAYMENT, OrderStatus.CLOSED)
        and m.registered_locally
        and m.place_id.startswith("6405")
    )


def hand_net(w: World, first: date, last: date, *, county: str = "", platform: str = "") -> Decimal:
    """Net sales (paid − refunded) of Zhongwei sellers paid on Shanghai days first..last."""
    total = Decimal("0.00")
    for o in w.orders:
        o.refresh_from_db()
        day = (o.paid_at or o.ordered_at).astimezone(SH).date()
        if not (first <= day <= last and sold_local(o)):
            continue
        if county and not o.merchant.place_id.startswith(county):
            continue
        if platform and o.platform != platform:
            continue
        total += o.paid_amount - o.refunded_amount
    return total


def hand_collected(
    w: World, first: date, last: date, *, county: str = "", carrier: str = ""
) -> int:
    """Parcels collected on Shanghai days first..last (by sender place and carrier)."""
    n = 0
    for p in w.parcels:
        if p.collected_at is None:
            continue
        day = p.collected_at.astimezone(SH).date()
        if not first <= day <= last:
            continue
        if county and not (p.sender_place_id or "").startswith(county):
            continue
        if carrier and p.carrier.code != carrier:
            continue
        n += 1
    return n
