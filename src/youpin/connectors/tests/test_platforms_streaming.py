"""Streaming: records come out as orders complete; counts and messages follow along."""

from __future__ import annotations

import io

import pytest

from youpin.connectors.platforms import parse_orders


def _rows(count: int, lines_per_order: int = 2) -> bytes:
    """A Douyin-shaped CSV with `count` orders of `lines_per_order` lines, one bad row each 10."""
    out = ["主订单编号,子订单编号,选购商品,商品金额,运费"]
    for order in range(count):
        for line in range(lines_per_order):
            amount = '"1,2.3"' if order % 10 == 9 and line == 0 else "10.00"
            out.append(f"'{7000000000000000000 + order},'{order}{line},商品{line},{amount},5.00")
    return ("\r\n".join(out) + "\r\n").encode()


def test_orders_stream_before_the_file_ends() -> None:
    """The first order is yielded after reading only its own rows and the next one's first."""
    result = parse_orders(io.BytesIO(_rows(1000)))
    stream = result.iter_orders()
    first = next(stream)
    assert first.platform_order_id == "7000000000000000000"
    assert len(first.lines) == 2
    assert result.rows_read == 3
    assert not result.finished
    rest = list(stream)
    assert result.finished
    assert len(rest) == 999


def test_take_messages_keeps_memory_bounded() -> None:
    """Messages can be taken batch by batch; every rejected row appears exactly once."""
    result = parse_orders(io.BytesIO(_rows(100)))
    taken = []
    for number, _ in enumerate(result.iter_orders()):
        if number % 7 == 0:
            taken += result.take_messages()
    taken += result.take_messages()
    errors = [m for m in taken if m.is_error]
    assert len(errors) == result.rows_rejected == 10
    assert result.rows_read == 200 == result.rows_ok + result.rows_rejected
    assert result.messages == []


def test_totals_do_not_double_count_shipping() -> None:
    """Shipping repeated on each line row is counted once per order."""
    result = parse_orders(io.BytesIO(_rows(20)))
    orders = result.orders
    assert len(orders) == 20
    assert sum(o.shipping_amount or 0 for o in orders) == 100  # 20 orders × 5.00
    assert sum(len(o.lines) for o in orders) == 38  # 2 bad rows of 40


def test_streaming_twice_is_refused() -> None:
    """Records stream once; a second stream raises, a list read first can be iterated again."""
    result = parse_orders(io.BytesIO(_rows(3)))
    list(result.iter_orders())
    with pytest.raises(RuntimeError):
        list(result.iter_orders())
    listed = parse_orders(io.BytesIO(_rows(3)))
    assert len(listed.orders) == 3
    assert len(list(listed.iter_orders())) == 3
    assert listed.refunds == []


def test_source_rows_cover_every_accepted_row() -> None:
    """The source rows of all orders are exactly the accepted rows, each once."""
    result = parse_orders(io.BytesIO(_rows(50, lines_per_order=3)))
    rows = [row for order in result.orders for row in order.source_rows]
    rejected = [m.row for m in result.messages if m.is_error]
    assert len(rows) == len(set(rows)) == result.rows_ok
    assert sorted(rows + rejected) == list(range(2, 2 + result.rows_read))
