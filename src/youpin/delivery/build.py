"""A day's parcels, stops and fleet → one `routing.Problem` (pure: no Django, no solver).

What becomes a job: the parcels of one stop (a station, or a village without one), one kind
(delivery from the hub, or pickup brought back to it) and one temperature (cold-chain or
ambient) make one job; a group heavier or bulkier than the largest vehicle that may carry it is
split into several jobs. Before that, every parcel that cannot be planned at all is set aside
with its reason: its stop has no coordinates, it needs the cold chain and no cold-chain vehicle
is available, or it alone exceeds every allowed vehicle's capacity.

Units (as `routing.problem` wants integers): demand in whole kilograms and cubic decimetres
(rounded up per job, at least 1 of each), times in seconds after local midnight of the plan
day, costs in micro-yuan (µ¥, 10⁻⁶ CNY) so that a per-kilometre cost of 1.20 元 is 1 200 µ¥ per
metre exactly.

Assumptions (docs/DELIVERY.md): a parcel with no recorded volume takes 4 cm³ per gram (a
density of 250 kg/m³, loose parcels with air between them); a stop takes 5 minutes plus
20 seconds per parcel; the job's window is the station's longest opening range that day, and
service must end before the range closes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from youpin.routing.problem import UNBOUNDED, Depot, IntMatrix, Job, JobKind, Problem, VehicleType

#: Volume assumed per gram when a parcel's volume is not recorded (250 kg/m³).
CM3_PER_G_UNKNOWN = 4
#: Service time at a stop: a fixed part and a part per parcel, in seconds.
SERVICE_BASE_S = 300
SERVICE_PER_PARCEL_S = 20
MICRO = 1_000_000

Matrices = Callable[[Sequence[tuple[float, float]]], tuple[IntMatrix, IntMatrix]]


@dataclass(frozen=True, slots=True)
class HubSpec:
    """The depot: its point and working day in seconds after midnight."""

    id: str
    lon: float
    lat: float
    open_s: int
    close_s: int


@dataclass(frozen=True, slots=True)
class VehicleSpec:
    """A vehicle in plain units; `co2_g_per_km` comes from `savings.co2_g_per_km`."""

    id: str
    capacity_kg: int
    capacity_dm3: int
    fixed_cost: Decimal
    cost_per_km: Decimal
    cost_per_hour: Decimal = Decimal(0)
    speed_kmh: float = 40.0
    shift_hours: float = 9.0
    range_km: int | None = None
    cold: bool = False
    co2_g_per_km: int = 0


@dataclass(frozen=True, slots=True)
class StopSpec:
    """A place the vehicle stops at: a station (with its opening ranges) or a village."""

    key: str
    name: str
    lon: float | None
    lat: float | None
    #: Open ranges that day, seconds after midnight [start, end); a village is open all day.
    windows: tuple[tuple[int, int], ...] = ((0, 24 * 3600),)


@dataclass(frozen=True, slots=True)
class ParcelItem:
    """A parcel to deliver to (or pick up at) a stop."""

    id: int
    carrier: str
    stop: str
    kind: JobKind = JobKind.DELIVERY
    weight_g: int = 0
    volume_cm3: int = 0
    cold: bool = False

    @property
    def volume(self) -> int:
        """Volume in cm³, estimated from the weight when not recorded."""
        return self.volume_cm3 or self.weight_g * CM3_PER_G_UNKNOWN


@dataclass(frozen=True, slots=True)
class ParcelUnplanned:
    """A parcel left out, with a reason code (routing.Reason values or `no_location`)."""

    parcel: int
    reason: str
    message: str


@dataclass(slots=True)
class Built:
    """The problem and how its jobs map back to stops and parcels."""

    problem: Problem
    job_stops: list[str]
    job_parcels: list[list[int]]
    vehicles: list[VehicleSpec]
    unplanned: list[ParcelUnplanned] = field(default_factory=list)


def demand(weight_g: int, volume_cm3: int) -> tuple[int, int]:
    """(kg, dm³) rounded up, at least 1 of each: what a group of parcels takes on board."""
    return max(1, math.ceil(weight_g / 1000)), max(1, math.ceil(volume_cm3 / 1000))


def service_seconds(parcels: int) -> int:
    """Time spent at a stop handing over or collecting `parcels` parcels."""
    return SERVICE_BASE_S + SERVICE_PER_PARCEL_S * parcels


def job_window(windows: Sequence[tuple[int, int]], service: int) -> tuple[int, int] | None:
    """The longest open range as (earliest start, latest start so service ends in time)."""
    usable = [(end - start, start, end) for start, end in windows if end - start >= service]
    if not usable:
        return None
    _, start, end = max(usable, key=lambda r: (r[0], -r[1]))
    return start, end - service


def vehicle_type(spec: VehicleSpec, hub: HubSpec) -> VehicleType:
    """A routing vehicle type of one vehicle, costs in µ¥ (per vehicle, per metre, per second)."""
    return VehicleType(
        id=spec.id,
        count=1,
        capacity=(spec.capacity_kg, spec.capacity_dm3),
        depot=0,
        fixed_cost=int(spec.fixed_cost * MICRO),
        distance_cost=int(spec.cost_per_km * MICRO / 1000),
        duration_cost=round(spec.cost_per_hour * MICRO / 3600),
        speed=spec.speed_kmh / 3.6,
        tw_early=hub.open_s,
        tw_late=hub.close_s,
        shift_duration=round(spec.shift_hours * 3600),
        max_distance=spec.range_km * 1000 if spec.range_km is not None else UNBOUNDED,
        cold=spec.cold,
    )


def _largest(vehicles: Sequence[VehicleSpec], cold: bool) -> tuple[int, int] | None:
    """The largest capacity (kg, dm³) per dimension among the vehicles allowed the temperature."""
    allowed = [v for v in vehicles if v.cold or not cold]
    if not allowed:
        return None
    return max(v.capacity_kg for v in allowed), max(v.capacity_dm3 for v in allowed)


def _chunks(parcels: list[ParcelItem], cap: tuple[int, int]) -> list[list[ParcelItem]]:
    """First-fit by decreasing weight into groups whose demand fits `cap`."""
    groups: list[list[ParcelItem]] = []
    totals: list[tuple[int, int]] = []
    for p in sorted(parcels, key=lambda p: (-p.weight_g, p.id)):
        for i, (g, v) in enumerate(totals):
            kg, dm3 = demand(g + p.weight_g, v + p.volume)
            if kg <= cap[0] and dm3 <= cap[1]:
                groups[i].append(p)
                totals[i] = (g + p.weight_g, v + p.volume)
                break
        else:
            groups.append([p])
            totals.append((p.weight_g, p.volume))
    return groups


def _set_aside(
    parcel: ParcelItem, stop: StopSpec | None, vehicles: Sequence[VehicleSpec]
) -> ParcelUnplanned | None:
    """Why a parcel cannot be planned at all, or None."""
    if stop is None or stop.lon is None or stop.lat is None:
        return ParcelUnplanned(parcel.id, "no_location", "stop has no coordinates")
    cap = _largest(vehicles, parcel.cold)
    if cap is None:
        if parcel.cold and vehicles:
            return ParcelUnplanned(parcel.id, "no_cold_vehicle", "no cold-chain vehicle available")
        return ParcelUnplanned(parcel.id, "not_scheduled", "no vehicles available")
    kg, dm3 = demand(parcel.weight_g, parcel.volume)
    if kg > cap[0] or dm3 > cap[1]:
        return ParcelUnplanned(
            parcel.id,
            "capacity",
            f"parcel {kg} kg / {dm3} dm³ exceeds the largest allowed vehicle "
            f"{cap[0]} kg / {cap[1]} dm³",
        )
    return None


def _default_matrices(points: Sequence[tuple[float, float]]) -> tuple[IntMatrix, IntMatrix]:
    """Road router if configured, else great-circle × detour factor (routing.road_router)."""
    from youpin.routing.road_router import travel_matrices

    return travel_matrices(points)


def build_problem(
    hub: HubSpec,
    stops: dict[str, StopSpec],
    parcels: Sequence[ParcelItem],
    vehicles: Sequence[VehicleSpec],
    *,
    matrices: Matrices | None = None,
    name: str = "",
) -> Built:
    """One routing problem for the hub's day: jobs per stop, kind and temperature; one vehicle
    type per vehicle; parcels that cannot be planned at all reported with their reason."""
    unplanned: list[ParcelUnplanned] = []
    groups: dict[tuple[str, JobKind, bool], list[ParcelItem]] = {}
    for p in parcels:
        reason = _set_aside(p, stops.get(p.stop), vehicles)
        if reason is not None:
            unplanned.append(reason)
            continue
        groups.setdefault((p.stop, p.kind, p.cold), []).append(p)
    jobs: list[Job] = []
    job_stops: list[str] = []
    job_parcels: list[list[int]] = []
    for (key, kind, cold), items in sorted(
        groups.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2])
    ):
        stop = stops[key]
        cap = _largest(vehicles, cold)
        assert cap is not None
        assert stop.lon is not None
        assert stop.lat is not None
        for n, chunk in enumerate(_chunks(items, cap)):
            service = service_seconds(len(chunk))
            window = job_window(stop.windows, service)
            if window is None:
                unplanned.extend(
                    ParcelUnplanned(p.id, "time_window", "no opening range long enough to serve")
                    for p in chunk
                )
                continue
            suffix = f":{kind.value}{':cold' if cold else ''}#{n + 1}"
            jobs.append(
                Job(
                    id=f"{key}{suffix}",
                    x=stop.lon,
                    y=stop.lat,
                    demand=demand(sum(p.weight_g for p in chunk), sum(p.volume for p in chunk)),
                    kind=kind,
                    service=service,
                    tw_early=window[0],
                    tw_late=window[1],
                    cold=cold,
                )
            )
            job_stops.append(key)
            job_parcels.append(sorted(p.id for p in chunk))
    points = [(hub.lon, hub.lat)] + [(j.x, j.y) for j in jobs]
    distances, durations = (matrices or _default_matrices)(points)
    problem = Problem(
        depots=[Depot(hub.id, hub.lon, hub.lat, hub.open_s, hub.close_s)],
        jobs=jobs,
        vehicle_types=[vehicle_type(v, hub) for v in vehicles],
        distances=distances,
        durations=durations,
        name=name,
    )
    return Built(problem, job_stops, job_parcels, list(vehicles), unplanned)
