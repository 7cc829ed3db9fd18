"""Per-role scoping of the plans API and the pages, and the monthly savings selector."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.delivery.models import DeliveryPlan, Hub
from youpin.delivery.savings import Metrics, comparison
from youpin.delivery.selectors import savings_by_month
from youpin.delivery.services import plan_delivery
from youpin.delivery.tests.world import DAY, World
from youpin.geo.models import Place
from youpin.testing.factories import CarrierFactory, StationFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world: World) -> DeliveryPlan:
    """The small world's plan."""
    return plan_delivery(world.hub, DAY, seconds=0.5, seed=1)


def _client(role: Role, **attached: Any) -> Client:
    """A client signed in with a role."""
    client = Client()
    client.force_login(user_with_role(role, **attached))
    return client


def test_operator_and_official_of_the_county_see_the_plan(plan: DeliveryPlan) -> None:
    """Operator: all; official of 海原县: its hub's plan; official of 沙坡头区: nothing, 404."""
    for client in (
        _client(Role.OPERATOR),
        _client(Role.OFFICIAL, region=Place.objects.get(code="640522000000")),
    ):
        listed = client.get("/api/delivery/plans").json()
        assert [p["id"] for p in listed] == [plan.pk]
        detail = client.get(f"/api/delivery/plans/{plan.pk}").json()
        assert detail["parcels_total"] == 11
        assert len(detail["unplanned"]) == 2
        phones = [
            p["recipient_phone"] for r in detail["routes"] for s in r["stops"] for p in s["parcels"]
        ]
        assert phones
        assert all(ph == "139****1234" for ph in phones)  # masked
    other = _client(Role.OFFICIAL, region=Place.objects.get(code="640502000000"))
    assert other.get("/api/delivery/plans").json() == []
    assert other.get(f"/api/delivery/plans/{plan.pk}").status_code == 404
    assert other.get(f"/delivery/plans/{plan.pk}/").status_code == 404


def test_carrier_sees_only_its_own_routes_and_parcels(world: World, plan: DeliveryPlan) -> None:
    """yto sees its parcels only, on the routes carrying them, and its own comparison only."""
    client = _client(Role.CARRIER, carrier=world.carriers["yto"])
    listed = client.get("/api/delivery/plans").json()
    assert [p["id"] for p in listed] == [plan.pk]
    assert "cost" not in listed[0]
    detail = client.get(f"/api/delivery/plans/{plan.pk}").json()
    waybills = {p["waybill"] for r in detail["routes"] for s in r["stops"] for p in s["parcels"]}
    yto = {n for n, p in world.parcels.items() if p.carrier.code == "yto"}
    expected = {world.parcels[n].waybill_no for n in ("d6", "d7", "d8", "d9", "q2")}
    assert waybills == expected
    assert all(
        p["carrier"] == "yto" for r in detail["routes"] for s in r["stops"] for p in s["parcels"]
    )
    assert all(s["parcels"] for r in detail["routes"] for s in r["stops"])
    assert detail["unplanned"] == []
    assert detail["on_lines"] == []
    assert set(detail["comparison"]["per_carrier"]) == {"yto"}
    assert "saving" not in detail["comparison"]
    assert yto  # the world has yto parcels
    # A carrier with no parcel in the plan sees no plan.
    none = _client(Role.CARRIER, carrier=CarrierFactory(code="sf", name="顺丰"))
    assert none.get("/api/delivery/plans").json() == []
    assert none.get(f"/api/delivery/plans/{plan.pk}").status_code == 404


def test_other_roles_are_refused(plan: DeliveryPlan) -> None:
    """Merchant, station keeper, consumer: 403; anonymous: 401 on the API, login on the pages."""
    for role, attached in (
        (Role.CONSUMER, {}),
        (Role.STATION_KEEPER, {"station": StationFactory()}),
    ):
        client = _client(role, **attached)
        assert client.get("/api/delivery/plans").status_code == 403
        assert client.get(f"/api/delivery/plans/{plan.pk}").status_code == 403
        assert client.get("/delivery/").status_code == 403
    assert Client().get("/api/delivery/plans").status_code == 401
    assert Client().get("/delivery/").status_code == 302


