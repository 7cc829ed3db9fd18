"""Benchmark: a month's station settlement (with XLSX) and `kpi stations` on the demo data.

    DATABASE_URL=sqlite:////tmp/youpin-bench/stations.sqlite3 \\
        .venv/bin/python bench/stations_settlement.py --scale 1 --runs 3

Prepares the database once (migrate, divisions, `youpin demo-data --seed 1 --scale S`; a
second call with the same scale reuses it), then times each command in a fresh process,
`--runs` times, and prints the median. Settlement runs as the operator over every station.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

YOUPIN = str(Path(sys.executable).with_name("youpin"))


def prepare(scale: float) -> None:
    """Migrate, load the divisions and the demo dataset (idempotent)."""
    for args in (
        ["migrate", "-v0"],
        ["geo", "load"],
        ["demo-data", "--seed", "1", "--scale", str(scale)],
    ):
        subprocess.run([YOUPIN, *args], check=True, capture_output=True)


def timed(args: list[str]) -> float:
    """Seconds one command takes in its own process."""
    start = time.perf_counter()
    subprocess.run([YOUPIN, *args], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    """Time the settlement export and the stations KPI."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--month", default="2025-06")
    opts = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        sys.exit("set DATABASE_URL to a benchmark database")
    prepare(opts.scale)
    out = Path(tempfile.mkdtemp()) / "settlement.xlsx"
    settle = ["settlement", "--month", opts.month, "--xlsx", str(out), "--json"]
    report = subprocess.run([YOUPIN, *settle], check=True, capture_output=True, text=True)
    statements = json.loads(report.stdout)["statements"]
    pieces = sum(
        s["counts"]["pickup"] + s["counts"]["door"] + s["counts"]["send"] for s in statements
    )
    results = {
        "settlement": statistics.median(timed(settle) for _ in range(opts.runs)),
        "kpi stations": statistics.median(
            timed(["kpi", "stations", "--json"]) for _ in range(opts.runs)
        ),
        "django startup (youpin check)": statistics.median(
            timed(["check"]) for _ in range(opts.runs)
        ),
    }
    print(f"scale {opts.scale}, month {opts.month}: {len(statements)} statements, {pieces} pieces")
    for name, seconds in results.items():
        print(f"{name}: median of {opts.runs} = {seconds:.2f} s")


if __name__ == "__main__":
    main()
