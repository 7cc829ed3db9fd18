"""How many orders and parcels each month of the demo gets. Pure (no Django).

Orders are spread so that expected net sales grow 12 %/year (plan target G1) whatever the
platform and category mix of the month; parcels collected in Zhongwei (orders shipped
plus parcels sent at stations) grow 23 %/year (G2); inbound parcels for villagers come
on top (40 % of the outbound volume).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from youpin.demo.generator import CatalogPlan, ProductPlan, ShopPlan
from youpin.demo.seasons import EXPRESS_GROWTH, SALES_GROWTH, Month, allocate, years_since_start
from youpin.demo.vocab import SEASONS, SERVICE_CATEGORIES

ORDERS_AT_SCALE_1 = 100_000
INBOUND_SHARE = 0.40  # parcels into Zhongwei's villages, against the outbound volume
SEND_SHARE_START = 0.15  # parcels sent at stations in 2021, against orders shipped
SHIP_RATE = 0.93  # share of orders with goods that get shipped (the rest closed or refunded first)
YOUPIN_LAUNCH = (2021, 11)  # the 中卫优品 platform opens with the plan (卫商发〔2021〕69号)

# Relative weight of each platform's shops, 2021 … 2025: livestream commerce rises.
PLATFORM_TREND: dict[str, tuple[float, ...]] = {
    "taobao": (1.25, 1.15, 1.0, 0.92, 0.85),
    "pinduoduo": (0.9, 1.0, 1.1, 1.15, 1.2),
    "douyin": (0.45, 0.75, 1.0, 1.3, 1.6),
    "kuaishou": (0.7, 0.85, 1.0, 1.1, 1.2),
    "jd": (1.0, 1.0, 0.95, 0.92, 0.9),
    "youpin": (0.5, 0.7, 0.9, 1.1, 1.3),
}
# Mean share of the goods amount given away in discounts, per platform.
DISCOUNT_MEAN = {
    "taobao": 0.035,
    "pinduoduo": 0.045,
    "douyin": 0.04,
    "kuaishou": 0.04,
    "jd": 0.03,
    "youpin": 0.03,
}
# Quantities bought per line: cheap goods by the several, dear ones and tours one or two at a time.
QUANTITIES: dict[str, tuple[tuple[int, ...], tuple[float, ...]]] = {
    "cheap": ((1, 2, 3, 4, 5, 6), (55, 25, 10, 5, 3, 2)),
    "goods": ((1, 2, 3, 4), (72, 20, 6, 2)),
    "dear": ((1, 2, 3), (85, 12, 3)),
    "scenic-ticket": ((1, 2, 3, 4), (50, 35, 10, 5)),
    "travel-route": ((1, 2), (60, 40)),
}
CHEAP_CENTS, DEAR_CENTS = 5000, 15000
LINE_COUNTS = ((1, 2, 3), (75, 20, 5))
# Few buyers book tours and wine online against how many buy food: damp those merchants.
CATEGORY_VOLUME = {"travel-route": 0.25, "scenic-ticket": 0.6, "desert-wine": 0.8}
EXTRA_DRAWS = 0.20 * 1 + 0.05 * 2  # expected draws for a second and third line


def quantity_table(product: ProductPlan) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """Quantities one line of a product is bought in, and their weights."""
    if product.category in QUANTITIES:
        return QUANTITIES[product.category]
    if product.price_cents < CHEAP_CENTS:
        return QUANTITIES["cheap"]
    return QUANTITIES["dear" if product.price_cents >= DEAR_CENTS else "goods"]


def mean_quantity(product: ProductPlan) -> float:
    """The expected quantity of one line of a product."""
    values, weights = quantity_table(product)
    return sum(v * w for v, w in zip(values, weights, strict=True)) / sum(weights)


def product_weight(product: ProductPlan, month: int) -> float:
    """How likely a product is to be bought in a month (1–12), among its merchant's products."""
    return product.popularity * SEASONS[product.category][month - 1]


@dataclass(frozen=True)
class MonthPlan:
    """One month: the orders, station sends and inbound parcels it gets, and what orders buy.

    `slots` pairs a shop with the product its orders start with, and how many orders
    that pair gets this month (see `quotas`).
    """

    month: Month
    orders: int
    sends: int
    inbound: int
    slots: tuple[tuple[ShopPlan, ProductPlan, int], ...]


def shop_weight(shop: ShopPlan, main_category: str, month: Month) -> float:
    """A shop's share of a month's orders: merchant size × platform trend × season."""
    if shop.platform == "youpin" and (month.year, month.month) < YOUPIN_LAUNCH:
        return 0.0
    trend = PLATFORM_TREND[shop.platform][month.year - 2021]
    return (
        shop.weight
        * trend
        * SEASONS[main_category][month.month - 1]
        * CATEGORY_VOLUME.get(main_category, 1.0)
    )


def _carry_round(values: Sequence[float]) -> list[int]:
    """Round a series to whole numbers, carrying the fractions on so the total is kept."""
    out, carry = [], 0.0
    for v in values:
        carry += max(0.0, v)
        n = int(carry)
        carry -= n
        out.append(n)
    return out


