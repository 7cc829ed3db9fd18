"""Load and remove the synthetic demo dataset (every row flagged `is_demo`; geography stays)."""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any, TextIO

from django.conf import settings
from django.db import connection, models, transaction

from youpin.accounts.models import Profile
from youpin.catalog.models import Merchant, Product, Shop
from youpin.catalog.services import categories_sync
from youpin.commerce.models import Order, OrderLine
from youpin.core.progress import progress
from youpin.demo.bulk import TableWriter, large_cache, next_id, sequences_reset
from youpin.demo.generator import catalog_plan
from youpin.demo.models import DemoDataset
from youpin.demo.network import station_plan
from youpin.demo.seasons import months
from youpin.demo.selectors import demo_dataset
from youpin.demo.steps import (
    DemoLogin,
    catalog_write,
    consumer_user_id,
    geography_with_points,
    logins_upsert,
)
from youpin.demo.stream import (
    EVENT_COLUMNS,
    LINE_COLUMNS,
    ORDER_COLUMNS,
    PARCEL_COLUMNS,
    DemoStream,
    IdBases,
)
from youpin.demo.traffic import month_plans
from youpin.demo.trust_extras import demo_extras_delete, demo_extras_write
from youpin.logistics.models import Carrier, Parcel, TrackingEvent
from youpin.logistics.services import carriers_sync
from youpin.stations.models import Station
from youpin.trust.models import OrderVerification

MAX_SCALE = 100.0
NOT_SOLD = {"pending_payment", "closed"}


class DemoDataRefused(RuntimeError):
    """The demo dataset may not be loaded here (production, or a bad argument)."""


