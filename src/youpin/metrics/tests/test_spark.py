"""The metric set on Apache Spark (local mode) equals DuckDB and the database (`-m spark`)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from youpin.metrics.engines import spark_session
from youpin.metrics.runner import layer_materialize, metrics_run
from youpin.metrics.tests.test_layer import layer_rows

pytestmark = [pytest.mark.spark, pytest.mark.django_db]

if shutil.which("java") is None:  # CI and the dev machines have Java 17; say so if not
    pytest.skip("Spark needs a Java runtime (java not on PATH)", allow_module_level=True)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """One local Spark session for the module (starting one costs seconds)."""
    session = spark_session(cores=1, memory="1g")
    yield session
    session.stop()


def test_spark_equals_duckdb_and_the_database(
    world: dict[str, Any], parquet_dir: Path, spark: Any
) -> None:
    """Every metric, every row: Spark over the Parquet snapshots gives the same numbers."""
    years = (2024, 2025)
    db = metrics_run("db", years=years)
    duck = metrics_run("duckdb", parquet_dir=parquet_dir, years=years)
    on_spark = metrics_run("spark", parquet_dir=parquet_dir, years=years, spark=spark)
    assert on_spark.results == duck.results == db.results
    assert on_spark.params.title_rules == db.params.title_rules
    assert all(on_spark.results[name] for name in on_spark.results)


def test_spark_builds_the_same_layer_and_runs_the_set_from_it(
    world: dict[str, Any], parquet_dir: Path, tmp_path: Path, spark: Any
) -> None:
    """The daily layer built on Spark equals DuckDB's; the set from it equals raw rows."""
    years = (2024, 2025)
    on_duckdb = tmp_path / "duckdb-layer"
    layer_materialize("duckdb", parquet_dir=parquet_dir, out_dir=on_duckdb, years=years)
    layer_materialize("spark", parquet_dir=parquet_dir, years=years, spark=spark)
    assert layer_rows(parquet_dir) == layer_rows(on_duckdb)
    from_layer = metrics_run(
        "spark", parquet_dir=parquet_dir, years=years, spark=spark, source="layer"
    )
    assert from_layer.results == metrics_run("db", years=years).results
