"""A hub's day read from the database into the planner's plain specs (hub, fleet, stops, lines).

Where a parcel is delivered (its stop): the station it is addressed to when known
(`Parcel.station`, active and in the county), else an active service point at the recipient's
village (village point, community station, locker, township store, in that order of
preference), else the township 兴农 supermarket of the village's township, else the village
itself (door delivery at the village's point; village coordinates in the demo are synthetic).
Stop keys: `S<station id>` for a station, `P<place code>` for a village.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from youpin.delivery.build import HubSpec, ParcelItem, StopSpec, VehicleSpec
from youpin.delivery.lines import LineSpec
from youpin.delivery.models import FreightLine, Hub, Vehicle
from youpin.delivery.savings import co2_g_per_km
from youpin.delivery.selectors import Collection
from youpin.geo.models import Place
from youpin.logistics.models import Parcel
from youpin.routing.problem import JobKind
from youpin.stations.hours import hours_parse
from youpin.stations.models import Station, StationKind

KIND_PREFERENCE: dict[str, int] = {
    StationKind.VILLAGE: 0,
    StationKind.COMMUNITY: 1,
    StationKind.LOCKER: 2,
    StationKind.TOWNSHIP: 3,
    StationKind.EXPERIENCE: 4,
}


def seconds_of(t: object) -> int:
    """A time of day as seconds after midnight."""
    return t.hour * 3600 + t.minute * 60 + t.second  # type: ignore[attr-defined]


def hub_spec(hub: Hub) -> HubSpec:
    """The hub as a depot."""
    return HubSpec(
        f"hub-{hub.pk}",
        hub.lon,
        hub.lat,
        seconds_of(hub.opening_time),
        seconds_of(hub.closing_time),
    )


def vehicle_spec(v: Vehicle) -> VehicleSpec:
    """A vehicle in the planner's units."""
    return VehicleSpec(
        id=v.plate,
        capacity_kg=v.capacity_kg,
        capacity_dm3=int(v.capacity_m3 * 1000),
        fixed_cost=v.fixed_cost,
        cost_per_km=v.cost_per_km,
        cost_per_hour=v.cost_per_hour,
        speed_kmh=float(v.speed_kmh),
        shift_hours=float(v.shift_hours),
        range_km=v.electric_range_km,
        cold=v.cold_chain,
        co2_g_per_km=co2_g_per_km(v.consumption_per_100km, v.is_electric),
    )


def station_stop(s: Station) -> StopSpec:
    """A station as a stop with its opening ranges (seconds after midnight)."""
    windows = tuple((r.start * 60, r.end * 60) for r in hours_parse(s.opening_hours))
    return StopSpec(f"S{s.pk}", s.name, s.lon, s.lat, windows)


def place_stop(p: Place) -> StopSpec:
    """A village (or other place) as a stop, open all day."""
    return StopSpec(f"P{p.code}", p.name, p.lon, p.lat)


@dataclass
class Day:
    """What the planner needs about a hub's day, in plain specs, with the database rows."""

    hub: HubSpec
    stops: dict[str, StopSpec] = field(default_factory=dict)
    parcels: list[ParcelItem] = field(default_factory=list)
    vehicles: list[VehicleSpec] = field(default_factory=list)
    #: Vehicles of the hub running a line today (not available to the vans; used by `alone`).
    line_vehicles: list[VehicleSpec] = field(default_factory=list)
    lines: list[LineSpec] = field(default_factory=list)
    rows: dict[int, Parcel] = field(default_factory=dict)
    stations: dict[str, Station] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    vehicle_rows: dict[str, Vehicle] = field(default_factory=dict)


class _Destinations:
    """Chooses each delivery's stop from the county's stations and places."""

    def __init__(self, county_prefix: str) -> None:
        """Read the county's active stations once."""
        self.stations = {
            s.pk: s
            for s in Station.objects.filter(
                place__code__startswith=county_prefix, is_active=True, lon__isnull=False
            )
        }
        self.at_place: dict[str, Station] = {}
        for s in sorted(self.stations.values(), key=lambda s: (KIND_PREFERENCE[s.kind], s.pk)):
            self.at_place.setdefault(s.place_id, s)
        self.townships = {
            s.place_id: s for s in self.stations.values() if s.kind == StationKind.TOWNSHIP
        }

    def stop_for(self, parcel: Parcel) -> Station | Place | None:
        """The station (or village) the parcel goes to."""
        if parcel.station_id in self.stations:
            return self.stations[parcel.station_id]
        place = parcel.recipient_place
        if place is None:
            return None
        found = self.at_place.get(place.code) or self.townships.get(place.code[:9] + "000")
        return found or place