@dataclass(frozen=True)
class DemoSummary:
    """What a demo load did: whether it generated, the row counts, the time taken, the logins."""

    seed: int
    scale: float
    generated: bool
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)
    net_sales_by_year: dict[str, str] = field(default_factory=dict)
    collected_by_year: dict[str, int] = field(default_factory=dict)
    logins: tuple[DemoLogin, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The summary as plain JSON-ready data."""
        return asdict(self)


def _check(seed: int, scale: float) -> None:
    """Refuse production and nonsensical arguments."""
    if settings.PRODUCTION:
        raise DemoDataRefused(
            "演示数据不能在生产环境（YOUPIN_ENV=production）加载：它会创建公开密码的演示账户。"
        )
    if not (0 < scale <= MAX_SCALE) or not math.isfinite(scale):
        raise DemoDataRefused(f"--scale 须大于 0 且不超过 {MAX_SCALE:g}（1.0 ≈ 10 万笔订单）")
    if not (-(2**31) <= seed < 2**31):
        raise DemoDataRefused("--seed 须为 32 位整数")


def demo_data_load(
    *, seed: int, scale: float, force: bool = False, progress_stream: TextIO | None = None
) -> DemoSummary:
    """Load the demo dataset; the same seed and scale again does nothing unless forced."""
    _check(seed, scale)
    started = time.monotonic()
    existing = demo_dataset()
    if (
        existing is not None
        and not force
        and existing.seed == seed
        and math.isclose(existing.scale, scale)
    ):
        saved = existing.summary or {}
        return DemoSummary(
            seed=seed,
            scale=scale,
            generated=False,
            seconds=round(time.monotonic() - started, 2),
            counts=saved.get("counts", {}),
            net_sales_by_year=saved.get("net_sales_by_year", {}),
            collected_by_year=saved.get("collected_by_year", {}),
            logins=tuple(DemoLogin(**login) for login in saved.get("logins", [])),
        )
    with transaction.atomic():
        summary = _generate(seed, scale, started, progress_stream)
        dataset = DemoDataset.objects.create(seed=seed, scale=scale, summary=summary.as_dict())
    # The commit checks every deferred foreign key: count it in.
    summary = replace(summary, seconds=round(time.monotonic() - started, 2))
    DemoDataset.objects.filter(pk=dataset.pk).update(summary=summary.as_dict())
    return summary


def _generate(seed: int, scale: float, started: float, stream: TextIO | None) -> DemoSummary:
    """Delete any demo rows, then write the reference data, the catalogue and the traffic."""
    demo_data_delete()
    carriers_sync()
    categories_sync()
    geo = geography_with_points()
    catalog = catalog_plan(geo, seed=seed, scale=scale)
    stations = station_plan(geo, seed=seed)
    base = catalog_write(catalog, stations)
    keeper = next((s for s in stations if s.code == "T640502109"), None)
    logins = logins_upsert(
        merchant=Merchant.objects.get(pk=base.merchant),
        station=Station.objects.get(pk=base.station + keeper.idx) if keeper else None,
    )
    ids = IdBases(
        merchant=base.merchant,
        shop=base.shop,
        product=base.product,
        station=base.station,
        order=next_id(Order),
        parcel=next_id(Parcel),
        carriers=dict(Carrier.objects.values_list("code", "id")),
        consumer_user=consumer_user_id(),
    )
    plans = month_plans(catalog, months(), scale)
    totals = _traffic_write(
        DemoStream(geo, catalog, stations, plans, seed=seed, scale=scale, ids=ids), stream
    )
    sequences_reset([Merchant, Shop, Product, Station, Order, Parcel])
    demo_extras_write(seed=seed, keeper=Station.objects.filter(code="T640502109").first())
    counts = {
        "merchants": len(catalog.merchants),
        "shops": len(catalog.shops),
        "products": len(catalog.products),
        "stations": len(stations),
        **totals.counts,
        "villages_with_synthetic_coords": sum(
            1 for c in geo.points if len(c) == 12 and c[9:] != "000"
        ),
    }
    return DemoSummary(
        seed=seed,
        scale=scale,
        generated=True,
        seconds=round(time.monotonic() - started, 2),
        counts=counts,
        net_sales_by_year={y: f"{c / 100:.2f}" for y, c in sorted(totals.net.items())},
        collected_by_year=dict(sorted(totals.collected.items())),
        logins=tuple(logins),
    )


@dataclass
class _Totals:
    """Running totals while the traffic is written."""

    counts: dict[str, int] = field(default_factory=dict)
    net: dict[str, int] = field(default_factory=dict)
    collected: dict[str, int] = field(default_factory=dict)


def _year(ts: int) -> str:
    """The year (in Zhongwei) of an epoch time."""
    return time.strftime("%Y", time.gmtime(ts + 8 * 3600))


def _traffic_write(demo: DemoStream, stream: TextIO | None) -> _Totals:
    """Write the month batches through the table writers, tallying sales and parcels."""
    writers = {
        "parcels": TableWriter(Parcel, PARCEL_COLUMNS),
        "orders": TableWriter(Order, ORDER_COLUMNS),
        "order_lines": TableWriter(OrderLine, LINE_COLUMNS),
        "tracking_events": TableWriter(TrackingEvent, EVENT_COLUMNS, batch_size=20000),
    }
    totals = _Totals()
    status_at, net_at, time_at = (
        ORDER_COLUMNS.index("status"),
        ORDER_COLUMNS.index("net_amount"),
        15,
    )
    sender_at, collected_at = (
        PARCEL_COLUMNS.index("sender_place_id"),
        PARCEL_COLUMNS.index("collected_at"),
    )
    with large_cache(), progress(len(demo.plans), "演示数据", unit="月", stream=stream) as bar:
        for batch in demo.batches():
            for row in batch.orders:
                if row[status_at] not in NOT_SOLD:
                    year = _year(row[time_at])  # type: ignore[arg-type]
                    totals.net[year] = totals.net.get(year, 0) + row[net_at]  # type: ignore[operator]
            for row in batch.parcels:
                if row[sender_at] is not None:
                    year = _year(row[collected_at])  # type: ignore[arg-type]
                    totals.collected[year] = totals.collected.get(year, 0) + 1
            writers["parcels"].add(batch.parcels)
            writers["orders"].add(batch.orders)
            writers["order_lines"].add(batch.lines)
            writers["tracking_events"].add(batch.events)
            bar.update(1)
            bar.set_postfix(orders=writers["orders"].count + len(writers["orders"].buffer))
    for name, writer in writers.items():
        writer.flush()
        totals.counts[name] = writer.count
    return totals


def _execute(sql: str, params: list[Any] | None = None) -> int:
    """Run one statement; return the rows it touched."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return max(cursor.rowcount, 0)


def _table(model: type[models.Model]) -> str:
    """A model's quoted table name."""
    return connection.ops.quote_name(model._meta.db_table)


def _delete_children(child: type[models.Model], fk: str, parent: type[models.Model]) -> int:
    """Delete the rows of `child` whose `fk` points at a demo row of `parent`.

    When every row is a demo row, an unqualified DELETE lets SQLite truncate the table.
    """
    if not child._default_manager.filter(**{f"{fk.removesuffix('_id')}__is_demo": False}).exists():
        return _execute(f"DELETE FROM {_table(child)}")
    parents = f"SELECT id FROM {_table(parent)} WHERE is_demo = %s"
    return _execute(f"DELETE FROM {_table(child)} WHERE {fk} IN ({parents})", [True])


@transaction.atomic
def demo_data_delete() -> dict[str, int]:
    """Delete every demo row and the dataset record; geography and real rows stay."""
    from youpin.delivery.demo import delivery_demo_delete  # plans point at demo parcels

    delivery_demo_delete()
    demo_extras_delete()
    # Real rows that point at demo rows let go of them (what SET_NULL would do).
    Order.objects.filter(is_demo=False, parcel__is_demo=True).update(parcel=None)
    Order.objects.filter(is_demo=False, pickup_station__is_demo=True).update(pickup_station=None)
    Parcel.objects.filter(is_demo=False, station__is_demo=True).update(station=None)
    TrackingEvent.objects.filter(station__is_demo=True, parcel__is_demo=False).update(station=None)
    OrderLine.objects.filter(product__is_demo=True, order__is_demo=False).update(product=None)
    Profile.objects.filter(
        models.Q(merchant__is_demo=True) | models.Q(station__is_demo=True)
    ).delete()
    deleted = {
        "tracking_events": _delete_children(TrackingEvent, "parcel_id", Parcel),
        "order_lines": _delete_children(OrderLine, "order_id", Order),
        "verifications": _delete_children(OrderVerification, "order_id", Order),
    }
    tables: tuple[tuple[str, type[models.Model]], ...] = (("orders", Order), ("parcels", Parcel))
    for name, model in tables:
        deleted[name] = _execute(f"DELETE FROM {_table(model)} WHERE is_demo = %s", [True])
    _delete_children(Station.carriers.through, "station_id", Station)
    tables = (
        ("stations", Station),
        ("products", Product),
        ("shops", Shop),
        ("merchants", Merchant),
    )
    for name, model in tables:
        deleted[name] = _execute(f"DELETE FROM {_table(model)} WHERE is_demo = %s", [True])
    DemoDataset.objects.all().delete()
    return deleted
