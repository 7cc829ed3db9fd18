"""Writes of the joint-delivery context: `plan_delivery` makes, checks and stores a day's plan.

1. Read what waits (`selectors`): every carrier's parcels at the hub for the county, and the
   parcels sent at the county's stations waiting for collection.
2. Parcels for a station on a freight line running that day ride the line (`lines`), up to its
   capacity; the rest, and every collection, become one routing problem (`build`).
3. Solve it with the routing adapter (time limit, seed), and check the plan with the routing
   checker, independent of the solver: a plan with a violation is solved again (more time, next
   seed) and, if it still breaks a constraint, refused, never stored.
4. Plan the same day for each carrier alone (its own deliveries, including those the joint plan
   put on lines, and its own collections) on a fleet like the hub's (every carrier gets the whole
   fleet: generous to the carriers, so the saving is a lower bound), and compare (`savings`).
5. Store the plan, its routes, stops and per-parcel rows (unplanned ones with their reason),
   replacing an earlier plan of the same hub and day.
"""

from __future__ import annotations

import itertools
import os
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction

from youpin.counter.models import Custody, CustodyState
from youpin.delivery.build import MICRO, Built, ParcelItem, build_problem
from youpin.delivery.lines import LineAssignment, assign_to_lines
from youpin.delivery.models import (
    DeliveryPlan,
    Driver,
    Hub,
    PlanParcel,
    PlanRoute,
    PlanStop,
)
from youpin.delivery.savings import Metrics, comparison, line_metrics, route_metrics
from youpin.delivery.selectors import (
    parcels_waiting_at_hub,
    parcels_waiting_at_stations,
    plan_cutoff,
)
from youpin.delivery.world import Day, day_read
from youpin.routing.checker import Violation, check
from youpin.routing.distances import DEFAULT_DETOUR_FACTOR
from youpin.routing.problem import Solution
from youpin.routing.pyvrp_adapter import SOLVER_NAME, solve
from youpin.routing.road_router import ENV_URL, travel_matrices
from youpin.stations.hours import LOCAL

#: Shortest time any one solve gets (the per-carrier plans are small).
MIN_SECONDS = 0.5
#: Solves of one problem before a plan that still breaks a constraint is refused.
ATTEMPTS = 3


class PlanRefused(RuntimeError):
    """The solver's plan broke a constraint the checker verifies; nothing was stored."""

    def __init__(self, violations: list[Violation]) -> None:
        """Keep the violations for the message."""
        self.violations = violations
        super().__init__("; ".join(f"{v.kind}: {v.message}" for v in violations[:5]))


@dataclass
class Solved:
    """A built problem, its solution and its figures."""

    built: Built
    solution: Solution
    metrics: Metrics


def _solve_checked(built: Built, seconds: float, seed: int, cpu_time: bool = False) -> Solved:
    """Solve and check independently; a plan with a violation is solved again with twice the
    time and the next seed (PyVRP may end a short search on an infeasible best), up to
    `ATTEMPTS` times, and then refused."""
    limit = max(MIN_SECONDS, seconds)
    violations: list[Violation] = []
    for attempt in range(ATTEMPTS):
        solution = solve(
            built.problem, seconds=limit * 2**attempt, seed=seed + attempt, cpu_time=cpu_time
        )
        violations = check(built.problem, solution)
        if not violations:
            metrics = route_metrics(built.problem, solution, built.vehicles, built.job_parcels)
            metrics.unplanned += len(built.unplanned)
            return Solved(built, solution, metrics)
    raise PlanRefused(violations)


def _line_legs(world: Day, stops: tuple[str, ...]) -> list[int]:
    """Road lengths hub → stop 1 → … → hub (estimate or road router)."""
    points = [(world.hub.lon, world.hub.lat)] + [
        (world.stops[k].lon or 0.0, world.stops[k].lat or 0.0) for k in stops
    ]
    distances, _ = travel_matrices(points)
    path = [*range(len(points)), 0]
    return [int(distances[a, b]) for a, b in itertools.pairwise(path)]


