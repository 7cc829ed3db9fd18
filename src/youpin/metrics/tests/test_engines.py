"""The metric set on the database and on DuckDB over Parquet: equal, and equal to the statistics."""

from __future__ import annotations

from datetime import UTC, date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.db import connection

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.catalog.models import Shop
from youpin.commerce.models import Order
from youpin.commerce.statistics import report_as_json, retail_sales
from youpin.logistics.statistics import express_volume
from youpin.metrics.export import parquet_row_counts
from youpin.metrics.runner import metrics_run
from youpin.metrics.tests.conftest import SH, STATION_EVENTS

pytestmark = pytest.mark.django_db
OPERATOR = Scope(role=Role.OPERATOR)
YEARS = (2024, 2025)
OUTSIDE = "640000000000"  # the province itself: outside Zhongwei


def fen(amount: str | Decimal) -> int:
    """CNY (a string with two places, or a Decimal) as whole fen."""
    return int(Decimal(amount) * 100)


def rows_of(results: dict[str, list[dict[str, Any]]], name: str, **match: Any) -> list[dict]:
    """The rows of a metric whose columns equal `match`."""
    return [r for r in results[name] if all(r[k] == v for k, v in match.items())]


ZERO = {"orders": 0, "gross_fen": 0, "refunded_fen": 0, "net_fen": 0}


