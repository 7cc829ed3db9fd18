"""Running the metric set on an engine from Django: the configured database or the snapshots."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.db import connection

from youpin.commerce.retail_queries import region_prefix
from youpin.metrics.engines import (
    ENGINES,
    Run,
    db_backend,
    duckdb_backend,
    run_metrics,
    spark_backend,
    spark_session,
)


def metrics_run(
    engine: str,
    *,
    parquet_dir: Path | None = None,
    years: tuple[int, int] | None = None,
    names: list[str] | None = None,
    spark: Any = None,
) -> Run:
    """Run the metrics on `db` (Django's connection), `duckdb` or `spark` (Parquet snapshots)."""
    if engine not in ENGINES:
        raise ValueError(f"未知的引擎：{engine}（可选：{', '.join(ENGINES)}）")
    prefix = region_prefix()
    if engine == "db":
        connection.ensure_connection()
        with db_backend(connection.connection, connection.vendor) as con:
            return run_metrics(con, engine, region_prefix=prefix, years=years, names=names)
    if parquet_dir is None:
        raise ValueError("duckdb 与 spark 引擎需要 --parquet 目录")
    if engine == "duckdb":
        with duckdb_backend(parquet_dir) as con:
            return run_metrics(con, engine, region_prefix=prefix, years=years, names=names)
    session = spark or spark_session()
    con = spark_backend(parquet_dir, session)
    return run_metrics(con, engine, region_prefix=prefix, years=years, names=names)


def timed_run(engine: str, **kwargs: Any) -> tuple[Run, float, float]:
    """`metrics_run` with its wall-clock and this process's CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    run = metrics_run(engine, **kwargs)
    return run, time.perf_counter() - wall, time.process_time() - cpu


def run_as_json(run: Run, *, seconds: float | None = None) -> dict[str, Any]:
    """A run as a JSON document: engine, region, years, the rows of every metric."""
    doc: dict[str, Any] = {
        "engine": run.engine,
        "region_prefix": run.params.region_prefix,
        "years": [run.params.first_year, run.params.last_year],
        "title_rules": len(run.params.title_rules),
        "metrics": run.results,
    }
    if seconds is not None:
        doc["seconds"] = round(seconds, 3)
    return doc
