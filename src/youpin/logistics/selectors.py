"""Reads of parcels and their events, limited to what a scope may see."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.logistics.models import Parcel, TrackingEvent


def parcels_visible(scope: Scope) -> QuerySet[Parcel]:
    """Parcels the scope may see: by region, carrier, station, or the orders it may see."""
    qs = Parcel.objects.all()
    if scope.role == Role.OPERATOR:
        return qs
    if scope.role == Role.OFFICIAL:
        prefix = scope.region_prefix
        return qs.filter(Q(sender_place__code__startswith=prefix) | Q(recipient_place__code__startswith=prefix))
    if scope.role == Role.CARRIER and scope.carrier_id is not None:
        return qs.filter(carrier_id=scope.carrier_id)
    if scope.role == Role.STATION_KEEPER and scope.station_id is not None:
        return qs.filter(station_id=scope.station_id)
    if scope.role == Role.MERCHANT and scope.merchant_id is not None:
        return qs.filter(orders__merchant_id=scope.merchant_id).distinct()
    if scope.role == Role.CONSUMER and scope.user_id is not None:
        return qs.filter(orders__buyer_user_id=scope.user_id).distinct()
    return qs.none()


def events_visible(scope: Scope) -> QuerySet[TrackingEvent]:
    """Tracking events of the parcels the scope may see."""
    return TrackingEvent.objects.filter(parcel__in=parcels_visible(scope))


def parcel_counts_by_status(scope: Scope) -> dict[str, int]:
    """How many visible parcels are in each canonical status."""
    rows = parcels_visible(scope).order_by().values("status").annotate(n=Count("id"))
    return {r["status"]: r["n"] for r in rows}


def collected_by_year(scope: Scope, region_prefix: str | None = None) -> list[tuple[int, int]]:
    """Parcels collected (揽收) per year, optionally only those sent from a region."""
    qs = parcels_visible(scope).filter(collected_at__isnull=False)
    if region_prefix:
        qs = qs.filter(sender_place__code__startswith=region_prefix)
    rows = qs.annotate(year=ExtractYear("collected_at")).values("year").annotate(n=Count("id")).order_by("year")
    return [(r["year"], r["n"]) for r in rows]
