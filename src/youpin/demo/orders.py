"""One demo order: lines, discounts, destination, attribution, status and its parcel. Pure."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from youpin.demo.identifiers import person_name, phone
from youpin.demo.seasons import END_TS, Day, Month
from youpin.demo.tracking import DAY, HOUR, Stop, outbound
from youpin.demo.vocab import CARRIER_NOUNS, NEAR_PROVINCES, SERVICE_CATEGORIES

if TYPE_CHECKING:
    from youpin.demo.generator import MerchantPlan, ProductPlan, ShopPlan
    from youpin.demo.stream import Batch, DemoStream

CONSUMER_NAME = "李雪梅"
CONSUMER_PHONE = "13995550001"

RAW_STATUS: dict[str, dict[str, str]] = {
    "taobao": {
        "pending_payment": "WAIT_BUYER_PAY",
        "paid": "WAIT_SELLER_SEND_GOODS",
        "shipped": "WAIT_BUYER_CONFIRM_GOODS",
        "completed": "TRADE_FINISHED",
        "closed": "TRADE_CLOSED_BY_TAOBAO",
        "refunded": "TRADE_CLOSED",
    },
    "pinduoduo": {
        "pending_payment": "0",
        "paid": "1",
        "shipped": "2",
        "completed": "3",
        "closed": "0",
        "refunded": "4",
    },
    "douyin": {
        "pending_payment": "1",
        "paid": "2",
        "shipped": "3",
        "completed": "5",
        "closed": "4",
        "refunded": "4",
    },
    "jd": {
        "pending_payment": "NOT_PAY",
        "paid": "WAIT_SELLER_STOCK_OUT",
        "shipped": "WAIT_GOODS_RECEIVE_CONFIRM",
        "completed": "FINISHED_L",
        "closed": "TRADE_CANCELED",
        "refunded": "TRADE_CANCELED",
    },
    "kuaishou": {
        "pending_payment": "10",
        "paid": "30",
        "shipped": "40",
        "completed": "70",
        "closed": "80",
        "refunded": "80",
    },
    "youpin": {
        "pending_payment": "待付款",
        "paid": "待发货",
        "shipped": "已发货",
        "completed": "已完成",
        "closed": "已关闭",
        "refunded": "已退款",
    },
}
TRAFFIC_SOURCES = {
    "taobao": ("手淘搜索", "猜你喜欢", "淘宝直播"),
    "pinduoduo": ("百亿补贴", "搜索", "拼单"),
    "jd": ("搜索", "京东秒杀"),
    "douyin": ("商品卡", "搜索", "商城推荐"),
    "kuaishou": ("商城", "搜索", "短视频"),
    "youpin": ("小程序", "兴农超市扫码"),
}
ORDER_NUMBER_PREFIX = {"taobao": "2", "douyin": "69", "jd": "3", "kuaishou": "25"}


def _order_number(ctx: DemoStream, platform: str, day: Day) -> str:
    """The next order number in the platform's own shape."""
    serial = ctx.order_serial[platform]
    ctx.order_serial[platform] = serial + 1
    number = ctx.order_numbers[platform](serial)
    if platform == "pinduoduo":
        return f"{day.day:%y%m%d}-{number}"
    if platform == "youpin":
        return f"YP{day.day:%Y%m%d}{number}"
    return ORDER_NUMBER_PREFIX[platform] + number


