"""A small order book for the retail-statistic tests, and a hand count over its rows.

The hand count reads every order back from the database and applies the definition in
docs/STATISTICS.md with plain Python and Decimal, independently of the service's SQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_DOWN, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from youpin.accounts.models import Profile, Role
from youpin.catalog.models import Platform
from youpin.commerce.models import Order, OrderStatus
from youpin.testing.factories import (
    HAIYUAN,
    SHAPOTOU,
    XINGREN_TOWN,
    ZHONGNING,
    CarrierFactory,
    CategoryFactory,
    MerchantFactory,
    OrderFactory,
    OrderLineFactory,
    ProductFactory,
    ShopFactory,
    StationFactory,
    place,
)

SH = ZoneInfo("Asia/Shanghai")
OUTSIDE = "640000000000"  # the province itself: a seller outside Zhongwei


def user_with_role(role: Role, **attached: Any) -> Any:
    """A user with a role and no password (hashing one per user would slow every test)."""
    user = get_user_model().objects.create(username=f"retail-{role}-{len(attached)}-{_next()}")
    Profile.objects.create(user=user, role=role, **attached)
    return user


_counter = iter(range(1, 10**9))


def _next() -> int:
    """A fresh number for user names."""
    return next(_counter)


def sh(*args: int) -> datetime:
    """A Shanghai wall-clock time."""
    return datetime(*args, tzinfo=SH)


@dataclass
class World:
    """Merchants, their orders and a user per role."""

    merchants: dict[str, Any]
    categories: dict[str, Any]
    users: dict[str, Any]
    orders: dict[str, Any] = field(default_factory=dict)


def _order(world: World, name: str, merchant: str, platform: str, **kw: Any) -> Any:
    """An order of a merchant on a platform; `lines` is [(product or None, amount), …]."""
    lines = kw.pop("lines", [])
    paid = Decimal(kw.pop("paid", "100.00"))
    refunded = Decimal(kw.pop("refunded", "0.00"))
    shop = ShopFactory(merchant=world.merchants[merchant], platform=platform)
    order = OrderFactory(
        shop=shop,
        paid_amount=paid,
        refunded_amount=refunded,
        net_amount=paid - refunded,
        goods_amount=sum((Decimal(a) for _, a in lines), Decimal("0.00")) or paid,
        **kw,
    )
    for i, (product, amount) in enumerate(lines, start=1):
        OrderLineFactory(
            order=order,
            line_no=i,
            product=product,
            title=product.name if product else "未匹配的商品标题",
            unit_price=Decimal(amount),
            amount=Decimal(amount),
        )
    world.orders[name] = order
    return order


def build_world() -> World:
    """Orders around every rule of the definition, in 2024 and 2025."""
    goji = CategoryFactory(slug="t-goji", name="枸杞", is_farm_product=True)
    wine = CategoryFactory(slug="t-wine", name="葡萄酒", is_farm_product=False)
    ticket = CategoryFactory(
        slug="t-ticket", name="景区门票", is_farm_product=False, is_service=True
    )
    merchants = {
        "spt": MerchantFactory(name="兴仁枸杞合作社", place=place(XINGREN_TOWN)),
        "zn": MerchantFactory(name="中宁枸杞公司", place=place(ZHONGNING)),
        "hy": MerchantFactory(name="海原旅行社", place=place(HAIYUAN)),
        "out": MerchantFactory(name="外地卖家", place=place(OUTSIDE)),
        "unreg": MerchantFactory(
            name="外地注册店", place=place(SHAPOTOU), registered_locally=False
        ),
    }
    station = StationFactory()
    carrier = CarrierFactory(code="zto-t")
    users = {
        "operator": user_with_role(Role.OPERATOR),
        "city": user_with_role(Role.OFFICIAL, region=place("640500000000")),
        "zhongning": user_with_role(Role.OFFICIAL, region=place(ZHONGNING)),
        "merchant_spt": user_with_role(Role.MERCHANT, merchant=merchants["spt"]),
        "consumer": user_with_role(Role.CONSUMER),
        "carrier": user_with_role(Role.CARRIER, carrier=carrier),
        "keeper": user_with_role(Role.STATION_KEEPER, station=station),
    }
    world = World(
        merchants=merchants,
        categories={"goji": goji, "wine": wine, "ticket": ticket},
        users=users,
    )
    m = merchants
    p_goji = ProductFactory(merchant=m["spt"], category=goji, name="兴仁枸杞 500g")
    p_wine = ProductFactory(merchant=m["spt"], category=wine, name="沙漠干红 750ml")
    p_goji_zn = ProductFactory(merchant=m["zn"], category=goji, name="中宁枸杞 250g")
    p_wine_zn = ProductFactory(merchant=m["zn"], category=wine, name="中宁干白 750ml")
    p_ticket = ProductFactory(merchant=m["hy"], category=ticket, name="南华山门票")
    tb, dy, pdd, yp = Platform.TAOBAO, Platform.DOUYIN, Platform.PINDUODUO, Platform.YOUPIN
    order = _order
    # 2025, counted.
    order(world, "mixed_refund", "spt", tb, paid="150.00", refunded="30.00",
          lines=[(p_goji, "100.00"), (p_wine, "50.00")], paid_at=sh(2025, 3, 10, 9, 0),
          ordered_at=sh(2025, 3, 10, 8, 55))  # fmt: skip
    order(world, "host_a1", "spt", dy, paid="79.90", lines=[(p_goji, "88.80")],
          host_id="H001", host_nickname="阿强", paid_at=sh(2025, 6, 18, 20, 5),
          ordered_at=sh(2025, 6, 18, 20, 0))  # fmt: skip
    order(world, "host_a2", "spt", dy, paid="59.00", lines=[(p_goji, "59.00")],
          host_id="H001", host_nickname="阿强", paid_at=sh(2025, 6, 19, 20, 5),
          ordered_at=sh(2025, 6, 19, 20, 0))  # fmt: skip
    order(world, "host_a3", "spt", dy, paid="19.90", lines=[(p_wine, "19.90")],
          host_id="H001", host_nickname="阿强好物", paid_at=sh(2025, 6, 20, 21, 0),
          ordered_at=sh(2025, 6, 20, 20, 59))  # fmt: skip
    order(world, "host_nick_only", "zn", dy, paid="45.00", lines=[(p_goji_zn, "45.00")],
          host_nickname="小丁", paid_at=sh(2025, 6, 21, 10, 0),
          ordered_at=sh(2025, 6, 21, 9, 0))  # fmt: skip
    order(world, "thirds", "zn", pdd, paid="100.00", refunded="10.00",
          lines=[(p_goji_zn, "10.00"), (p_wine_zn, "10.00"), (None, "10.00")],
          paid_at=sh(2025, 7, 1, 12, 0), ordered_at=sh(2025, 7, 1, 11, 0))  # fmt: skip
    order(world, "fully_refunded", "zn", pdd, paid="60.00", refunded="60.00",
          status=OrderStatus.REFUNDED, lines=[(p_goji_zn, "60.00")],
          paid_at=sh(2025, 8, 2, 12, 0), ordered_at=sh(2025, 8, 2, 11, 0))  # fmt: skip
    order(world, "ticket", "hy", yp, paid="200.00", lines=[(p_ticket, "200.00")],
          paid_at=sh(2025, 5, 1, 8, 0), ordered_at=sh(2025, 5, 1, 7, 0))  # fmt: skip
    order(world, "no_lines", "zn", tb, paid="33.30", paid_at=sh(2025, 9, 9, 9, 9),
          ordered_at=sh(2025, 9, 9, 9, 0))  # fmt: skip
    order(world, "unmatched_only", "spt", pdd, paid="25.50", lines=[(None, "25.50")],
          paid_at=sh(2025, 10, 1, 10, 0), ordered_at=sh(2025, 10, 1, 9, 0))  # fmt: skip
    order(world, "new_year_0010", "spt", tb, paid="12.34", lines=[(p_goji, "12.34")],
          paid_at=sh(2025, 1, 1, 0, 10), ordered_at=sh(2025, 1, 1, 0, 5))  # fmt: skip
    order(world, "ordered_2024_paid_2025", "spt", tb, paid="66.60", lines=[(p_wine, "66.60")],
          ordered_at=sh(2024, 12, 31, 22, 0), paid_at=sh(2025, 1, 1, 8, 0))  # fmt: skip
    order(world, "no_paid_at", "hy", yp, paid="80.00", lines=[(p_ticket, "80.00")],
          status=OrderStatus.SHIPPED, paid_at=None, ordered_at=sh(2025, 2, 14, 14, 0))  # fmt: skip
    # 2025, not counted: unpaid, closed, sellers outside or not registered locally.
    order(world, "unpaid", "spt", tb, paid="0.00", status=OrderStatus.PENDING_PAYMENT,
          lines=[(p_goji, "40.00")], paid_at=None, ordered_at=sh(2025, 4, 4, 4, 0))  # fmt: skip
    order(world, "closed", "spt", tb, paid="0.00", status=OrderStatus.CLOSED,
          lines=[(p_goji, "40.00")], paid_at=None, ordered_at=sh(2025, 4, 5, 4, 0))  # fmt: skip
    order(world, "outside", "out", tb, paid="500.00", lines=[(None, "500.00")],
          paid_at=sh(2025, 4, 6, 4, 0), ordered_at=sh(2025, 4, 6, 3, 0))  # fmt: skip
    order(world, "unregistered", "unreg", dy, paid="700.00", refunded="100.00",
          lines=[(None, "700.00")], paid_at=sh(2025, 4, 7, 4, 0),
          ordered_at=sh(2025, 4, 7, 3, 0))  # fmt: skip
    # 2024: the base of year-on-year growth.
    order(world, "y24_eve_2330", "spt", tb, paid="99.00", lines=[(p_goji, "99.00")],
          paid_at=sh(2024, 12, 31, 23, 30), ordered_at=sh(2024, 12, 31, 23, 20))  # fmt: skip
    order(world, "y24_spt", "spt", dy, paid="120.00", refunded="20.00",
          lines=[(p_goji, "120.00")], host_id="H001", host_nickname="阿强",
          paid_at=sh(2024, 6, 18, 20, 0), ordered_at=sh(2024, 6, 18, 19, 0))  # fmt: skip
    order(world, "y24_zn", "zn", pdd, paid="80.00", lines=[(p_goji_zn, "80.00")],
          paid_at=sh(2024, 3, 1, 12, 0), ordered_at=sh(2024, 3, 1, 11, 0))  # fmt: skip
    order(world, "y24_hy_late", "hy", yp, paid="150.00", lines=[(p_ticket, "150.00")],
          paid_at=sh(2024, 11, 11, 11, 0), ordered_at=sh(2024, 11, 11, 10, 0))  # fmt: skip
    order(world, "y24_leap", "spt", tb, paid="29.00", lines=[(p_goji, "29.00")],
          paid_at=sh(2024, 2, 29, 12, 0), ordered_at=sh(2024, 2, 29, 11, 0))  # fmt: skip
    return world


@dataclass
class Count:
    """A hand count: orders, paid and refunded."""

    orders: int = 0
    gross: Decimal = Decimal("0.00")
    refunded: Decimal = Decimal("0.00")

    @property
    def net(self) -> Decimal:
        """Paid less refunded."""
        return self.gross - self.refunded


def is_zhongwei_seller(order: Order) -> bool:
    """Registered locally and operating in 6405…"""
    return order.merchant.registered_locally and order.merchant.place_id.startswith("6405")


def sold_in(order: Order, first: datetime, end: datetime) -> bool:
    """Sold (not unpaid, not closed before payment) with its sale time in [first, end)."""
    if order.status in (OrderStatus.PENDING_PAYMENT, OrderStatus.CLOSED):
        return False
    return first <= (order.paid_at or order.ordered_at) < end


def hand_count(
    first: datetime,
    end: datetime,
    keep: Callable[[Order], bool] = is_zhongwei_seller,
    key: Callable[[Order], Any] = lambda o: "all",
) -> dict[Any, Count]:
    """Count orders, paid and refunded per key, reading every order row."""
    counts: dict[Any, Count] = defaultdict(Count)
    for o in Order.objects.select_related("merchant").order_by("pk"):
        if sold_in(o, first, end) and keep(o):
            c = counts[key(o)]
            c.orders += 1
            c.gross += o.paid_amount
            c.refunded += o.refunded_amount
    return dict(counts)


def hand_split(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Shares of a total by weight, cut to the fen, the remainder on the largest (first) weight."""
    whole = sum(weights)
    if whole == 0:
        weights, whole = [Decimal(1)] * len(weights), Decimal(len(weights))
    parts = [(total * w / whole).quantize(Decimal("0.01"), rounding=ROUND_DOWN) for w in weights]
    largest = weights.index(max(weights))
    parts[largest] += total - sum(parts)
    return parts


