"""Saved column mappings: a Kuaishou-like XLSX, JSON round trips and invalid templates."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from youpin.connectors.platforms import ColumnMapping, parse_orders
from youpin.connectors.records import OrderState
from youpin.connectors.tabular import SHANGHAI

SAMPLES = Path(__file__).parent / "samples" / "orders"


def _mapping() -> ColumnMapping:
    """The sample Kuaishou template."""
    return ColumnMapping.from_json((SAMPLES / "kuaishou_mapping.json").read_text("utf-8"))


def test_kuaishou_xlsx_through_a_mapping() -> None:
    """Four orders, one Excel-mangled id rejected; totals summed by hand."""
    with (SAMPLES / "kuaishou_orders_20251105.xlsx").open("rb") as stream:
        result = parse_orders(stream, mapping=_mapping())
        orders = result.orders
    assert (result.platform, result.kind) == ("kuaishou", "orders")
    assert (result.rows_read, result.rows_ok, result.rows_rejected) == (5, 4, 1)
    assert sum(o.paid_amount or 0 for o in orders) == Decimal("134.70")  # 55.8+49+19.9+10
    assert [o.platform_order_id for o in orders] == [
        "2511031234567890123",
        "2511031234567890124",
        "2511031234567890125",
        "2511031234567890126",
    ]
    (rejected,) = [m for m in result.messages if m.is_error]
    assert rejected.row == 6
    assert "科学计数法" in rejected.text


def test_kuaishou_fields() -> None:
    """date_format, status_map ('' = after-sales kept raw), line price × quantity, host."""
    with (SAMPLES / "kuaishou_orders_20251105.xlsx").open("rb") as stream:
        result = parse_orders(stream, mapping=_mapping())
        orders = result.orders
    first = orders[0]
    assert first.created_at == datetime(2025, 11, 3, 20, 15, tzinfo=SHANGHAI)
    assert first.lines[0].amount == Decimal("59.80")
    assert first.goods_amount == Decimal("59.80")
    assert (first.host_id, first.host_nickname) == ("3456789012", "沙坡头老马")
    assert [o.status for o in orders] == [OrderState.COMPLETED, OrderState.SHIPPED, None, None]
    unknown = [m for m in result.messages if m.code == "unknown_status"]
    assert len(unknown) == 1
    assert "已签收" in unknown[0].text


def test_json_round_trip() -> None:
    """to_json then from_json gives the same template."""
    mapping = _mapping()
    assert ColumnMapping.from_json(mapping.to_json()) == mapping
    assert "快手" in mapping.to_json()  # Chinese stays readable


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("not json", "不是有效的 JSON"),
        ("[]", "JSON 对象"),
        ('{"name": "x", "platform": "kuaishou", "columns": {}}', "订单编号"),
        ('{"name": "x", "platform": "mars", "columns": {"platform_order_id": "a"}}', "未知平台"),
        ('{"name": "x", "platform": "other", "columns": {"price": "a"}}', "未知字段：price"),
        (
            '{"name": "x", "platform": "other", "columns": {"platform_order_id": "a"},'
            ' "status_map": {"ok": "done"}}',
            "状态映射的目标无效",
        ),
        (
            '{"name": "x", "platform": "other", "columns": {"platform_order_id": "a"},'
            ' "one_row_per": "file"}',
            "one_row_per",
        ),
    ],
)
def test_invalid_templates_are_refused(text: str, expected: str) -> None:
    """A broken template raises ValueError with a Chinese reason."""
    with pytest.raises(ValueError, match=expected):
        ColumnMapping.from_json(text)


def test_mapping_one_row_per_line() -> None:
    """A line-per-row mapping groups adjacent rows and takes order amounts once."""
    mapping = ColumnMapping(
        name="团购接龙",
        platform="other",
        columns={
            "platform_order_id": "单号",
            "title": "商品",
            "line_amount": "小计",
            "paid_amount": "实付",
            "group_leader": "团长",
            "pickup_point": "自提点",
        },
        one_row_per="line",
    )
    text = "单号,商品,小计,实付,团长,自提点\r\nA1,枸杞,10.00,25.00,老王,兴仁镇兴农超市\r\n"
    text += "A1,大米,15.00,25.00,老王,兴仁镇兴农超市\r\nA2,小米,8.00,8.00,老李,宣和镇\r\n"
    result = parse_orders(io.BytesIO(text.encode()), mapping=mapping)
    orders = result.orders
    assert [(o.platform_order_id, len(o.lines)) for o in orders] == [("A1", 2), ("A2", 1)]
    assert sum(o.paid_amount or 0 for o in orders) == Decimal("33.00")
    assert orders[0].goods_amount == Decimal("25.00")
    assert (orders[0].group_leader, orders[0].pickup_point) == ("老王", "兴仁镇兴农超市")
    assert result.format == "mapping:团购接龙"


def test_mapping_on_a_file_without_its_columns() -> None:
    """A template whose order-number column is absent refuses the file with one error."""
    mapping = ColumnMapping(name="x", platform="other", columns={"platform_order_id": "单号"})
    result = parse_orders(io.BytesIO("编号,金额\r\n1,2\r\n".encode()), mapping=mapping)
    assert result.kind == ""
    assert result.file_error is not None
    assert "单号" in result.file_error.text
    assert result.orders == []


def test_invalid_mapping_object_is_a_file_level_error() -> None:
    """A ColumnMapping built by hand with a bad field refuses the file instead of raising."""
    mapping = ColumnMapping(name="x", platform="other", columns={"order": "单号"})
    result = parse_orders(io.BytesIO("单号\r\n1\r\n".encode()), mapping=mapping)
    assert result.file_error is not None
    assert result.file_error.code == "bad_mapping"
