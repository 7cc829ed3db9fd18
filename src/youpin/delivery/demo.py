"""Synthetic joint-delivery demo data: a hub per county, a small fleet, two freight lines, plans.

Everything here is invented for the demo (flagged `is_demo`; plates, names and phones are
made up): one hub per county at the county seat's (synthetic) point, four vans per hub (two
diesel, one electric, one cold-chain), a truck running 沙坡头区's freight line, a passenger bus
line carrying parcels for 海原县's line, and the plans of the demo's last days, so that
`make demo` shows plans and savings. `youpin delivery demo` runs it; it is idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from youpin.delivery.models import (
    BusLine,
    BusLineStop,
    DeliveryPlan,
    Driver,
    FreightLine,
    FreightLineStop,
    Hub,
    Vehicle,
)
from youpin.delivery.services import plan_delivery
from youpin.geo.models import Place
from youpin.stations.models import Station

#: The demo's last day (its "now" is 2025-12-31 23:59:59, youpin.demo.seasons).
LAST_DAY = date(2025, 12, 31)

#: County → (hub name, the county seat's township code).
HUBS = {
    "640502000000": ("沙坡头区县级快递共配中心", "640502101000"),
    "640521000000": ("中宁县县级快递共配中心", "640521100000"),
    "640522000000": ("海原县县级快递共配中心", "640522100000"),
}


@dataclass(frozen=True)
class VanPlan:
    """A demo vehicle: suffix of the plate and its figures."""

    suffix: str
    capacity_kg: int
    capacity_m3: str
    fixed_cost: str
    cost_per_km: str
    consumption: str
    range_km: int | None = None
    cold: bool = False


FLEET = (
    VanPlan("01", 1000, "6.0", "150", "1.20", "10"),
    VanPlan("02", 1000, "6.0", "150", "1.20", "10"),
    VanPlan("D3", 800, "4.5", "120", "0.50", "20", range_km=220),
    VanPlan("L4", 600, "3.0", "200", "1.60", "12", cold=True),
)
DRIVERS = ("马建国", "杨海军", "李春燕", "田志强", "王永福")

#: 沙坡头区's line run by its own truck, and 海原县's riding a passenger bus (station codes).
TRUCK_LINE = ("沙坡头西线（定时定线）", ("T640502100", "T640502106", "T640502108"), (15, 40, 60))
BUS_LINE = ("海原—李旺城乡客运班线", ("T640522104", "T640522105", "T640522101"), (25, 50, 80))


def _hub(county: str, name: str, seat: str) -> Hub:
    """The county's demo hub at its seat's point."""
    place = Place.objects.get(code=seat)
    return Hub.objects.create(
        name=name,
        county_id=county,
        place=place,
        address=f"{place.name}物流园（演示）",
        lon=place.lon or 0.0,
        lat=place.lat or 0.0,
        coord_source=place.coord_source or "synthetic",
        opening_time=time(7, 0),
        closing_time=time(20, 0),
        is_demo=True,
    )


def _fleet(hub: Hub, n: int) -> list[Vehicle]:
    """Four vans and a driver each."""
    out = []
    for k, van in enumerate(FLEET):
        vehicle = Vehicle.objects.create(
            plate=f"宁E·{n}{van.suffix}8{k}",
            hub=hub,
            capacity_kg=van.capacity_kg,
            capacity_m3=Decimal(van.capacity_m3),
            fixed_cost=Decimal(van.fixed_cost),
            cost_per_km=Decimal(van.cost_per_km),
            cost_per_hour=Decimal("30"),
            speed_kmh=40,
            shift_hours=Decimal("9"),
            electric_range_km=van.range_km,
            consumption_per_100km=Decimal(van.consumption),
            cold_chain=van.cold,
            is_demo=True,
        )
        Driver.objects.create(
            name=DRIVERS[(n + k) % len(DRIVERS)],
            phone=f"1399555{n}{k:03d}",
            hub=hub,
            vehicle=vehicle,
            is_demo=True,
        )
        out.append(vehicle)
    return out


def _stations(codes: tuple[str, ...]) -> list[Station]:
    """Stations by code, in the order given (those that exist)."""
    found = {s.code: s for s in Station.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


def _lines(hubs: dict[str, Hub]) -> None:
    """沙坡头区's truck line and 海原县's bus-borne line."""
    shapotou, haiyuan = hubs["640502000000"], hubs["640522000000"]
    truck = Vehicle.objects.create(
        plate="宁E·1T0900",
        hub=shapotou,
        capacity_kg=1500,
        capacity_m3=Decimal("10.0"),
        fixed_cost=Decimal("180"),
        cost_per_km=Decimal("1.50"),
        cost_per_hour=Decimal("30"),
        consumption_per_100km=Decimal("13"),
        is_demo=True,
    )
    name, codes, minutes = TRUCK_LINE
    line = FreightLine.objects.create(
        name=name,
        hub=shapotou,
        vehicle=truck,
        days_of_week="1234567",
        departures="09:00",
        is_demo=True,
    )
    for seq, (station, m) in enumerate(zip(_stations(codes), minutes, strict=False), start=1):
        FreightLineStop.objects.create(
            line=line, seq=seq, station=station, minutes_after_departure=m
        )
    name, codes, minutes = BUS_LINE
    bus = BusLine.objects.create(
        name=name,
        operator_name="海原县城乡公交（演示）",
        hub=haiyuan,
        parcel_capacity_kg=80,
        parcel_capacity_m3=Decimal("0.60"),
        days_of_week="1234567",
        departures="08:00,14:00",
        is_demo=True,
    )
    line = FreightLine.objects.create(
        name="海原北线（客货邮融合）",
        hub=haiyuan,
        bus_line=bus,
        days_of_week="1234567",
        departures="08:00,14:00",
        is_demo=True,
    )
    for seq, (station, m) in enumerate(zip(_stations(codes), minutes, strict=False), start=1):
        BusLineStop.objects.create(line=bus, seq=seq, station=station, minutes_after_departure=m)
        FreightLineStop.objects.create(
            line=line, seq=seq, station=station, minutes_after_departure=m
        )


def delivery_demo_delete() -> None:
    """Delete every demo row of this context, and any plan holding a demo parcel (plans first:
    they point at demo parcels, which the demo deletes with plain SQL)."""
    demo_parcels = Q(is_demo=True) | Q(parcels__parcel__is_demo=True)
    DeliveryPlan.objects.filter(
        pk__in=DeliveryPlan.objects.filter(demo_parcels).values("pk")
    ).delete()
    FreightLine.objects.filter(is_demo=True).delete()
    BusLine.objects.filter(is_demo=True).delete()
    Hub.objects.filter(is_demo=True).delete()


def delivery_demo_load(
    *, days: int = 2, seconds: float = 1.0, seed: int = 1, force: bool = False
) -> list[DeliveryPlan]:
    """Create the demo hubs, fleet and lines (once) and plan the demo's last `days` days."""
    if force:
        delivery_demo_delete()
    if not Station.objects.filter(is_demo=True).exists():
        return []
    with transaction.atomic():
        hubs = {h.county_id: h for h in Hub.objects.filter(is_demo=True)}
        if not hubs:
            for n, (county, (name, seat)) in enumerate(sorted(HUBS.items()), start=1):
                hubs[county] = _hub(county, name, seat)
                _fleet(hubs[county], n)
            _lines(hubs)
    plans = []
    for offset in range(days):
        day = LAST_DAY - timedelta(days=offset)
        for hub in sorted(hubs.values(), key=lambda h: h.county_id):
            existing = DeliveryPlan.objects.filter(hub=hub, day=day).first()
            plans.append(existing or plan_delivery(hub, day, seconds=seconds, seed=seed))
    return plans