def test_pages_render_for_the_operator(plan: DeliveryPlan) -> None:
    """The list, the plan with its map data and a run sheet with every parcel of the route."""
    client = _client(Role.OPERATOR)
    assert client.get("/delivery/").status_code == 200
    page = client.get(f"/delivery/plans/{plan.pk}/")
    assert page.status_code == 200
    assert b'id="plan-map-data"' in page.content
    route = plan.routes.order_by("seq").first()
    assert route is not None
    sheet = client.get(f"/delivery/plans/{plan.pk}/routes/{route.pk}/sheet/")
    assert sheet.status_code == 200
    html = sheet.content.decode()
    for row in route.stops.all():
        for parcel_row in row.parcel_rows.select_related("parcel"):
            assert parcel_row.parcel.waybill_no in html
    css = finders.find("delivery/delivery.css")
    assert isinstance(css, str)
    with open(css, encoding="utf-8") as fh:
        assert "@media print" in fh.read()


def _plan_with(hub: Hub, day: date, joint: Metrics, alone: dict[str, Metrics]) -> None:
    """A stored plan carrying only its comparison."""
    DeliveryPlan.objects.create(
        hub=hub,
        day=day,
        cutoff=f"{day}T07:00:00+08:00",
        seconds=1,
        seed=1,
        solver="x",
        distance_source="x",
        comparison=comparison(joint, alone),
    )


def test_savings_by_month_sums_plans_per_month_and_county(world: World) -> None:
    """Two June plans and one July plan: June sums both, savings from the sums."""
    hub = world.hub
    _plan_with(
        hub,
        date(2025, 6, 1),
        Metrics(1, 10_000, 3600, 1_000, 5_000_000, 2_000, 5),
        {
            "zto": Metrics(1, 12_000, 3600, 5_000, 6_000_000, 3_000, 3),
            "yto": Metrics(1, 8_000, 1800, 4_000, 4_000_000, 2_000, 2),
        },
    )
    _plan_with(
        hub,
        date(2025, 6, 2),
        Metrics(1, 20_000, 7200, 0, 9_000_000, 4_000, 4),
        {"zto": Metrics(2, 30_000, 9000, 10_000, 15_000_000, 6_000, 4)},
    )
    _plan_with(
        hub,
        date(2025, 7, 1),
        Metrics(1, 5_000, 1800, 0, 1_000_000, 1_000, 1),
        {"zto": Metrics(1, 5_000, 1800, 2_500, 1_000_000, 1_000, 1)},
    )
    rows = savings_by_month(Scope(role=Role.OPERATOR), 2025)
    assert [(r["month"], r["county_code"], r["plans"]) for r in rows] == [
        ("2025-06", "640522000000", 2),
        ("2025-07", "640522000000", 1),
    ]
    june = rows[0]
    assert june["joint"]["distance_m"] == 30_000
    assert june["alone"]["distance_m"] == 50_000
    assert june["saving"]["km"] == 0.4
    assert june["km_saved"] == 20.0
    assert june["cost_saved"] == "11.00"  # (6 + 4 + 15) − (5 + 9) yuan
    assert june["co2_saved"] == 5.0  # (3 + 2 + 6) − (2 + 4) kg
    assert june["saving"]["vehicles"] == round(1 - 2 / 4, 4)
    assert rows[1]["saving"]["km"] == 0.0
    other = Scope(role=Role.OFFICIAL, region_prefix="640502")
    assert savings_by_month(other, 2025) == []
    with pytest.raises(Exception, match="无权"):
        savings_by_month(Scope(role=Role.CARRIER, carrier_id=1), 2025)
