"""Fixtures of the counter tests: the reference carriers, a station with its keeper."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from youpin.accounts.models import Role
from youpin.logistics.services import carriers_sync
from youpin.portal.tests.conftest import browser, page  # noqa: F401 - the browser fixtures
from youpin.stations.models import Station
from youpin.testing.factories import StationFactory, user_with_role


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    """No pick-up failures counted by earlier tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def carriers(zhongwei: None) -> None:
    """The reference carriers (with their waybill patterns)."""
    carriers_sync()


@pytest.fixture
def station(carriers: None) -> Station:
    """A township station."""
    station: Station = StationFactory(name="兴仁镇兴农超市测试站", code="CT-XR-01")
    return station


@pytest.fixture
def keeper(station: Station) -> Any:
    """The station's keeper."""
    return user_with_role(Role.STATION_KEEPER, station=station)
