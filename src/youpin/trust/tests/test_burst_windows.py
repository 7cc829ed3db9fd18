"""The burst-window query equals a brute-force count over every window start."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from youpin.commerce.models import Order
from youpin.testing.factories import SHANGHAI, OrderFactory, ShopFactory
from youpin.trust import refresh as sql
from youpin.trust.services import verification_refresh

pytestmark = pytest.mark.django_db
START = datetime(2025, 6, 18, 20, 0, tzinfo=SHANGHAI)
WINDOW = 600
RATIO = 2.5
MIN_ORDERS = 3

orders_st = st.lists(
    st.tuples(st.integers(0, 1), st.integers(0, 1500), st.integers(0, 3)), max_size=30
)


def brute_force(rows: list[tuple[int, int, int]]) -> set[tuple[int, int, int, int]]:
    """(shop, start, orders, buyers) of every window starting at an order that breaks the rule."""
    found = set()
    for shop, start, _ in rows:
        inside = [b for s, t, b in rows if s == shop and start <= t < start + WINDOW]
        n, buyers = len(inside), len(set(inside))
        if n >= MIN_ORDERS and n * 100 >= round(RATIO * 100) * buyers:
            found.add((shop, start, n, buyers))
    return found


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(orders_st)
# Five orders of two buyers in 40 s: a burst exactly at the ratio (5 ÷ 2 = 2.5).
@example([(0, 0, 0), (0, 10, 0), (0, 20, 1), (0, 30, 1), (0, 40, 0)])
def test_burst_windows_equal_brute_force(zhongwei: None, drawn: list[tuple[int, int, int]]) -> None:
    """Random orders of two shops and four buyers: the pruned query misses no window."""
    Order.objects.all().delete()
    shops = [ShopFactory(), ShopFactory()]
    rows = []
    for shop_no, offset, buyer in drawn:
        order = OrderFactory(
            shop=shops[shop_no],
            ordered_at=START + timedelta(seconds=offset),
            buyer_phone=f"1389555{buyer:04d}",
        )
        rows.append((order.shop_id, int(order.ordered_at.timestamp()), buyer))
    verification_refresh(now=START + timedelta(days=30))
    got = sql.burst_windows(
        window_s=WINDOW, ratio=RATIO, min_orders=MIN_ORDERS, shops=None, lo=None
    )
    assert {(w.shop_id, w.start_ts, w.orders, w.buyers) for w in got} == brute_force(rows)