def _alone(world: Day, seconds: float, seed: int, cpu_time: bool) -> dict[str, Metrics]:
    """Each carrier's day planned alone on a fleet like the hub's whole fleet."""
    by_carrier: dict[str, list[ParcelItem]] = defaultdict(list)
    for p in world.parcels:
        by_carrier[p.carrier].append(p)
    fleet = world.vehicles + world.line_vehicles
    total = len(world.parcels) or 1
    out = {}
    for code, items in sorted(by_carrier.items()):
        built = build_problem(world.hub, world.stops, items, fleet, name=f"alone:{code}")
        share = seconds * len(items) / total
        out[code] = _solve_checked(built, share, seed, cpu_time).metrics
    return out


def _at(day: date, seconds: int) -> datetime:
    """Seconds after local midnight of the day as an aware time."""
    return datetime.combine(day, time(0), tzinfo=LOCAL) + timedelta(seconds=seconds)


def _pickup_codes(parcel_ids: list[int]) -> dict[int, str]:
    """Pickup codes of parcels already waiting at a station's counter."""
    return dict(
        Custody.objects.filter(parcel_id__in=parcel_ids, state=CustodyState.WAITING).values_list(
            "parcel_id", "pickup_code"
        )
    )


def _store(
    hub: Hub,
    day: date,
    world: Day,
    assignment: LineAssignment,
    joint: Solved,
    *,
    cutoff: datetime,
    seconds: float,
    seed: int,
    comparison_data: dict[str, object],
    joint_metrics: Metrics,
) -> DeliveryPlan:
    """Write the plan, its routes, stops and parcel rows (replacing the day's earlier plan)."""
    DeliveryPlan.objects.filter(hub=hub, day=day).delete()
    problem, solution = joint.built.problem, joint.solution
    plan = DeliveryPlan.objects.create(
        hub=hub,
        day=day,
        cutoff=cutoff,
        seconds=seconds,
        seed=seed,
        solver=SOLVER_NAME,
        distance_source="OSRM" if _router_url() else f"直线×{DEFAULT_DETOUR_FACTOR}",
        parcels_total=len(world.parcels),
        parcels_routed=joint_metrics.parcels - sum(len(r.parcels) for r in assignment.runs),
        parcels_on_lines=sum(len(r.parcels) for r in assignment.runs),
        parcels_unplanned=joint_metrics.unplanned,
        vehicles_used=joint_metrics.vehicles,
        distance_m=joint_metrics.distance_m,
        duration_s=joint_metrics.duration_s,
        cost=(Decimal(joint_metrics.cost_micro) / MICRO).quantize(Decimal("0.01")),
        comparison=comparison_data,
        is_demo=hub.is_demo,
    )
    drivers = {
        d.vehicle_id: d
        for d in Driver.objects.filter(hub=hub, is_active=True, vehicle__isnull=False)
    }
    codes = _pickup_codes(list(world.rows))
    rows: list[PlanParcel] = []
    items = {p.id: p for p in world.parcels}

    def parcel_row(pid: int, **kw: object) -> PlanParcel:
        parcel = world.rows[pid]
        item = items[pid]
        stop = world.stops.get(item.stop)
        return PlanParcel(
            plan=plan,
            parcel_id=pid,
            kind=item.kind.value,
            carrier_id=parcel.carrier_id,
            destination=stop.name if stop else "",
            pickup_code=codes.get(pid, ""),
            **kw,
        )

    for seq, route in enumerate(solution.routes, start=1):
        if not route.visits:
            continue
        spec = joint.built.vehicles[route.vehicle_type_index]
        vehicle = world.vehicle_rows.get(spec.id)
        driver = drivers.get(vehicle.pk) if vehicle is not None else None
        load_start = route.load_start or (0, 0)
        row = PlanRoute.objects.create(
            plan=plan,
            seq=seq,
            vehicle=vehicle,
            plate=spec.id,
            cold_chain=spec.cold,
            driver=driver,
            driver_name=driver.name if driver else "",
            start_at=_at(day, route.start),
            end_at=_at(day, route.end),
            distance_m=route.distance,
            duration_s=route.duration,
            load_kg=load_start[0],
            load_dm3=load_start[1],
            capacity_kg=spec.capacity_kg,
            capacity_dm3=spec.capacity_dm3,
        )
        for n, visit in enumerate(route.visits, start=1):
            job = problem.jobs[visit.job_index]
            key = joint.built.job_stops[visit.job_index]
            stop_spec = world.stops[key]
            station = world.stations.get(key)
            place = world.places.get(key)
            pids = joint.built.job_parcels[visit.job_index]
            stop = PlanStop.objects.create(
                route=row,
                seq=n,
                kind=job.kind.value,
                station=station,
                place=place,
                name=stop_spec.name,
                lon=job.x,
                lat=job.y,
                arrival_at=_at(day, visit.arrival),
                start_at=_at(day, visit.start),
                departure_at=_at(day, visit.departure),
                parcels=len(pids),
                weight_kg=job.demand[0],
                volume_dm3=job.demand[1],
                cold_chain=job.cold,
                opening_hours=station.opening_hours if station else "",
            )
            rows.extend(parcel_row(pid, stop=stop) for pid in pids)
    for run in assignment.runs:
        for pid in run.parcels:
            rows.append(
                parcel_row(
                    pid,
                    line_id=run.line,
                    line_departure=_at(day, run.departure).time(),
                )
            )
    for aside in joint.built.unplanned:
        rows.append(
            parcel_row(aside.parcel, unplanned_reason=aside.reason, unplanned_message=aside.message)
        )
    for left in solution.unplanned:
        for pid in joint.built.job_parcels[left.job_index]:
            rows.append(
                parcel_row(
                    pid, unplanned_reason=str(left.reason), unplanned_message=left.message[:300]
                )
            )
    PlanParcel.objects.bulk_create(rows, batch_size=500)
    return plan


