"""Reading benchmark instances: distances, demands, windows and the best known cost."""

from __future__ import annotations

import math
import re

import pytest

from youpin.routing.checker import check
from youpin.routing.problem import Route, Solution, Visit, route_distance
from youpin.routing.tests.helpers import DATA
from youpin.routing.vrplib_io import InstanceError, read_instance


def _coords(path):
    """Node coordinates and demands parsed by hand from the .vrp text."""
    text = path.read_text()
    coords = re.search(r"NODE_COORD_SECTION(.*?)DEMAND_SECTION", text, re.S).group(1)
    demand = re.search(r"DEMAND_SECTION(.*?)DEPOT_SECTION", text, re.S).group(1)
    xy = [tuple(map(int, line.split()[1:3])) for line in coords.strip().splitlines()]
    dem = [int(line.split()[1]) for line in demand.strip().splitlines()]
    return xy, dem


def test_x_instance_is_read_with_rounded_euclidean_distances():
    path = DATA / "X-n101-k25.vrp"
    problem = read_instance(path)
    xy, dem = _coords(path)
    assert problem.name == "X-n101-k25"
    assert len(problem.jobs) == 100
    assert problem.vehicle_types[0].capacity == (206,)
    assert sum(j.demand[0] for j in problem.jobs) == sum(dem)
    # Depot (node 1) to the first customer (node 2): nint(sqrt(219² + 509²)) = nint(554.11).
    assert problem.distances[0, 1] == 554
    assert problem.distances[3, 7] == round(math.dist(xy[3], xy[7]))
    assert problem.best_known == 27591


def test_best_known_solution_costs_its_published_value_and_passes_the_checker():
    problem = read_instance(DATA / "X-n101-k25.vrp")
    text = (DATA / "X-n101-k25.sol").read_text()
    by_id = {job.id: i for i, job in enumerate(problem.jobs)}
    routes = []
    for line in text.splitlines():
        if line.startswith("Route"):
            jobs = [by_id[token] for token in line.split(":")[1].split()]
            dist = route_distance(problem, 0, jobs)
            visits = [Visit(problem.jobs[j].id, j, 0, 0, 0) for j in jobs]
            routes.append(Route("vehicle", 0, 0, visits, 0, 0, dist, 0))
    total = sum(r.distance for r in routes)
    solution = Solution(routes, [], total, total, 0, True)
    assert total == 27591
    assert check(problem, solution) == []


def test_solomon_instance_is_scaled_the_dimacs_way():
    problem = read_instance(DATA / "C101.txt")
    assert problem.scale == 10
    assert len(problem.jobs) == 100
    assert problem.vehicle_types[0].count == 25
    assert problem.vehicle_types[0].capacity == (200,)
    first = problem.jobs[0]  # customer 1: (45, 68), window 912–967, service 90
    assert (first.tw_early, first.tw_late, first.service) == (9120, 9670, 900)
    # Depot (40, 50) to customer 1: 10 × sqrt(25 + 324) = 186.8… truncated to 186.
    assert problem.distances[0, 1] == 186
    assert problem.depots[0].tw_late == 12360
    assert problem.best_known == pytest.approx(828.94)


def test_bad_files_raise_a_clear_error(tmp_path):
    with pytest.raises(InstanceError, match="no such file"):
        read_instance(tmp_path / "missing.vrp")
    bad = tmp_path / "bad.vrp"
    bad.write_text(
        "NAME : bad\nTYPE : TSP\nDIMENSION : 2\nEDGE_WEIGHT_TYPE : EUC_2D\n"
        "NODE_COORD_SECTION\n1 0 0\n2 3 4\nEOF\n"
    )
    with pytest.raises(InstanceError, match="TSP"):
        read_instance(bad)
