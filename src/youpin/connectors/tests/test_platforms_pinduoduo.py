"""Pinduoduo: the UTF-8-BOM order CSV and the after-sales XLSX (sheet 售后信息)."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from youpin.connectors.platforms import ParseResult, parse_orders
from youpin.connectors.records import OrderState
from youpin.connectors.tabular import SHANGHAI

SAMPLES = Path(__file__).parent / "samples" / "orders"
ORDERS = "5e1b7c9d2a4f4b8e9c0d1a2b3c4d5e6forders_export2025-11-05.csv"
REFUNDS = "pdd_aftersales_2025-11-05.xlsx"


def _parse(name: str, **options: str) -> ParseResult:
    """Parse a sample file and read it to the end."""
    with (SAMPLES / name).open("rb") as stream:
        result = parse_orders(stream, **options)
        result.orders  # noqa: B018 - reads the file while it is open
    return result


def test_orders_totals() -> None:
    """Four orders of one line each; paid, goods and discount totals summed by hand."""
    result = _parse(ORDERS)
    assert (result.platform, result.kind) == ("pinduoduo", "orders")
    assert (result.rows_read, result.rows_ok, result.rows_rejected) == (4, 4, 0)
    orders = result.orders
    assert sum(o.paid_amount or 0 for o in orders) == Decimal("206.70")  # 34.80+94+18.90+59
    assert sum(o.goods_amount or 0 for o in orders) == Decimal("217.70")  # 39.80+99+19.90+59
    assert sum(o.discount_platform or 0 for o in orders) == Decimal("7.00")  # 2 + 5
    assert sum(o.discount_merchant or 0 for o in orders) == Decimal("4.00")  # 3 + 1
    assert [len(o.lines) for o in orders] == [1, 1, 1, 1]


def test_orders_fields() -> None:
    """Dashed order numbers, statuses, the split address joined, the line's quantity and SKU."""
    orders = _parse(ORDERS).orders
    first = orders[0]
    assert first.platform_order_id == "251101-384756192837465"
    assert first.address == "宁夏回族自治区中卫市沙坡头区文昌镇 鼓楼东街12号"
    assert first.paid_at == datetime(2025, 11, 1, 10, 0, 5, tzinfo=SHANGHAI)
    assert (first.lines[0].quantity, first.lines[0].sku_text) == (2, "250g*2袋")
    assert first.lines[0].platform_product_id == "612345678901"
    assert [o.status for o in orders] == [
        OrderState.PAID,
        OrderState.SHIPPED,
        OrderState.COMPLETED,
        None,
    ]
    assert orders[3].raw_status == "未发货，退款成功"
    assert orders[3].lines[0].refund_status == "退款成功"


def test_orders_report_missing_columns_but_no_unknown_status() -> None:
    """A known after-sales status is not 'unknown'; absent optional columns are one warning."""
    result = _parse(ORDERS)
    codes = [m.code for m in result.messages]
    assert "unknown_status" not in codes
    assert "amount_unbalanced" not in codes
    missing = [m for m in result.messages if m.code == "missing_column"]
    assert len(missing) == 1
    assert "运费(元)" in missing[0].text


def test_full_width_parentheses_and_short_export() -> None:
    """`商家实收金额（元）` matches; in the short export it gives the paid amount."""
    text = "订单号,支付时间,商家实收金额（元）,订单状态,售后状态,商品id,商品规格,商品数量(件)\r\n"
    text += (
        "251101-000000000000001,2025-11-01 10:00:00,36.80,待发货,无售后或售后取消,6123,1kg,1\r\n"
    )
    result = parse_orders(io.BytesIO(text.encode("utf-8-sig")))
    assert result.format == "pinduoduo_orders"
    (order,) = result.orders
    assert order.paid_amount == Decimal("36.80")
    assert order.status == OrderState.PAID


def test_refunds_are_found_behind_a_cover_sheet() -> None:
    """The refund workbook's first sheet is a note; the 售后信息 sheet is found and read."""
    with (SAMPLES / REFUNDS).open("rb") as stream:
        result = parse_orders(stream)
        refunds = result.refunds
    assert (result.format, result.kind) == ("pinduoduo_refunds", "refunds")
    assert (result.rows_read, result.rows_ok, result.rows_rejected) == (3, 3, 0)
    assert result.orders == []
    assert sum(r.amount for r in refunds) == Decimal("158.00")  # 59 + 94 + 5
    assert [r.succeeded for r in refunds] == [True, False, False]
    first = refunds[0]
    assert (first.refund_id, first.platform_order_id) == (
        "1234567890123",
        "251104-384756192837468",
    )
    assert (first.status, first.kind) == ("退款成功", "仅退款")
    assert first.applied_at == datetime(2025, 11, 4, 9, 0, tzinfo=SHANGHAI)
    assert first.agreed_at == datetime(2025, 11, 4, 9, 30, tzinfo=SHANGHAI)
    assert refunds[1].agreed_at is None
    assert [r.source_row for r in refunds] == [2, 3, 4]


def test_refunds_by_sheet_name_and_platform() -> None:
    """Naming the sheet or only the platform reads the same refunds."""
    for options in ({"sheet": "售后信息"}, {"platform": "pinduoduo"}):
        with (SAMPLES / REFUNDS).open("rb") as stream:
            result = parse_orders(stream, **options)
            assert len(result.refunds) == 3, options


def test_refund_rows_without_amount_or_id_are_rejected() -> None:
    """A refund row needs its 售后编号, 订单编号 and 退款金额."""
    text = "售后编号,订单编号,退款金额,售后状态\r\n"
    text += "1,251101-1,5.00,退款成功\r\n"
    text += ",251101-2,5.00,退款成功\r\n"
    text += "3,251101-3,,退款成功\r\n"
    text += "4,251101-4,5.0.0,退款成功\r\n"
    result = parse_orders(io.BytesIO(text.encode()))
    assert [r.refund_id for r in result.refunds] == ["1"]
    assert (result.rows_read, result.rows_ok, result.rows_rejected) == (4, 1, 3)
    texts = [m.text for m in result.messages if m.is_error]
    assert texts == ["售后编号为空", "退款金额为空", "「退款金额」金额格式错误：'5.0.0'"]
