"""JD POP: a GBK CSV with one row per product line."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from youpin.connectors.platforms import ParseResult, parse_orders
from youpin.connectors.records import OrderState

SAMPLES = Path(__file__).parent / "samples" / "orders"
SAMPLE = "jd_orders_20251105.csv"


def _parse_sample(**options: str) -> ParseResult:
    """Parse the JD sample and read it to the end."""
    with (SAMPLES / SAMPLE).open("rb") as stream:
        result = parse_orders(stream, **options)
        result.orders  # noqa: B018 - reads the file while it is open
    return result


def test_totals() -> None:
    """Five line rows make three orders; paid = 应付金额 + 余额支付, once per order."""
    result = _parse_sample()
    assert (result.platform, result.format, result.kind) == ("jd", "jd_orders", "orders")
    assert (result.rows_read, result.rows_ok, result.rows_rejected) == (5, 5, 0)
    orders = result.orders
    assert [len(o.lines) for o in orders] == [2, 1, 2]
    assert sum(o.paid_amount or 0 for o in orders) == Decimal("462.60")  # 208 + (85+10) + 159.60
    assert sum(o.goods_amount or 0 for o in orders) == Decimal("466.60")  # 218 + 89 + 159.60
    assert orders[1].paid_amount == Decimal("95.00")
    assert orders[1].shipping_amount == Decimal("6.00")


def test_lines_and_fields() -> None:
    """Line amount = 京东价 × 订购数量; buyer, address, channel and statuses read from GBK."""
    orders = _parse_sample().orders
    last = orders[2].lines[1]
    assert (last.title, last.quantity, last.unit_price, last.amount) == (
        "沙坡头小米 2kg",
        3,
        Decimal("19.90"),
        Decimal("59.70"),
    )
    assert last.merchant_sku == "XM-2"
    first = orders[0]
    assert first.platform_order_id == "298765432101"
    assert (first.buyer_account, first.buyer_name) == ("jd_zw001", "王小明")
    assert first.address == "宁夏中卫市沙坡头区文昌镇鼓楼东街12号"
    assert (first.traffic_source, first.traffic_channel) == ("移动端", "京东APP")
    assert [o.status for o in orders] == [
        OrderState.COMPLETED,
        OrderState.PAID,
        OrderState.SHIPPED,
    ]


def test_no_warnings_on_the_full_header() -> None:
    """Every column of the documented JD header is recognised: no warning at all."""
    assert _parse_sample().messages == []


def test_named_platform_reads_the_same() -> None:
    """platform='jd' gives the same orders as detection."""
    assert _parse_sample(platform="jd").orders == _parse_sample().orders
