"""Reads at the counter, limited to what a scope may see.

A station keeper works their own station; the operator and officials (within their
region) may read any counter they can see in the station directory but not act on it;
every other role sees no counter at all.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.counter import codes
from youpin.counter.models import Custody, CustodyState, Shipment, ShipmentState
from youpin.stations.models import Station
from youpin.stations.selectors import stations_visible

READ_ROLES = {Role.STATION_KEEPER, Role.OPERATOR, Role.OFFICIAL}


def counter_station_get(scope: Scope, station_code: str) -> Station | None:
    """The station whose counter the scope may read, or None (answered as 404)."""
    if scope.role not in READ_ROLES:
        return None
    if scope.role == Role.STATION_KEEPER and scope.station_id is None:
        return None
    return stations_visible(scope).filter(code=station_code).first()


def counter_may_act(scope: Scope, station: Station) -> bool:
    """Only the station's own keeper checks in, hands over, sends and returns parcels."""
    return scope.role == Role.STATION_KEEPER and scope.station_id == station.pk


def counter_station_for_action(scope: Scope, station_code: str) -> Station | None:
    """The station if the scope may act at its counter; None when it may not even see it;
    PermissionDenied when it may see but not act."""
    if scope.role == Role.STATION_KEEPER and scope.station_id is not None:
        # The keeper's own station or nothing (what `stations_visible` gives a keeper), in
        # one raw statement: every counter operation starts here.
        table = Station._meta.db_table
        sql = f"SELECT * FROM {table} WHERE id = %s AND code = %s"
        return next(iter(Station.objects.raw(sql, [scope.station_id, station_code])), None)
    station = counter_station_get(scope, station_code)
    if station is None:
        return None
    if not counter_may_act(scope, station):
        raise PermissionDenied("只有本站点的管理员可以办理柜台业务")
    return station


def custodies_waiting(station: Station, search: str = "") -> QuerySet[Custody]:
    """Parcels waiting at the station, the longest waiting first; `search` matches the end of a
    waybill, a pickup code or a phone tail."""
    qs = Custody.objects.filter(station=station, state=CustodyState.WAITING).select_related(
        "parcel__carrier"
    )
    search = search.strip()
    if search:
        number = codes.normalise_waybill(search)
        qs = qs.filter(
            Q(parcel__waybill_no__endswith=number)
            | Q(pickup_code=codes.normalise_code(search))
            | Q(phone_tail=search)
        )
    return qs.order_by("checked_in_at", "id")


def custodies_to_return(station: Station) -> QuerySet[Custody]:
    """The return-to-carrier list: exceptions, and parcels waiting over 72 h."""
    return (
        Custody.objects.filter(station=station)
        .filter(Q(state=CustodyState.EXCEPTION) | Q(state=CustodyState.WAITING, reminder_stage=3))
        .select_related("parcel__carrier")
        .order_by("checked_in_at", "id")
    )


def custodies_overdue(station: Station, now: datetime | None = None) -> QuerySet[Custody]:
    """Parcels waiting at the station for 24 hours or more."""
    moment = now or timezone.now()
    return custodies_waiting(station).filter(
        checked_in_at__lte=moment - timedelta(hours=codes.REMINDER_HOURS[0])
    )


def shipments_to_hand_over(station: Station) -> QuerySet[Shipment]:
    """Parcels accepted for sending and not yet given to their carrier."""
    return (
        Shipment.objects.filter(station=station, state=ShipmentState.ACCEPTED)
        .select_related("parcel__carrier")
        .order_by("created_at", "id")
    )


def counter_counts(station: Station) -> dict[str, int]:
    """Waiting parcels, those on the return list, and shipments to hand over."""
    return {
        "waiting": custodies_waiting(station).count(),
        "to_return": custodies_to_return(station).count(),
        "to_hand_over": shipments_to_hand_over(station).count(),
    }
