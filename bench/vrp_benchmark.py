"""Route optimisation benchmark: PyVRP (through the adapter) and OR-Tools on CVRPLIB instances.

Usage:
    .venv/bin/python bench/vrp_benchmark.py [--dir ../shared/reference/vrp] [--seeds 3]
        [--only X-n101-k25,...] [--scale-time 1.0] [--skip-ortools] [--skip-overhead]
        [--json results.json]

For each instance (X-n101-k25, X-n200-k36, X-n401-k29 at 30 s; X-n1001-k43 at 60 s) it runs PyVRP
through `youpin.routing.pyvrp_adapter` with seeds 1..N (PyVRP is single-threaded), checks every plan
with the independent checker, and runs OR-Tools' routing solver (guided local search, which is
single-threaded, same time limit) as a reference. OR-Tools' routing search has no seed parameter,
so it runs `--ortools-runs` times (default 1). Then it measures the adapter's overhead (building
PyVRP's model and reading the plan back, as a share of solve time) on a synthetic 1,000-stop day
in Zhongwei.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from youpin.routing.checker import check  # noqa: E402
from youpin.routing.distances import duration_matrix, road_distance_matrix  # noqa: E402
from youpin.routing.problem import Depot, Job, JobKind, Problem, VehicleType  # noqa: E402
from youpin.routing.pyvrp_adapter import SOLVER_NAME, solve  # noqa: E402
from youpin.routing.vrplib_io import read_instance  # noqa: E402

INSTANCES = [("X-n101-k25", 30), ("X-n200-k36", 30), ("X-n401-k29", 30), ("X-n1001-k43", 60)]
TARGETS = {"X-n101-k25": 1.0, "X-n200-k36": 1.0, "X-n401-k29": 1.0, "X-n1001-k43": 2.0}


def gap(cost: float, bks: float | None) -> float | None:
    """Percentage above the best known cost."""
    return None if not bks else 100.0 * (cost - bks) / bks


def run_ortools(problem: Problem, seconds: float) -> tuple[int, float]:
    """Solve a single-depot CVRP with OR-Tools GLS on one worker; returns (cost, seconds)."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    n = len(problem.jobs) + 1
    vt = problem.vehicle_types[0]
    demand = [0] + [j.demand[0] for j in problem.jobs]
    k = math.ceil(sum(demand) / vt.capacity[0])
    vehicles = min(vt.count, k + max(2, k // 10))
    dist = problem.distances.tolist()
    manager = pywrapcp.RoutingIndexManager(n, vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)

    def arc(i: int, j: int) -> int:
        return int(dist[manager.IndexToNode(i)][manager.IndexToNode(j)])

    transit = routing.RegisterTransitCallback(arc)
    routing.SetArcCostEvaluatorOfAllVehicles(transit)

    def load(i: int) -> int:
        return int(demand[manager.IndexToNode(i)])

    dem = routing.RegisterUnaryTransitCallback(load)
    routing.AddDimensionWithVehicleCapacity(dem, 0, [vt.capacity[0]] * vehicles, True, "load")
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(int(seconds * 1000))
    # OR-Tools' routing search runs on one thread (no worker setting, unlike CP-SAT).
    t0 = time.perf_counter()
    result = routing.SolveWithParameters(params)
    elapsed = time.perf_counter() - t0
    if result is None:
        return -1, elapsed
    return int(result.ObjectiveValue()), elapsed


def synthetic_day(stops: int, seed: int = 7) -> Problem:
    """A synthetic 1,000-stop day in Zhongwei: two depots, three vehicle types, cold and pickups."""
    rng = np.random.default_rng(seed)
    depots = [
        Depot("沙坡头区分拨中心", 105.19, 37.51, 7 * 3600, 20 * 3600),
        Depot("中宁县分拨中心", 105.68, 37.49, 7 * 3600, 20 * 3600),
    ]
    jobs = []
    for i in range(stops):
        lon = float(rng.uniform(104.6, 106.1))
        lat = float(rng.uniform(36.9, 37.8))
        kg = int(rng.integers(1, 40))
        dm3 = int(kg * rng.uniform(2, 6))
        early = int(rng.choice([8, 9, 10, 13, 14])) * 3600
        jobs.append(
            Job(
                id=f"s{i:04d}",
                x=lon,
                y=lat,
                demand=(kg, dm3),
                kind=JobKind.PICKUP if rng.random() < 0.2 else JobKind.DELIVERY,
                service=int(rng.integers(120, 600)),
                tw_early=early,
                tw_late=early + 4 * 3600,
                cold=bool(rng.random() < 0.05),
            )
        )
    points = [(d.x, d.y) for d in depots] + [(j.x, j.y) for j in jobs]
    distances = road_distance_matrix(points)
    vehicle_types = [
        VehicleType(
            "van-沙坡头",
            30,
            (800, 4000),
            depot=0,
            fixed_cost=20_000,
            shift_duration=10 * 3600,
            tw_early=7 * 3600,
            tw_late=20 * 3600,
        ),
        VehicleType(
            "van-中宁",
            30,
            (800, 4000),
            depot=1,
            fixed_cost=20_000,
            shift_duration=10 * 3600,
            tw_early=7 * 3600,
            tw_late=20 * 3600,
        ),
        VehicleType(
            "cold-沙坡头",
            10,
            (500, 2500),
            depot=0,
            fixed_cost=30_000,
            cold=True,
            shift_duration=10 * 3600,
            tw_early=7 * 3600,
            tw_late=20 * 3600,
            max_distance=300_000,
        ),
    ]
    return Problem(
        depots,
        jobs,
        vehicle_types,
        distances,
        duration_matrix(distances),
        name=f"synthetic-{stops}",
    )


def main() -> int:
    """Run the benchmark and print a Markdown table (and JSON if asked)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=ROOT.parent / "shared" / "reference" / "vrp")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated instance names")
    parser.add_argument("--scale-time", type=float, default=1.0, help="multiply time limits")
    parser.add_argument("--ortools-runs", type=int, default=1)
    parser.add_argument("--skip-ortools", action="store_true")
    parser.add_argument("--skip-overhead", action="store_true")
    parser.add_argument("--overhead-seconds", type=float, default=30.0)
    parser.add_argument(
        "--cpu-time",
        action="store_true",
        help="limit PyVRP by CPU seconds instead of wall-clock seconds (shared machine)",
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    wanted = {s for s in args.only.split(",") if s}
    results: dict[str, Any] = {
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "solver": SOLVER_NAME,
        "load_before": os.getloadavg()[0],
        "clock": "cpu" if args.cpu_time else "wall",
        "instances": [],
    }
    for name, seconds in INSTANCES:
        if wanted and name not in wanted:
            continue
        path = args.dir / f"{name}.vrp"
        problem = read_instance(path)
        limit = seconds * args.scale_time
        row: dict[str, Any] = {"instance": name, "seconds": limit, "bks": problem.best_known}
        costs = []
        for seed in range(1, args.seeds + 1):
            cpu0 = time.process_time()
            sol = solve(
                problem, seconds=limit, seed=seed, allow_unplanned=False, cpu_time=args.cpu_time
            )
            cpu_share = (time.process_time() - cpu0) / max(sol.seconds, 1e-9)
            violations = check(problem, sol)
            costs.append(sol.cost)
            row.setdefault("cpu_share", []).append(round(cpu_share, 2))
            print(
                f"{name} PyVRP seed {seed}: {sol.cost} feasible={sol.feasible} "
                f"violations={len(violations)} gap={gap(sol.cost, problem.best_known):.2f}% "
                f"iterations={sol.iterations} cpu={cpu_share:.0%} of a core",
                flush=True,
            )
            row.setdefault("violations", 0)
            row["violations"] += len(violations) + (0 if sol.feasible else 1)
        row["pyvrp_costs"] = costs
        row["pyvrp_mean"] = statistics.fmean(costs)
        row["pyvrp_gap"] = gap(row["pyvrp_mean"], problem.best_known)
        row["target"] = TARGETS[name]
        if not args.skip_ortools:
            cpu0 = time.process_time()
            ort = [run_ortools(problem, limit) for _ in range(args.ortools_runs)]
            row["ortools_cpu_share"] = round(
                (time.process_time() - cpu0) / max(sum(t for _, t in ort), 1e-9), 2
            )
            row["ortools_costs"] = [c for c, _ in ort]
            row["ortools_mean"] = statistics.fmean(c for c, _ in ort)
            row["ortools_gap"] = gap(row["ortools_mean"], problem.best_known)
            print(
                f"{name} OR-Tools: {row['ortools_costs']} gap={row['ortools_gap']:.2f}% "
                f"cpu={row['ortools_cpu_share']:.0%} of a core",
                flush=True,
            )
        results["instances"].append(row)

    if not args.skip_overhead:
        t0 = time.perf_counter()
        day = synthetic_day(1000)
        matrix_s = time.perf_counter() - t0
        sol = solve(day, seconds=args.overhead_seconds, seed=1)
        violations = check(day, sol)
        share = 100 * (sol.build_seconds + sol.readback_seconds) / sol.seconds
        results["overhead"] = {
            "stops": 1000,
            "matrix_seconds": matrix_s,
            "build_seconds": sol.build_seconds,
            "readback_seconds": sol.readback_seconds,
            "solve_seconds": sol.seconds,
            "share_percent": share,
            "routes": len(sol.routes),
            "unplanned": len(sol.unplanned),
            "violations": len(violations),
        }
        print(
            f"overhead: build {sol.build_seconds:.3f} s + readback {sol.readback_seconds:.3f} s"
            f" vs solve {sol.seconds:.1f} s = {share:.2f} %; {len(sol.routes)} routes, "
            f"{len(sol.unplanned)} unplanned, {len(violations)} violations",
            flush=True,
        )

    results["load_after"] = os.getloadavg()[0]
    print()
    print(
        f"Machine: {results['machine']}; {results['date']}; load "
        f"{results['load_before']:.1f} → {results['load_after']:.1f}"
    )
    print(
        "| instance | time | BKS | PyVRP mean cost (seeds) | gap | target | CPU share | "
        "OR-Tools | gap |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results["instances"]:
        seeds = ", ".join(str(c) for c in r["pyvrp_costs"])
        ort_cell = (
            f"{r['ortools_mean']:.0f} | {r['ortools_gap']:.2f} %"
            if "ortools_mean" in r
            else "— | —"
        )
        print(
            f"| {r['instance']} | {r['seconds']:.0f} s | {r['bks']:.0f} | {r['pyvrp_mean']:.1f} "
            f"({seeds}) | {r['pyvrp_gap']:.2f} % | ≤ {r['target']:.0f} % | "
            f"{statistics.fmean(r['cpu_share']):.0%} | {ort_cell} |"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
