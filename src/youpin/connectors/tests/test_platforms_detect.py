"""Detecting the export format from the header alone."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from youpin.connectors.platforms import FORMATS, PLATFORM_FORMATS, detect_platform, parse_orders
from youpin.connectors.platforms.detect import explain_unknown
from youpin.connectors.tabular import open_table

SAMPLES = Path(__file__).parent / "samples" / "orders"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ExportOrderList202511051030.csv", "taobao_orders"),
        ("ExportOrderDetailList202511051030.csv", "tmall_suborders"),
        ("5e1b7c9d2a4f4b8e9c0d1a2b3c4d5e6forders_export2025-11-05.csv", "pinduoduo_orders"),
        ("douyin_orders_20251105.csv", "douyin_orders"),
        ("jd_orders_20251105.csv", "jd_orders"),
        ("stock_list.csv", None),
        ("kuaishou_orders_20251105.xlsx", None),
    ],
)
def test_sample_headers(name: str, expected: str | None) -> None:
    """Each sample's header is detected as its format; a stock list and Kuaishou are not."""
    with (SAMPLES / name).open("rb") as stream:
        header = open_table(stream).header
    assert detect_platform(header) == expected


def test_refund_sheet_header() -> None:
    """The 售后信息 sheet's header is the Pinduoduo refund format."""
    with (SAMPLES / "pdd_aftersales_2025-11-05.xlsx").open("rb") as stream:
        header = open_table(stream, sheet="售后信息").header
    assert detect_platform(header) == "pinduoduo_refunds"


def test_minimal_headers() -> None:
    """A few distinctive columns are enough; Douyin and Tmall share 主/子订单编号 yet differ."""
    assert detect_platform(["订单号", "商家实收金额（元）", "订单状态"]) == "pinduoduo_orders"
    assert detect_platform(["主订单编号", "子订单编号", "选购商品"]) == "douyin_orders"
    assert detect_platform(["子订单编号", "主订单编号", "标题", "购买数量"]) == "tmall_suborders"
    assert detect_platform(["订单号", "京东价", "订单状态"]) == "jd_orders"
    assert detect_platform([" 订单编号 ", "买家会员名", "买家实际支付金额"]) == "taobao_orders"
    assert detect_platform([]) is None
    assert detect_platform(["订单号", "金额"]) is None


def test_explanations() -> None:
    """No order-number column: not an order export; an order number alone: unknown platform."""
    assert "这不是订单导出文件" in explain_unknown(["商品编码", "库存数量"])
    assert "无法判断这是哪个平台" in explain_unknown(["订单号", "金额"])


def test_every_platform_has_its_formats() -> None:
    """PLATFORM_FORMATS groups the format ids by platform."""
    assert PLATFORM_FORMATS == {
        "taobao": ("taobao_orders", "tmall_suborders"),
        "pinduoduo": ("pinduoduo_orders", "pinduoduo_refunds"),
        "douyin": ("douyin_orders",),
        "jd": ("jd_orders",),
    }
    assert all(
        FORMATS[name].platform == p for p, names in PLATFORM_FORMATS.items() for name in names
    )


def test_unknown_platform_argument_raises() -> None:
    """A platform name that does not exist is a programming error."""
    with pytest.raises(ValueError, match="unknown platform"):
        parse_orders(io.BytesIO(b"a,b\r\n"), platform="taobo")


def test_named_format_with_missing_required_column() -> None:
    """Naming a format whose order-number column is absent gives one file-level error."""
    result = parse_orders(io.BytesIO("订单号,金额\r\n1,2\r\n".encode()), platform="douyin")
    assert result.kind == ""
    assert result.file_error is not None
    assert "主订单编号" in result.file_error.text
    assert result.orders == []
    assert result.rows_read == 0


def test_named_platform_chooses_among_its_formats() -> None:
    """platform='taobao' reads a sub-order sheet as the sub-order format."""
    with (SAMPLES / "ExportOrderDetailList202511051030.csv").open("rb") as stream:
        result = parse_orders(stream, platform="taobao")
        assert result.format == "tmall_suborders"
        assert len(result.orders) == 3


def test_a_platform_that_does_not_fit_is_refused() -> None:
    """platform='taobao' on a Douyin file finds no Taobao format: one file-level error."""
    with (SAMPLES / "douyin_orders_20251105.csv").open("rb") as stream:
        result = parse_orders(stream, platform="taobao")
    assert result.kind == ""
    assert result.file_error is not None
