"""What joint delivery saves: figures of a plan, and the joint plan against each carrier alone.

Pure (no Django, no solver). Figures of a set of routes:

- vehicle-km and vehicle-hours: the sum over routes of their length and duration (waiting
  included, from leaving the hub to coming back);
- vehicles used: routes with at least one stop (plus vehicles running a freight line);
- **empty-run share**: the share of vehicle-km driven with nothing on board (no parcel to
  deliver left and no parcel collected yet), e.g. the way back to the hub after the last
  delivery when there is nothing to collect; collecting farm parcels on the way back lowers it;
- cost: the vehicles' fixed cost per day used, cost per km and per hour;
- CO₂: vehicle-km × the vehicle's emission per km (below).

Emission factors (tank-to-wheel for diesel, grid average for electricity):

- diesel: 2.68 kg CO₂ per litre = IPCC 2006 Guidelines for National Greenhouse Gas Inventories,
  vol. 2 ch. 3 table 3.2.1 (74 100 kg CO₂/TJ for diesel oil) × ch. 1 table 1.2 (net calorific
  value 43.0 TJ/Gg) × a density of 0.84 kg/L;
- electricity: 0.5703 kg CO₂ per kWh = the national grid average emission factor for 2022
  published by China's Ministry of Ecology and Environment (环办气候函〔2023〕43号);
- each vehicle's consumption per 100 km (litres of diesel, or kWh) is its own field; the demo
  fleet uses 10 L/100 km for a light van and 20 kWh/100 km for an electric van (assumptions).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from decimal import Decimal
from typing import Any

from youpin.delivery.build import MICRO, VehicleSpec
from youpin.delivery.lines import LineRun, LineSpec
from youpin.routing.problem import JobKind, Problem, Solution

DIESEL_KG_CO2_PER_L = Decimal("2.68")
GRID_KG_CO2_PER_KWH = Decimal("0.5703")
#: Minutes a line vehicle stops at each station.
LINE_DWELL_S = 300


def co2_g_per_km(consumption_per_100km: Decimal, electric: bool) -> int:
    """Grams of CO₂ per km for a vehicle using that much diesel (L) or electricity (kWh)."""
    factor = GRID_KG_CO2_PER_KWH if electric else DIESEL_KG_CO2_PER_L
    return round(consumption_per_100km * factor * 1000 / 100)


@dataclass(slots=True)
class Metrics:
    """Figures of a set of routes (integers in base units)."""

    vehicles: int = 0
    distance_m: int = 0
    duration_s: int = 0
    empty_m: int = 0
    cost_micro: int = 0
    co2_g: int = 0
    parcels: int = 0
    unplanned: int = 0

    def __add__(self, other: Metrics) -> Metrics:
        """Field-wise sum."""
        return Metrics(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))

    @property
    def empty_share(self) -> float:
        """Share of vehicle-km driven empty (0 when nothing was driven)."""
        return self.empty_m / self.distance_m if self.distance_m else 0.0

    def as_dict(self) -> dict[str, Any]:
        """Readable figures: km, hours, yuan, kg, with the raw integers."""
        return {
            **asdict(self),
            "km": round(self.distance_m / 1000, 1),
            "hours": round(self.duration_s / 3600, 2),
            "empty_share": round(self.empty_share, 4),
            "cost": f"{Decimal(self.cost_micro) / MICRO:.2f}",
            "co2_kg": round(self.co2_g / 1000, 1),
        }


def astuple(m: Metrics) -> tuple[int, ...]:
    """The integer fields in order."""
    return (
        m.vehicles,
        m.distance_m,
        m.duration_s,
        m.empty_m,
        m.cost_micro,
        m.co2_g,
        m.parcels,
        m.unplanned,
    )


def metrics_from_dict(data: dict[str, Any]) -> Metrics:
    """Metrics back from `as_dict`."""
    return Metrics(**{f.name: int(data.get(f.name, 0)) for f in fields(Metrics)})


def route_metrics(
    problem: Problem,
    solution: Solution,
    vehicles: Sequence[VehicleSpec],
    job_parcels: Sequence[Sequence[int]],
) -> Metrics:
    """Figures of a solved problem, loads recomputed from the jobs (independent of the solver)."""
    out = Metrics(unplanned=sum(len(job_parcels[u.job_index]) for u in solution.unplanned))
    out.cost_micro = solution.cost
    for route in solution.routes:
        if not route.visits:
            continue
        vt = problem.vehicle_types[route.vehicle_type_index]
        spec = vehicles[route.vehicle_type_index]
        jobs = [problem.jobs[v.job_index] for v in route.visits]
        load = [sum(j.demand[d] for j in jobs if j.kind is JobKind.DELIVERY) for d in range(2)]
        path = [vt.depot, *(problem.job_location(v.job_index) for v in route.visits), vt.depot]
        loads = [tuple(load)]
        for job in jobs:
            sign = -1 if job.kind is JobKind.DELIVERY else 1
            load = [a + sign * b for a, b in zip(load, job.demand, strict=True)]
            loads.append(tuple(load))
        distance = 0
        for (a, b), on_board in zip(itertools.pairwise(path), loads, strict=True):
            leg = int(problem.distances[a, b])
            distance += leg
            if not any(on_board):
                out.empty_m += leg
        out.vehicles += 1
        out.distance_m += distance
        out.duration_s += route.duration
        out.co2_g += round(distance * spec.co2_g_per_km / 1000)
        out.parcels += sum(len(job_parcels[v.job_index]) for v in route.visits)
    return out


def line_metrics(
    line: LineSpec,
    runs: Sequence[LineRun],
    legs_m: Sequence[int],
    vehicle: VehicleSpec | None,
) -> Metrics:
    """Figures of a line's departures today.

    `legs_m` are the road lengths hub → stop 1 → … → last stop → hub. A bus line adds no
    vehicle-km (the bus runs anyway); a vehicle line counts every scheduled departure (a fixed
    timetable runs whether full or not), its fixed cost once a day, km and hours per departure.
    """
    parcels = sum(len(r.parcels) for r in runs)
    if vehicle is None:
        return Metrics(parcels=parcels)
    out = Metrics(vehicles=1, parcels=parcels, cost_micro=int(vehicle.fixed_cost * MICRO))
    speed = vehicle.speed_kmh / 3.6
    for run in runs:
        remaining = sum(len(v) for v in run.per_stop.values())
        distance = sum(legs_m)
        duration = round(distance / speed) + LINE_DWELL_S * len(line.stops)
        for leg, stop in zip(legs_m, (*line.stops, None), strict=True):
            if remaining == 0:
                out.empty_m += leg
            if stop is not None:
                remaining -= len(run.per_stop.get(stop, []))
        out.distance_m += distance
        out.duration_s += duration
        out.co2_g += round(distance * vehicle.co2_g_per_km / 1000)
        out.cost_micro += (
            int(vehicle.cost_per_km * MICRO / 1000) * distance
            + round(vehicle.cost_per_hour * MICRO / 3600) * duration
        )
    return out


def _saving(joint: float, alone: float) -> float | None:
    """Relative saving of joint against alone, None when alone is zero."""
    return round(1 - joint / alone, 4) if alone else None


def comparison(joint: Metrics, alone: dict[str, Metrics]) -> dict[str, Any]:
    """The joint plan against the carriers' plans alone, with savings per figure."""
    total = sum(alone.values(), Metrics())
    return {
        "joint": joint.as_dict(),
        "alone": total.as_dict(),
        "per_carrier": {code: m.as_dict() for code, m in sorted(alone.items())},
        "saving": {
            "km": _saving(joint.distance_m, total.distance_m),
            "hours": _saving(joint.duration_s, total.duration_s),
            "vehicles": _saving(joint.vehicles, total.vehicles),
            "cost": _saving(joint.cost_micro, total.cost_micro),
            "co2": _saving(joint.co2_g, total.co2_g),
            "empty_share_points": round(total.empty_share - joint.empty_share, 4),
        },
    }
