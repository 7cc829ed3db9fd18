"""Reads of orders and sales figures, limited to what a scope may see."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Substr

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.commerce.models import Order, OrderStatus
from youpin.core.models import ZERO
from youpin.core.periods import year_bounds, years_spanned

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
        n=Count("id"),
        paid=Sum("paid_amount"),
        refunded=Sum("refunded_amount"),
        net=Sum("net_amount"),
    )
    return SalesTotals(
        orders=agg["n"] or 0,
        paid=agg["paid"] or ZERO,
        refunded=agg["refunded"] or ZERO,
        net=agg["net"] or ZERO,
    )


def net_sales_by_year(scope: Scope) -> list[tuple[int, Decimal, int]]:
    """Net sales and order count per year of order time, oldest first."""
    sold = orders_visible(scope).exclude(status__in=NOT_SOLD)
    result = []
    # One range query per year uses the ordered_at index on both databases; grouping by an
    # extracted year makes SQLite evaluate a Python function on every row.
    for year in years_spanned(sold, "ordered_at"):
        start, end = year_bounds(year)
        agg = sold.filter(ordered_at__gte=start, ordered_at__lt=end).aggregate(
            net=Sum("net_amount"), n=Count("id")
        )
        if agg["n"]:
            result.append((year, agg["net"] or ZERO, agg["n"]))
    return result


def net_sales_by_platform(scope: Scope, year: int | None = None) -> list[tuple[str, Decimal, int]]:
    """Net sales and order count per platform, largest first."""
    qs = orders_visible(scope).exclude(status__in=NOT_SOLD)
    if year is not None:
        qs = qs.filter(ordered_at__year=year)
    rows = qs.values("platform").annotate(net=Sum("net_amount"), n=Count("id")).order_by("-net")
    return [(r["platform"], r["net"] or ZERO, r["n"]) for r in rows]


def net_sales_by_county(scope: Scope, year: int | None = None) -> dict[str, Decimal]:
    """Net sales of sold orders per county of the merchant's place, keyed by county code."""
    qs = orders_visible(scope).exclude(status__in=NOT_SOLD)
    if year is not None:
        qs = qs.filter(ordered_at__year=year)
    rows = (
        qs.annotate(county=Substr("merchant__place_id", 1, 6))
        .order_by()
        .values("county")
        .annotate(net=Sum("net_amount"))
    )
    return {r["county"].ljust(12, "0"): r["net"] or ZERO for r in rows}


def orders_latest(scope: Scope, limit: int = 10) -> list[Order]:
    """The scope's most recent orders (by order time), with shop, carrier and parcel loaded."""
    qs = orders_visible(scope).select_related("shop", "carrier", "parcel", "parcel__carrier")
    return list(qs.order_by("-ordered_at", "-pk")[:limit])
