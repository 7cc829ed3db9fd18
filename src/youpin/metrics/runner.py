"""Running the metric set on an engine from Django: the configured database or the snapshots."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.db import connection

from youpin.commerce.retail_queries import region_prefix
from youpin.metrics.definitions import LAYER_TABLES
from youpin.metrics.engines import (
    ENGINES,
    Run,
    build_layer,
    db_backend,
    duckdb_backend,
    run_layer_metrics,
    run_metrics,
    spark_backend,
    spark_session,
)
from youpin.metrics.layer import LayerInfo, read_info, write_layer

SOURCES = ("raw", "layer")


def metrics_run(
    engine: str,
    *,
    parquet_dir: Path | None = None,
    years: tuple[int, int] | None = None,
    names: list[str] | None = None,
    spark: Any = None,
    source: str = "raw",
) -> Run:
    """Run the metrics on `db` (Django's connection), `duckdb` or `spark` (Parquet snapshots).

    `source="layer"`: from the daily layer written beside the snapshots (DuckDB, Spark).
    """
    if engine not in ENGINES:
        raise ValueError(f"未知的引擎：{engine}（可选：{', '.join(ENGINES)}）")
    if source not in SOURCES:
        raise ValueError(f"未知的来源：{source}（可选：{', '.join(SOURCES)}）")
    prefix = region_prefix()
    if source == "layer":
        return _layer_run(engine, parquet_dir, prefix, years, names, spark)
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


def _layer_run(
    engine: str,
    parquet_dir: Path | None,
    prefix: str,
    years: tuple[int, int] | None,
    names: list[str] | None,
    spark: Any,
) -> Run:
    """The metric set from a written daily layer, on DuckDB or Spark."""
    if engine == "db" or parquet_dir is None:
        raise ValueError("指标日层在 Parquet 目录里：用 --engine duckdb|spark --parquet DIR")
    info = read_info(parquet_dir)
    layer = tuple(LAYER_TABLES.values())
    if engine == "duckdb":
        with duckdb_backend(parquet_dir, tables=layer) as con:
            return run_layer_metrics(
                con, engine, info, region_prefix=prefix, years=years, names=names
            )
    con = spark_backend(parquet_dir, spark or spark_session(), tables=layer)
    return run_layer_metrics(con, engine, info, region_prefix=prefix, years=years, names=names)


def layer_materialize(
    engine: str,
    *,
    parquet_dir: Path | None = None,
    out_dir: Path | None = None,
    years: tuple[int, int] | None = None,
    days: tuple[int, ...] | None = None,
    spark: Any = None,
) -> LayerInfo:
    """Compute the daily layer from raw rows on an engine and write it as Parquet.

    From the database (`db`) or from the snapshots in `parquet_dir` (DuckDB, Spark); written
    to `out_dir`, by default beside the snapshots. With `days`, only those days (and the
    months of the monthly table) are rebuilt and replaced in the written layer.
    """
    if engine not in ENGINES:
        raise ValueError(f"未知的引擎：{engine}（可选：{', '.join(ENGINES)}）")
    target = out_dir or parquet_dir
    if target is None:
        raise ValueError("需要 --out 目录（db 引擎）或 --parquet 目录")
    prefix = region_prefix()
    if engine == "db":
        connection.ensure_connection()
        with db_backend(connection.connection, connection.vendor) as con:
            info, tables = build_layer(con, engine, region_prefix=prefix, years=years, days=days)
    elif parquet_dir is None:
        raise ValueError("duckdb 与 spark 引擎需要 --parquet 目录")
    elif engine == "duckdb":
        with duckdb_backend(parquet_dir) as con:
            info, tables = build_layer(con, engine, region_prefix=prefix, years=years, days=days)
    else:
        con = spark_backend(parquet_dir, spark or spark_session())
        info, tables = build_layer(con, engine, region_prefix=prefix, years=years, days=days)
    return write_layer(target, tables, info, days=days)


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