def _discounts(
    rng: random.Random, platform: str, goods: int, festival: bool, host: bool
) -> tuple[int, int, int]:
    """Platform, merchant and host discounts in cents, together at most 40 % of the goods."""
    share = 0.0
    if platform == "pinduoduo" and rng.random() < 0.4:
        share = rng.uniform(0.03, 0.10)
    elif platform in {"taobao", "jd"} and rng.random() < (0.5 if festival else 0.15):
        share = rng.uniform(0.05, 0.15) if festival else rng.uniform(0.03, 0.08)
    elif platform in {"douyin", "kuaishou"} and rng.random() < 0.3:
        share = rng.uniform(0.02, 0.08)
    d_platform = int(goods * share)
    if platform == "youpin" and rng.random() < 0.2:
        d_platform = min(500, goods // 5)  # 中卫 consumption voucher
    d_merchant = int(goods * rng.uniform(0.02, 0.10)) if rng.random() < 0.25 else 0
    d_host = rng.randint(100, 500) if host and rng.random() < 0.5 else 0
    total, cap = d_platform + d_merchant + d_host, goods * 2 // 5
    if total > cap:
        d_host = max(0, cap - d_platform - d_merchant)
        d_merchant = min(d_merchant, cap - d_platform)
    return d_platform, d_merchant, d_host


def _shipping(rng: random.Random, ships: bool, cold: bool, weight_g: int) -> int:
    """Shipping charged to the buyer, in cents: mostly free."""
    if not ships:
        return 0
    if cold:
        return rng.randint(10, 25) * 100 if rng.random() < 0.4 else 0
    if weight_g > 5000:
        return rng.randint(8, 15) * 100 if rng.random() < 0.2 else 0
    return rng.randint(5, 10) * 100 if rng.random() < 0.08 else 0


def _carrier(rng: random.Random, merchant: MerchantPlan, platform: str, cold: bool) -> str:
    """The carrier a merchant ships an order with."""
    if cold:
        return "sf" if rng.random() < 0.7 else "jd"
    if platform == "jd" and rng.random() < 0.6:
        return "jd"
    return rng.choices(merchant.carriers, weights=(50, 35, 15))[0]


def _spread(amount: int, parts: list[int]) -> list[int]:
    """Split an amount over lines in proportion to their amounts; the last line takes the rest."""
    whole = sum(parts) or 1
    out = [amount * p // whole for p in parts[:-1]]
    return [*out, amount - sum(out)]


def build_order(
    ctx: DemoStream,
    b: Batch,
    month: Month,
    day: Day,
    ts: int,
    shop: ShopPlan,
    first: ProductPlan,
    want_consumer: bool,
) -> bool:
    """Append one order, its lines and its parcel; return True when it went to the demo consumer."""
    rng = ctx.rng
    merchant = ctx.merchants[shop.merchant_idx]
    platform = shop.platform
    lines = ctx.lines(first, month.month)
    goods = sum(p.price_cents * q for p, q in lines)
    ships = any(p.category not in SERVICE_CATEGORIES for p, _ in lines)
    cold = any(p.cold_chain for p, _ in lines)
    weight = sum(p.weight_g * q for p, q in lines) + 150
    host_id = host_nick = source = leader = ""
    hosts = ctx.hosts.get(shop.idx)
    if hosts and rng.random() < 0.65:
        host_id, host_nick = rng.choice(hosts)
        source = "直播" if rng.random() < 0.75 else "短视频"
    elif rng.random() < 0.35:
        source = rng.choice(TRAFFIC_SOURCES[platform])
    d_platform, d_merchant, d_host = _discounts(rng, platform, goods, day.festival, bool(host_id))
    shipping = _shipping(rng, ships, cold, weight)
    total = goods + shipping - d_platform - d_merchant - d_host
    consumer = want_consumer and ships
    dest_code: str | None = None
    pickup = None
    stop: Stop | None = None
    near = True
    if consumer:
        name, tel = CONSUMER_NAME, CONSUMER_PHONE
    else:
        name, tel = person_name(rng), phone(rng)
    if ships and (consumer or rng.random() < (0.55 if platform == "youpin" else 0.08)):
        dest_code = ctx.consumer_village if consumer else ctx.village()
        dest_text = ctx.zhongwei_address(dest_code)
        station = ctx.station_for(dest_code, day)
        if platform == "youpin" and station is not None and rng.random() < 0.5:
            pickup = station  # 网订店取
        if platform == "youpin" and rng.random() < 0.3:
            leader = f"{person_name(rng)}（{ctx.geo.township_of(dest_code).name}团）"
            source = "社区团购"
        stop = ctx.stop(dest_code, station)
    elif ships:
        dest_text, province, city, district = ctx.far_address()
        stop = Stop(city=city, district=district)
        near = province in NEAR_PROVINCES
    else:
        dest_text = ""

    u = rng.random()
    pay_at = ts + rng.randint(10, 900)
    paid_at = shipped_at = completed_at = None
    refunded = 0
    partial_line = -1
    parcel_id = carrier_id = None
    waybill = ""
    if u < 0.03:
        status, total = "closed", 0
    elif pay_at > END_TS:
        status, total = "pending_payment", 0
    elif not ships:
        paid_at = pay_at
        used = pay_at + rng.randint(HOUR, 20 * DAY)
        if u < 0.09 and pay_at + DAY <= END_TS:
            status, refunded = "refunded", total
        elif used > END_TS:
            status = "paid"
        else:
            status, completed_at = "completed", used
    else:
        paid_at = pay_at
        ship_at = (
            pay_at
            + rng.randint(4 * HOUR, 48 * HOUR)
            + (rng.randint(0, 72 * HOUR) if day.festival else 0)
        )
        if u < 0.05 and pay_at + 3 * HOUR <= END_TS:
            status, refunded = "refunded", total
        elif ship_at > END_TS:
            status = "paid"
        else:
            assert stop is not None
            carrier = _carrier(rng, merchant, platform, cold)
            county = ctx.geo.county_of(merchant.place_code).name
            township = ctx.geo.township_of(merchant.place_code).name
            origin = f"【{county}】{township}{CARRIER_NOUNS[carrier][0]}已揽收"
            timeline = outbound(
                rng,
                carrier=carrier,
                start=ship_at,
                end=END_TS,
                origin_text=origin,
                origin_place=merchant.place_code,
                stop=stop,
                near=near,
            )
            parcel_id, waybill = ctx.parcel(
                b,
                carrier=carrier,
                timeline=timeline,
                weight_g=weight,
                cold=cold,
                sender=merchant.place_code,
                recipient=dest_code,
                name=name,
                tel=tel,
                station=pickup if pickup is not None else ctx.station_of(stop),
            )
            carrier_id = ctx.ids.carriers[carrier]
            shipped_at = ship_at
            delivered = timeline.delivered_at
            confirm = delivered + rng.randint(HOUR, 7 * DAY) if delivered is not None else None
            if delivered is None or confirm is None:
                status = "shipped"
            elif u < 0.08 and delivered + 3 * DAY <= END_TS:
                status, refunded = "refunded", total
            elif confirm > END_TS:
                status = "shipped"
            else:
                status, completed_at = "completed", confirm
                if u < 0.11:
                    partial_line = rng.randrange(len(lines)) if len(lines) > 1 else 0
                    amounts = [p.price_cents * q for p, q in lines]
                    refunded = (
                        min(amounts[partial_line], total)
                        if len(lines) > 1
                        else int(total * rng.uniform(0.1, 0.3))
                    )

    oid = ctx.next_order
    ctx.next_order += 1
    number = _order_number(ctx, platform, day)
    b.orders.append(
        (
            oid,
            platform,
            number,
            ctx.ids.shop + shop.idx,
            ctx.ids.merchant + merchant.idx,
            status,
            RAW_STATUS[platform][status],
            goods,
            shipping,
            d_platform,
            d_merchant,
            d_host,
            total,
            refunded,
            total - refunded,
            ts,
            paid_at,
            shipped_at,
            completed_at,
            dest_text,
            dest_code,
            name,
            tel,
            ctx.ids.consumer_user if consumer else None,
            carrier_id,
            waybill,
            parcel_id,
            host_id,
            host_nick,
            source,
            leader,
            ctx.ids.station + pickup.idx if pickup is not None else None,
            True,
        )
    )
    _append_lines(ctx, b, oid, number, lines, refunded, partial_line, status)
    return consumer


def _append_lines(
    ctx: DemoStream,
    b: Batch,
    oid: int,
    number: str,
    lines: list[tuple[ProductPlan, int]],
    refunded: int,
    partial_line: int,
    status: str,
) -> None:
    """Append an order's lines, with its refund spread over them (or on the one line returned)."""
    amounts = [p.price_cents * q for p, q in lines]
    if status == "refunded":
        refunds = _spread(refunded, amounts)
    else:
        refunds = [refunded if i == partial_line else 0 for i in range(len(lines))]
    base = ctx.ids.product
    for n, ((p, q), amount, back) in enumerate(zip(lines, amounts, refunds, strict=True), start=1):
        b.lines.append(
            (oid, n, f"{number}-{n}", base + p.idx, p.name, p.sku, q, p.price_cents, amount, back)
        )
