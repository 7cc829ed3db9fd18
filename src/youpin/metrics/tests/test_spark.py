"""The metric set on Apache Spark (local mode) equals DuckDB and the database (`-m spark`)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from youpin.metrics.engines import spark_session
from youpin.metrics.runner import metrics_run

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
