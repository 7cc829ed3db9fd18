"""Reads of orders and sales figures, limited to what a scope may see."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import ExtractYear

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.commerce.models import Order, OrderStatus
from youpin.core.models import ZERO

# Orders that never became a sale: unpaid, or closed before payment.
NOT_SOLD = (OrderStatus.PENDING_PAYMENT, OrderStatus.CLOSED)


def orders_visible(scope: Scope) -> QuerySet[Order]:
    """Orders the scope may see; carriers see parcels, not orders."""
    qs = Order.objects.all()
    if scope.role == Role.OPERATOR:
        return qs
    if scope.role == Role.OFFICIAL:
        return qs.filter(merchant__place__code__startswith=scope.region_prefix)
    if scope.role == Role.MERCHANT and scope.merchant_id is not None:
        return qs.filter(merchant_id=scope.merchant_id)
    if scope.role == Role.STATION_KEEPER and scope.station_id is not None:
        return qs.filter(pickup_station_id=scope.station_id)
    if scope.role == Role.CONSUMER and scope.user_id is not None:
        return qs.filter(buyer_user_id=scope.user_id)
    return qs.none()


@dataclass(frozen=True)
class SalesTotals:
    """Order count and money of the sold orders in a scope."""

    orders: int
    paid: Decimal
    refunded: Decimal
    net: Decimal


def sales_totals(scope: Scope, year: int | None = None) -> SalesTotals:
    """Sum the sold orders a scope may see, optionally for one year of order time."""
    qs = orders_visible(scope).exclude(status__in=NOT_SOLD)
    if year is not None:
        qs = qs.filter(ordered_at__year=year)
    agg = qs.aggregate(
        n=Count("id"), paid=Sum("paid_amount"), refunded=Sum("refunded_amount"), net=Sum("net_amount")
    )
    return SalesTotals(
        orders=agg["n"] or 0,
        paid=agg["paid"] or ZERO,
        refunded=agg["refunded"] or ZERO,
        net=agg["net"] or ZERO,
    )


def net_sales_by_year(scope: Scope) -> list[tuple[int, Decimal, int]]:
    """Net sales and order count per year of order time, oldest first."""
    rows = (
        orders_visible(scope)
        .exclude(status__in=NOT_SOLD)
        .annotate(year=ExtractYear("ordered_at"))
        .values("year")
        .annotate(net=Sum("net_amount"), n=Count("id"))
        .order_by("year")
    )
    return [(r["year"], r["net"] or ZERO, r["n"]) for r in rows]


def net_sales_by_platform(scope: Scope, year: int | None = None) -> list[tuple[str, Decimal, int]]:
    """Net sales and order count per platform, largest first."""
    qs = orders_visible(scope).exclude(status__in=NOT_SOLD)
    if year is not None:
        qs = qs.filter(ordered_at__year=year)
    rows = qs.values("platform").annotate(net=Sum("net_amount"), n=Count("id")).order_by("-net")
    return [(r["platform"], r["net"] or ZERO, r["n"]) for r in rows]
