"""Solver-independent vehicle-routing problem and solution (pure, no Django, no solver).

Units are integers throughout, as the solver needs them:

- distances in *distance units*: metres for real problems, the instance's own units
  (possibly scaled, see `Problem.scale`) for benchmark files;
- times and durations in *time units*: seconds since the start of the planning day for
  real problems;
- demand and capacity as vectors with one entry per load dimension, in the units the caller
  chooses (e.g. `(kg, dm³)`); every job and vehicle type of a problem uses the same dimensions.

Locations are indexed depots first, then jobs: location `i < len(depots)` is depot `i`,
location `len(depots) + j` is job `j`. `Problem.distances[a][b]` and `Problem.durations[a][b]`
are the travel distance and time from location `a` to location `b`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

#: "No limit" for open time windows, shift lengths and ranges (fits the solver's int64 maths).
UNBOUNDED = 2**40

IntMatrix = npt.NDArray[np.int64]


class JobKind(StrEnum):
    """Whether a job brings goods from the depot or takes goods back to it."""

    DELIVERY = "delivery"
    PICKUP = "pickup"


class Reason(StrEnum):
    """Why a job is not in the plan."""

    NO_COLD_VEHICLE = "no_cold_vehicle"
    CAPACITY = "capacity"
    TIME_WINDOW = "time_window"
    RANGE = "range"
    NOT_SCHEDULED = "not_scheduled"


#: Human-readable explanation of each reason (English; the UI translates).
REASON_TEXT: dict[Reason, str] = {
    Reason.NO_COLD_VEHICLE: "needs the cold chain but no cold-chain vehicle is available",
    Reason.CAPACITY: "demand exceeds the capacity of every vehicle that may carry it",
    Reason.TIME_WINDOW: "no vehicle can reach it within its time window and get back "
    "within its shift",
    Reason.RANGE: "the round trip from every depot exceeds the vehicles' range",
    Reason.NOT_SCHEDULED: "the fleet ran out of vehicles, capacity or time for it "
    "(feasible on its own)",
}


@dataclass(frozen=True, slots=True)
class Depot:
    """A place vehicles start and end at: a county hub, a carrier's sorting centre."""

    id: str
    x: float = 0.0
    y: float = 0.0
    tw_early: int = 0
    tw_late: int = UNBOUNDED


@dataclass(frozen=True, slots=True)
class Job:
    """One stop to serve: a delivery to (or pickup from) a village station or address.

    `x`/`y` are longitude/latitude for real problems (plain coordinates for benchmark files).
    `demand` has one entry per load dimension. `required=False` lets the solver leave the job out
    when serving it costs more than `prize`.
    """

    id: str
    x: float = 0.0
    y: float = 0.0
    demand: tuple[int, ...] = ()
    kind: JobKind = JobKind.DELIVERY
    service: int = 0
    tw_early: int = 0
    tw_late: int = UNBOUNDED
    cold: bool = False
    required: bool = True
    prize: int = 0


@dataclass(frozen=True, slots=True)
class VehicleType:
    """A group of identical vehicles based at one depot.

    `capacity` has one entry per load dimension. Costs are integer weights in one currency-like
    unit: `fixed_cost` per vehicle used, `distance_cost` per distance unit, `duration_cost` per
    time unit. `speed` (distance units per time unit, e.g. m/s) overrides the problem's duration
    matrix for this type when given. `tw_early`/`tw_late` bound the working day,
    `shift_duration` the length of one route (waiting included), `max_distance` its length
    (e.g. an electric van's range).
    """

    id: str
    count: int
    capacity: tuple[int, ...]
    depot: int = 0
    fixed_cost: int = 0
    distance_cost: int = 1
    duration_cost: int = 0
    speed: float | None = None
    tw_early: int = 0
    tw_late: int = UNBOUNDED
    shift_duration: int = UNBOUNDED
    max_distance: int = UNBOUNDED
    cold: bool = False

    def may_serve(self, job: Job) -> bool:
        """Whether this vehicle type is allowed to carry the job (cold chain)."""
        return self.cold or not job.cold


