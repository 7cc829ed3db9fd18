"""The shared machinery: fast cell parsers, header and status keys, addresses, merging."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from youpin.connectors.platforms import CANONICAL_FIELDS, merge_orders
from youpin.connectors.platforms.base import (
    FieldSet,
    cell_amount,
    cell_datetime,
    cell_id,
    cell_int,
    col,
    header_key,
    join_address,
    status_key,
)
from youpin.connectors.records import OrderLineRecord, OrderRecord
from youpin.connectors.tabular import (
    SHANGHAI,
    clean_cell,
    fast_clean,
    parse_amount,
    parse_datetime,
    parse_id,
    parse_int,
)

# Cells as exports write them: plain, with Excel prefixes, padded, or odd Unicode.
CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "'", "=", '=""', "\t", " ", "\u3000", "''", "'=1", '="\'2"']),
    st.builds(
        lambda pre, body, post: pre + body + post,
        st.sampled_from(["", "'", "=", '="', "\t", " ", "\u3000", "\t'"]),
        st.text(alphabet="0123456789.,-eE+¥元 '\t", max_size=22),
        st.sampled_from(["", '"', "\t", " ", "\n"]),
    ),
)
FAST = settings(max_examples=300, deadline=None)


def _same_outcome(fast: object, slow: object, cell: str) -> None:
    """Call both parsers on a cell: same value, or both ValueError."""
    try:
        expected = slow(cell)  # type: ignore[operator]
    except ValueError:
        with pytest.raises(ValueError, match=r"格式错误|科学计数法"):
            fast(cell)  # type: ignore[operator]
        return
    assert fast(cell) == expected  # type: ignore[operator]


@FAST
@given(CELLS)
def test_fast_clean_is_clean_cell(cell: str) -> None:
    """The fast path cleans exactly like clean_cell."""
    assert fast_clean(cell) == clean_cell(cell)


@FAST
@given(st.lists(CELLS, min_size=1, max_size=8), st.lists(CELLS, min_size=1, max_size=8))
def test_bulk_text_cleaning_is_clean_cell(first: list[str], second: list[str]) -> None:
    """A FieldSet's bulk text cleaning gives clean_cell's results, row after row."""
    width = max(len(first), len(second))
    specs = [(f"f{i}", (i,), fast_clean, f"h{i}") for i in range(width)]
    fields = FieldSet(specs)
    for row in (first, second, first):
        cells = row + [""] * (width - len(row))
        out: dict[str, object] = {}
        fields.parse(cells, out, [])
        assert out == {f"f{i}": clean_cell(c) for i, c in enumerate(cells)}


@FAST
@given(CELLS)
def test_cached_parsers_match_the_tabular_ones(cell: str) -> None:
    """cell_id, cell_amount and cell_int give the tabular results (or the same ValueError)."""
    _same_outcome(cell_id, parse_id, cell)
    _same_outcome(cell_amount, parse_amount, cell)
    _same_outcome(cell_amount, parse_amount, cell)  # the cached second call
    _same_outcome(cell_int, parse_int, cell)


@FAST
@given(
    st.datetimes(min_value=datetime(1992, 1, 1), max_value=datetime(2100, 1, 1)),
    st.sampled_from(["%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%dT%H:%M:%S", " %Y-%m-%d"]),
)
def test_datetimes_are_the_same_instants(moment: datetime, fmt: str) -> None:
    """The fast date-time parser gives parse_datetime's instant, at UTC+8."""
    cell = moment.strftime(fmt)
    parsed = cell_datetime(cell)
    assert parsed == parse_datetime(cell)
    assert parsed is not None
    assert parsed.utcoffset() == timedelta(hours=8)


@FAST
@given(st.text(max_size=25))
def test_datetime_parsers_agree_on_junk(cell: str) -> None:
    """On any text both parsers give the same instant or both refuse it."""
    _same_outcome(cell_datetime, parse_datetime, cell)


def test_id_edge_cases() -> None:
    """19 digits survive; Excel's scientific notation and '.0' are handled like parse_id."""
    assert cell_id("'6923456789012345678") == "6923456789012345678"
    assert cell_id('="3861234567890123456"') == "3861234567890123456"
    assert cell_id("6923456789012345700\t") == "6923456789012345700"
    assert cell_id("12345.0") == "12345"
    with pytest.raises(ValueError, match="科学计数法"):
        cell_id("3.00000000000000E+18")


def test_header_and_status_keys() -> None:
    """Headers compare without spaces, with ASCII parentheses and lower case; statuses too."""
    assert header_key(" 商家实收金额（元） ") == header_key("商家实收金额(元)")
    assert header_key("商品ID") == header_key("商品id")
    assert status_key("卖家已发货,等待买家确认") == status_key("卖家已发货，等待买家确认")
    assert status_key(" 交易 成功 ") == "交易成功"


def test_join_address() -> None:
    """Parts are joined in order; parts the detail already holds are not repeated."""
    assert join_address(["宁夏回族自治区", "中卫市", "沙坡头区", "文昌镇", "鼓楼东街12号"]) == (
        "宁夏回族自治区中卫市沙坡头区文昌镇鼓楼东街12号"
    )
    assert join_address(["宁夏回族自治区", "中卫市", "", "", "宁夏回族自治区中卫市兴仁镇"]) == (
        "宁夏回族自治区中卫市兴仁镇"
    )
    assert (
        join_address(["宁夏回族自治区", "中卫市", "中宁县", "", ""]) == "宁夏回族自治区中卫市中宁县"
    )


def test_col_refuses_unknown_fields() -> None:
    """A table naming a field that does not exist fails at import time."""
    assert "paid_amount" in CANONICAL_FIELDS
    with pytest.raises(ValueError, match="unknown canonical field"):
        col("paid", "实付")


def test_merge_orders() -> None:
    """Fragments merge: lines appended, goods and refunds added, first non-empty value wins."""
    first = OrderRecord(
        platform="douyin",
        platform_order_id="1",
        goods_amount=Decimal("10.00"),
        paid_amount=Decimal("12.00"),
        lines=[OrderLineRecord(title="a", amount=Decimal("10.00"))],
        source_rows=[2],
    )
    later = OrderRecord(
        platform="douyin",
        platform_order_id="1",
        goods_amount=Decimal("5.00"),
        paid_amount=Decimal("12.00"),
        refunded_amount=Decimal("1.00"),
        buyer_name="王小明",
        lines=[OrderLineRecord(title="b", amount=Decimal("5.00"))],
        source_rows=[9],
        created_at=datetime(2025, 11, 1, tzinfo=SHANGHAI),
    )
    merged = merge_orders(first, later)
    assert [line.title for line in merged.lines] == ["a", "b"]
    assert (merged.goods_amount, merged.paid_amount, merged.refunded_amount) == (
        Decimal("15.00"),
        Decimal("12.00"),
        Decimal("1.00"),
    )
    assert (merged.buyer_name, merged.source_rows) == ("王小明", [2, 9])
    assert merged.created_at == datetime(2025, 11, 1, tzinfo=SHANGHAI)
    with pytest.raises(ValueError, match="同一平台同一订单号"):
        merge_orders(first, OrderRecord(platform="douyin", platform_order_id="2"))
