"""Figures of a plan and the comparison joint vs alone, against hand computations (pure)."""

from __future__ import annotations

import itertools
from decimal import Decimal

import numpy as np

from youpin.delivery.build import VehicleSpec
from youpin.delivery.lines import LineRun, LineSpec
from youpin.delivery.savings import (
    Metrics,
    co2_g_per_km,
    comparison,
    line_metrics,
    metrics_from_dict,
    route_metrics,
)
from youpin.routing.problem import Depot, Job, JobKind, Problem, Route, Solution, VehicleType, Visit

VAN = VehicleSpec("van", 100, 100, Decimal("100"), Decimal("1"), co2_g_per_km=268)


def test_emission_factors() -> None:
    """10 L diesel/100 km × 2.68 kg/L = 268 g/km; 20 kWh/100 km × 0.5703 = 114 g/km."""
    assert co2_g_per_km(Decimal("10"), electric=False) == 268
    assert co2_g_per_km(Decimal("20"), electric=True) == 114


def _problem() -> Problem:
    """Depot 0, a delivery at 1 and a pickup at 2; 10 km, 4 km and 7 km legs."""
    d = np.array([[0, 10_000, 7_000], [10_000, 0, 4_000], [7_000, 4_000, 0]])
    jobs = [
        Job("deliver", demand=(5, 5), kind=JobKind.DELIVERY),
        Job("collect", demand=(3, 3), kind=JobKind.PICKUP),
    ]
    vt = [VehicleType("van", 2, (100, 100), fixed_cost=1000, distance_cost=1)]
    return Problem([Depot("hub")], jobs, vt, d, d // 10)


def _route(order: list[int], problem: Problem) -> Route:
    """A route visiting the jobs in that order (times unimportant here)."""
    visits = [Visit(problem.jobs[j].id, j, 0, 0, 0) for j in order]
    path = [0, *(problem.job_location(j) for j in order), 0]
    length = sum(int(problem.distances[a, b]) for a, b in itertools.pairwise(path))
    return Route("van", 0, 0, visits, 0, 3600, length, 3600)


def test_route_metrics_count_empty_legs_by_hand() -> None:
    """Deliver then collect: 10 km loaded, 4 km empty (delivered, nothing collected yet), 7 km
    loaded with the pickup → 4/21 empty. Collect first: never empty. Deliver only: 10 km out
    loaded, 10 km back empty."""
    problem = _problem()
    good = _route([0, 1], problem)
    sol = Solution([good], [], cost=1000 + 21_000, distance=21_000, duration=3600, feasible=True)
    m = route_metrics(problem, sol, [VAN], [[11, 12], [13]])
    assert (m.vehicles, m.distance_m, m.empty_m, m.parcels) == (1, 21_000, 4_000, 3)
    assert m.empty_share == 4_000 / 21_000
    assert m.co2_g == round(21_000 * 268 / 1000)
    assert m.cost_micro == 22_000
    other = _route([1, 0], problem)
    sol = Solution([other], [], cost=0, distance=21_000, duration=3600, feasible=True)
    assert route_metrics(problem, sol, [VAN], [[11, 12], [13]]).empty_m == 0
    alone = _route([0], problem)
    sol = Solution([alone], [], cost=0, distance=20_000, duration=3600, feasible=True)
    m = route_metrics(problem, sol, [VAN], [[11, 12], [13]])
    assert (m.distance_m, m.empty_m, m.parcels) == (20_000, 10_000, 2)


def test_line_metrics_vehicle_and_bus() -> None:
    """A vehicle line hub → A (10 km) → B (5 km) → hub (12 km), 2 departures, parcels only to
    A on the first (B leg and return empty: 17 km), none on the second (all 27 km empty);
    cost: fixed 100 元 once + 27 km × 1 元 × 2; a bus line adds no vehicle-km."""
    line = LineSpec(1, "线", ("A", "B"), (10, 20), (8 * 3600, 14 * 3600), 100, 100, vehicle="van")
    runs = [LineRun(1, 8 * 3600, [1, 2], 2000, 2000, {"A": [1, 2]}), LineRun(1, 14 * 3600)]
    m = line_metrics(line, runs, [10_000, 5_000, 12_000], VAN)
    assert (m.vehicles, m.parcels, m.distance_m, m.empty_m) == (1, 2, 54_000, 17_000 + 27_000)
    assert m.cost_micro == 100_000_000 + 2 * 27_000 * 1000
    speed = 40 / 3.6
    assert m.duration_s == 2 * (round(27_000 / speed) + 2 * 300)
    bus = line_metrics(line, runs, [10_000, 5_000, 12_000], None)
    assert (bus.vehicles, bus.distance_m, bus.parcels) == (0, 0, 2)


def test_comparison_and_round_trip_through_dicts() -> None:
    """Alone = the sum over carriers; saving = 1 − joint / alone per figure."""
    joint = Metrics(vehicles=1, distance_m=30_000, duration_s=3600, empty_m=3_000, cost_micro=50)
    a = Metrics(vehicles=1, distance_m=25_000, duration_s=3000, empty_m=10_000, cost_micro=40)
    b = Metrics(vehicles=1, distance_m=35_000, duration_s=4200, empty_m=14_000, cost_micro=60)
    out = comparison(joint, {"zto": a, "yto": b})
    assert out["alone"]["distance_m"] == 60_000
    assert out["saving"]["km"] == 0.5
    assert out["saving"]["vehicles"] == 0.5
    assert out["saving"]["cost"] == 0.5
    assert out["saving"]["hours"] == round(1 - 3600 / 7200, 4)
    assert out["saving"]["empty_share_points"] == round(24_000 / 60_000 - 3_000 / 30_000, 4)
    assert metrics_from_dict(out["per_carrier"]["yto"]) == b
