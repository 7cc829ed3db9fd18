"""Benchmark: the full metric set on DuckDB over Parquet, on Spark local mode and on the database.

    DATABASE_URL=sqlite:////tmp/youpin-bench/metrics1.sqlite3 \\
        .venv/bin/python bench/metrics_engines.py --scale 1 --generate --runs 3
    DATABASE_URL=sqlite:////tmp/youpin-bench/metrics10.sqlite3 \\
        .venv/bin/python bench/metrics_engines.py --scale 10 --generate --runs 3

With `--generate` the database is filled first (migrate, divisions, `youpin demo-data --seed 1
--scale S`, outside the timing; skipped when the dataset is already there). Then:

1. `youpin export parquet` into `--parquet` (default: next to the database), timed once;
2. each engine runs the whole metric set (`youpin.metrics.definitions.METRICS`, all years of
   the data) `--runs` times in this process: wall-clock seconds, and this process's CPU
   seconds (DuckDB's threads are in this process; Spark's work is in its JVM, so for Spark
   only the wall clock means something). Spark's session is started once, outside the timing
   (its start-up is printed apart);
3. the engines' results are compared: they must be identical.

Prints one JSON document (and the median per engine). The machine's load matters for the
wall clock: say whether it was quiet when you quote the figures.

The two layers (docs/METRICS.md): `--materialize` first builds the daily layer from the raw
snapshots on each Parquet engine (timed: the full build, and the rebuild of `--new-day`),
`--sources raw,layer` runs the metric set from the raw tables and/or from the layer. A
snapshot made bigger by `bench/parquet_scale_up.py` is used as is with `--skip-export`:

    DATABASE_URL=sqlite:////tmp/youpin-bench/metrics1.sqlite3 \
        .venv/bin/python bench/metrics_engines.py --parquet /tmp/youpin-bench/parquet100 \
        --skip-export --engines duckdb --materialize --sources layer --runs 5
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "youpin.config.settings")
YOUPIN = str(Path(sys.executable).with_name("youpin"))


def generate(scale: float) -> None:
    """Migrate, load the divisions and generate the demo dataset (idempotent)."""
    for args in (
        ["migrate", "-v0"],
        ["geo", "load"],
        ["demo-data", "--seed", "1", "--scale", str(scale)],
    ):
        subprocess.run([YOUPIN, *args], check=True, stdout=subprocess.DEVNULL)


def default_parquet_dir() -> Path:
    """A directory beside the SQLite file, or under /tmp for PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    parsed = urlparse(url)
    if parsed.scheme.startswith("sqlite") and parsed.path:
        return Path(parsed.path).with_suffix(".parquet.d")
    return Path("/tmp/youpin-bench/metrics-parquet")


def timed(fn: Any) -> tuple[Any, float, float]:
    """Call fn(); its result, wall seconds and this process's CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--generate", action="store_true")
    parser.add_argument("--parquet", type=Path, default=None)
    parser.add_argument("--skip-export", action="store_true", help="reuse the Parquet files")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engines", default="duckdb,spark,db")
    parser.add_argument("--spark-memory", default="4g")
    parser.add_argument("--sources", default="raw", help="raw, layer or raw,layer")
    parser.add_argument("--materialize", action="store_true", help="build the layer first")
    parser.add_argument("--new-day", default="2025-12-31", help="the day rebuilt incrementally")
    args = parser.parse_args()
    if args.generate:
        generate(args.scale)

    import django

    django.setup()
    from youpin.metrics.definitions import days_from_civil
    from youpin.metrics.engines import spark_session
    from youpin.metrics.export import export_parquet, parquet_row_counts
    from youpin.metrics.runner import layer_materialize, metrics_run

    out = args.parquet or default_parquet_dir()
    report: dict[str, Any] = {"scale": args.scale, "parquet": str(out)}
    if not args.skip_export:
        done, wall, cpu = timed(lambda: export_parquet(out))
        report["export"] = {
            "wall_s": round(wall, 2),
            "cpu_s": round(cpu, 2),
            "bytes": sum(e.bytes for e in done),
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        }
    counts = parquet_row_counts(out)  # the snapshot's rows, from the Parquet footers
    report["rows"] = {
        "orders": counts["commerce_order"],
        "lines": counts["commerce_orderline"],
        "parcels": counts["logistics_parcel"],
        "events": counts["logistics_trackingevent"],
    }
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    spark = None
    if "spark" in engines:
        spark, wall, _ = timed(
            lambda: spark_session(cores=os.cpu_count() or 2, memory=args.spark_memory)
        )
        report["spark_startup_s"] = round(wall, 2)
    if args.materialize:
        y, m, d = (int(x) for x in args.new_day.split("-"))
        new_day = (days_from_civil(y, m, d),)
        layer: dict[str, Any] = {}
        for engine in (e for e in engines if e != "db"):
            for label, days in (("full", None), (f"day {args.new_day}", new_day)):
                info, wall, cpu = timed(
                    lambda engine=engine, days=days: layer_materialize(
                        engine, parquet_dir=out, days=days, spark=spark
                    )
                )
                layer[f"{engine} {label}"] = {
                    "wall_s": round(wall, 2),
                    "cpu_s": round(cpu, 2),
                    "rows": info.rows,
                }
        report["layer_build"] = layer
    results: dict[str, Any] = {}
    figures: dict[str, Any] = {}
    sources = [x.strip() for x in args.sources.split(",") if x.strip()]
    runs = [(e, src) for e in engines for src in sources if not (e == "db" and src == "layer")]
    for engine, source in runs:
        walls, cpus = [], []
        for _ in range(args.runs):
            run, wall, cpu = timed(
                lambda engine=engine, source=source: metrics_run(
                    engine, parquet_dir=out, spark=spark, source=source
                )
            )
            walls.append(wall)
            cpus.append(cpu)
        key = f"{engine} {source}"
        results[key] = run.results
        figures[key] = {
            "runs": args.runs,
            "median_wall_s": round(statistics.median(walls), 2),
            "min_wall_s": round(min(walls), 2),
            "median_cpu_s": round(statistics.median(cpus), 2),
            "years": [run.params.first_year, run.params.last_year],
            "rows": {k: len(v) for k, v in run.results.items()},
        }
    first = next(iter(results.values()), None)
    report["identical"] = all(r == first for r in results.values())
    report["engines"] = figures
    report["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    if spark is not None:
        spark.stop()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
