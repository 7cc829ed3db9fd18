"""Problems costed in small money units keep PyVRP's penalties in proportion (issue 6)."""

from __future__ import annotations

import numpy as np

from youpin.routing.checker import check
from youpin.routing.problem import Depot, Job, Problem, VehicleType
from youpin.routing.pyvrp_adapter import solve


def test_a_cheap_electric_van_a_little_over_its_range_is_not_used() -> None:
    """One job 110 181 m away: the electric van (range 220 km, 500 per metre) is 362 m short;
    the diesel van (1 200 per metre) is feasible. Costed in micro-yuan, the small excess once
    looked cheaper than the feasible plan; now the plan uses the diesel van and checks clean."""
    d = np.array([[0, 110_181], [110_181, 0]])
    problem = Problem(
        [Depot("hub", tw_early=7 * 3600, tw_late=20 * 3600)],
        [Job("far", demand=(1, 1), service=300, tw_early=8 * 3600, tw_late=20 * 3600)],
        [
            VehicleType(
                "ev",
                1,
                (800, 4500),
                fixed_cost=120_000_000,
                distance_cost=500,
                duration_cost=8333,
                speed=40 / 3.6,
                tw_early=7 * 3600,
                tw_late=20 * 3600,
                max_distance=220_000,
            ),
            VehicleType(
                "diesel",
                1,
                (1000, 6000),
                fixed_cost=150_000_000,
                distance_cost=1200,
                duration_cost=8333,
                speed=40 / 3.6,
                tw_early=7 * 3600,
                tw_late=20 * 3600,
            ),
        ],
        d,
        d // 11,
    )
    for seed in (1, 2, 3):
        solution = solve(problem, seconds=0.5, seed=seed)
        assert check(problem, solution) == []
        assert [r.vehicle_type for r in solution.routes if r.visits] == ["diesel"]
