"""Read standard benchmark instances (VRPLIB CVRP/VRPTW, Solomon VRPTW) into a `Problem`.

Parsing is done by the `vrplib` package; distances are computed here:

- VRPLIB `EUC_2D` (CVRPLIB's X set, Uchoa et al. 2017): Euclidean distance rounded to the nearest
  integer (TSPLIB's `nint`), `scale = 1`, so costs compare directly with the published ones;
  `EXPLICIT` matrices are taken as given.
- Solomon (1987) files: the DIMACS convention PyVRP's own benchmarks use, distances and times ×10
  and truncated to integers, `scale = 10`; costs are reported divided by 10 (in the instance's
  units, to compare with the published best known distances).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import vrplib

from youpin.routing.distances import euclidean_matrix
from youpin.routing.problem import UNBOUNDED, Depot, Job, Problem, VehicleType

#: Best known distances of Solomon instances shipped or commonly used (hierarchical objective:
#: vehicles first, then distance; source: /work/shared/reference/vrp/README.md, SINTEF's table).
SOLOMON_BEST_KNOWN: dict[str, float] = {
    "C101": 828.94,
    "R101": 1645.79,
    "R201": 1252.37,
    "RC101": 1696.94,
}


class InstanceError(ValueError):
    """The file is not a benchmark instance this reader understands."""


def _is_solomon(path: Path) -> bool:
    """Solomon files have a `VEHICLE` block and no `NAME :` header."""
    head = path.read_text(errors="replace")[:2000]
    return "VEHICLE" in head and "CUSTOMER" in head and not re.search(r"^\s*NAME\s*:", head, re.M)


def read_instance(path: str | Path) -> Problem:
    """Read a VRPLIB (.vrp) or Solomon (.txt) instance, with its best known cost if found."""
    path = Path(path)
    if not path.is_file():
        raise InstanceError(f"{path}: no such file")
    try:
        if _is_solomon(path):
            problem = _from_solomon(vrplib.read_instance(str(path), instance_format="solomon"))
        else:
            problem = _from_vrplib(vrplib.read_instance(str(path)))
    except InstanceError:
        raise
    except Exception as exc:  # vrplib raises bare exceptions on malformed input
        raise InstanceError(f"{path}: cannot read the instance ({exc})") from exc
    problem.name = problem.name or path.stem
    problem.best_known = best_known_cost(path, problem.name)
    return problem


def _from_vrplib(data: dict[str, Any]) -> Problem:
    """A VRPLIB CVRP or VRPTW instance (single depot)."""
    kind = str(data.get("type", "CVRP")).upper()
    if kind not in {"CVRP", "VRPTW", "CVRPTW"}:
        raise InstanceError(f"instance type {kind} is not supported (CVRP or VRPTW)")
    depots = [int(d) for d in np.atleast_1d(data.get("depot", [0]))]
    if len(depots) != 1:
        raise InstanceError("only single-depot VRPLIB instances are supported")
    depot = depots[0]
    n = int(data["dimension"])
    weight_type = str(data.get("edge_weight_type", "EUC_2D")).upper()
    coords = np.asarray(data.get("node_coord", np.zeros((n, 2))), dtype=float)
    if weight_type == "EXPLICIT":
        dist = np.asarray(data["edge_weight"], dtype=float)
    elif weight_type == "EUC_2D":
        dist = euclidean_matrix([tuple(c) for c in coords])
    else:
        raise InstanceError(f"edge weight type {weight_type} is not supported")
    dist_int = np.rint(dist).astype(np.int64)
    demand = np.asarray(data.get("demand", np.zeros(n)), dtype=np.int64)
    service = np.asarray(data.get("service_time", np.zeros(n)), dtype=np.int64)
    if service.ndim == 0:
        service = np.full(n, int(service))
    windows = data.get("time_window")
    order = [depot, *[i for i in range(n) if i != depot]]
    perm = np.asarray(order)
    dist_int = dist_int[np.ix_(perm, perm)]
    jobs = []
    for i in order[1:]:
        early, late = (0, UNBOUNDED) if windows is None else map(int, windows[i])
        jobs.append(
            Job(
                id=str(i),
                x=float(coords[i][0]),
                y=float(coords[i][1]),
                demand=(int(demand[i]),),
                service=int(service[i]),
                tw_early=early,
                tw_late=late,
            )
        )
    d_early, d_late = (0, UNBOUNDED) if windows is None else map(int, windows[depot])
    vehicles = int(data.get("vehicles", len(jobs)) or len(jobs))
    return Problem(
        depots=[
            Depot(str(depot), float(coords[depot][0]), float(coords[depot][1]), d_early, d_late)
        ],
        jobs=jobs,
        vehicle_types=[
            VehicleType(
                id="vehicle",
                count=vehicles,
                capacity=(int(data["capacity"]),),
                tw_early=d_early,
                tw_late=d_late,
            )
        ],
        distances=dist_int,
        durations=dist_int.copy(),
        name=str(data.get("name", "")),
    )


def _from_solomon(data: dict[str, Any]) -> Problem:
    """A Solomon VRPTW instance, DIMACS-scaled (×10, truncated)."""
    scale = 10
    coords = np.asarray(data["node_coord"], dtype=float)
    dist = (scale * euclidean_matrix([tuple(c) for c in coords])).astype(np.int64)
    windows = (scale * np.asarray(data["time_window"], dtype=float)).astype(np.int64)
    service = (scale * np.asarray(data["service_time"], dtype=float)).astype(np.int64)
    demand = np.asarray(data["demand"], dtype=np.int64)
    jobs = [
        Job(
            id=str(i),
            x=float(coords[i][0]),
            y=float(coords[i][1]),
            demand=(int(demand[i]),),
            service=int(service[i]),
            tw_early=int(windows[i][0]),
            tw_late=int(windows[i][1]),
        )
        for i in range(1, len(coords))
    ]
    d_early, d_late = int(windows[0][0]), int(windows[0][1])
    return Problem(
        depots=[Depot("0", float(coords[0][0]), float(coords[0][1]), d_early, d_late)],
        jobs=jobs,
        vehicle_types=[
            VehicleType(
                id="vehicle",
                count=int(data["vehicles"]),
                capacity=(int(data["capacity"]),),
                tw_early=d_early,
                tw_late=d_late,
            )
        ],
        distances=dist,
        durations=dist.copy(),
        name=str(data.get("name", "")),
        scale=scale,
    )


def best_known_cost(path: Path, name: str) -> float | None:
    """The best known cost beside the instance (`NAME.sol`, `*bks*.txt`) or from the table."""
    sol = path.with_suffix(".sol")
    if sol.is_file():
        match = re.search(r"^\s*Cost\s+([0-9.]+)", sol.read_text(errors="replace"), re.M | re.I)
        if match:
            return float(match.group(1))
    for table in sorted(path.parent.glob("*bks*.txt")):
        for line in table.read_text(errors="replace").splitlines():
            parts = line.split()
            if len(parts) >= 2 and parts[0] == name:
                try:
                    return float(parts[1])
                except ValueError:
                    continue
    return SOLOMON_BEST_KNOWN.get(name.upper())
