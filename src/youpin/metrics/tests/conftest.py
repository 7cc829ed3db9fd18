"""A small world for the metric tests: the statistics' own test worlds plus station events."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from youpin.commerce.tests.retail_world import build_world
from youpin.logistics.models import TrackingEvent, TrackingStatus
from youpin.logistics.tests import express_cases
from youpin.metrics.export import export_parquet
from youpin.testing.factories import ParcelFactory, StationFactory

SH = ZoneInfo("Asia/Shanghai")

# Station operations the test adds: (station, Shanghai time, raw code, parcel index).
STATION_EVENTS = [
    ("a", datetime(2025, 1, 31, 23, 30, tzinfo=SH), "station_checkin", 0),  # January in Shanghai
    ("a", datetime(2025, 2, 1, 0, 30, tzinfo=SH), "station_checkin", 1),  # 31 Jan in UTC
    ("a", datetime(2025, 2, 3, 9, 0, tzinfo=SH), "station_pickup", 1),
    ("a", datetime(2025, 2, 4, 9, 0, tzinfo=SH), "station_pickup", 1),  # same parcel again
    ("b", datetime(2024, 12, 31, 23, 59, tzinfo=SH), "station_send", 2),
    ("b", datetime(2025, 6, 1, 8, 0, tzinfo=SH), "station_damaged", 2),
]


def add_station_events() -> dict[str, Any]:
    """Two stations, three parcels and the events of STATION_EVENTS (plus a non-station one)."""
    stations = {"a": StationFactory(), "b": StationFactory()}
    parcels = [ParcelFactory() for _ in range(3)]
    for key, at, code, i in STATION_EVENTS:
        TrackingEvent.objects.create(
            parcel=parcels[i],
            occurred_at=at,
            status=TrackingStatus.IN_TRANSIT,
            raw_code=code,
            raw_text=code,
            station=stations[key],
            source="station",
        )
    TrackingEvent.objects.create(  # at a station but not recorded by its counter: not counted
        parcel=parcels[0],
        occurred_at=datetime(2025, 1, 10, tzinfo=SH),
        status=TrackingStatus.IN_TRANSIT,
        raw_code="station_checkin",
        station=stations["a"],
        source="kuaidi100",
    )
    return {"stations": stations, "parcels": parcels}


@pytest.fixture
def world(zhongwei: None) -> dict[str, Any]:
    """Orders (retail world), parcels (express cases) and station operations."""
    build_world()
    express_cases.build()
    return add_station_events()


@pytest.fixture
def parquet_dir(world: dict[str, Any], tmp_path: Path) -> Path:
    """The world exported as Parquet snapshots (small chunks, so several row groups)."""
    out = tmp_path / "parquet"
    export_parquet(out, chunk_rows=7)
    return out