def quotas(totals: Sequence[int], weights: Sequence[Sequence[float]]) -> list[list[int]]:
    """Split each month's total over the slots by weight, carrying each slot's rounding on.

    Like Bresenham's line: a slot that got one order too many this month gets fewer next
    month, so over a year every slot gets within about one order of its share and yearly
    sales vary little between seeds. Each month's counts sum exactly to its total.
    """
    carry = [0.0] * (len(weights[0]) if weights else 0)
    result = []
    for total, row in zip(totals, weights, strict=True):
        whole = sum(row) or 1.0
        target = [c + total * w / whole for c, w in zip(carry, row, strict=True)]
        counts = [max(0, math.floor(t)) for t in target]
        rest = total - sum(counts)
        if rest > 0:
            for i in sorted(range(len(row)), key=lambda i: counts[i] - target[i])[:rest]:
                counts[i] += 1
        elif rest < 0:
            for i in sorted(
                (i for i in range(len(row)) if counts[i] > 0), key=lambda i: target[i] - counts[i]
            )[:-rest]:
                counts[i] -= 1
        carry = [t - c for t, c in zip(target, counts, strict=True)]
        result.append(counts)
    return result


@dataclass(frozen=True)
class MerchantMonth:
    """A merchant's products in a month: weights, and expected goods of an order each starts."""

    weights: tuple[float, ...]
    order_value: tuple[float, ...]
    goods_share: float


def merchant_month(products: Sequence[ProductPlan], month: int) -> MerchantMonth:
    """Weigh a merchant's products for a month and price an order starting with each of them.

    An order starting with a good adds, on average, `EXTRA_DRAWS` draws of another product
    (a draw of the first product again adds nothing); a ticket or tour is bought alone.
    """
    pw = [product_weight(p, month) for p in products]
    total = sum(pw) or 1.0
    line = [p.price_cents * mean_quantity(p) for p in products]
    all_lines = sum(w * v for w, v in zip(pw, line, strict=True))
    values = []
    for w, v, p in zip(pw, line, products, strict=True):
        extra = (
            0.0 if p.category in SERVICE_CATEGORIES else EXTRA_DRAWS * (all_lines - w * v) / total
        )
        values.append(v + extra)
    goods = sum(
        w for w, p in zip(pw, products, strict=True) if p.category not in SERVICE_CATEGORIES
    )
    return MerchantMonth(tuple(w / total for w in pw), tuple(values), goods / total)


def month_plans(catalog: CatalogPlan, months: list[Month], scale: float) -> list[MonthPlan]:
    """Plan every month's order, send and inbound counts for a catalogue and a scale."""
    by_merchant: dict[int, list[ProductPlan]] = {}
    for p in catalog.products:
        by_merchant.setdefault(p.merchant_idx, []).append(p)
    main = {m.idx: m.main_category for m in catalog.merchants}
    pairs = [(shop, p) for shop in catalog.shops for p in by_merchant[shop.merchant_idx]]
    raw_orders, shippable, slot_weights = [], [], []
    for month in months:
        mm = {idx: merchant_month(products, month.month) for idx, products in by_merchant.items()}
        weights: list[float] = []
        value = ships = 0.0
        for shop in catalog.shops:
            m = mm[shop.merchant_idx]
            w = shop_weight(shop, main[shop.merchant_idx], month)
            weights.extend(w * share for share in m.weights)
            order_value = sum(share * v for share, v in zip(m.weights, m.order_value, strict=True))
            value += w * order_value * (1 - DISCOUNT_MEAN[shop.platform])
            ships += w * m.goods_share
        whole = sum(weights)
        raw_orders.append(month.demand * whole / value)
        shippable.append(ships / whole)
        slot_weights.append(weights)
    orders = allocate(round(ORDERS_AT_SCALE_1 * scale), raw_orders)
    shipped = [n * s * SHIP_RATE for n, s in zip(orders, shippable, strict=True)]
    sends, inbound = _parcel_counts(months, shipped)
    counts = quotas(orders, slot_weights)
    return [
        MonthPlan(
            month=m,
            orders=o,
            sends=s,
            inbound=i,
            slots=tuple((shop, p, c) for (shop, p), c in zip(pairs, row, strict=True) if c),
        )
        for m, o, s, i, row in zip(months, orders, sends, inbound, counts, strict=True)
    ]


def _parcel_counts(months: list[Month], shipped: list[float]) -> tuple[list[int], list[int]]:
    """Station sends and inbound parcels per month, so that outbound parcels grow 23 %/year."""
    ratio = EXPRESS_GROWTH / SALES_GROWTH
    shape = [m.demand * ratio ** years_since_start(m.middle) for m in months]
    first_year = slice(0, 12)
    k = (1 + SEND_SHARE_START) * sum(shipped[first_year]) / (sum(shape[first_year]) or 1.0)
    outbound = [k * s for s in shape]
    sends = _carry_round([t - o for t, o in zip(outbound, shipped, strict=True)])
    inbound = _carry_round([INBOUND_SHARE * t for t in outbound])
    return sends, inbound
