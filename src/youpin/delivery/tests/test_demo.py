"""The delivery demo step on a small demo dataset: hubs, fleet, two lines, plans, idempotent."""

from __future__ import annotations

import pytest
from django.test import override_settings

from youpin.delivery.demo import LAST_DAY, delivery_demo_load
from youpin.delivery.models import DeliveryPlan, FreightLine, Hub, Vehicle
from youpin.demo.services import demo_data_load

pytestmark = pytest.mark.django_db
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
def test_demo_step(zhongwei: None) -> None:
    """A hub per county with cold-chain and electric vans, a truck line and a bus-borne line,
    a checked plan per hub for the last demo day; running again adds nothing; reloading the
    demo dataset removes the delivery demo rows first (its plans point at demo parcels)."""
    demo_data_load(seed=1, scale=0.01, force=True)
    plans = delivery_demo_load(days=1, seconds=0.5)
    hubs = Hub.objects.filter(is_demo=True)
    assert sorted(h.county_id for h in hubs) == ["640502000000", "640521000000", "640522000000"]
    for hub in hubs:
        vans = Vehicle.objects.filter(hub=hub)
        assert vans.filter(cold_chain=True).exists()
        assert vans.filter(electric_range_km__isnull=False).exists()
    lines = FreightLine.objects.filter(is_demo=True)
    assert lines.count() == 2
    assert lines.filter(vehicle__isnull=False).count() == 1
    assert lines.filter(bus_line__isnull=False).count() == 1
    assert all(line.stops.count() == 3 for line in lines)
    assert sorted(p.hub.county_id for p in plans) == sorted(h.county_id for h in hubs)
    assert {p.day for p in plans} == {LAST_DAY}
    assert all(p.is_demo and p.comparison for p in plans)
    again = delivery_demo_load(days=1, seconds=0.5)
    assert sorted(p.pk for p in again) == sorted(p.pk for p in plans)
    assert DeliveryPlan.objects.count() == 3
    demo_data_load(seed=2, scale=0.01)
    assert not Hub.objects.filter(is_demo=True).exists()
    assert not DeliveryPlan.objects.exists()
