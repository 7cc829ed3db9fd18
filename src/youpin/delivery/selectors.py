"""Reads of the joint-delivery context: what waits at a hub or a station, plans, savings.

**Waiting at the hub.** A parcel waits at a county hub for the plan of day D when, at the
plan's cut-off (D at the hub's opening time), its latest tracking event is an arrival in the
hub's city (`in_transit` with a place whose code starts with the city's four digits: the
carriers' Zhongwei sorting centres, which hand everything for the county to the joint hub), and
its recipient's place is in the hub's county. A parcel already out for delivery, at a station,
delivered, returned or cancelled by then is not waiting. Arrivals are looked for in the week
before the cut-off (`LOOKBACK`); older ones are the carriers' to chase.

**Waiting for collection at a station.** A parcel sent at a station of the county waits there
when, at the cut-off, its latest event is the station's hand-in (`picked_up` at that station:
the counter's `station_send`, or a carrier's own record of a station send), or when the counter
accepted it (`Shipment` in state `accepted`) before the cut-off and it has no event yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.counter.models import Shipment, ShipmentState
from youpin.delivery.build import MICRO
from youpin.delivery.models import DeliveryPlan, Hub, PlanParcel
from youpin.delivery.savings import Metrics, comparison, metrics_from_dict
from youpin.logistics.models import Parcel, TrackingEvent, TrackingStatus
from youpin.stations.hours import LOCAL

LOOKBACK = timedelta(days=7)
PLAN_ROLES = {Role.OPERATOR, Role.OFFICIAL, Role.CARRIER}


def plan_cutoff(hub: Hub, day: date) -> datetime:
    """The moment a day's plan is made: the day at the hub's opening time, local time."""
    return datetime.combine(day, hub.opening_time, tzinfo=LOCAL)


def _latest_before(parcel_ids: Iterable[int], cutoff: datetime) -> dict[int, tuple[Any, ...]]:
    """Each parcel's latest event before the cut-off: (status, place code, station id)."""
    latest: dict[int, tuple[Any, ...]] = {}
    ids = sorted(set(parcel_ids))
    for start in range(0, len(ids), 500):
        rows = (
            TrackingEvent.objects.filter(
                parcel_id__in=ids[start : start + 500], occurred_at__lt=cutoff
            )
            .order_by("parcel_id", "occurred_at", "id")
            .values_list("parcel_id", "status", "place_id", "station_id")
        )
        for parcel_id, status, place_id, station_id in rows:
            latest[parcel_id] = (status, place_id or "", station_id)
    return latest


def parcels_waiting_at_hub(hub: Hub, cutoff: datetime) -> list[Parcel]:
    """Every carrier's parcels waiting at the hub at the cut-off for its county (see above)."""
    city, county = hub.county_id[:4], hub.county_id[:6]
    arrived = TrackingEvent.objects.filter(
        status=TrackingStatus.IN_TRANSIT,
        occurred_at__gte=cutoff - LOOKBACK,
        occurred_at__lt=cutoff,
        place__code__startswith=city,
        parcel__recipient_place__code__startswith=county,
    ).values_list("parcel_id", flat=True)
    latest = _latest_before(arrived, cutoff)
    waiting = [
        pid
        for pid, (status, place, _station) in latest.items()
        if status == TrackingStatus.IN_TRANSIT and place.startswith(city)
    ]
    return list(
        Parcel.objects.filter(pk__in=waiting)
        .select_related("carrier", "recipient_place")
        .order_by("pk")
    )


@dataclass(frozen=True)
class Collection:
    """A parcel to collect at a station."""

    parcel: Parcel
    station_id: int


def parcels_waiting_at_stations(hub: Hub, cutoff: datetime) -> list[Collection]:
    """Parcels sent at the county's stations and waiting there for collection at the cut-off."""
    county = hub.county_id[:6]
    sent = TrackingEvent.objects.filter(
        status=TrackingStatus.PICKED_UP,
        station__place__code__startswith=county,
        occurred_at__gte=cutoff - LOOKBACK,
        occurred_at__lt=cutoff,
    ).values_list("parcel_id", flat=True)
    latest = _latest_before(sent, cutoff)
    at: dict[int, int] = {
        pid: station
        for pid, (status, _place, station) in latest.items()
        if status == TrackingStatus.PICKED_UP and station is not None
    }
    accepted = Shipment.objects.filter(
        state=ShipmentState.ACCEPTED,
        station__place__code__startswith=county,
        created_at__lt=cutoff,
        created_at__gte=cutoff - LOOKBACK,
    ).values_list("parcel_id", "station_id")
    for pid, station in accepted:
        if (
            pid not in at
            and not TrackingEvent.objects.filter(parcel_id=pid, occurred_at__lt=cutoff).exists()
        ):
            at[pid] = station
    parcels = Parcel.objects.filter(pk__in=at).select_related("carrier").order_by("pk")
    return [Collection(p, at[p.pk]) for p in parcels]


def plans_visible(scope: Scope) -> QuerySet[DeliveryPlan]:
    """Plans the caller may see: operator all, official its region's hubs, carrier those
    carrying its parcels; other roles are refused."""
    if scope.role not in PLAN_ROLES:
        raise PermissionDenied("无权查看共同配送计划")
    qs = DeliveryPlan.objects.select_related("hub", "hub__county")
    if scope.role == Role.OPERATOR:
        return qs
    if scope.role == Role.OFFICIAL:
        return qs.filter(hub__county__code__startswith=scope.region_prefix)
    if scope.carrier_id is None:
        return qs.none()
    carrying = PlanParcel.objects.filter(carrier_id=scope.carrier_id).values("plan_id")
    return qs.filter(pk__in=carrying)


def savings_by_month(scope: Scope, year: int) -> list[dict[str, Any]]:
    """Joint against alone, summed per month and county, as plain dicts (officials, operator).

    Each row: month ("2025-12"), county code and name, number of plans, the joint, alone and
    saving figures of `savings.comparison`, and the yuan, kg CO₂ and km saved.
    """
    if scope.role not in {Role.OPERATOR, Role.OFFICIAL}:
        raise PermissionDenied("无权查看共同配送节约统计")
    plans = plans_visible(scope).filter(day__year=year).order_by("day")
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for plan in plans:
        key = (f"{plan.day:%Y-%m}", plan.hub.county_id)
        group = groups.setdefault(
            key, {"county_name": plan.hub.county.name, "plans": 0, "joint": None, "alone": {}}
        )
        comp = plan.comparison or {}
        if not comp:
            continue
        group["plans"] += 1
        joint = metrics_from_dict(comp["joint"])
        group["joint"] = joint if group["joint"] is None else group["joint"] + joint
        for code, figures in comp.get("per_carrier", {}).items():
            m = metrics_from_dict(figures)
            group["alone"][code] = group["alone"][code] + m if code in group["alone"] else m
    out = []
    for (month, county), group in sorted(groups.items()):
        if group["joint"] is None:
            continue
        joint = group["joint"]
        total = sum(group["alone"].values(), Metrics())
        comp = comparison(joint, group["alone"])
        out.append(
            {
                "month": month,
                "county_code": county,
                "county_name": group["county_name"],
                "plans": group["plans"],
                "joint": comp["joint"],
                "alone": comp["alone"],
                "saving": comp["saving"],
                "cost_saved": f"{(total.cost_micro - joint.cost_micro) / MICRO:.2f}",
                "co2_saved": round((total.co2_g - joint.co2_g) / 1000, 1),
                "km_saved": round((total.distance_m - joint.distance_m) / 1000, 1),
            }
        )
    return out
