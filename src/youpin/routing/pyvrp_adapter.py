"""The PyVRP adapter: the only module that imports pyvrp (pinned `pyvrp==0.14.*`).

`solve(problem, seconds=…, seed=…)` turns a `Problem` into PyVRP's `ProblemData`, runs PyVRP's
iterated local search for the time limit with the seed, and reads the best plan back into a
`Solution`. Nothing is dropped silently:

1. jobs no vehicle can serve even alone (`precheck.unservable_jobs`) are left out of the model and
   reported unplanned with their reason;
2. with `allow_unplanned=True` (the default) every other job becomes an optional PyVRP client with a
   prize larger than the cost of serving it on a vehicle of its own, so the solver only leaves a job
   out when the fleet has no vehicle, capacity or time left for it; such jobs are reported with
   `Reason.NOT_SCHEDULED`. With `allow_unplanned=False` (benchmarks) every job is required and an
   overloaded fleet gives an infeasible solution (`Solution.feasible is False`).

Cold chain: PyVRP 0.14 has no per-client vehicle restriction, so each vehicle type gets a routing
profile; in the profile of a non-cold type every arc into or out of a cold job costs PyVRP's
`MAX_VALUE` distance and duration, which no feasible plan uses. The read-back asserts it (a
non-cold vehicle carrying a cold job makes the solution infeasible) and `checker.py` checks it
independently. Profiles also carry a vehicle type's own speed.
"""

from __future__ import annotations

import itertools
import time
import warnings
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import numpy as np
import pyvrp
from pyvrp.constants import MAX_VALUE
from pyvrp.stop import MaxRuntime

from youpin.routing.precheck import unservable_jobs
from youpin.routing.problem import (
    UNBOUNDED,
    IntMatrix,
    JobKind,
    Problem,
    Reason,
    Route,
    Solution,
    Unplanned,
    Visit,
)

#: PyVRP's own "no limit" (its defaults); used for our `UNBOUNDED` so that a problem without
#: time windows or limits looks to PyVRP exactly like one without them (it skips time maths then).
_NO_LIMIT = int(np.iinfo(np.int64).max)


def _limit(value: int) -> int:
    """PyVRP's "no limit" for values at or beyond `UNBOUNDED`."""
    return _NO_LIMIT if value >= UNBOUNDED else value


SOLVER_NAME = f"PyVRP {metadata.version('pyvrp')}"


@dataclass(slots=True)
class _Built:
    """A PyVRP model and the maps back to the problem."""

    data: pyvrp.ProblemData
    #: PyVRP client index → job index in the problem.
    client_jobs: list[int]
    unplanned: list[Unplanned]


def _default_prize(problem: Problem) -> int:
    """A prize above the cost of serving any one job on a vehicle of its own."""
    far = int(problem.distances.max(initial=0)) * 2
    slow = int(problem.durations.max(initial=0)) * 2
    service = max((j.service for j in problem.jobs), default=0)
    worst = max(
        (
            vt.fixed_cost
            + vt.distance_cost * far
            + vt.duration_cost * (slow + service + (int(far / vt.speed) if vt.speed else 0))
            for vt in problem.vehicle_types
        ),
        default=0,
    )
    return 10 * worst + 1_000


def _profiles(
    problem: Problem, keep: list[int]
) -> tuple[list[IntMatrix], list[IntMatrix], list[int]]:
    """Distance and duration matrices per distinct (speed, cold) key; the profile of each type."""
    locations = np.asarray(
        list(range(len(problem.depots))) + [problem.job_location(j) for j in keep], dtype=np.int64
    )
    base_distance = problem.distances[np.ix_(locations, locations)]
    cold_rows = np.asarray(
        [len(problem.depots) + k for k, j in enumerate(keep) if problem.jobs[j].cold],
        dtype=np.int64,
    )
    keys: dict[tuple[float | None, bool], int] = {}
    distances: list[IntMatrix] = []
    durations: list[IntMatrix] = []
    of_type: list[int] = []
    for vt in problem.vehicle_types:
        forbid = not vt.cold and cold_rows.size > 0
        key = (vt.speed, forbid)
        if key not in keys:
            keys[key] = len(distances)
            duration = problem.durations_for(vt)[np.ix_(locations, locations)]
            distance = base_distance
            if forbid:
                distance, duration = distance.copy(), duration.copy()
                for matrix in (distance, duration):
                    matrix[cold_rows, :] = MAX_VALUE
                    matrix[:, cold_rows] = MAX_VALUE
                    matrix[cold_rows, cold_rows] = 0
            distances.append(np.ascontiguousarray(distance))
            durations.append(np.ascontiguousarray(duration))
        of_type.append(keys[key])
    return distances, durations, of_type