def _router_url() -> str:
    """The configured road router, if any."""
    return os.environ.get(ENV_URL, "")


def plan_delivery(
    hub: Hub, day: date, *, seconds: float = 10.0, seed: int = 1, cpu_time: bool = False
) -> DeliveryPlan:
    """Plan, check, compare and store the hub's joint delivery for the day (see the module).

    Each carrier's plan alone gets the time limit times its share of the parcels (at least
    0.5 s); `cpu_time=True` counts the limits in CPU seconds (benchmarks on a shared machine).
    """
    cutoff = plan_cutoff(hub, day)
    deliveries = parcels_waiting_at_hub(hub, cutoff)
    collections = parcels_waiting_at_stations(hub, cutoff)
    world, lines = day_read(hub, day, deliveries, collections)
    world.lines = [spec for _line, spec in lines]
    assignment = assign_to_lines(world.parcels, world.lines)
    built = build_problem(
        world.hub, world.stops, assignment.rest, world.vehicles, name=f"{hub.pk}:{day}"
    )
    joint = _solve_checked(built, seconds, seed, cpu_time)
    joint_metrics = joint.metrics
    runs_by_line: dict[int, list] = defaultdict(list)
    for run in assignment.runs:
        runs_by_line[run.line].append(run)
    specs = {v.id: v for v in world.line_vehicles}
    on_line: dict[int, Metrics] = {}
    for spec in world.lines:
        legs = _line_legs(world, spec.stops)
        vehicle = specs.get(spec.vehicle) if spec.vehicle else None
        on_line[spec.id] = line_metrics(spec, runs_by_line[spec.id], legs, vehicle)
        joint_metrics = joint_metrics + on_line[spec.id]
    alone = _alone(world, seconds, seed, cpu_time)
    data = comparison(joint_metrics, alone)
    data["lines"] = [
        {
            "line": spec.id,
            "name": spec.name,
            "departures": len(spec.departures),
            "parcels": sum(len(r.parcels) for r in runs_by_line[spec.id]),
            "vehicle": spec.vehicle,
            "vehicles": on_line[spec.id].vehicles,
            "km": round(on_line[spec.id].distance_m / 1000, 1),
            "hours": round(on_line[spec.id].duration_s / 3600, 2),
        }
        for spec in world.lines
    ]
    data["assumptions"] = {
        "alone_fleet": "each carrier alone may use a fleet like the hub's whole fleet",
        "seconds": seconds,
        "seed": seed,
    }
    with transaction.atomic():
        return _store(
            hub,
            day,
            world,
            assignment,
            joint,
            cutoff=cutoff,
            seconds=seconds,
            seed=seed,
            comparison_data=data,
            joint_metrics=joint_metrics,
        )
