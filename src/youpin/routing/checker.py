"""An independent feasibility checker for plans (pure; does not use the solver).

It recomputes everything from the `Problem` and the order of jobs on each route: loads per
dimension along the route (deliveries on board from the depot, pickups collected on the way),
arrival and service times against time windows, the working day and the shift length, route
length against the vehicle's range, the cold chain, the number of vehicles per type, that every
job is planned exactly once or reported unplanned, and that the reported distances and cost match.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from youpin.routing.problem import JobKind, Problem, Route, Solution


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken constraint: its kind (e.g. "capacity"), where, and a readable message."""

    kind: str
    message: str
    route: int | None = None
    job: str | None = None


def _check_route(problem: Problem, index: int, route: Route) -> tuple[list[Violation], int, int]:
    """Violations on one route, and its recomputed distance and duration."""
    out: list[Violation] = []
    if not 0 <= route.vehicle_type_index < len(problem.vehicle_types):
        return (
            [Violation("vehicle", f"unknown vehicle type {route.vehicle_type_index}", index)],
            0,
            0,
        )
    vt = problem.vehicle_types[route.vehicle_type_index]
    depot = problem.depots[vt.depot]
    if route.depot != vt.depot:
        out.append(Violation("depot", f"route starts at depot {route.depot}, not its home", index))
    jobs = [v.job_index for v in route.visits]

    # Cold chain.
    for j in jobs:
        if problem.jobs[j].cold and not vt.cold:
            out.append(
                Violation("cold_chain", f"cold job on non-cold {vt.id}", index, problem.jobs[j].id)
            )

    # Load per dimension: deliveries leave the depot on board, pickups are added on the way.
    load = [0] * len(vt.capacity)
    for j in jobs:
        if problem.jobs[j].kind is JobKind.DELIVERY:
            load = [a + b for a, b in zip(load, problem.jobs[j].demand, strict=True)]
    if any(a > c for a, c in zip(load, vt.capacity, strict=True)):
        out.append(
            Violation("capacity", f"load {load} leaving the depot > {list(vt.capacity)}", index)
        )
    for j in jobs:
        job = problem.jobs[j]
        sign = -1 if job.kind is JobKind.DELIVERY else 1
        load = [a + sign * b for a, b in zip(load, job.demand, strict=True)]
        if any(a > c for a, c in zip(load, vt.capacity, strict=True)):
            out.append(Violation("capacity", f"load {load} > {list(vt.capacity)}", index, job.id))

    # Times: start when the route says (not before the vehicle's or depot's day), wait for windows.
    day_start = max(vt.tw_early, depot.tw_early)
    day_end = min(vt.tw_late, depot.tw_late)
    start = max(route.start, day_start)
    t, here, distance = start, vt.depot, 0
    for j in jobs:
        job = problem.jobs[j]
        there = problem.job_location(j)
        t += problem.travel_time(vt, here, there)
        distance += int(problem.distances[here, there])
        t = max(t, job.tw_early)
        if t > job.tw_late:
            out.append(
                Violation(
                    "time_window", f"service starts {t} > window end {job.tw_late}", index, job.id
                )
            )
        t += job.service
        here = there
    t += problem.travel_time(vt, here, vt.depot)
    distance += int(problem.distances[here, vt.depot])
    if jobs and t > day_end:
        out.append(Violation("time_window", f"back at the depot at {t} > day end {day_end}", index))
    duration = t - start if jobs else 0
    if duration > vt.shift_duration:
        out.append(Violation("shift", f"route takes {duration} > shift {vt.shift_duration}", index))
    if distance > vt.max_distance:
        out.append(Violation("range", f"route length {distance} > range {vt.max_distance}", index))
    if distance != route.distance:
        out.append(
            Violation(
                "distance", f"reported distance {route.distance} != recomputed {distance}", index
            )
        )
    return out, distance, duration


def check(problem: Problem, solution: Solution) -> list[Violation]:
    """Every constraint the solution breaks; an empty list means the plan is feasible."""
    out: list[Violation] = []
    seen: Counter[int] = Counter()
    per_type: Counter[int] = Counter()
    cost = 0
    for index, route in enumerate(solution.routes):
        if not route.visits:
            continue
        found, distance, duration = _check_route(problem, index, route)
        out.extend(found)
        seen.update(v.job_index for v in route.visits)
        per_type[route.vehicle_type_index] += 1
        if 0 <= route.vehicle_type_index < len(problem.vehicle_types):
            vt = problem.vehicle_types[route.vehicle_type_index]
            # Duration (waiting included) as recomputed from the route's start time.
            cost += vt.fixed_cost + vt.distance_cost * distance + vt.duration_cost * duration
    for t, used in per_type.items():
        if 0 <= t < len(problem.vehicle_types) and used > problem.vehicle_types[t].count:
            vt = problem.vehicle_types[t]
            out.append(
                Violation("fleet", f"{used} routes for {vt.id} but only {vt.count} vehicles")
            )
    unplanned = Counter(u.job_index for u in solution.unplanned)
    for j, job in enumerate(problem.jobs):
        times = seen[j] + unplanned[j]
        if times == 0:
            out.append(Violation("missing", "neither planned nor reported unplanned", job=job.id))
        elif times > 1:
            out.append(Violation("duplicate", f"planned or reported {times} times", job=job.id))
    if cost != solution.cost:
        out.append(Violation("cost", f"reported cost {solution.cost} != recomputed {cost}"))
    return out