def build(problem: Problem, *, allow_unplanned: bool = True) -> _Built:
    """Build PyVRP's ProblemData for the jobs that some vehicle can serve."""
    unplanned = unservable_jobs(problem)
    left_out = {u.job_index for u in unplanned}
    keep = [j for j in range(len(problem.jobs)) if j not in left_out]
    dims = problem.dimensions
    zero = [0] * dims
    prize = _default_prize(problem) if allow_unplanned else 0

    locations = [pyvrp.Location(x=d.x, y=d.y, name=d.id) for d in problem.depots]
    locations += [pyvrp.Location(x=problem.jobs[j].x, y=problem.jobs[j].y) for j in keep]
    depots = [
        pyvrp.Depot(location=i, tw_early=d.tw_early, tw_late=_limit(d.tw_late), name=d.id)
        for i, d in enumerate(problem.depots)
    ]
    clients = []
    for k, j in enumerate(keep):
        job = problem.jobs[j]
        amount = list(job.demand)
        optional = allow_unplanned or not job.required
        clients.append(
            pyvrp.Client(
                location=len(problem.depots) + k,
                delivery=amount if job.kind is JobKind.DELIVERY else zero,
                pickup=amount if job.kind is JobKind.PICKUP else zero,
                service_duration=job.service,
                tw_early=job.tw_early,
                tw_late=_limit(job.tw_late),
                prize=(job.prize or prize) if optional else 0,
                required=not optional,
            )
        )
    distances, durations, of_type = _profiles(problem, keep)
    vehicle_types = [
        pyvrp.VehicleType(
            num_available=vt.count,
            capacity=list(vt.capacity),
            start_depot=vt.depot,
            end_depot=vt.depot,
            fixed_cost=vt.fixed_cost,
            tw_early=vt.tw_early,
            tw_late=_limit(vt.tw_late),
            shift_duration=_limit(vt.shift_duration),
            max_distance=_limit(vt.max_distance),
            unit_distance_cost=vt.distance_cost,
            unit_duration_cost=vt.duration_cost,
            profile=of_type[i],
            name=vt.id,
        )
        for i, vt in enumerate(problem.vehicle_types)
        if vt.count > 0
    ]
    if not vehicle_types:
        # PyVRP needs one vehicle type; an unused one keeps every job unplanned.
        vehicle_types = [pyvrp.VehicleType(num_available=1, capacity=zero)]
    # PyVRP's stubs spell the matrices `ndarray[int]`; they are int64 arrays, as required.
    matrices: tuple[list[Any], list[Any]] = (list(distances), list(durations))
    data = pyvrp.ProblemData(locations, clients, depots, vehicle_types, *matrices, [], [])
    return _Built(data=data, client_jobs=keep, unplanned=unplanned)


def _read_back(problem: Problem, built: _Built, best: pyvrp.Solution) -> Solution:
    """Translate PyVRP's best solution into a `Solution` with arrival times and loads."""
    type_index = [i for i, vt in enumerate(problem.vehicle_types) if vt.count > 0]
    routes: list[Route] = []
    planned: set[int] = set()
    feasible = bool(best.is_feasible())
    cost = distance_total = duration_total = 0
    for pr in best.routes():
        vt_index = type_index[pr.vehicle_type()] if type_index else 0
        vt = problem.vehicle_types[vt_index]
        visits_jobs: list[tuple[int, int, int]] = []  # (job index, service start, wait)
        for act in pr.schedule():
            if act.is_client():
                visits_jobs.append(
                    (built.client_jobs[act.idx], int(act.start_time), int(act.wait_duration))
                )
        load = [0] * problem.dimensions
        for j, _, _ in visits_jobs:
            job = problem.jobs[j]
            if job.kind is JobKind.DELIVERY:
                load = [a + b for a, b in zip(load, job.demand, strict=True)]
        load_start = tuple(load)
        visits = []
        for j, start, wait in visits_jobs:
            job = problem.jobs[j]
            sign = -1 if job.kind is JobKind.DELIVERY else 1
            load = [a + sign * b for a, b in zip(load, job.demand, strict=True)]
            visits.append(
                Visit(
                    job=job.id,
                    job_index=j,
                    arrival=start - wait,
                    start=start,
                    departure=start + job.service,
                    load_after=tuple(load),
                )
            )
            planned.add(j)
            if job.cold and not vt.cold:
                feasible = False
        jobs_in_order = [j for j, _, _ in visits_jobs]
        path = [vt.depot, *(problem.job_location(j) for j in jobs_in_order), vt.depot]
        dist = int(sum(int(problem.distances[a, b]) for a, b in itertools.pairwise(path)))
        duration = int(pr.duration())
        routes.append(
            Route(
                vehicle_type=vt.id,
                vehicle_type_index=vt_index,
                depot=vt.depot,
                visits=visits,
                start=int(pr.start_time()),
                end=int(pr.end_time()),
                distance=dist,
                duration=duration,
                load_start=load_start,
            )
        )
        cost += vt.fixed_cost + vt.distance_cost * dist + vt.duration_cost * duration
        distance_total += dist
        duration_total += duration
    unplanned = list(built.unplanned)
    for j in built.client_jobs:
        if j not in planned:
            job = problem.jobs[j]
            detail = "" if job.required else "optional job: serving it costs more than its prize"
            unplanned.append(Unplanned(job.id, j, Reason.NOT_SCHEDULED, detail))
            if job.required and not _optional(built, j):
                feasible = False
    unplanned.sort(key=lambda u: u.job_index)
    return Solution(
        routes=routes,
        unplanned=unplanned,
        cost=cost,
        distance=distance_total,
        duration=duration_total,
        feasible=feasible,
        solver=SOLVER_NAME,
    )


