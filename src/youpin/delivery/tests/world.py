"""A small hand-built world for the service, API and browser tests.

海原县 hub at (105.65, 36.56), opening 07:00–20:00, a diesel van and a cold-chain van, two
carriers (zto, yto), six stations with coordinates (one open only 05:00–06:00, before any van
can get there), a bus-borne freight line to S2 with 5 kg of room per departure, and for the
plan day 2025-06-19 (cut-off 07:00):

| parcel | carrier | to / at | what | expected |
|---|---|---|---|---|
| d1 | zto | S1 | 2 kg | routed |
| d2 | zto | S2 | 3 kg | on the line (fits 5 kg) |
| d3 | zto | S3 | 1 kg cold | routed on the cold van |
| d4 | zto | S5 | 1 kg | unplanned: time_window (S5 closed whenever reachable) |
| d5 | zto | S4 | 1 500 kg | unplanned: capacity |
| d6 | yto | S1 | 1 kg | routed |
| d7 | yto | S4 | 2 kg | routed |
| d8 | yto | S6 | 1 kg | routed |
| d9 | yto | S2 | 4 kg | line full (3 + 4 > 5) → routed |
| q1 | zto | S3 | sent there 2025-06-18 | collected |
| q2 | yto | S6 | sent there 2025-06-18 | collected |
| x1 | yto | S1 | out for delivery 06:00 | not waiting |
| x2 | yto | S1 | arrives 08:00 | not waiting (after the cut-off) |
| x3 | zto | 沙坡头区 | arrived | not waiting (other county) |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from youpin.delivery.models import BusLine, FreightLine, FreightLineStop, Hub, Vehicle
from youpin.geo.models import Place
from youpin.logistics.models import Carrier, Parcel, TrackingStatus
from youpin.stations.models import Station, StationKind
from youpin.testing.factories import (
    SHANGHAI,
    CarrierFactory,
    ParcelFactory,
    StationFactory,
    TrackingEventFactory,
)

DAY = date(2025, 6, 19)
CITY = "640500000000"
HAIYUAN = "640522000000"
TOWNSHIPS = ("640522100000", "640522101000", "640522103000", "640522104000", "640522105000")
STATIONS = (  # code, lon, lat, hours
    ("S1", 105.70, 36.60, "08:00-20:00"),
    ("S2", 105.75, 36.55, "08:00-20:00"),
    ("S3", 105.60, 36.62, "09:00-18:00"),
    ("S4", 105.68, 36.50, "08:00-12:00,14:00-20:00"),
    ("S5", 105.80, 36.62, "05:00-06:00"),
    ("S6", 105.55, 36.52, "00:00-24:00"),
)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A local time in June 2025."""
    return datetime(2025, 6, day, hour, minute, tzinfo=SHANGHAI)


@dataclass
class World:
    """The rows of the small world, by name."""

    hub: Hub
    carriers: dict[str, Carrier]
    stations: dict[str, Station]
    parcels: dict[str, Parcel]
    van: Vehicle
    cold_van: Vehicle
    line: FreightLine


def _parcel(
    name: str, carrier: Carrier, station: Station | None, kg: float, **fields: Any
) -> Parcel:
    """A parcel for a station's place, 1 dm³ per kg."""
    place = station.place if station is not None else Place.objects.get(code="640502100000")
    return ParcelFactory(
        carrier=carrier,
        waybill_no=f"WB{name.upper()}0001",
        weight_g=int(kg * 1000),
        volume_cm3=int(kg * 1000),
        recipient_place=place,
        station=station,
        recipient_phone="13995551234",
        **fields,
    )


def build_world() -> World:
    """Create the world described in the module docstring."""
    hub = Hub.objects.create(
        name="测试共配中心",
        county_id=HAIYUAN,
        lon=105.65,
        lat=36.56,
        opening_time=time(7, 0),
        closing_time=time(20, 0),
    )
    carriers = {c: CarrierFactory(code=c, name=f"{c}快递") for c in ("zto", "yto")}
    stations = {}
    for n, (code, lon, lat, hours) in enumerate(STATIONS):
        stations[code] = StationFactory(
            code=f"T{code}",
            name=f"测试站{code}",
            kind=StationKind.VILLAGE if code != "S6" else StationKind.LOCKER,
            place=Place.objects.get(code=TOWNSHIPS[n % len(TOWNSHIPS)]),
            lon=lon,
            lat=lat,
            coord_source="surveyed",
            opening_hours=hours,
        )
    van = Vehicle.objects.create(
        plate="宁E·T0001",
        hub=hub,
        capacity_kg=1000,
        capacity_m3=Decimal("6"),
        fixed_cost=Decimal("150"),
        cost_per_km=Decimal("1.20"),
        cost_per_hour=Decimal("30"),
    )
    cold = Vehicle.objects.create(
        plate="宁E·T0002",
        hub=hub,
        capacity_kg=600,
        capacity_m3=Decimal("3"),
        fixed_cost=Decimal("200"),
        cost_per_km=Decimal("1.60"),
        cold_chain=True,
    )
    bus = BusLine.objects.create(
        name="测试客运班线",
        hub=hub,
        parcel_capacity_kg=5,
        parcel_capacity_m3=Decimal("0.05"),
        departures="08:00",
    )
    line = FreightLine.objects.create(name="测试班线", hub=hub, bus_line=bus, departures="08:00")
    FreightLineStop.objects.create(
        line=line, seq=1, station=stations["S2"], minutes_after_departure=30
    )
    zto, yto = carriers["zto"], carriers["yto"]
    s = stations
    plan = {
        "d1": (zto, s["S1"], 2),
        "d2": (zto, s["S2"], 3),
        "d3": (zto, s["S3"], 1),
        "d4": (zto, s["S5"], 1),
        "d5": (zto, s["S4"], 1500),
        "d6": (yto, s["S1"], 1),
        "d7": (yto, s["S4"], 2),
        "d8": (yto, s["S6"], 1),
        "d9": (yto, s["S2"], 4),
    }
    parcels: dict[str, Parcel] = {}
    for name, (carrier, station, kg) in plan.items():
        parcels[name] = _parcel(name, carrier, station, kg, cold_chain=(name == "d3"))
        _event(parcels[name], TrackingStatus.IN_TRANSIT, at(18, 15), CITY)
    for name, carrier, station in (("q1", zto, s["S3"]), ("q2", yto, s["S6"])):
        parcels[name] = _parcel(name, carrier, None, 2)
        _event(parcels[name], TrackingStatus.PICKED_UP, at(18, 16), station.place_id, station)
    parcels["x1"] = _parcel("x1", yto, s["S1"], 1)
    _event(parcels["x1"], TrackingStatus.IN_TRANSIT, at(18, 15), CITY)
    _event(parcels["x1"], TrackingStatus.OUT_FOR_DELIVERY, at(19, 6), HAIYUAN)
    parcels["x2"] = _parcel("x2", yto, s["S1"], 1)
    _event(parcels["x2"], TrackingStatus.IN_TRANSIT, at(19, 8), CITY)
    parcels["x3"] = _parcel("x3", zto, None, 1)
    _event(parcels["x3"], TrackingStatus.IN_TRANSIT, at(18, 15), CITY)
    return World(hub, carriers, stations, parcels, van, cold, line)


def _event(
    parcel: Parcel, status: str, when: datetime, place: str, station: Station | None = None
) -> None:
    """One tracking event."""
    TrackingEventFactory(
        parcel=parcel,
        status=status,
        occurred_at=when,
        place=Place.objects.get(code=place),
        station=station,
    )