@dataclass(slots=True)
class Problem:
    """A vehicle-routing problem: depots, jobs, a fleet and the travel matrices."""

    depots: list[Depot]
    jobs: list[Job]
    vehicle_types: list[VehicleType]
    distances: IntMatrix
    durations: IntMatrix
    name: str = ""
    #: Matrix units per instance unit (10 for Solomon files read the DIMACS way); divide costs by
    #: it to report them in the instance's units.
    scale: int = 1
    #: Best known cost in instance units, when the instance comes with one.
    best_known: float | None = None

    def __post_init__(self) -> None:
        self.distances = np.asarray(self.distances, dtype=np.int64)
        self.durations = np.asarray(self.durations, dtype=np.int64)
        n = len(self.depots) + len(self.jobs)
        for label, matrix in (("distances", self.distances), ("durations", self.durations)):
            if matrix.shape != (n, n):
                raise ValueError(f"{label} must be {n}×{n} (depots + jobs), got {matrix.shape}")
        if not self.depots:
            raise ValueError("a problem needs at least one depot")
        dims = {len(j.demand) for j in self.jobs} | {len(v.capacity) for v in self.vehicle_types}
        if len(dims) > 1:
            raise ValueError(f"demand and capacity vectors differ in length: {sorted(dims)}")
        for vt in self.vehicle_types:
            if not 0 <= vt.depot < len(self.depots):
                raise ValueError(f"vehicle type {vt.id}: depot {vt.depot} does not exist")
        ids = [j.id for j in self.jobs]
        if len(set(ids)) != len(ids):
            raise ValueError("job ids must be unique")

    @property
    def dimensions(self) -> int:
        """Number of load dimensions."""
        if self.vehicle_types:
            return len(self.vehicle_types[0].capacity)
        return len(self.jobs[0].demand) if self.jobs else 0

    def job_location(self, job_index: int) -> int:
        """Matrix index of job `job_index`."""
        return len(self.depots) + job_index

    def travel_time(self, vehicle_type: VehicleType, frm: int, to: int) -> int:
        """Travel time from location `frm` to `to` for a vehicle of this type."""
        if vehicle_type.speed:
            return round(int(self.distances[frm, to]) / vehicle_type.speed)
        return int(self.durations[frm, to])

    def durations_for(self, vehicle_type: VehicleType) -> IntMatrix:
        """The full duration matrix for a vehicle type (its own speed, if it has one)."""
        if vehicle_type.speed:
            return np.rint(self.distances / vehicle_type.speed).astype(np.int64)
        return self.durations


@dataclass(frozen=True, slots=True)
class Visit:
    """A job on a route: when the vehicle arrives, starts service and leaves."""

    job: str
    job_index: int
    arrival: int
    start: int
    departure: int
    #: Load on board (per dimension) when leaving this stop.
    load_after: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Route:
    """One vehicle's tour from its depot and back."""

    vehicle_type: str
    vehicle_type_index: int
    depot: int
    visits: list[Visit]
    start: int
    end: int
    distance: int
    duration: int
    #: Load on board (per dimension) when leaving the depot.
    load_start: tuple[int, ...] = ()

    @property
    def job_indices(self) -> list[int]:
        """Indices (into `Problem.jobs`) of the jobs in visiting order."""
        return [v.job_index for v in self.visits]


@dataclass(frozen=True, slots=True)
class Unplanned:
    """A job left out of the plan, with the reason."""

    job: str
    job_index: int
    reason: Reason
    detail: str = ""

    @property
    def message(self) -> str:
        """Readable explanation: the reason's text plus any detail."""
        text = REASON_TEXT[self.reason]
        return f"{text} ({self.detail})" if self.detail else text


@dataclass(slots=True)
class Solution:
    """A plan: routes, unplanned jobs with reasons, and its cost in matrix units."""

    routes: list[Route]
    unplanned: list[Unplanned]
    cost: int
    distance: int
    duration: int
    feasible: bool
    solver: str = ""
    seconds: float = 0.0
    #: Time spent building the solver's model and reading its plan back (adapter overhead).
    build_seconds: float = 0.0
    readback_seconds: float = 0.0
    iterations: int = 0
    stats: dict[str, Any] = field(default_factory=dict)

    def to_dict(self, problem: Problem) -> dict[str, Any]:
        """A JSON-ready dict; costs and distances in the instance's units (divided by scale)."""
        scale = problem.scale or 1

        def unit(value: int) -> float | int:
            return value / scale if scale != 1 else value

        return {
            "name": problem.name,
            "solver": self.solver,
            "feasible": self.feasible,
            "cost": unit(self.cost),
            "distance": unit(self.distance),
            "duration": unit(self.duration),
            "seconds": round(self.seconds, 3),
            "routes": [
                {
                    "vehicle_type": r.vehicle_type,
                    "depot": problem.depots[r.depot].id,
                    "jobs": [v.job for v in r.visits],
                    "distance": unit(r.distance),
                    "start": r.start,
                    "end": r.end,
                }
                for r in self.routes
            ],
            "unplanned": [
                {"job": u.job, "reason": str(u.reason), "message": u.message}
                for u in self.unplanned
            ],
        }


def route_distance(problem: Problem, depot: int, jobs: Sequence[int]) -> int:
    """Length of a tour depot → jobs (by index) → depot, from the problem's matrix."""
    path = [depot, *(problem.job_location(j) for j in jobs), depot]
    return sum(int(problem.distances[a, b]) for a, b in itertools.pairwise(path))