def _optional(built: _Built, job_index: int) -> bool:
    """Whether the job's PyVRP client was optional."""
    k = built.client_jobs.index(job_index)
    return not built.data.client(k).required


class _CpuTimeLimit:
    """Stop after `seconds` of this process's CPU time (for measuring on a shared machine)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.started: float | None = None

    def __call__(self, best_cost: float) -> bool:
        """PyVRP's stopping-criterion protocol: True when the budget is spent."""
        now = time.process_time()
        if self.started is None:
            self.started = now
        return now - self.started > self.seconds


def _solve_params(problem: Problem) -> pyvrp.SolveParams:
    """PyVRP's penalty bounds scaled by the problem's largest cost per distance or time unit.

    PyVRP's defaults (0.1 … 100 000 per unit of excess load, time or distance) are tuned for
    costs of about 1 per distance unit, as in the benchmark files, which keep them unchanged.
    A problem costed in small money units (the planner: micro-yuan, 1 200 per metre) scales
    them by that factor; otherwise a small excess (a van a few hundred metres over its range)
    can look cheaper than the feasible plan and the search may never leave it.
    """
    scale = max(
        [1, *(vt.distance_cost for vt in problem.vehicle_types)]
        + [vt.duration_cost for vt in problem.vehicle_types]
    )
    if scale <= 1:
        return pyvrp.SolveParams()
    penalty = pyvrp.PenaltyParams(min_penalty=0.1 * scale, max_penalty=100_000.0 * scale)
    return pyvrp.SolveParams(penalty=penalty)


def solve(
    problem: Problem,
    *,
    seconds: float,
    seed: int = 0,
    allow_unplanned: bool = True,
    cpu_time: bool = False,
) -> Solution:
    """Solve with PyVRP within `seconds` using `seed`; never drops a job silently.

    The limit is wall-clock time, or this process's CPU time with `cpu_time=True` (benchmarks on
    a shared machine). Raises ValueError for a limit that is not positive.
    """
    if seconds <= 0:
        raise ValueError(f"the time limit must be positive, got {seconds}")
    t0 = time.perf_counter()
    built = build(problem, allow_unplanned=allow_unplanned)
    t1 = time.perf_counter()
    if built.client_jobs:
        with warnings.catch_warnings(record=True) as caught:
            # PyVRP warns when its penalties max out (no feasible plan in sight); the plan's
            # `feasible` flag and the unplanned list say it instead.
            warnings.simplefilter("always")
            stop = _CpuTimeLimit(seconds) if cpu_time else MaxRuntime(seconds)
            result = pyvrp.solve(
                built.data,
                stop=stop,
                seed=seed,
                collect_stats=False,
                display=False,
                params=_solve_params(problem),
            )
        best, iterations = result.best, int(result.num_iterations)
        notes = sorted({str(w.message).split(".")[0].strip() for w in caught})
    else:
        best, iterations, notes = pyvrp.Solution(built.data, []), 0, []
    t2 = time.perf_counter()
    solution = _read_back(problem, built, best)
    t3 = time.perf_counter()
    solution.seconds = t2 - t1
    solution.build_seconds = t1 - t0
    solution.readback_seconds = t3 - t2
    solution.iterations = iterations
    if notes:
        solution.stats["solver_warnings"] = notes
    return solution
