"""The daily layer: built on any engine, the same rows; the metric set from it equals raw rows."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from youpin.commerce.models import Order
from youpin.metrics.definitions import LAYER_TABLES, days_from_civil
from youpin.metrics.export import export_parquet
from youpin.metrics.layer import SCHEMAS, layer_path, read_info
from youpin.metrics.runner import layer_materialize, metrics_run
from youpin.metrics.tests.conftest import SH

pytestmark = pytest.mark.django_db
YEARS = (2024, 2025)


def layer_rows(directory: Path) -> dict[str, list[dict[str, Any]]]:
    """Every table of a written layer as sorted rows."""
    out = {}
    for attr in LAYER_TABLES:
        rows = pq.read_table(layer_path(directory, attr)).to_pylist()
        out[attr] = sorted(rows, key=lambda r: tuple(str(v) for v in r.values()))
    return out


def test_layer_is_the_same_from_the_database_and_from_duckdb(
    world: dict[str, Any], parquet_dir: Path, tmp_path: Path
) -> None:
    """The layer built on the database and on DuckDB over the snapshots: identical files."""
    from_db = tmp_path / "db-layer"
    layer_materialize("db", out_dir=from_db, years=YEARS)
    layer_materialize("duckdb", parquet_dir=parquet_dir, years=YEARS)
    assert layer_rows(from_db) == layer_rows(parquet_dir)
    info = read_info(parquet_dir)
    assert (info.first_year, info.last_year, info.region_prefix) == (2024, 2025, "6405")
    for attr in LAYER_TABLES:
        assert pq.read_schema(layer_path(parquet_dir, attr)) == SCHEMAS[attr]
        assert info.rows[attr] > 0


def test_metric_set_from_the_layer_equals_raw_rows(
    world: dict[str, Any], parquet_dir: Path
) -> None:
    """Every metric, every row: from the layer on DuckDB as from raw rows on the database."""
    layer_materialize("duckdb", parquet_dir=parquet_dir, years=YEARS)
    raw = metrics_run("db", years=YEARS)
    layered = metrics_run("duckdb", parquet_dir=parquet_dir, years=YEARS, source="layer")
    assert layered.results == raw.results
    assert all(layered.results[name] for name in layered.results)
    one_year = metrics_run("duckdb", parquet_dir=parquet_dir, years=(2025, 2025), source="layer")
    assert one_year.results == metrics_run("db", years=(2025, 2025)).results


def _day(at: datetime) -> int:
    """The Shanghai day number of an aware time."""
    local = at.astimezone(SH)
    return days_from_civil(local.year, local.month, local.day)


def test_rebuilding_the_changed_days_equals_a_full_build(
    world: dict[str, Any], parquet_dir: Path, tmp_path: Path
) -> None:
    """Change an order's refund and close another; rebuild their sale days: as a full build."""
    layer_materialize("duckdb", parquet_dir=parquet_dir, years=YEARS)
    before = metrics_run("duckdb", parquet_dir=parquet_dir, years=YEARS, source="layer")
    sold = list(Order.objects.exclude(status__in=("pending_payment", "closed")).order_by("pk"))
    refunded = next(o for o in sold if o.refunded_amount < o.paid_amount)
    closed = sold[-1]
    assert closed.pk != refunded.pk
    days = tuple(sorted({_day(o.paid_at or o.ordered_at) for o in (refunded, closed)}))
    Order.objects.filter(pk=refunded.pk).update(refunded_amount=refunded.paid_amount)
    Order.objects.filter(pk=closed.pk).update(status="closed")
    export_parquet(parquet_dir)  # a new snapshot, the old layer still beside it
    stale = metrics_run("duckdb", parquet_dir=parquet_dir, years=YEARS, source="layer")
    assert stale.results == before.results  # the layer does not change by itself
    layer_materialize("duckdb", parquet_dir=parquet_dir, years=YEARS, days=days)
    rebuilt = metrics_run("duckdb", parquet_dir=parquet_dir, years=YEARS, source="layer")
    assert rebuilt.results != before.results
    assert rebuilt.results == metrics_run("db", years=YEARS).results
    full = tmp_path / "full"
    layer_materialize("db", out_dir=full, years=YEARS)
    assert layer_rows(full) == layer_rows(parquet_dir)


def test_layer_refuses_years_it_does_not_cover(world: dict[str, Any], parquet_dir: Path) -> None:
    """A run over years outside the layer's is refused, not answered with missing rows."""
    layer_materialize("duckdb", parquet_dir=parquet_dir, years=(2025, 2025))
    with pytest.raises(ValueError, match="2025–2025"):
        metrics_run("duckdb", parquet_dir=parquet_dir, years=YEARS, source="layer")
    with pytest.raises(ValueError, match="Parquet"):
        metrics_run("db", years=YEARS, source="layer")


def test_cli_materializes_and_runs_from_the_layer(
    world: dict[str, Any], parquet_dir: Path, capsys: Any
) -> None:
    """`metrics materialize` then `metrics run --from layer`; bad days are refused."""
    import json

    call_command(
        "metrics", "materialize", "--parquet", str(parquet_dir), "--years", "2024-2025", "--json"
    )
    built = json.loads(capsys.readouterr().out)
    assert built["years"] == [2024, 2025]
    assert built["rows"]["sales"] > 0
    call_command(
        "metrics", "materialize", "--parquet", str(parquet_dir), "--days", "2025-06-18", "--json"
    )
    assert json.loads(capsys.readouterr().out)["days"] == 1
    call_command(
        "metrics", "run", "--engine", "duckdb", "--parquet", str(parquet_dir), "--from", "layer",
        "--json",
    )  # fmt: skip
    doc = json.loads(capsys.readouterr().out)
    assert doc["metrics"] == metrics_run("db", years=YEARS).results
    with pytest.raises(CommandError):
        call_command("metrics", "materialize", "--parquet", str(parquet_dir), "--days", "2025-13")
