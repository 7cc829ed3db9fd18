"""Refund files net against their orders whenever they arrive, never twice or across merchants."""

from __future__ import annotations

from decimal import Decimal

import pytest

from youpin.commerce.models import Order, Refund
from youpin.ingest.links import refunded_total
from youpin.ingest.models import BatchKind, RejectedRow
from youpin.ingest.refunds import orders_net
from youpin.ingest.tests.orders_support import (
    PDD,
    PDD_REFUNDS,
    _merchant,  # noqa: F401  (fixture)
    _var_dir,  # noqa: F401  (fixture)
    cell,
    csv_rows,
    import_sample,
    money,
    xlsx_rows,
)
from youpin.testing.factories import MerchantFactory

pytestmark = pytest.mark.django_db

SUCCEEDED = {"退款成功", "退款完成", "已退款"}


def _expected() -> dict[str, Decimal]:
    """Net amount per order by hand: 实付 minus the successful refunds of the 售后 sheet."""
    refunds: dict[str, Decimal] = {}
    for row in xlsx_rows(PDD_REFUNDS, "售后信息"):
        if row["售后状态"] in SUCCEEDED:
            order_id = cell(row["订单编号"])
            refunds[order_id] = refunds.get(order_id, Decimal("0.00")) + money(row["退款金额"])
    return {
        cell(r["订单号"]): money(r["用户实付金额(元)"]) - refunds.get(cell(r["订单号"]), Decimal(0))
        for r in csv_rows(PDD)
    }


def _check_netted() -> None:
    """Every Pinduoduo order's net equals the hand count; fully refunded ones say so."""
    expected = _expected()
    stored = {o.platform_order_id: o for o in Order.objects.filter(platform="pinduoduo")}
    assert {k: o.net_amount for k, o in stored.items()} == expected
    for order in stored.values():
        assert order.refunded_amount == order.paid_amount - order.net_amount
        if order.paid_amount and order.net_amount == 0:
            assert order.status == "refunded"


def test_refunds_after_the_orders(merchant):
    """Orders first, then the 售后 file: the successful refund nets its order."""
    import_sample(PDD, merchant=merchant)
    batch = import_sample(PDD_REFUNDS, merchant=merchant)
    assert batch.kind == BatchKind.REFUNDS
    rows = xlsx_rows(PDD_REFUNDS, "售后信息")
    assert (batch.rows_read, batch.created, batch.rejected) == (len(rows), len(rows), 0)
    assert Refund.objects.count() == len(rows)
    assert batch.report["orders_netted"] == sum(r["售后状态"] in SUCCEEDED for r in rows)
    _check_netted()


def test_refunds_before_the_orders(merchant):
    """The 售后 file first: refunds wait, and the orders are netted when they arrive."""
    import_sample(PDD_REFUNDS, merchant=merchant)
    assert not Order.objects.exists()
    import_sample(PDD, merchant=merchant)
    _check_netted()


def test_refund_file_twice_changes_nothing(merchant):
    """The same 售后 file again: every refund unchanged, no order touched."""
    import_sample(PDD, merchant=merchant)
    import_sample(PDD_REFUNDS, merchant=merchant)
    again = import_sample(PDD_REFUNDS, merchant=merchant)
    assert (again.created, again.updated) == (0, 0)
    assert again.unchanged == Refund.objects.count()
    assert again.report["orders_netted"] == 0
    _check_netted()


def test_refund_status_change_is_an_update(merchant):
    """A refund later marked successful (a newer export) is updated and nets its order."""
    import_sample(PDD, merchant=merchant)
    import_sample(PDD_REFUNDS, merchant=merchant)
    pending = Refund.objects.get(status="待商家处理")
    pending.status, pending.succeeded = "退款成功", True
    pending.save()
    assert orders_net("pinduoduo", [pending.platform_order_id]) == 1
    order = Order.objects.get(platform_order_id=pending.platform_order_id)
    assert order.refunded_amount == pending.amount
    again = import_sample(PDD_REFUNDS, merchant=merchant)
    assert again.updated == 1  # the file still says 待商家处理: the refund goes back
    order.refresh_from_db()
    assert order.refunded_amount == 0
    assert order.status != "refunded"


def test_export_refund_and_refund_file_are_not_added():
    """The rule: refunded = max(export's own refund figure, refunds from files), never the sum."""
    rows = [(None, Decimal("30.00")), (7, Decimal("20.00")), (8, Decimal("99.00"))]
    assert refunded_total(rows, 7) == Decimal("50.00")  # operator's and its own, not merchant 8's
    assert max(Decimal("40.00"), refunded_total(rows, 7)) == Decimal("50.00")


def test_refunds_of_another_merchants_orders_are_rejected(merchant):
    """A merchant cannot bring refunds for another merchant's orders."""
    other = MerchantFactory()
    import_sample(PDD, merchant=other)
    batch = import_sample(PDD_REFUNDS, merchant=merchant)
    rows = xlsx_rows(PDD_REFUNDS, "售后信息")
    assert batch.rejected == len(rows)
    assert set(RejectedRow.objects.filter(batch=batch).values_list("code", flat=True)) == {
        "order_of_other_merchant"
    }
    assert not Refund.objects.exists()
    assert all(o.refunded_amount == 0 for o in Order.objects.all())
