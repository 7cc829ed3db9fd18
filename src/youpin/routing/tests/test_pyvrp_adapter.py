"""The PyVRP adapter: plans pass the independent checker, costs add up, nothing is dropped."""

from __future__ import annotations

import itertools
import math

import pytest

from youpin.routing.checker import check
from youpin.routing.problem import Depot, Job, JobKind, Reason, VehicleType
from youpin.routing.pyvrp_adapter import solve
from youpin.routing.tests.helpers import DATA, line_problem
from youpin.routing.vrplib_io import read_instance


def _length_from_coordinates(problem, route):
    """A route's length computed from the coordinates, not from the matrix the solver saw."""
    depot = problem.depots[route.depot]
    points = [(depot.x, depot.y)]
    points += [(problem.jobs[v.job_index].x, problem.jobs[v.job_index].y) for v in route.visits]
    points.append((depot.x, depot.y))
    return sum(round(math.dist(a, b)) for a, b in itertools.pairwise(points))


def test_cvrp_plan_is_feasible_and_costs_the_sum_of_its_routes():
    problem = read_instance(DATA / "X-n101-k25.vrp")
    solution = solve(problem, seconds=2, seed=1, allow_unplanned=False)
    assert check(problem, solution) == []
    assert solution.feasible
    assert solution.unplanned == []
    planned = sorted(v.job_index for r in solution.routes for v in r.visits)
    assert planned == list(range(100))
    assert solution.cost == sum(_length_from_coordinates(problem, r) for r in solution.routes)
    # Quality, not time: within 5 % of the best known even after a short run.
    assert solution.cost <= 1.05 * problem.best_known


def test_vrptw_plan_respects_time_windows():
    problem = read_instance(DATA / "C101.txt")
    solution = solve(problem, seconds=2, seed=1, allow_unplanned=False)
    assert check(problem, solution) == []
    assert len(solution.routes) <= 25
    for route in solution.routes:
        for visit in route.visits:
            job = problem.jobs[visit.job_index]
            assert job.tw_early <= visit.start <= job.tw_late
            assert visit.arrival <= visit.start


def test_hand_made_time_windows_force_the_visiting_order_and_times():
    # Jobs on a line at 10, 20, 30 from the depot; the windows ask for 30 first, then 10, then 20.
    depot = Depot("D", 0, 0)
    jobs = [
        Job("a", 10, 0, (1,), service=5, tw_early=60, tw_late=80),
        Job("b", 20, 0, (1,), service=5, tw_early=100, tw_late=120),
        Job("c", 30, 0, (1,), service=5, tw_early=0, tw_late=40),
    ]
    problem = line_problem([depot], jobs, [VehicleType("v", 1, (10,), duration_cost=2)])
    solution = solve(problem, seconds=1, seed=3)
    assert check(problem, solution) == []
    (route,) = solution.routes
    assert [v.job for v in route.visits] == ["c", "a", "b"]
    # c: 30 after leaving the depot, by 40 at the latest; a: 20 after c's departure, not before
    # 60; b: 10 after a's departure, then wait until 100.
    starts = [v.start for v in route.visits]
    assert starts[0] == route.start + 30 <= 40
    assert starts[1] == max(60, starts[0] + 5 + 20)
    assert starts[2] == 100
    assert route.end == 100 + 5 + 20
    assert route.distance == 30 + 20 + 10 + 20
    # Starting as late as possible (10) avoids waiting at a: duration 125 - 10, cost 80 + 2 × 115.
    assert route.start == 10
    assert route.duration == 115
    assert solution.cost == 80 + 2 * 115


def test_infeasible_jobs_are_reported_with_their_reason_not_dropped():
    depot = Depot("D", 0, 0, tw_early=0, tw_late=1000)
    jobs = [
        Job("ok", 10, 0, (5,)),
        Job("heavy", 10, 10, (50,)),
        Job("cold", 0, 10, (1,), cold=True),
        Job("late", 0, 300, (1,), tw_early=0, tw_late=200),
        Job("far", 450, 0, (1,)),
    ]
    vt = VehicleType("van", 2, (20,), tw_early=0, tw_late=1000, max_distance=800)
    problem = line_problem([depot], jobs, [vt])
    solution = solve(problem, seconds=1, seed=1)
    reasons = {u.job: u.reason for u in solution.unplanned}
    assert reasons == {
        "heavy": Reason.CAPACITY,
        "cold": Reason.NO_COLD_VEHICLE,
        "late": Reason.TIME_WINDOW,
        "far": Reason.RANGE,
    }
    assert [v.job for r in solution.routes for v in r.visits] == ["ok"]
    assert all(u.message for u in solution.unplanned)
    assert check(problem, solution) == []


def test_a_fleet_too_small_leaves_jobs_unscheduled_with_that_reason():
    depot = Depot("D", 0, 0)
    jobs = [Job(f"j{i}", 10 + i, 5, (6,)) for i in range(3)]
    problem = line_problem([depot], jobs, [VehicleType("van", 1, (10,))])
    solution = solve(problem, seconds=1, seed=1)
    assert check(problem, solution) == []
    assert sum(len(r.visits) for r in solution.routes) == 1
    assert [u.reason for u in solution.unplanned] == [Reason.NOT_SCHEDULED] * 2
    # Required mode: the solver must place them all, and says the plan is infeasible.
    strict = solve(problem, seconds=1, seed=1, allow_unplanned=False)
    assert not strict.feasible


