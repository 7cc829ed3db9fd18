"""Benchmark: what joint delivery saves on the demo data, per county (issue 6).

    DATABASE_URL=sqlite:////tmp/youpin-bench/delivery.sqlite3 \\
        .venv/bin/python bench/delivery_savings.py --first 2025-12-01 --last 2025-12-31 \\
        --seconds 1 --seed 1 [--json OUT]

Prepares the database once (migrate, divisions, `youpin demo-data --seed 1 --scale S`, the
delivery demo's hubs, fleet and lines without plans), then plans every demo hub for every day
of the period (`plan_delivery`, time limits in CPU seconds so a loaded machine changes the
search less), and prints per county the joint plan against each carrier alone, summed over the
period: vehicle-km, vehicle-hours, vehicles used (vehicle-days), empty-run share, cost, CO₂.
The figures do not depend on timing except through the solver's search; CPU and wall seconds
per plan are printed for information only.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

YOUPIN = str(Path(sys.executable).with_name("youpin"))


def prepare(scale: float) -> None:
    """Migrate, load the divisions, the demo dataset and the delivery demo rows (idempotent)."""
    for args in (
        ["migrate", "-v0", "--skip-checks"],
        ["geo", "load"],
        ["demo-data", "--seed", "1", "--scale", str(scale), "--skip-checks"],
        ["delivery", "demo", "--days", "0", "--skip-checks"],
    ):
        subprocess.run([YOUPIN, *args], check=True, capture_output=True)


def main() -> None:
    """Plan the period and print the savings per county."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--first", default="2025-12-01")
    parser.add_argument("--last", default="2025-12-31")
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None)
    opts = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        sys.exit("set DATABASE_URL to a benchmark database")
    prepare(opts.scale)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "youpin.config.settings")
    import django

    django.setup()
    from youpin.delivery.build import MICRO
    from youpin.delivery.models import Hub
    from youpin.delivery.savings import Metrics, comparison, metrics_from_dict
    from youpin.delivery.services import plan_delivery

    first, last = date.fromisoformat(opts.first), date.fromisoformat(opts.last)
    hubs = list(Hub.objects.filter(is_demo=True).select_related("county").order_by("county_id"))
    joint: dict[str, Metrics] = {h.county.name: Metrics() for h in hubs}
    alone: dict[str, Metrics] = {h.county.name: Metrics() for h in hubs}
    parcels: dict[str, dict[str, int]] = {h.county.name: {} for h in hubs}
    cpu, wall = [], []
    day = first
    while day <= last:
        for hub in hubs:
            c0, w0 = time.process_time(), time.perf_counter()
            plan = plan_delivery(hub, day, seconds=opts.seconds, seed=opts.seed, cpu_time=True)
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - w0)
            comp = plan.comparison
            name = hub.county.name
            joint[name] = joint[name] + metrics_from_dict(comp["joint"])
            for figures in comp["per_carrier"].values():
                alone[name] = alone[name] + metrics_from_dict(figures)
            for key in ("parcels_total", "parcels_on_lines", "parcels_unplanned"):
                parcels[name][key] = parcels[name].get(key, 0) + getattr(plan, key)
        day += timedelta(days=1)
    out: dict[str, Any] = {
        "period": [opts.first, opts.last],
        "seconds": opts.seconds,
        "seed": opts.seed,
        "scale": opts.scale,
        "plans": len(cpu),
        "cpu_seconds_per_plan_median": round(statistics.median(cpu), 2),
        "wall_seconds_per_plan_median": round(statistics.median(wall), 2),
        "counties": {},
    }
    print(f"{len(cpu)} plans, {opts.first} – {opts.last}, {opts.seconds} CPU s, seed {opts.seed}")
    print(
        "county | parcels | on lines | unplanned | km joint / alone | saving | hours | "
        "vehicle-days | empty share | cost (yuan) | CO2 (kg)"
    )
    for name in joint:
        j, a = joint[name], alone[name]
        comp = comparison(j, {"all": a})
        s = comp["saving"]
        out["counties"][name] = {**parcels[name], **comp}
        print(
            f"{name} | {parcels[name]['parcels_total']} | {parcels[name]['parcels_on_lines']} | "
            f"{parcels[name]['parcels_unplanned']} | "
            f"{j.distance_m / 1000:.0f} / {a.distance_m / 1000:.0f} | "
            f"{s['km']:.1%} | "
            f"{j.duration_s / 3600:.0f} / {a.duration_s / 3600:.0f} ({s['hours']:.1%}) | "
            f"{j.vehicles} / {a.vehicles} | {j.empty_share:.1%} / {a.empty_share:.1%} | "
            f"{j.cost_micro / MICRO:,.0f} / {a.cost_micro / MICRO:,.0f} ({s['cost']:.1%}) | "
            f"{j.co2_g / 1000:,.0f} / {a.co2_g / 1000:,.0f} ({s['co2']:.1%})"
        )
    print(
        f"per plan: median {out['cpu_seconds_per_plan_median']} CPU s, "
        f"{out['wall_seconds_per_plan_median']} wall s (machine loaded)"
    )
    if opts.json:
        opts.json.write_text(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
