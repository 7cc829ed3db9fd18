"""Jobs no vehicle can serve even alone, found before solving, with the reason (pure).

A job is servable by a vehicle type when the type may carry it (cold chain), its demand fits the
capacity in every dimension, and the round trip depot → job → depot fits the type's range, the
job's time window, the depot's and the vehicle's working hours and the shift length. A job no
type can serve is reported unplanned with the most telling reason, checked in that order.
"""

from __future__ import annotations

from youpin.routing.problem import Job, Problem, Reason, Unplanned, VehicleType


def _fails(problem: Problem, job_index: int, vt: VehicleType) -> tuple[Reason, str] | None:
    """The first check the vehicle type fails for the job alone, or None if it can serve it."""
    job = problem.jobs[job_index]
    if any(d > c for d, c in zip(job.demand, vt.capacity, strict=True)):
        return Reason.CAPACITY, f"demand {list(job.demand)} > capacity {list(vt.capacity)}"
    depot = problem.depots[vt.depot]
    home, here = vt.depot, problem.job_location(job_index)
    trip = int(problem.distances[home, here]) + int(problem.distances[here, home])
    if trip > vt.max_distance:
        return Reason.RANGE, f"round trip {trip} > range {vt.max_distance} of {vt.id}"
    go, back = problem.travel_time(vt, home, here), problem.travel_time(vt, here, home)
    day_start = max(vt.tw_early, depot.tw_early)
    day_end = min(vt.tw_late, depot.tw_late)
    begin = max(day_start + go, job.tw_early)
    if begin > job.tw_late:
        return Reason.TIME_WINDOW, f"earliest arrival {day_start + go} > window end {job.tw_late}"
    if begin + job.service + back > day_end:
        return Reason.TIME_WINDOW, f"back at {begin + job.service + back} > day end {day_end}"
    if go + job.service + back > vt.shift_duration:
        return Reason.TIME_WINDOW, (
            f"round trip takes {go + job.service + back} > shift {vt.shift_duration}"
        )
    return None


def _unservable(problem: Problem, job_index: int, job: Job) -> Unplanned | None:
    """Why no vehicle type can serve this job alone, or None if one can."""
    types = [vt for vt in problem.vehicle_types if vt.count > 0 and vt.may_serve(job)]
    if not types:
        if job.cold and any(vt.count > 0 for vt in problem.vehicle_types):
            return Unplanned(job.id, job_index, Reason.NO_COLD_VEHICLE)
        return Unplanned(job.id, job_index, Reason.NOT_SCHEDULED, "no vehicles at all")
    failures = []
    for vt in types:
        failure = _fails(problem, job_index, vt)
        if failure is None:
            return None
        failures.append(failure)
    for reason in (Reason.TIME_WINDOW, Reason.RANGE, Reason.CAPACITY):
        # The reason of the vehicle type that got furthest through the checks.
        found = [detail for r, detail in failures if r is reason]
        if found:
            return Unplanned(job.id, job_index, reason, found[0])
    return None  # pragma: no cover - every failure has one of the reasons above


def unservable_jobs(problem: Problem) -> list[Unplanned]:
    """Every job that no vehicle type can serve even on a route of its own, with the reason."""
    out = []
    for index, job in enumerate(problem.jobs):
        found = _unservable(problem, index, job)
        if found is not None:
            out.append(found)
    return out
