"""Plans as plain dicts for the CLI, the API and the pages, scoped and with phones masked.

A carrier sees only the routes that carry its parcels, on them only the stops and parcels that
are its own, and only its own figures of the comparison; the operator and officials see all.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_noop

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.core.masking import mask_phone
from youpin.delivery.models import DeliveryPlan, Hub, PlanParcel
from youpin.logistics.models import Carrier
from youpin.stations.hours import LOCAL

# Chinese for the CLI and the API; the plan page translates them (`{% translate p.reason_text %}`).
REASON_ZH = {
    "capacity": gettext_noop("超出所有可用车辆的载重或容积"),
    "no_cold_vehicle": gettext_noop("需冷链运输，但没有可用的冷链车"),
    "time_window": gettext_noop("没有车辆能在站点营业时间内到达并按时返回"),
    "range": gettext_noop("往返里程超出车辆续航"),
    "not_scheduled": gettext_noop("车辆、载量或时间已用尽，未能排入"),
    "no_location": gettext_noop("停靠点没有坐标"),
}

#: How `services.plan_delivery` stores a straight-line distance source ("直线×1.3"): the
#: stored text stays as written (CLI, API, plans already stored); pages read the factor.
STRAIGHT_LINE = re.compile(r"^直线×(?P<factor>\d+(?:\.\d+)?)$")


def detour_factor(distance_source: str) -> str | None:
    """The detour factor of a straight-line distance source ("直线×1.3" → "1.3"), else None."""
    match = STRAIGHT_LINE.match(distance_source or "")
    return match.group("factor") if match else None


def hub_find(text: str) -> Hub | None:
    """A hub by id, by its county code (6 or 12 digits) or by its exact name."""
    text = text.strip()
    hubs = Hub.objects.filter(is_active=True).order_by("pk")
    if text.isdigit() and len(text) < 6:
        return hubs.filter(pk=int(text)).first()
    if text.isdigit():
        return hubs.filter(county__code__startswith=text[:6]).first()
    return hubs.filter(name=text).first()


def plan_summary(plan: DeliveryPlan) -> dict[str, Any]:
    """The plan's headline figures."""
    comp = plan.comparison or {}
    return {
        "id": plan.pk,
        "hub": plan.hub.name,
        "hub_id": plan.hub_id,
        "county_code": plan.hub.county_id,
        "day": plan.day.isoformat(),
        "parcels_total": plan.parcels_total,
        "parcels_routed": plan.parcels_routed,
        "parcels_on_lines": plan.parcels_on_lines,
        "parcels_unplanned": plan.parcels_unplanned,
        "vehicles_used": plan.vehicles_used,
        "km": round(plan.distance_m / 1000, 1),
        "hours": round(plan.duration_s / 3600, 2),
        "cost": f"{plan.cost:.2f}",
        "saving": comp.get("saving", {}),
        "solver": plan.solver,
        "seconds": plan.seconds,
        "seed": plan.seed,
        "distance_source": plan.distance_source,
        "detour_factor": detour_factor(plan.distance_source),
        "is_demo": plan.is_demo,
    }


def _parcel(row: PlanParcel) -> dict[str, Any]:
    """A parcel in a plan, the recipient's phone masked."""
    parcel = row.parcel
    return {
        "waybill": parcel.waybill_no,
        "carrier": row.carrier.code,
        "carrier_name": row.carrier.name,
        "kind": row.kind,
        "weight_g": parcel.weight_g,
        "cold_chain": parcel.cold_chain,
        "destination": row.destination,
        "pickup_code": row.pickup_code,
        "recipient_phone": mask_phone(parcel.recipient_phone) if parcel.recipient_phone else "",
        "line": row.line.name if row.line_id and row.line else None,
        "line_departure": f"{row.line_departure:%H:%M}" if row.line_departure else None,
        "reason": row.unplanned_reason or None,
        "reason_text": REASON_ZH.get(row.unplanned_reason, row.unplanned_reason) or None,
        "message": row.unplanned_message or None,
    }


def _rows(plan: DeliveryPlan, scope: Scope) -> QuerySet[PlanParcel]:
    """The plan's parcel rows the caller may see."""
    rows = PlanParcel.objects.filter(plan=plan).select_related("parcel", "carrier", "line")
    if scope.role == Role.CARRIER:
        rows = rows.filter(carrier_id=scope.carrier_id or 0)
    return rows.order_by("stop_id", "parcel__waybill_no")


def plan_detail(plan: DeliveryPlan, scope: Scope) -> dict[str, Any]:
    """Routes with stops and parcels, line parcels, unplanned parcels, the comparison."""
    by_stop: dict[int, list[dict[str, Any]]] = defaultdict(list)
    on_lines, unplanned = [], []
    for row in _rows(plan, scope):
        if row.stop_id is not None:
            by_stop[row.stop_id].append(_parcel(row))
        elif row.line_id is not None or row.line_departure is not None:
            on_lines.append(_parcel(row))
        else:
            unplanned.append(_parcel(row))
    carrier_only = scope.role == Role.CARRIER
    routes = []
    for route in plan.routes.prefetch_related("stops").order_by("seq"):
        stops = []
        for stop in route.stops.all():
            parcels = by_stop.get(stop.pk, [])
            if carrier_only and not parcels:
                continue
            stops.append(
                {
                    "seq": stop.seq,
                    "kind": stop.kind,
                    "name": stop.name,
                    "station_code": stop.station.code if stop.station_id and stop.station else None,
                    "lon": stop.lon,
                    "lat": stop.lat,
                    "arrival": f"{stop.arrival_at.astimezone(LOCAL):%H:%M}",
                    "start": f"{stop.start_at.astimezone(LOCAL):%H:%M}",
                    "departure": f"{stop.departure_at.astimezone(LOCAL):%H:%M}",
                    "opening_hours": stop.opening_hours,
                    "weight_kg": stop.weight_kg,
                    "volume_dm3": stop.volume_dm3,
                    "cold_chain": stop.cold_chain,
                    "parcels": parcels,
                }
            )
        if carrier_only and not stops:
            continue
        routes.append(
            {
                "id": route.pk,
                "seq": route.seq,
                "plate": route.plate,
                "cold_chain": route.cold_chain,
                "driver": route.driver_name,
                "start": f"{route.start_at.astimezone(LOCAL):%H:%M}",
                "end": f"{route.end_at.astimezone(LOCAL):%H:%M}",
                "km": round(route.distance_m / 1000, 1),
                "hours": round(route.duration_s / 3600, 2),
                "load_kg": route.load_kg,
                "load_dm3": route.load_dm3,
                "capacity_kg": route.capacity_kg,
                "capacity_dm3": route.capacity_dm3,
                "stops": stops,
            }
        )
    comp = dict(plan.comparison or {})
    if carrier_only:
        code = (
            Carrier.objects.filter(pk=scope.carrier_id or 0).values_list("code", flat=True).first()
        )
        per = comp.get("per_carrier", {})
        comp = {"per_carrier": {k: v for k, v in per.items() if k == code}} if code else {}
    summary = plan_summary(plan)
    if carrier_only:
        summary = {k: summary[k] for k in ("id", "hub", "hub_id", "county_code", "day", "is_demo")}
    return {
        **summary,
        "hub_point": {"lon": plan.hub.lon, "lat": plan.hub.lat},
        "coord_source": plan.hub.coord_source,
        "routes": routes,
        "line_runs": [] if carrier_only else comp.get("lines", []),
        "on_lines": on_lines,
        "unplanned": unplanned,
        "comparison": comp,
    }
