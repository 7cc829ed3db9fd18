"""The independent checker finds every kind of broken constraint in hand-built plans."""

from __future__ import annotations

from youpin.routing.checker import check
from youpin.routing.problem import (
    Depot,
    Job,
    JobKind,
    Reason,
    Route,
    Solution,
    Unplanned,
    VehicleType,
    Visit,
    route_distance,
)
from youpin.routing.tests.helpers import line_problem


def _problem(**vehicle):
    depot = Depot("D", 0, 0, tw_early=0, tw_late=500)
    jobs = [
        Job("a", 10, 0, (4, 1), service=5, tw_early=0, tw_late=100),
        Job("b", 20, 0, (4, 1), service=5, tw_early=0, tw_late=100),
        Job("c", 30, 0, (4, 9), service=5, tw_early=0, tw_late=100, cold=True),
        Job("p", 15, 0, (6, 1), kind=JobKind.PICKUP),
    ]
    fields = {"capacity": (10, 10), "cold": True, "tw_early": 0, "tw_late": 500} | vehicle
    return line_problem([depot], jobs, [VehicleType("v", 2, **fields)])


def _solution(problem, *orders, unplanned=(), start=0):
    routes = []
    for order in orders:
        dist = route_distance(problem, 0, order)
        visits = [Visit(problem.jobs[j].id, j, 0, 0, 0) for j in order]
        routes.append(Route("v", 0, 0, visits, start, 0, dist, 0))
    cost = sum(r.distance for r in routes)
    return Solution(routes, list(unplanned), cost, cost, 0, True)


def _kinds(violations):
    return sorted(v.kind for v in violations)


def test_a_good_plan_has_no_violations():
    problem = _problem()
    assert check(problem, _solution(problem, [0, 1], [2, 3])) == []


def test_capacity_is_checked_per_dimension_along_the_route():
    problem = _problem()
    # a + b + c deliveries leave the depot as (12, 11) > (10, 10).
    assert "capacity" in _kinds(check(problem, _solution(problem, [0, 1, 2], [3])))
    # c + a leave as (8, 10): exactly full; b then the pickup: (4, 1) → (0, 0) → (6, 1).
    assert check(problem, _solution(problem, [2, 0], [1, 3])) == []
    # Deliveries first then the pickup fits; the pickup first carries (8, 2) + (6, 1) = (14, 3).
    assert check(problem, _solution(problem, [0, 1, 3], [2])) == []
    found = check(problem, _solution(problem, [3, 0, 1], [2]))
    assert [(v.kind, v.job) for v in found] == [("capacity", "p")]
    # Only the second dimension is short: (12, 11) against (20, 10).
    wide = _problem(capacity=(20, 10))
    assert _kinds(check(wide, _solution(wide, [2, 0, 1], [3]))) == ["capacity"]


def test_time_windows_shift_and_range():
    problem = _problem()
    late = _solution(problem, [0, 1], [2, 3], start=90)  # a reached at 100, b at 115 > 100
    assert "time_window" in _kinds(check(problem, late))
    short = _problem(shift_duration=50)
    assert "shift" in _kinds(check(short, _solution(short, [0, 1], [2, 3])))
    tight = _problem(max_distance=50)
    assert "range" in _kinds(check(tight, _solution(tight, [0, 1], [2, 3])))


def test_cold_chain_missing_duplicate_fleet_and_cost():
    warm = _problem(cold=False)
    assert _kinds(check(warm, _solution(warm, [0, 1], [2, 3]))) == ["cold_chain"]
    problem = _problem()
    missing = _solution(problem, [0, 1], [2])
    assert [(v.kind, v.job) for v in check(problem, missing)] == [("missing", "p")]
    reported = _solution(problem, [0, 1], [2], unplanned=[Unplanned("p", 3, Reason.CAPACITY)])
    assert check(problem, reported) == []
    twice = _solution(problem, [0, 1], [1, 2, 3])
    assert "duplicate" in _kinds(check(problem, twice))
    three = _solution(problem, [0], [1], [2, 3])
    assert "fleet" in _kinds(check(problem, three))
    wrong = _solution(problem, [0, 1], [2, 3])
    wrong.cost += 1
    assert _kinds(check(problem, wrong)) == ["cost"]