def _classes(category: Any) -> tuple[str, ...]:
    """The classes a line of this category counts in."""
    if category is None:
        return ("unclassified",)
    if category.is_service:
        return ("services",)
    return ("goods", "farm") if category.is_farm_product else ("goods",)


def hand_allocation(first: datetime, end: datetime) -> tuple[dict[Any, Count], dict[str, Count]]:
    """Split each counted order onto its lines' categories and classes (None: no category)."""
    by_cat: dict[Any, Count] = defaultdict(Count)
    by_class: dict[str, Count] = defaultdict(Count)
    orders = Order.objects.select_related("merchant").prefetch_related("lines__product__category")
    for o in orders.order_by("pk"):
        if not (sold_in(o, first, end) and is_zhongwei_seller(o)):
            continue
        lines = sorted(o.lines.all(), key=lambda ln: ln.line_no)
        cats = [ln.product.category if ln.product else None for ln in lines] or [None]
        weights = [ln.amount for ln in lines] or [Decimal(1)]
        paid = hand_split(o.paid_amount, weights)
        refunded = hand_split(o.refunded_amount, weights)
        seen: set[Any] = set()
        for cat, p, r in zip(cats, paid, refunded, strict=True):
            for target, k in [(by_cat, cat)] + [(by_class, c) for c in _classes(cat)]:
                c = target[k]
                c.gross += p
                c.refunded += r
                if (id(target), k) not in seen:
                    c.orders += 1
                    seen.add((id(target), k))
    return dict(by_cat), dict(by_class)
