"""Benchmark: generate the synthetic demo dataset at a scale into a fresh database.

    DATABASE_URL=sqlite:////tmp/youpin-bench/demo.sqlite3 \\
        .venv/bin/python bench/demo_data.py --scale 10 --runs 1
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/youpin_bench_demo \\
        .venv/bin/python bench/demo_data.py --scale 1 --runs 3

Each run starts from an empty database (the SQLite file is deleted; the PostgreSQL
database is dropped and created), migrates it and loads the divisions outside the
timing, then times `youpin demo-data --seed 1 --scale S` in a fresh process and
samples its peak resident memory. Prints the median of the runs and the orders/s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

YOUPIN = str(Path(sys.executable).with_name("youpin"))


def fresh_database(url: str) -> None:
    """Empty the benchmark database and bring it to the current schema with divisions."""
    parsed = urlparse(url)
    if parsed.scheme.startswith("sqlite"):
        path = Path(parsed.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        import psycopg

        name = parsed.path.lstrip("/")
        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    for args in (["migrate", "-v0"], ["geo", "load"]):
        subprocess.run([YOUPIN, *args], check=True, stdout=subprocess.DEVNULL)


def rss_bytes(pid: int) -> int:
    """Resident memory of a process from /proc (0 once it has gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return 0
    return 0


def timed_generation(scale: float) -> tuple[float, int, dict[str, int]]:
    """Run demo-data once; return seconds, peak RSS in bytes and the row counts."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [YOUPIN, "demo-data", "--seed", "1", "--scale", str(scale), "--json"],
        stdout=subprocess.PIPE,
        text=True,
    )
    peak = 0
    while proc.poll() is None:
        peak = max(peak, rss_bytes(proc.pid))
        time.sleep(0.05)
    out, _ = proc.communicate()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"demo-data failed with code {proc.returncode}")
    report, _ = json.JSONDecoder().raw_decode(out[out.index("{") :])
    counts = report.get("counts", report)
    return seconds, peak, {k: v for k, v in counts.items() if isinstance(v, int)}


def main() -> None:
    """Run the benchmark and print the median."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        raise SystemExit("set DATABASE_URL to a throw-away database")
    results = []
    for run in range(args.runs):
        fresh_database(url)
        seconds, peak, counts = timed_generation(args.scale)
        results.append((seconds, peak))
        print(f"run {run + 1}: {seconds:.1f} s, peak RSS {peak / 2**20:.0f} MiB, {counts}")
    median = statistics.median(s for s, _ in results)
    orders = counts.get("orders", 0)
    peak_mib = max(p for _, p in results) / 2**20
    print(
        f"median {median:.1f} s over {args.runs} run(s); {orders:,} orders "
        f"({orders / median:,.0f} orders/s); peak RSS max {peak_mib:.0f} MiB"
    )


if __name__ == "__main__":
    main()
