"""Small builders for hand-made routing problems in the tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from youpin.routing.problem import Depot, Job, Problem, VehicleType

DATA = Path(__file__).parent / "data"


def line_problem(depots: list[Depot], jobs: list[Job], vehicle_types: list[VehicleType]) -> Problem:
    """A problem on a plane where distance = duration = rounded Euclidean distance of x/y."""
    points = np.asarray([(d.x, d.y) for d in depots] + [(j.x, j.y) for j in jobs], dtype=float)
    diff = points[:, None, :] - points[None, :, :]
    matrix = np.rint(np.sqrt((diff**2).sum(axis=-1))).astype(np.int64)
    return Problem(depots, jobs, vehicle_types, matrix, matrix.copy(), name="hand-made")
