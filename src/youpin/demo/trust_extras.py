"""What the demo adds for the trusted statistics, the settlement and the station counter.

Written once per load, after the traffic (all synthetic, deterministic for a seed):

* **shop places** — every demo shop gets its merchant's place as registered address,
  operating location and shipping origin; a few are registered outside Zhongwei (the
  province code: an agency in the regional capital) and a few ship from a warehouse outside
  it, so the three bases of the retail figure differ (docs/TRUST.md);
* **declared revenue** for some shops (their 2025 paid sales, rounded up);
* **a brushing shop** — one merchant whose 24 orders of one evening come from 3 buyers, each
  with a waybill that was picked up and never moved again, and whose declared revenue is
  far below its sales: `trust refresh` raises its burst, never-moves and above-declared
  signals for review;
* **fee rules and subsidies** for the stations (the settlement shows money);
* **the keeper's last week** — counter check-ins and pick-ups (events with source
  "station") at the demo keeper's station for the parcels delivered there in the demo's
  last seven days.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_UP, Decimal

from django.db.models import OuterRef, Subquery, Sum

from youpin.catalog.models import Category, Merchant, Product, Shop
from youpin.commerce.models import Order, OrderLine
from youpin.core.periods import SHANGHAI
from youpin.demo.identifiers import WaybillMaker, credit_code, person_name, phone
from youpin.logistics.models import Carrier, Parcel, TrackingEvent, TrackingStatus
from youpin.stations.models import FeeRule, SettlementService, Station, Subsidy

PROVINCE = "640000000000"  # registered / shipping "outside Zhongwei": the regional level
HAIYUAN = "640522000000"
DEMO_NOTE = "演示费率（合成数据）"
BRUSH_SHOP_ID = "990000001"
BRUSH_ORDERS = 24
BRUSH_BUYERS = 3
BRUSH_START = datetime(2025, 12, 20, 21, 0, tzinfo=SHANGHAI)
BRUSH_PRICE = Decimal("39.90")
BRUSH_CARRIER = "yunda"
DECLARED_YEAR = 2025
LAST_WEEK = (date(2025, 12, 25), date(2025, 12, 31))
CHECKIN_CODE, PICKUP_CODE, STATION_SOURCE = "station_checkin", "station_pickup", "station"


@dataclass(frozen=True)
class ExtrasSummary:
    """What the extras wrote (for the load's summary)."""

    shops_registered_outside: int
    shops_shipping_outside: int
    shops_declared: int
    brushing_orders: int
    fee_rules: int
    subsidies: int
    keeper_events: int


def demo_extras_write(*, seed: int, keeper: Station | None) -> ExtrasSummary:
    """Write the extras (the demo load calls this once, after the traffic, in its transaction)."""
    rng = random.Random(f"trust-extras:{seed}")
    outside, shipping = shop_places_write()
    brushing = brushing_shop_write(rng)
    declared = declared_revenue_write(brushing)
    rules, subsidies = fee_rules_write()
    events = keeper_week_write(keeper) if keeper is not None else 0
    return ExtrasSummary(outside, shipping, declared, BRUSH_ORDERS, rules, subsidies, events)


def shop_places_write() -> tuple[int, int]:
    """Give demo shops their three places; a few registered, a few shipping, outside."""
    place = Subquery(Merchant.objects.filter(pk=OuterRef("merchant_id")).values("place_id")[:1])
    shops = Shop.objects.filter(is_demo=True)
    shops.update(registered_place=place, operating_place=place, shipping_origin=place)
    ids = list(shops.order_by("pk").values_list("pk", flat=True))
    registered = [pk for i, pk in enumerate(ids) if i % 20 == 7]
    shipping = [pk for i, pk in enumerate(ids) if i % 20 == 13]
    Shop.objects.filter(pk__in=registered).update(registered_place_id=PROVINCE)
    Shop.objects.filter(pk__in=shipping).update(shipping_origin_id=PROVINCE)
    return len(registered), len(shipping)


def declared_revenue_write(brushing: Shop) -> int:
    """Declared 2025 revenue: every 15th shop its paid sales rounded up to 1,000 CNY."""
    ids = list(Shop.objects.filter(is_demo=True).order_by("pk").values_list("pk", flat=True))
    chosen = [pk for i, pk in enumerate(ids) if i % 15 == 4 and pk != brushing.pk]
    start = datetime(DECLARED_YEAR, 1, 1, tzinfo=SHANGHAI)
    paid = dict(
        Order.objects.filter(shop_id__in=chosen, paid_at__gte=start, paid_at__lt=start.replace(
            year=DECLARED_YEAR + 1))
        .exclude(status__in=("pending_payment", "closed"))
        .values_list("shop_id")
        .annotate(total=Sum("paid_amount"))
    )  # fmt: skip
    for pk in chosen:
        amount = Decimal(paid.get(pk) or 0)
        rounded = (amount / 1000).to_integral_value(rounding=ROUND_UP) * 1000
        Shop.objects.filter(pk=pk).update(
            declared_revenue=max(rounded, Decimal(1000)), declared_revenue_year=DECLARED_YEAR
        )
    # The brushing shop declares 100 CNY: its 957.60 CNY of orders are far above it.
    Shop.objects.filter(pk=brushing.pk).update(
        declared_revenue=Decimal(100), declared_revenue_year=DECLARED_YEAR
    )
    return len(chosen) + 1


def brushing_shop_write(rng: random.Random) -> Shop:
    """One merchant, one Pinduoduo shop, 24 orders from 3 buyers in 50 minutes, parcels stuck."""
    anchor = Merchant.objects.filter(is_demo=True, registered_locally=True).order_by("pk").first()
    place = anchor.place_id if anchor is not None else "640502000000"
    merchant = Merchant.objects.create(
        name="沙坡头鲜果速发店（演示·刷单样例）",
        kind="shop",
        credit_code=credit_code(rng, place, "92"),
        place_id=place,
        registered_locally=True,
        contact_name=person_name(rng),
        contact_phone=phone(rng),
        is_demo=True,
    )
    shop = Shop.objects.create(
        merchant=merchant,
        platform="pinduoduo",
        platform_shop_id=BRUSH_SHOP_ID,
        name="沙坡头鲜果速发店",
        registered_place_id=place,
        operating_place_id=place,
        shipping_origin_id=place,
        is_demo=True,
    )
    product = Product.objects.create(
        merchant=merchant,
        category_id=_farm_category(),
        name="中卫硒砂瓜 5斤装",
        sku="BR-XSG-5",
        unit_price=BRUSH_PRICE,
        weight_g=2600,
        origin_id=place,
        is_demo=True,
    )
    carrier = Carrier.objects.get(code=BRUSH_CARRIER)
    waybills = _fresh_waybills(rng, carrier, BRUSH_ORDERS)
    buyers = [(person_name(rng), phone(rng)) for _ in range(BRUSH_BUYERS)]
    villages = list(
        Station.objects.filter(is_demo=True).order_by("pk").values_list("place_id", flat=True)[:3]
    )
    for n in range(BRUSH_ORDERS):
        ordered = BRUSH_START + timedelta(minutes=2 * n, seconds=n * 7 % 50)
        collected = ordered + timedelta(hours=3)
        name, number = buyers[n % BRUSH_BUYERS]
        destination = villages[n % BRUSH_BUYERS] if villages else place
        parcel = Parcel.objects.create(
            carrier=carrier,
            waybill_no=waybills[n],
            status=TrackingStatus.PICKED_UP,
            weight_g=2600,
            sender_place_id=place,
            recipient_place_id=destination,
            recipient_name=name,
            recipient_phone=number,
            collected_at=collected,
            last_event_at=collected,
            is_demo=True,
        )
        TrackingEvent.objects.create(
            parcel=parcel,
            occurred_at=collected,
            status=TrackingStatus.PICKED_UP,
            raw_code="揽收",
            raw_text="【中卫市】快递员已揽收",
            place_id=place,
            source="demo",
        )
        order = Order.objects.create(
            platform="pinduoduo",
            platform_order_id=f"251220-{rng.randrange(10**14, 10**15)}",
            shop=shop,
            merchant=merchant,
            status="shipped",
            goods_amount=BRUSH_PRICE,
            paid_amount=BRUSH_PRICE,
            net_amount=BRUSH_PRICE,
            ordered_at=ordered,
            paid_at=ordered + timedelta(seconds=20),
            shipped_at=collected,
            destination_text=f"宁夏回族自治区中卫市（合成地址）{n % BRUSH_BUYERS + 1}号",
            destination_place_id=destination,
            buyer_name=name,
            buyer_phone=number,
            carrier=carrier,
            waybill_no=parcel.waybill_no,
            parcel=parcel,
            is_demo=True,
        )
        OrderLine.objects.create(
            order=order,
            line_no=1,
            product=product,
            title=product.name,
            sku=product.sku,
            quantity=1,
            unit_price=BRUSH_PRICE,
            amount=BRUSH_PRICE,
        )
    return shop


def _farm_category() -> int:
    """A farm-produce category of the reference catalogue (the first by id)."""
    found = Category.objects.filter(is_farm_product=True).order_by("pk").first()
    if found is None:
        found = Category.objects.order_by("pk").first()
    assert found is not None, "the reference categories are synced before the extras"
    return int(found.pk)


def _fresh_waybills(rng: random.Random, carrier: Carrier, count: int) -> list[str]:
    """Waybill numbers in the carrier's shape that no demo parcel uses yet."""
    maker = WaybillMaker(rng)
    found: list[str] = []
    while len(found) < count:
        candidates = [maker(carrier.code) for _ in range(count * 2)]
        taken = set(
            Parcel.objects.filter(carrier=carrier, waybill_no__in=candidates).values_list(
                "waybill_no", flat=True
            )
        )
        found += [c for c in candidates if c not in taken and c not in found]
    return found[:count]


def demo_extras_delete() -> None:
    """Delete the demo fee rules and the review cases and signals of demo shops."""
    from youpin.trust.models import ReviewCase, ShopSignal

    FeeRule.objects.filter(note=DEMO_NOTE).delete()
    Subsidy.objects.filter(note=DEMO_NOTE).delete()
    ShopSignal.objects.filter(shop__is_demo=True).delete()
    ReviewCase.objects.filter(shop__is_demo=True).delete()


def fee_rules_write() -> tuple[int, int]:
    """Synthetic per-piece fees and subsidies (replacing the previous demo ones)."""
    FeeRule.objects.filter(note=DEMO_NOTE).delete()
    Subsidy.objects.filter(note=DEMO_NOTE).delete()
    start = date(2021, 1, 1)
    fees = [
        (SettlementService.PICKUP, 0, 3000, "0.50"),
        (SettlementService.PICKUP, 3000, None, "1.00"),
        (SettlementService.DOOR, 0, None, "1.50"),
        (SettlementService.SEND, 0, None, "1.00"),
    ]
    FeeRule.objects.bulk_create(
        FeeRule(
            service=service,
            weight_min_g=low,
            weight_max_g=high,
            fee=Decimal(fee),
            valid_from=start,
            note=DEMO_NOTE,
        )
        for service, low, high, fee in fees
    )
    Subsidy.objects.bulk_create(
        [
            Subsidy(
                service=SettlementService.PICKUP,
                county_id=HAIYUAN,
                amount=Decimal("0.20"),
                valid_from=start,
                note=DEMO_NOTE,
            ),
            Subsidy(
                service=SettlementService.SEND,
                amount=Decimal("0.30"),
                valid_from=start,
                note=DEMO_NOTE,
            ),
        ]
    )
    return len(fees), 2


def keeper_week_write(keeper: Station) -> int:
    """Counter check-ins and pick-ups at the keeper's station for its parcels of the last week.

    Each parcel the carrier made ready at the station that week gets a check-in a minute
    before; each one signed for there gets a pick-up 30 seconds before the carrier's
    sign-off, so the parcel's last event (and status) stays the carrier's.
    """
    first = datetime.combine(LAST_WEEK[0], datetime.min.time(), tzinfo=SHANGHAI)
    last = datetime.combine(LAST_WEEK[1] + timedelta(days=1), datetime.min.time(), tzinfo=SHANGHAI)
    at_station = TrackingEvent.objects.filter(
        station=keeper, occurred_at__gte=first, occurred_at__lt=last, parcel__is_demo=True
    ).exclude(source=STATION_SOURCE)
    new: list[TrackingEvent] = []
    for parcel_id, status, moment in at_station.values_list("parcel_id", "status", "occurred_at"):
        if status == TrackingStatus.READY_FOR_PICKUP:
            code, when, text = CHECKIN_CODE, moment - timedelta(minutes=1), "站点入库"
        elif status == TrackingStatus.DELIVERED:
            code, when, text = PICKUP_CODE, moment - timedelta(seconds=30), "站点取件"
        else:
            continue
        new.append(
            TrackingEvent(
                parcel_id=parcel_id,
                occurred_at=when,
                status=status,
                raw_code=code,
                raw_text=f"【{keeper.name}】{text}（演示）",
                place_id=keeper.place_id,
                station=keeper,
                source=STATION_SOURCE,
            )
        )
    TrackingEvent.objects.bulk_create(new, batch_size=1000)
    return len(new)
