"""Reads of parcels and their events, limited to what a scope may see."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q, QuerySet

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.core.periods import year_bounds, years_spanned
from youpin.logistics.models import Carrier, Parcel, TrackingEvent, TrackingStatus


def parcels_visible(scope: Scope) -> QuerySet[Parcel]:
    """Parcels the scope may see: by region, carrier, station, or the orders it may see."""
    qs = Parcel.objects.all()
    if scope.role == Role.OPERATOR:
        return qs
    if scope.role == Role.OFFICIAL:
        prefix = scope.region_prefix
        return qs.filter(
            Q(sender_place__code__startswith=prefix) | Q(recipient_place__code__startswith=prefix)
        )
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
    result = []
    for year in years_spanned(qs, "collected_at"):
        start, end = year_bounds(year)
        n = qs.filter(collected_at__gte=start, collected_at__lt=end).count()
        if n:
            result.append((year, n))
    return result


def parcels_awaiting_pickup(scope: Scope) -> QuerySet[Parcel]:
    """Visible parcels waiting for their recipient to pick them up, longest-waiting first."""
    return (
        parcels_visible(scope)
        .filter(status=TrackingStatus.READY_FOR_PICKUP)
        .select_related("carrier")
        .order_by("updated_at", "pk")
    )


def parcels_collected_count(
    scope: Scope, *, since: datetime, until: datetime, region_prefix: str | None = None
) -> int:
    """Visible parcels collected (揽收) in [since, until), optionally only sent from a region."""
    qs = parcels_visible(scope).filter(collected_at__gte=since, collected_at__lt=until)
    if region_prefix:
        qs = qs.filter(sender_place__code__startswith=region_prefix)
    return qs.count()


# Events that happen at a station's counter: a parcel checked in for pickup, or handed over.
STATION_COUNTER_STATUSES = (TrackingStatus.READY_FOR_PICKUP, TrackingStatus.DELIVERED)


def parcels_handled_count(scope: Scope, *, since: datetime, until: datetime) -> int:
    """Distinct visible parcels with an event in [since, until); for keepers, at their counter."""
    qs = events_visible(scope).filter(occurred_at__gte=since, occurred_at__lt=until)
    if scope.role == Role.STATION_KEEPER:
        # Scanned at the station, or checked in / handed over there (the station's own parcels).
        qs = qs.filter(Q(station_id=scope.station_id) | Q(status__in=STATION_COUNTER_STATUSES))
    return qs.order_by().values("parcel_id").distinct().count()


def carrier_of(scope: Scope) -> Carrier | None:
    """The carrier a carrier-role scope belongs to, or None for every other scope."""
    if scope.role != Role.CARRIER or scope.carrier_id is None:
        return None
    return Carrier.objects.filter(pk=scope.carrier_id).first()


# ----------------------------------------------------------------------------- parcel pages


def parcel_visible_get(scope: Scope, carrier_code: str, waybill_no: str) -> Parcel | None:
    """One parcel by carrier code and waybill, if the scope may see it (else None → 404)."""
    return (
        parcels_visible(scope)
        .select_related("carrier", "sender_place", "recipient_place", "station", "station__place")
        .filter(carrier__code=carrier_code, waybill_no=waybill_no)
        .first()
    )


def parcel_events(parcel: Parcel) -> QuerySet[TrackingEvent]:
    """A parcel's events, oldest first, with their places and stations."""
    return parcel.events.select_related("place", "station", "station__place").order_by(
        "occurred_at", "id"
    )


def parcels_listed(
    scope: Scope,
    *,
    status: str | None = None,
    carrier_code: str | None = None,
    waybill: str | None = None,
) -> QuerySet[Parcel]:
    """Visible parcels for a list page, newest first, optionally filtered."""
    qs = parcels_visible(scope)
    if status:
        qs = qs.filter(status=status)
    if carrier_code:
        qs = qs.filter(carrier__code=carrier_code)
    if waybill:
        qs = qs.filter(waybill_no__startswith=waybill)
    return qs.select_related("carrier", "sender_place", "recipient_place", "station").order_by(
        "-id"
    )


def carriers_listed() -> QuerySet[Carrier]:
    """Every carrier, by code (the list page's filter choices)."""
    return Carrier.objects.order_by("code")


def parcels_by_waybill(waybill_no: str) -> QuerySet[Parcel]:
    """Every parcel with this waybill number, whichever the carrier, newest first (unscoped:
    only for the public lookup, which checks the recipient's phone tail before showing one)."""
    return (
        Parcel.objects.filter(waybill_no=waybill_no)
        .select_related("carrier", "sender_place", "recipient_place", "station")
        .order_by("-created_at", "-id")
    )