def one(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The single row found, or zeros when the metric has no row (nothing sold)."""
    assert len(rows) <= 1
    return rows[0] if rows else ZERO


def test_parquet_export_round_trips_every_row(world: dict[str, Any], parquet_dir: Path) -> None:
    """Each snapshot has the table's row count, in several row groups, with exact money."""
    counts = parquet_row_counts(parquet_dir)
    with connection.cursor() as cursor:
        for table, n in counts.items():
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            assert n == cursor.fetchone()[0] > 0, table
    orders = pq.read_table(parquet_dir / "commerce_order.parquet").to_pylist()
    assert pq.ParquetFile(parquet_dir / "commerce_order.parquet").metadata.num_row_groups > 1
    stored = {o.pk: (o.paid_amount, o.refunded_amount, o.paid_at) for o in Order.objects.all()}
    assert {r["id"]: (r["paid_amount"], r["refunded_amount"], r["paid_at"]) for r in orders} == (
        stored
    )


def test_duckdb_over_parquet_equals_the_database(world: dict[str, Any], parquet_dir: Path) -> None:
    """Every metric, every row: the same numbers on the operational database and on DuckDB."""
    db = metrics_run("db", years=YEARS)
    duck = metrics_run("duckdb", parquet_dir=parquet_dir, years=YEARS)
    assert db.results == duck.results
    assert all(db.results[name] for name in db.results)  # no metric is trivially empty


@pytest.mark.parametrize("year", YEARS)
def test_retail_metrics_equal_the_retail_statistic(world: dict[str, Any], year: int) -> None:
    """Total, other sellers, counties, platforms and classes equal `youpin kpi retail`."""
    results = metrics_run("db", years=YEARS).results
    report = report_as_json(
        retail_sales(OPERATOR, year=year, by=("county", "platform"), as_of=date(2026, 6, 1))
    )

    def same(row: dict[str, Any], stat: dict[str, Any]) -> None:
        assert (row["orders"], row["gross_fen"], row["refunded_fen"], row["net_fen"]) == (
            stat["orders"],
            fen(stat["gross"]),
            fen(stat["refunded"]),
            fen(stat["net"]),
        )

    local = one(rows_of(results, "retail_by_year", year=year, local=True))
    other = one(rows_of(results, "retail_by_year", year=year, local=False))
    assert local["orders"] > 0
    same(local, report["total"])
    same(other, report["other_sellers"])
    tables = {b["dimension"]: b["rows"] for b in report["breakdowns"]}
    counties = {r["key"][:6]: r for r in tables["county"] if r["orders"]}
    assert {r["county"] for r in rows_of(results, "retail_by_county", year=year)} == set(counties)
    for row in rows_of(results, "retail_by_county", year=year):
        same(row, counties[row["county"]])
    platforms = {r["key"]: r for r in tables["platform"] if r["orders"]}
    got = rows_of(results, "retail_by_platform", year=year)
    assert {r["platform"] for r in got} == set(platforms)
    for row in got:
        same(row, platforms[row["platform"]])
    for cls in ("goods", "services", "unclassified", "farm"):
        same(one(rows_of(results, "retail_by_class", year=year, sales_class=cls)), report[cls])
    months = rows_of(results, "retail_by_county_month", year=year)
    assert sum(r["net_fen"] for r in months) == local["net_fen"]
    assert sum(r["orders"] for r in months) == local["orders"]


def _local_sales_by_month() -> dict[tuple[int, int], int]:
    """Hand count: sold orders of Zhongwei sellers per Shanghai (year, month) of the sale."""
    hand: dict[tuple[int, int], int] = {}
    for o in Order.objects.exclude(status__in=("pending_payment", "closed")).select_related(
        "merchant", "shop"
    ):
        place = o.shop.operating_place_id or o.merchant.place_id
        if not (o.merchant.registered_locally and place.startswith("6405")):
            continue
        at = (o.paid_at or o.ordered_at).astimezone(SH)
        if at.year in YEARS:
            hand[(at.year, at.month)] = hand.get((at.year, at.month), 0) + 1
    return hand


def test_retail_months_are_shanghai_months(world: dict[str, Any]) -> None:
    """Sales are put in Shanghai calendar months (1 Jan 00:10 +08:00 is January, not December)."""
    sold = Order.objects.exclude(status__in=("pending_payment", "closed"))
    times = [o.paid_at or o.ordered_at for o in sold]
    assert any(t.astimezone(SH).month != t.astimezone(UTC).month for t in times)  # a real test
    results = metrics_run("db", years=YEARS, names=["retail_by_county_month"]).results
    by_month: dict[tuple[int, int], int] = {}
    for row in results["retail_by_county_month"]:
        key = (row["year"], row["month"])
        by_month[key] = by_month.get(key, 0) + row["orders"]
    assert by_month == _local_sales_by_month()


@pytest.mark.parametrize("year", YEARS)
def test_express_metrics_equal_the_express_statistic(world: dict[str, Any], year: int) -> None:
    """Collected, delivered, shares, counties, carriers, directions equal `youpin kpi express`."""
    results = metrics_run("db", years=YEARS).results
    report = express_volume(OPERATOR, year=year, by=("county", "carrier")).as_dict()
    total = report["total"]
    sides = {r["side"]: r for r in rows_of(results, "express_by_year", year=year)}
    col = sides.get("collected", {"parcels": 0, "e_waybill": 0, "timed": 0, "transit_seconds": 0})
    dlv = sides.get("delivered", {"parcels": 0, "at_station": 0, "at_locker": 0})
    assert col["parcels"] == total["collected"]
    assert col["e_waybill"] == total["e_waybill"]
    assert dlv["parcels"] == total["delivered"]
    assert dlv["at_station"] == total["delivered_at_station"]
    assert dlv["at_locker"] == total["delivered_at_locker"]
    if col["timed"]:
        hours = col["transit_seconds"] / col["timed"] / 3600  # the statistic rounds to 0.1 h
        assert abs(hours - total["collected_mean_hours"]) <= 0.05 + 1e-9
    cube = rows_of(results, "express_cube", year=year)
    for side, stat_key in (("collected", "collected"), ("delivered", "delivered")):
        for direction in report["directions"]:
            n = sum(
                r["parcels"]
                for r in cube
                if r["side"] == side and r["direction"] == direction["key"]
            )
            assert n == direction[stat_key], (side, direction["key"])
        by_county: dict[str, int] = {}
        for r in cube:
            if r["side"] == side:
                by_county[r["county"]] = by_county.get(r["county"], 0) + r["parcels"]
        for row in report["breakdowns"]["county"]:
            key = row["key"][:6] if row["key"].isdigit() else row["key"]
            assert by_county.get(key, 0) == row[stat_key], (side, row["key"])
        assert sum(by_county.values()) == total[stat_key]
    carriers = {r["key"]: r for r in report["breakdowns"]["carrier"]}
    by_carrier: dict[int, int] = {}
    for r in cube:
        if r["side"] == "collected":
            by_carrier[r["carrier_id"]] = by_carrier.get(r["carrier_id"], 0) + r["parcels"]
    assert sum(by_carrier.values()) == total["collected"]
    assert len([c for c in carriers.values() if c["collected"]]) == len(by_carrier)


def test_station_operations_equal_a_hand_count(world: dict[str, Any]) -> None:
    """Station events per station × Shanghai month × code: events and distinct parcels."""
    results = metrics_run("db", years=YEARS).results
    stations = world["stations"]
    ids = {k: s.pk for k, s in stations.items()}
    county = stations["a"].place_id[:6]
    expected = [
        (ids["a"], county, 2025, 1, "station_checkin", 1, 1),
        (ids["a"], county, 2025, 2, "station_checkin", 1, 1),
        (ids["a"], county, 2025, 2, "station_pickup", 2, 1),
        (ids["b"], county, 2024, 12, "station_send", 1, 1),
        (ids["b"], county, 2025, 6, "station_damaged", 1, 1),
    ]
    assert len(STATION_EVENTS) == sum(e[5] for e in expected)
    got = [
        (
            r["station_id"],
            r["county"],
            r["year"],
            r["month"],
            r["operation"],
            r["events"],
            r["parcels"],
        )
        for r in results["station_operations"]
    ]
    assert sorted(got) == sorted(expected)


def test_moving_a_shop_out_moves_its_sales_to_other_sellers(world: dict[str, Any]) -> None:
    """A shop whose operating place leaves the region: its 2025 orders become other sellers'."""
    shop = (
        Shop.objects.filter(merchant__registered_locally=True, orders__isnull=False)
        .distinct()
        .first()
    )
    assert shop is not None
    before = metrics_run("db", years=(2025, 2025), names=["retail_by_year"]).results
    Shop.objects.filter(pk=shop.pk).update(operating_place_id=OUTSIDE)
    after = metrics_run("db", years=(2025, 2025), names=["retail_by_year"]).results
    moved = sum(
        1
        for o in Order.objects.filter(shop=shop).exclude(status__in=("pending_payment", "closed"))
        if (o.paid_at or o.ordered_at).astimezone(SH).year == 2025
    )
    assert moved > 0
    local_before = one(rows_of(before, "retail_by_year", local=True))["orders"]
    local_after = one(rows_of(after, "retail_by_year", local=True))["orders"]
    other_before = one(rows_of(before, "retail_by_year", local=False))["orders"]
    other_after = one(rows_of(after, "retail_by_year", local=False))["orders"]
    assert (local_before - local_after, other_after - other_before) == (moved, moved)


def test_cli_runs_and_prints_json(world: dict[str, Any], parquet_dir: Path, capsys: Any) -> None:
    """`youpin metrics run --engine duckdb --json` prints the run; a bad engine is refused."""
    import json

    call_command(
        "metrics",
        "run",
        "--engine",
        "duckdb",
        "--parquet",
        str(parquet_dir),
        "--years",
        "2024-2025",
        "--json",
    )
    doc = json.loads(capsys.readouterr().out)
    assert doc["engine"] == "duckdb"
    assert doc["years"] == [2024, 2025]
    assert doc["metrics"] == metrics_run("db", years=YEARS).results
