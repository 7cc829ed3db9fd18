"""`route` management command: solve a standard VRPLIB/Solomon instance through the adapter."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from youpin.routing.checker import check
from youpin.routing.pyvrp_adapter import solve
from youpin.routing.vrplib_io import InstanceError, read_instance


class Command(BaseCommand):
    """Solve a benchmark instance and print cost, gap to best known and routes."""

    help = (
        "Solve a VRPLIB CVRP/VRPTW (.vrp) or Solomon (.txt) instance with PyVRP through Youpin's "
        "adapter; prints the cost, the gap to the best known cost (from NAME.sol or a *bks*.txt "
        "beside the file) and the routes, checked by the independent checker."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare the arguments."""
        parser.add_argument("instance", type=Path, help="instance file, e.g. X-n101-k25.vrp")
        parser.add_argument("--seconds", type=float, default=10.0, help="time limit (default 10)")
        parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="print one JSON object"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Read, solve, check and print."""
        if options["seconds"] <= 0:
            raise CommandError("--seconds must be positive")
        try:
            problem = read_instance(options["instance"])
        except InstanceError as exc:
            raise CommandError(str(exc)) from exc
        solution = solve(
            problem, seconds=options["seconds"], seed=options["seed"], allow_unplanned=False
        )
        violations = check(problem, solution)
        out = solution.to_dict(problem)
        out["seed"] = options["seed"]
        out["time_limit"] = options["seconds"]
        out["best_known"] = problem.best_known
        out["gap_percent"] = (
            round(100 * (out["cost"] - problem.best_known) / problem.best_known, 3)
            if problem.best_known
            else None
        )
        out["violations"] = [
            {"kind": v.kind, "message": v.message, "route": v.route, "job": v.job}
            for v in violations
        ]
        if options["as_json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        bks = (
            f"best known {problem.best_known:g}, gap {out['gap_percent']:.2f} %"
            if problem.best_known
            else "no best known cost found"
        )
        self.stdout.write(
            f"{out['name']}: cost {out['cost']:g} ({bks}); {len(solution.routes)} routes; "
            f"{'feasible' if solution.feasible else 'INFEASIBLE'}; "
            f"checker: {len(violations)} violations; {solution.solver}, "
            f"{options['seconds']:g} s, seed {options['seed']}"
        )
        for number, route in enumerate(out["routes"], start=1):
            self.stdout.write(f"Route #{number}: {' '.join(route['jobs'])}")
        for item in out["unplanned"]:
            self.stdout.write(f"Unplanned {item['job']}: {item['message']}")
        for v in violations:
            self.stdout.write(f"Violation [{v.kind}] {v.message}")
