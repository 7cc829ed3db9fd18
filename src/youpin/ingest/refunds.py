"""Refund files (Pinduoduo 售后信息): stored refunds, netted against their orders.

A refund is kept under (platform, refund id) whether or not its order is known yet:
the order import nets the stored successful refunds when the order arrives, and this
module re-nets the orders a refund file touches when the refunds arrive later. The
rule in both directions (see orders.py): refunded = max(export's own refund figure,
sum of successful refunds), net = paid − refunded, status `refunded` when covered.

A merchant may bring refunds only for its own orders: a refund of an order of another
merchant, or one that another merchant imported, is rejected. Refunds count for an
order when imported by its merchant or by the operator.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from youpin.commerce.models import Order, Refund
from youpin.connectors.records import RefundRecord
from youpin.ingest.links import refunded_total, refunds_of
from youpin.ingest.models import ImportBatch
from youpin.ingest.orders_prepare import MAX_AMOUNT, final_state, infer_state

_FIELDS = ("platform_order_id", "amount", "status", "kind", "succeeded", "applied_at", "agreed_at")


@dataclass
class RefundOutcome:
    """What one chunk of refunds did."""

    rejected: list[tuple[RefundRecord, str, str]] = field(default_factory=list)
    orders_netted: int = 0


def _values(record: RefundRecord, merchant_id: int | None) -> dict[str, Any]:
    """The stored fields of a refund record."""
    return {
        "platform_order_id": record.platform_order_id[:40],
        "amount": record.amount,
        "status": record.status[:40],
        "kind": record.kind[:40],
        "succeeded": record.succeeded,
        "applied_at": record.applied_at,
        "agreed_at": record.agreed_at,
        "merchant_id": merchant_id,
    }


def refunds_apply(
    *, batch: ImportBatch, platform: str, refunds: Sequence[RefundRecord], tally: Any
) -> RefundOutcome:
    """Store one chunk of refunds (inside the caller's transaction) and net their orders."""
    outcome = RefundOutcome()
    latest = {r.refund_id: r for r in refunds}  # a refund listed twice: the later row wins
    stored = {
        r.refund_id: r for r in Refund.objects.filter(platform=platform, refund_id__in=list(latest))
    }
    owners = dict(
        Order.objects.filter(
            platform=platform, platform_order_id__in=[r.platform_order_id for r in refunds]
        ).values_list("platform_order_id", "merchant_id")
    )
    merchant_id = batch.merchant_id
    touched: set[str] = set()
    for record in refunds:
        if latest[record.refund_id] is not record:
            continue
        owner = owners.get(record.platform_order_id)
        known = stored.get(record.refund_id)
        if len(record.refund_id) > 40 or len(record.platform_order_id) > 40:
            outcome.rejected.append(
                (record, "refund_id_too_long", "售后编号或订单编号超过 40 个字符")
            )
            continue
        if abs(record.amount) > MAX_AMOUNT:
            outcome.rejected.append((record, "amount_too_large", f"金额过大：{record.amount}"))
            continue
        if merchant_id is not None and owner is not None and owner != merchant_id:
            outcome.rejected.append((record, "order_of_other_merchant", "该订单属于其他商户"))
            continue
        if (
            merchant_id is not None
            and known is not None
            and known.merchant_id
            not in (
                None,
                merchant_id,
            )
        ):
            outcome.rejected.append(
                (record, "refund_of_other_merchant", "该售后单已由其他商户导入")
            )
            continue
        who = merchant_id if merchant_id is not None else (known.merchant_id if known else owner)
        values = _values(record, who)
        if known is None:
            Refund.objects.create(
                platform=platform, refund_id=record.refund_id, batch=batch, **values
            )
            tally.add("created")
            touched.add(record.platform_order_id)
            continue
        before = {f: getattr(known, f) for f in (*_FIELDS, "merchant_id")}
        if before == values:
            tally.add("unchanged")
            continue
        touched.update({known.platform_order_id, record.platform_order_id})
        for name, value in values.items():
            setattr(known, name, value)
        known.batch = batch
        known.save()
        tally.add("updated")
    outcome.orders_netted = orders_net(platform, sorted(touched))
    return outcome


def orders_net(platform: str, order_ids: Sequence[str]) -> int:
    """Recompute refunded, net and status of these orders from their refunds; return changed."""
    if not order_ids:
        return 0
    refunds = refunds_of(platform, order_ids)
    changed: list[Order] = []
    now = timezone.now()
    orders = Order.objects.filter(platform=platform, platform_order_id__in=list(order_ids)).only(
        "id",
        "platform_order_id",
        "merchant_id",
        "status",
        "paid_amount",
        "export_refunded_amount",
        "refunded_amount",
        "net_amount",
        "paid_at",
        "shipped_at",
        "completed_at",
    )
    for order in orders:
        refunded = max(
            order.export_refunded_amount,
            refunded_total(refunds.get(order.platform_order_id, []), order.merchant_id),
        )
        base = order.status if order.status != "refunded" else ""
        fallback = infer_state(order.paid_at, order.shipped_at, order.completed_at)
        status = final_state(base, fallback, order.paid_amount, refunded)
        net = order.paid_amount - refunded
        if (refunded, net, status) != (order.refunded_amount, order.net_amount, order.status):
            order.refunded_amount = refunded.quantize(Decimal("0.01"))
            order.net_amount = net.quantize(Decimal("0.01"))
            order.status = status
            order.updated_at = now
            changed.append(order)
    Order.objects.bulk_update(changed, ["refunded_amount", "net_amount", "status", "updated_at"])
    return len(changed)
