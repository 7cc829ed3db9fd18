"""Taobao/Tmall: the GBK order sheet, the sub-order sheet and a file of bad rows."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

from youpin.connectors.platforms import ParseResult, parse_orders
from youpin.connectors.records import OrderState
from youpin.connectors.tabular import SHANGHAI

SAMPLES = Path(__file__).parent / "samples" / "orders"


def _parse(name: str, **options: str) -> ParseResult:
    """Parse a sample file and read it to the end."""
    with (SAMPLES / name).open("rb") as stream:
        result = parse_orders(stream, **options)
        result.orders  # noqa: B018 - reads the file while it is open
        result.refunds  # noqa: B018
    return result


def test_order_sheet_totals() -> None:
    """Five orders, one row each, with the paid and goods totals summed by hand."""
    result = _parse("ExportOrderList202511051030.csv")
    assert (result.platform, result.format, result.kind) == ("taobao", "taobao_orders", "orders")
    assert (result.rows_read, result.rows_ok, result.rows_rejected) == (5, 5, 0)
    orders = result.orders
    assert len(orders) == 5
    # 108.00 + 1,309.00 + 59.00 + 0.00 + 0.00
    assert sum(o.paid_amount or 0 for o in orders) == Decimal("1476.00")
    # 118.00 + 1,299.00 + 59.00 + 36.50 + 88.00
    assert sum(o.goods_amount or 0 for o in orders) == Decimal("1600.50")
    assert [len(o.lines) for o in orders] == [1, 1, 1, 1, 1]
    assert not [m for m in result.messages if m.is_error]


def test_order_sheet_ids_and_prefixes() -> None:
    """`="…"` order numbers keep all 19 (or 18) digits; `'` phone prefixes are dropped."""
    orders = _parse("ExportOrderList202511051030.csv").orders
    assert [o.platform_order_id for o in orders] == [
        "3861234567890123456",
        "3861234567890123457",
        "386123456789012345",
        "3861234567890123458",
        "3861234567890123459",
    ]
    assert orders[0].buyer_phone == "13995512345"
    assert orders[1].buyer_phone == "13800000002"  # the mobile wins over 联系电话


def test_order_sheet_statuses() -> None:
    """The five Taobao statuses map to the five canonical states, raw text kept."""
    orders = _parse("ExportOrderList202511051030.csv").orders
    assert [o.status for o in orders] == [
        OrderState.COMPLETED,
        OrderState.SHIPPED,
        OrderState.PAID,
        OrderState.PENDING_PAYMENT,
        OrderState.CLOSED,
    ]
    assert orders[1].raw_status == "卖家已发货，等待买家确认"


def test_order_sheet_fields() -> None:
    """Amounts with thousands separators, times, the modified address and the summary line."""
    orders = _parse("ExportOrderList202511051030.csv").orders
    first, second, third, fourth = orders[:4]
    assert second.goods_amount == Decimal("1299.00")
    assert second.shipping_amount == Decimal("10.00")
    assert second.lines[0].title == "中卫硒砂瓜 礼盒装 4个装，沙坡头大米 5kg"
    assert second.lines[0].quantity == 3
    assert first.created_at == datetime(2025, 11, 1, 9, 12, 30, tzinfo=SHANGHAI)
    assert first.paid_at == datetime(2025, 11, 1, 9, 13, 2, tzinfo=SHANGHAI)
    assert fourth.paid_at is None
    assert third.address == "宁夏回族自治区 中卫市 中宁县 宁安镇 枸杞大道88号(755100)"
    assert first.address == "宁夏回族自治区 中卫市 沙坡头区 文昌镇 鼓楼东街12号(755000)"
    assert (first.shop_id, first.shop_name) == ("57301234", "中卫优品旗舰店")
    assert (first.waybill_no, first.carrier_name) == ("YT2501234567890", "圆通速递")
    assert first.source_rows == [2]


def test_sub_order_sheet_lines() -> None:
    """The Tmall sub-order sheet gives 4 lines of 3 orders; paid and refunds sum per order."""
    result = _parse("ExportOrderDetailList202511051030.csv")
    assert (result.format, result.kind) == ("tmall_suborders", "order_lines")
    assert (result.rows_read, result.rows_ok, result.rows_rejected) == (4, 4, 0)
    orders = result.orders
    assert [len(o.lines) for o in orders] == [1, 2, 1]
    assert sum(o.paid_amount or 0 for o in orders) == Decimal("1476.00")  # 108 + 909 + 400 + 59
    two = orders[1]
    assert two.platform_order_id == "3861234567890123457"
    assert two.goods_amount == Decimal("1299.00")  # 899.00 + 400.00, summed from the lines
    assert two.refunded_amount == Decimal("200.00")
    assert [line.platform_line_id for line in two.lines] == [
        "3861234567890223457",
        "3861234567890223458",
    ]
    assert two.lines[1].amount == Decimal("400.00")
    assert two.lines[1].refund_status == "退款成功"
    assert two.status == OrderState.SHIPPED  # the first line's status


def test_sub_order_sheet_matches_order_sheet() -> None:
    """Each order's lines in the sub-order sheet add up to its goods amount in the order sheet."""
    main = {o.platform_order_id: o for o in _parse("ExportOrderList202511051030.csv").orders}
    for order in _parse("ExportOrderDetailList202511051030.csv").orders:
        assert main[order.platform_order_id].goods_amount == order.goods_amount


def test_bad_rows_are_each_rejected_with_a_reason() -> None:
    """Empty id, '12,3.4', 2025-13-45 and an Excel-mangled id are rejected; good rows stay."""
    result = _parse("ExportOrderList_bad_rows.csv")
    assert (result.rows_read, result.rows_ok, result.rows_rejected) == (6, 2, 4)
    assert [o.platform_order_id for o in result.orders] == [
        "3861234567890129999",
        "386123456789010001",
    ]
    errors = {m.row: m for m in result.messages if m.is_error}
    assert sorted(errors) == [3, 4, 5, 6]
    assert errors[3].text == "订单编号为空"
    assert errors[4].text == "「买家实际支付金额」金额格式错误：'12,3.4'"
    assert errors[5].text == "「订单创建时间」时间格式错误：'2025-13-45 10:00:00'"
    assert "科学计数法" in errors[6].text
    assert errors[6].raw["订单编号"] == "3.00000000000000E+18"
    assert errors[3].raw["订单编号"] == '=""'
    assert errors[4].raw["买家实际支付金额"] == "12,3.4"