def _item(parcel: Parcel, stop: str, kind: JobKind) -> ParcelItem:
    """A parcel row as a plain item."""
    return ParcelItem(
        id=parcel.pk,
        carrier=parcel.carrier.code,
        stop=stop,
        kind=kind,
        weight_g=parcel.weight_g,
        volume_cm3=parcel.volume_cm3,
        cold=parcel.cold_chain,
    )


def lines_today(
    hub: Hub, day: date, stops: dict[str, StopSpec]
) -> list[tuple[FreightLine, LineSpec]]:
    """The hub's active freight lines running that day (and their bus line with them)."""
    weekday = day.isoweekday()
    out = []
    lines = FreightLine.objects.filter(hub=hub, is_active=True).select_related(
        "vehicle", "bus_line"
    )
    for line in lines.prefetch_related("stops__station").order_by("pk"):
        if not line.runs_on(weekday):
            continue
        bus = line.bus_line
        if bus is not None and not (bus.is_active and bus.runs_on(weekday)):
            continue
        vehicle = line.vehicle
        if vehicle is not None and not vehicle.is_active:
            continue
        keys, minutes = [], []
        for stop in line.stops.all():
            if stop.station.lon is None:
                continue
            spec = station_stop(stop.station)
            stops.setdefault(spec.key, spec)
            keys.append(spec.key)
            minutes.append(stop.minutes_after_departure)
        if not keys:
            continue
        if vehicle is not None:
            cap_kg, cap_dm3, cold = (
                vehicle.capacity_kg,
                int(vehicle.capacity_m3 * 1000),
                vehicle.cold_chain,
            )
        else:
            assert bus is not None
            cap_kg, cap_dm3, cold = (
                bus.parcel_capacity_kg,
                int(bus.parcel_capacity_m3 * 1000),
                False,
            )
        spec_line = LineSpec(
            id=line.pk,
            name=line.name,
            stops=tuple(keys),
            minutes=tuple(minutes),
            departures=tuple(seconds_of(t) for t in line.departure_times()),
            capacity_kg=cap_kg,
            capacity_dm3=cap_dm3,
            cold=cold,
            vehicle=vehicle.plate if vehicle is not None else None,
        )
        out.append((line, spec_line))
    return out


def day_read(
    hub: Hub, day: date, deliveries: list[Parcel], collections: list[Collection]
) -> tuple[Day, list[tuple[FreightLine, LineSpec]]]:
    """The hub's day: stops, parcels, the fleet left for the vans and today's lines."""
    world = Day(hub=hub_spec(hub))
    dest = _Destinations(hub.county_id[:6])
    for parcel in deliveries:
        target = dest.stop_for(parcel)
        if isinstance(target, Station):
            spec = station_stop(target)
            world.stations[spec.key] = target
        elif isinstance(target, Place):
            spec = place_stop(target)
            world.places[spec.key] = target
        else:
            spec = StopSpec("P?", "收件地不明", None, None)
        world.stops.setdefault(spec.key, spec)
        world.parcels.append(_item(parcel, spec.key, JobKind.DELIVERY))
        world.rows[parcel.pk] = parcel
    for c in collections:
        station = dest.stations.get(c.station_id) or Station.objects.get(pk=c.station_id)
        spec = (
            station_stop(station)
            if station.lon is not None
            else StopSpec(f"S{station.pk}", station.name, None, None)
        )
        world.stations[spec.key] = station
        world.stops.setdefault(spec.key, spec)
        world.parcels.append(_item(c.parcel, spec.key, JobKind.PICKUP))
        world.rows[c.parcel.pk] = c.parcel
    lines = lines_today(hub, day, world.stops)
    for line, _spec in lines:
        for stop in line.stops.all():
            world.stations.setdefault(f"S{stop.station_id}", stop.station)
    on_lines = {spec.vehicle for _line, spec in lines if spec.vehicle is not None}
    for v in Vehicle.objects.filter(hub=hub, is_active=True).order_by("plate"):
        world.vehicle_rows[v.plate] = v
        (world.line_vehicles if v.plate in on_lines else world.vehicles).append(vehicle_spec(v))
    return world, lines
