"""`youpin plan delivery` and `youpin delivery demo` (without demo data: a clear message)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from youpin.delivery.models import DeliveryPlan
from youpin.delivery.tests.world import World

pytestmark = pytest.mark.django_db


def test_plan_delivery_json(world: World) -> None:
    """--json prints the stored plan: its parcels, routes and the unplanned with reasons."""
    out = StringIO()
    call_command(
        "plan",
        "delivery",
        "--date",
        "2025-06-19",
        "--hub",
        "640522",
        "--seconds",
        "0.5",
        "--json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    plan = DeliveryPlan.objects.get()
    assert data["id"] == plan.pk
    assert data["parcels_total"] == 11
    assert sorted(p["reason"] for p in data["unplanned"]) == ["capacity", "time_window"]
    routed = sum(len(s["parcels"]) for r in data["routes"] for s in r["stops"])
    assert routed == 8
    assert [p["waybill"] for p in data["on_lines"]] == [world.parcels["d2"].waybill_no]


def test_plan_delivery_text_and_errors(world: World) -> None:
    """The readable summary names the hub; a bad date or an unknown hub is a clear error."""
    out = StringIO()
    call_command(
        "plan",
        "delivery",
        "--date",
        "2025-06-19",
        "--hub",
        str(world.hub.pk),
        "--seconds",
        "0.5",
        stdout=out,
    )
    assert "测试共配中心 2025-06-19" in out.getvalue()
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("plan", "delivery", "--date", "19/06/2025", "--hub", "640522")
    with pytest.raises(CommandError, match="找不到"):
        call_command("plan", "delivery", "--date", "2025-06-19", "--hub", "640502")


def test_delivery_demo_without_demo_data(zhongwei: None) -> None:
    """Without the demo stations there is nothing to plan, and it says so."""
    out = StringIO()
    call_command("delivery", "demo", stdout=out)
    assert "youpin demo-data" in out.getvalue()
    assert not DeliveryPlan.objects.exists()
