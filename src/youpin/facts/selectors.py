"""Reads of the fact tables, always given a `Scope`: series and totals per day, month, year."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.facts.models import (
    FactsState,
    ParcelFact,
    ParcelSide,
    SalesFact,
    SalesPlaceFact,
    StationFact,
)

GRAINS = ("day", "month", "year")


def region_filter(prefix: str) -> Q:
    """Fact rows whose place lies in a region given by its code prefix (`6405`, `640521`, …)."""
    if not prefix:
        return Q()
    if len(prefix) <= 6:
        return Q(county__startswith=prefix)
    return Q(township__startswith=prefix[:9])


def sales_facts_visible(scope: Scope) -> QuerySet[SalesFact]:
    """Sales facts the scope may read: all, its region's sellers, or a merchant's own."""
    qs = SalesFact.objects.all()
    if scope.role == Role.OPERATOR:
        return qs
    if scope.role == Role.OFFICIAL:
        return qs.filter(region_filter(scope.region_prefix))
    if scope.role == Role.MERCHANT and scope.merchant_id is not None:
        return qs.filter(merchant_id=scope.merchant_id)
    raise PermissionDenied("该角色无权查看销售统计")


def parcel_facts_visible(scope: Scope) -> QuerySet[ParcelFact]:
    """Parcel facts the scope may read: all, its region's places, or a carrier's own."""
    qs = ParcelFact.objects.all()
    if scope.role == Role.OPERATOR:
        return qs
    if scope.role == Role.OFFICIAL:
        return qs.filter(region_filter(scope.region_prefix))
    if scope.role == Role.CARRIER and scope.carrier_id is not None:
        return qs.filter(carrier_id=scope.carrier_id)
    raise PermissionDenied("该角色无权查看快递统计")


def station_facts_visible(scope: Scope) -> QuerySet[StationFact]:
    """Station facts the scope may read: all, its region's stations, or a keeper's own."""
    qs = StationFact.objects.all()
    if scope.role == Role.OPERATOR:
        return qs
    if scope.role == Role.OFFICIAL:
        return qs.filter(region_filter(scope.region_prefix))
    if scope.role == Role.STATION_KEEPER and scope.station_id is not None:
        return qs.filter(station_id=scope.station_id)
    raise PermissionDenied("该角色无权查看站点统计")


def _check_county(scope: Scope, county: str | None) -> None:
    """An official may narrow to a place inside their region only (403 otherwise)."""
    if county and scope.role == Role.OFFICIAL and not county.startswith(scope.region_prefix):
        raise PermissionDenied("所选地区不在您的管辖范围内")


def period_key(day: date, grain: str) -> str:
    """The label of the period holding a day: `2025-06-18`, `2025-06` or `2025`."""
    if grain == "day":
        return day.isoformat()
    if grain == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if grain == "year":
        return f"{day.year:04d}"
    raise ValueError(f"未知的时间粒度：{grain!r}（可选：{', '.join(GRAINS)}）")


def _rolled(rows: Iterable[Any], grain: str, measures: tuple[str, ...]) -> list[dict[str, Any]]:
    """Day rows summed into periods of the grain, in time order."""
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        key = period_key(row["day"], grain)
        target = out.setdefault(key, {"period": key, **dict.fromkeys(measures, 0)})
        for m in measures:
            target[m] += int(row[m] or 0)
    return [out[k] for k in sorted(out)]


def _between(qs: QuerySet[Any], first: date, last: date) -> QuerySet[Any]:
    """Rows of the days first..last (both included)."""
    if last < first:
        raise ValueError("结束日期早于开始日期")
    return qs.filter(day__gte=first, day__lte=last)


SALES_MEASURES = ("orders", "lead_orders", "paid_fen", "refunded_fen", "net_fen")


@dataclass(frozen=True)
class SalesQuery:
    """Which sales to sum: days, Zhongwei sellers only or all, optionally one county/class."""

    first: date
    last: date
    local_only: bool = True
    county: str | None = None
    sales_class: str | None = None
    platform: str | None = None


def sales_places_visible(scope: Scope) -> QuerySet[SalesPlaceFact] | None:
    """The per-place sales summary the scope may read; None when it is limited to a merchant."""
    if scope.role == Role.OPERATOR:
        return SalesPlaceFact.objects.all()
    if scope.role == Role.OFFICIAL:
        return SalesPlaceFact.objects.filter(region_filter(scope.region_prefix))
    sales_facts_visible(scope)  # refuses roles without access
    return None


def _sales(scope: Scope, query: SalesQuery, *, detailed: bool = False) -> QuerySet[Any]:
    """The scoped sales facts of a query: the per-place summary unless details are needed."""
    summary = None if detailed else sales_places_visible(scope)
    qs = _between(
        summary if summary is not None else sales_facts_visible(scope), query.first, query.last
    )
    if query.local_only:
        qs = qs.filter(local_seller=True)
    if query.county:
        _check_county(scope, query.county)
        qs = qs.filter(region_filter(query.county))
    if query.sales_class:
        qs = qs.filter(sales_class=query.sales_class)
    if query.platform:
        qs = qs.filter(platform=query.platform)
    return qs


def sales_series(scope: Scope, query: SalesQuery, grain: str = "day") -> list[dict[str, Any]]:
    """Orders and money (fen) per period; `lead_orders` counts each order once."""
    period_key(query.first, grain)
    rows = (
        _sales(scope, query)
        .order_by()
        .values("day")
        .annotate(**{m: Sum(m) for m in SALES_MEASURES})
    )
    return _rolled(rows, grain, SALES_MEASURES)


def sales_totals(scope: Scope, query: SalesQuery) -> dict[str, int]:
    """Orders and money (fen) over the whole query."""
    row = _sales(scope, query).aggregate(**{m: Sum(m) for m in SALES_MEASURES})
    return {m: int(row[m] or 0) for m in SALES_MEASURES}


def active_hosts(scope: Scope, query: SalesQuery) -> int:
    """Distinct livestream hosts (达人) with sales in the query."""
    return int(
        _sales(scope, query, detailed=True)
        .exclude(host="")
        .aggregate(n=Count("host", distinct=True))["n"]
        or 0
    )


PARCEL_MEASURES = ("parcels", "e_waybill", "at_station", "at_locker", "timed", "transit_seconds")


def _parcels(
    scope: Scope, first: date, last: date, side: str, county: str | None
) -> QuerySet[ParcelFact]:
    """The scoped parcel facts of one side and days."""
    if side not in ParcelSide.values:
        raise ValueError(f"未知的口径：{side!r}（可选：collected, delivered）")
    qs = _between(parcel_facts_visible(scope), first, last).filter(side=side)
    if county:
        _check_county(scope, county)
        qs = qs.filter(region_filter(county))
    return qs


def parcel_series(
    scope: Scope,
    first: date,
    last: date,
    *,
    side: str = ParcelSide.COLLECTED,
    grain: str = "day",
    county: str | None = None,
) -> list[dict[str, Any]]:
    """Parcels collected (or delivered) per period, with e-waybill, station and hours sums."""
    period_key(first, grain)
    rows = (
        _parcels(scope, first, last, side, county)
        .order_by()
        .values("day")
        .annotate(**{m: Sum(m) for m in PARCEL_MEASURES})
    )
    return _rolled(rows, grain, PARCEL_MEASURES)


def parcel_totals(
    scope: Scope,
    first: date,
    last: date,
    *,
    side: str = ParcelSide.COLLECTED,
    county: str | None = None,
    by_direction: bool = False,
) -> dict[str, Any]:
    """Parcel measures over the days; by direction when asked."""
    qs = _parcels(scope, first, last, side, county)
    if by_direction:
        rows = qs.order_by().values("direction").annotate(**{m: Sum(m) for m in PARCEL_MEASURES})
        found: dict[str, Any] = {}
        for r in rows:
            row: dict[str, Any] = dict(r)
            found[row["direction"]] = {m: int(row[m] or 0) for m in PARCEL_MEASURES}
        return found
    row = qs.aggregate(**{m: Sum(m) for m in PARCEL_MEASURES})
    return {m: int(row[m] or 0) for m in PARCEL_MEASURES}


STATION_MEASURES = ("events", "parcels")


def station_series(
    scope: Scope,
    first: date,
    last: date,
    *,
    grain: str = "day",
    station_id: int | None = None,
) -> list[dict[str, Any]]:
    """Station operations per period and raw code: `{period, operation, events, parcels}`.

    `parcels` sums each day's distinct parcels, so over several days a parcel handled on
    two days counts twice.
    """
    period_key(first, grain)
    qs = _between(station_facts_visible(scope), first, last)
    if station_id is not None:
        qs = qs.filter(station_id=station_id)
    rows = (
        qs.order_by().values("day", "operation").annotate(**{m: Sum(m) for m in STATION_MEASURES})
    )
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        key = (period_key(row["day"], grain), row["operation"])
        target = out.setdefault(
            key, {"period": key[0], "operation": key[1], "events": 0, "parcels": 0}
        )
        for m in STATION_MEASURES:
            target[m] += int(row[m] or 0)
    return [out[k] for k in sorted(out)]


def facts_state() -> FactsState | None:
    """The refresh state (when the facts were last refreshed), or None before the first."""
    return FactsState.objects.filter(name="default").first()