def test_cold_jobs_ride_only_cold_vehicles_even_when_dearer():
    depot = Depot("D", 0, 0)
    jobs = [Job(f"n{i}", 10 * i, 10, (1,)) for i in range(1, 4)]
    jobs += [Job(f"c{i}", 10 * i, -10, (1,), cold=True) for i in range(1, 4)]
    fleet = [
        VehicleType("van", 2, (10,), fixed_cost=10),
        VehicleType("reefer", 1, (10,), fixed_cost=500, cold=True),
    ]
    problem = line_problem([depot], jobs, fleet)
    solution = solve(problem, seconds=1, seed=2)
    assert check(problem, solution) == []
    assert solution.unplanned == []
    for route in solution.routes:
        if route.vehicle_type == "van":
            assert not any(problem.jobs[v.job_index].cold for v in route.visits)
    cold_route = [r for r in solution.routes if r.vehicle_type == "reefer"]
    assert {v.job for v in cold_route[0].visits} >= {"c1", "c2", "c3"}


def test_pickups_and_deliveries_share_the_capacity_along_the_route():
    # Capacity 10: deliver 6 + 4 out, pick 8 up. Picking up before delivering would overload.
    depot = Depot("D", 0, 0)
    jobs = [
        Job("d1", 10, 0, (6,)),
        Job("d2", 20, 0, (4,)),
        Job("p1", 5, 0, (8,), kind=JobKind.PICKUP),
    ]
    problem = line_problem([depot], jobs, [VehicleType("van", 1, (10,))])
    solution = solve(problem, seconds=1, seed=1)
    assert check(problem, solution) == []
    assert solution.unplanned == []
    (route,) = solution.routes
    assert route.load_start == (10,)
    assert max(max(v.load_after) for v in route.visits) <= 10
    order = [v.job for v in route.visits]
    assert order.index("p1") > order.index("d1")


def test_each_depot_serves_its_own_side():
    depots = [Depot("W", 0, 0), Depot("E", 1000, 0)]
    jobs = [Job(f"w{i}", 10 * i, 5, (1,)) for i in range(1, 4)]
    jobs += [Job(f"e{i}", 1000 - 10 * i, 5, (1,)) for i in range(1, 4)]
    fleet = [VehicleType("west", 1, (10,), depot=0), VehicleType("east", 1, (10,), depot=1)]
    problem = line_problem(depots, jobs, fleet)
    solution = solve(problem, seconds=1, seed=1)
    assert check(problem, solution) == []
    served = {r.vehicle_type: sorted(v.job for v in r.visits) for r in solution.routes}
    assert served == {"west": ["w1", "w2", "w3"], "east": ["e1", "e2", "e3"]}


def test_shift_length_is_respected():
    # Two jobs 100 apart in opposite directions: one 400-long route breaks the 300 shift.
    depot = Depot("D", 0, 0)
    jobs = [Job("n", 0, 100, (1,)), Job("s", 0, -100, (1,))]
    problem = line_problem([depot], jobs, [VehicleType("van", 2, (10,), shift_duration=300)])
    solution = solve(problem, seconds=1, seed=1)
    assert check(problem, solution) == []
    assert len(solution.routes) == 2
    assert all(r.duration <= 300 for r in solution.routes)


def test_time_limit_must_be_positive():
    problem = line_problem([Depot("D")], [Job("a", 1, 1, (1,))], [VehicleType("v", 1, (5,))])
    with pytest.raises(ValueError, match="positive"):
        solve(problem, seconds=0)


def test_optional_jobs_are_left_out_only_when_not_worth_their_prize():
    depot = Depot("D", 0, 0)
    jobs = [
        Job("near", 10, 0, (1,), required=False, prize=1000),
        Job("far", 400, 0, (1,), required=False, prize=5),
    ]
    problem = line_problem([depot], jobs, [VehicleType("van", 2, (10,))])
    solution = solve(problem, seconds=1, seed=1)
    assert check(problem, solution) == []
    assert [v.job for r in solution.routes for v in r.visits] == ["near"]
    (left,) = solution.unplanned
    assert (left.job, left.reason) == ("far", Reason.NOT_SCHEDULED)
    assert "prize" in left.message


def test_a_round_trip_longer_than_the_shift_is_a_time_window_reason():
    depot = Depot("D", 0, 0)
    jobs = [Job("j", 100, 0, (1,), service=30)]
    problem = line_problem([depot], jobs, [VehicleType("van", 1, (10,), shift_duration=200)])
    solution = solve(problem, seconds=1, seed=1)
    (left,) = solution.unplanned
    assert left.reason is Reason.TIME_WINDOW
    assert "230 > shift 200" in left.detail
    assert solution.routes == []
    assert check(problem, solution) == []


def test_without_any_vehicle_every_job_is_reported_unplanned():
    problem = line_problem(
        [Depot("D")], [Job("a", 1, 1, (1,)), Job("b", 2, 2, (1,))], [VehicleType("v", 0, (5,))]
    )
    solution = solve(problem, seconds=1)
    assert solution.routes == []
    assert [(u.job, u.reason) for u in solution.unplanned] == [
        ("a", Reason.NOT_SCHEDULED),
        ("b", Reason.NOT_SCHEDULED),
    ]
    assert check(problem, solution) == []
