"""Douyin shop: one row per sub-order, `'`/TAB-protected IDs, hosts and traffic columns."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

from youpin.connectors.platforms import ParseResult, merge_orders, parse_orders
from youpin.connectors.records import OrderState

SAMPLES = Path(__file__).parent / "samples" / "orders"
SAMPLE = "douyin_orders_20251105.csv"


def _parse_sample() -> ParseResult:
    """Parse the Douyin sample and read it to the end."""
    with (SAMPLES / SAMPLE).open("rb") as stream:
        result = parse_orders(stream)
        result.orders  # noqa: B018 - reads the file while it is open
    return result


def _douyin_csv(rows: list[dict[str, str]]) -> io.BytesIO:
    """A small Douyin-shaped CSV with the columns the rows use."""
    header = list(
        dict.fromkeys(["主订单编号", "子订单编号", "选购商品"] + [k for r in rows for k in r])
    )
    lines = [",".join(header)] + [",".join(r.get(h, "") for h in header) for r in rows]
    return io.BytesIO(("\r\n".join(lines) + "\r\n").encode())


def _row(order: str, line: str, title: str, **cells: str) -> dict[str, str]:
    """One Douyin row: order and sub-order numbers, product, and other cells by header."""
    return {"主订单编号": order, "子订单编号": line, "选购商品": title, **cells}


def test_totals_without_double_counting() -> None:
    """Seven line rows make four orders; order-level amounts are taken once per order."""
    result = _parse_sample()
    assert (result.platform, result.kind) == ("douyin", "orders")
    assert (result.rows_read, result.rows_ok, result.rows_rejected) == (7, 7, 0)
    orders = result.orders
    assert [len(o.lines) for o in orders] == [3, 1, 2, 1]
    assert sum(o.paid_amount or 0 for o in orders) == Decimal("397.80")  # 210+57.90+100+29.90
    assert sum(o.goods_amount or 0 for o in orders) == Decimal("416.60")  # 227.80+49.90+109+29.90
    assert sum(o.shipping_amount or 0 for o in orders) == Decimal("8.00")
    first = orders[0]
    assert (first.discount_platform, first.discount_merchant, first.discount_host) == (
        Decimal("5.00"),
        Decimal("10.00"),
        Decimal("2.80"),
    )
    assert first.source_rows == [2, 3, 4]
    assert not [m for m in result.messages if m.code != "missing_column"]


def test_ids_keep_every_digit_without_prefixes() -> None:
    """Leading `'` and trailing TAB are removed; 19-digit IDs stay exact."""
    orders = _parse_sample().orders
    assert [o.platform_order_id for o in orders] == [
        "6923456789012345678",
        "6923456789012345700",
        "6923456789012345800",
        "6923456789012345900",
    ]
    assert [line.platform_line_id for line in orders[0].lines] == [
        "6923456789012345679",
        "6923456789012345680",
        "6923456789012345681",
    ]
    assert orders[1].lines[0].platform_product_id == "3612345678901234570"
    assert orders[0].waybill_no == "JT0001234567890"
    assert orders[1].waybill_no == "YT2500000000011"


def test_host_and_traffic_attribution() -> None:
    """达人ID/达人昵称 and the traffic columns land on the order."""
    first, second = _parse_sample().orders[:2]
    assert (first.host_id, first.host_nickname) == ("71234567890", "中卫小枸杞")
    assert (first.traffic_source, first.traffic_type, first.traffic_channel) == (
        "达人直播",
        "直播",
        "精选联盟",
    )
    assert (second.host_id, second.traffic_source, second.traffic_channel) == ("", "商品卡", "搜索")


def test_lines_statuses_and_addresses() -> None:
    """Line amounts and quantities, statuses, and 省/市/区/街道/详细地址 joined once."""
    orders = _parse_sample().orders
    assert [line.amount for line in orders[0].lines] == [
        Decimal("69.90"),
        Decimal("118.00"),
        Decimal("39.90"),
    ]
    assert orders[0].lines[1].quantity == 2
    assert orders[2].lines[1].refund_status == "售后中"
    assert [o.status for o in orders] == [
        OrderState.COMPLETED,
        OrderState.SHIPPED,
        OrderState.PAID,
        OrderState.CLOSED,
    ]
    assert orders[0].address == "宁夏回族自治区中卫市沙坡头区文昌镇鼓楼东街12号"
    # the detail already holds the regions: they are not repeated
    assert orders[1].address == "宁夏回族自治区中卫市中宁县宁安镇枸杞大道1号"


def test_non_adjacent_lines_give_fragments_that_merge() -> None:
    """Lines of one order split by another order come out twice; merge_orders joins them."""
    rows = [
        _row("'1001", "'1", "枸杞", 商品金额="10.00", 运费="5.00"),
        _row("'1002", "'2", "大米", 商品金额="20.00", 运费="0.00"),
        _row("'1001", "'3", "红枣", 商品金额="7.00", 运费="5.00"),
    ]
    orders = parse_orders(_douyin_csv(rows)).orders
    assert [o.platform_order_id for o in orders] == ["1001", "1002", "1001"]
    merged = merge_orders(orders[0], orders[2])
    assert [line.title for line in merged.lines] == ["枸杞", "红枣"]
    assert merged.goods_amount == Decimal("17.00")
    assert merged.shipping_amount == Decimal("5.00")
    assert merged.source_rows == [2, 4]


def test_differing_repeated_amounts_are_warned_once() -> None:
    """A repeated order-level amount that differs is taken once and reported; '1' = '1.00'."""
    rows = [
        _row("1", "11", "a", 商品金额="10.00", 平台优惠="1.00"),
        _row("1", "12", "b", 商品金额="10.00", 平台优惠="2.00"),
        _row("2", "21", "c", 商品金额="10.00", 平台优惠="1.00"),
        _row("2", "22", "d", 商品金额="10.00", 平台优惠="3.00"),
        _row("3", "31", "e", 商品金额="10.00", 平台优惠="1"),
        _row("3", "32", "f", 商品金额="10.00", 平台优惠="1.00"),
    ]
    result = parse_orders(_douyin_csv(rows))
    orders = result.orders
    assert [o.discount_platform for o in orders] == [Decimal("1.00")] * 3
    notes = [m for m in result.messages if m.code == "repeated_amount_differs"]
    assert len(notes) == 1
    assert notes[0].column == "平台优惠"
    assert "共 2 次" in notes[0].text


def test_unbalanced_amounts_are_reported() -> None:
    """goods + shipping − discounts ≠ paid gives one counted warning, nothing rejected."""
    rows = [
        _row("1", "11", "a", 商品金额="10.00", 订单应付金额="9.00"),
        _row("2", "21", "b", 商品金额="10.00", 订单应付金额="10.00"),
    ]
    result = parse_orders(_douyin_csv(rows))
    assert len(result.orders) == 2
    (note,) = [m for m in result.messages if m.code == "amount_unbalanced"]
    assert note.row == 2
    assert "订单 1" in note.text


def test_a_rejected_line_does_not_drop_the_order() -> None:
    """A malformed line row is rejected alone; the order keeps its other lines."""
    rows = [
        _row("1", "11", "a", 商品金额="10.00"),
        _row("1", "12", "b", 商品金额="1O.00"),
        _row("1", "13", "c", 商品金额="5.00"),
    ]
    result = parse_orders(_douyin_csv(rows))
    (order,) = result.orders
    assert [line.title for line in order.lines] == ["a", "c"]
    assert order.goods_amount == Decimal("15.00")
    assert (result.rows_read, result.rows_ok, result.rows_rejected) == (3, 2, 1)
    (rejected,) = [m for m in result.messages if m.is_error]
    assert (rejected.row, rejected.raw["子订单编号"]) == (3, "12")


def test_unknown_status_is_kept_raw_and_warned_once() -> None:
    """An unknown status text gives status None, the raw text, and one counted warning."""
    rows = [
        _row("1", "11", "a", 订单状态="神秘状态"),
        _row("2", "21", "b", 订单状态="神秘状态"),
        _row("3", "31", "c", 订单状态="售后中"),
    ]
    result = parse_orders(_douyin_csv(rows))
    assert [(o.status, o.raw_status) for o in result.orders] == [
        (None, "神秘状态"),
        (None, "神秘状态"),
        (None, "售后中"),
    ]
    (note,) = [m for m in result.messages if m.code == "unknown_status"]
    assert "神秘状态" in note.text
    assert "共 2 次" in note.text
