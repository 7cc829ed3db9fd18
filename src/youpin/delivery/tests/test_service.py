"""plan_delivery on the small world: what waits, lines, reasons, cold chain, checker, storage."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.delivery import services
from youpin.delivery.models import DeliveryPlan, PlanParcel, PlanStop, Vehicle
from youpin.delivery.present import plan_detail
from youpin.delivery.selectors import (
    parcels_waiting_at_hub,
    parcels_waiting_at_stations,
    plan_cutoff,
)
from youpin.delivery.services import PlanRefused, plan_delivery
from youpin.delivery.tests.world import DAY, World
from youpin.routing.checker import check
from youpin.stations.hours import LOCAL, is_open

pytestmark = pytest.mark.django_db


def _names(world: World, ids: set[int]) -> set[str]:
    """Parcel names of ids."""
    return {name for name, p in world.parcels.items() if p.pk in ids}


def test_what_waits_at_the_hub_and_at_the_stations(world: World) -> None:
    """Arrived in the city before the 07:00 cut-off and not yet out → waiting; out for delivery,
    arriving later or for another county → not; sends at stations → to collect."""
    cutoff = plan_cutoff(world.hub, DAY)
    assert f"{cutoff:%Y-%m-%d %H:%M %z}" == "2025-06-19 07:00 +0800"
    waiting = _names(world, {p.pk for p in parcels_waiting_at_hub(world.hub, cutoff)})
    assert waiting == {f"d{i}" for i in range(1, 10)}
    collect = parcels_waiting_at_stations(world.hub, cutoff)
    got = {(c.parcel.pk, c.station_id) for c in collect}
    assert got == {
        (world.parcels["q1"].pk, world.stations["S3"].pk),
        (world.parcels["q2"].pk, world.stations["S6"].pk),
    }


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Record every checker verdict the service gets."""
    verdicts: list[Any] = []

    def spy(problem: Any, solution: Any) -> Any:
        found = check(problem, solution)
        verdicts.append(found)
        return found

    monkeypatch.setattr(services, "check", spy)
    return verdicts


def test_plan_of_the_small_world(world: World, checked: list[Any]) -> None:
    """Every waiting parcel is in the plan exactly once: routed, on the line or unplanned with
    its reason; the cold parcel rides the cold van; every plan (joint and each carrier's) passed
    the independent checker."""
    plan = plan_delivery(world.hub, DAY, seconds=1, seed=1)
    rows = {r.parcel_id: r for r in PlanParcel.objects.filter(plan=plan)}
    p = world.parcels
    assert set(rows) == {
        p[n].pk for n in ("d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9", "q1", "q2")
    }
    unplanned = {
        n: rows[p[n].pk].unplanned_reason
        for n in p
        if p[n].pk in rows and rows[p[n].pk].unplanned_reason
    }
    assert unplanned == {"d4": "time_window", "d5": "capacity"}
    assert rows[p["d2"].pk].line_id == world.line.pk
    assert f"{rows[p['d2'].pk].line_departure:%H:%M}" == "08:00"
    assert rows[p["d9"].pk].stop_id is not None  # the line was full
    for n in ("d1", "d3", "d6", "d7", "d8", "d9", "q1", "q2"):
        assert rows[p[n].pk].stop_id is not None, n
    cold_stop = PlanStop.objects.select_related("route").get(pk=rows[p["d3"].pk].stop_id)
    assert cold_stop.cold_chain
    assert cold_stop.route.plate == world.cold_van.plate
    assert rows[p["q1"].pk].kind == "pickup"
    assert PlanStop.objects.get(pk=rows[p["q1"].pk].stop_id).kind == "pickup"
    assert (plan.parcels_total, plan.parcels_on_lines, plan.parcels_unplanned) == (11, 1, 2)
    assert plan.parcels_routed == 8
    # Every stop is served inside its station's opening hours (local time), S3 after 09:00.
    stops = list(PlanStop.objects.filter(route__plan=plan).select_related("station"))
    assert len(stops) >= 6
    for stop in stops:
        assert stop.station is not None
        assert is_open(stop.station.opening_hours, stop.start_at), stop.name
        assert is_open(stop.station.opening_hours, stop.departure_at - timedelta(minutes=1))
    s3 = [s for s in stops if s.station == world.stations["S3"]]
    assert s3
    assert all(f"{s.start_at.astimezone(LOCAL):%H:%M}" >= "09:00" for s in s3)
    for route in plan.routes.all():
        assert f"{route.start_at.astimezone(LOCAL):%H:%M}" >= "07:00"
        assert f"{route.end_at.astimezone(LOCAL):%H:%M}" <= "20:00"
    # The joint plan and one plan per carrier, all checked, none with a violation.
    assert len(checked) == 3
    assert all(v == [] for v in checked)
    comp = plan.comparison
    assert set(comp["per_carrier"]) == {"zto", "yto"}
    assert comp["alone"]["parcels"] == sum(m["parcels"] for m in comp["per_carrier"].values())
    assert comp["joint"]["km"] == round(plan.distance_m / 1000, 1)


def test_replanning_replaces_the_day(world: World) -> None:
    """One plan per hub and day: planning again replaces it."""
    first = plan_delivery(world.hub, DAY, seconds=0.5, seed=1)
    second = plan_delivery(world.hub, DAY, seconds=0.5, seed=2)
    assert list(DeliveryPlan.objects.values_list("pk", flat=True)) == [second.pk]
    assert not PlanParcel.objects.filter(plan_id=first.pk).exists()


def test_a_plan_breaking_a_constraint_is_refused(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the solver's plan misreports its cost, the checker catches it and nothing is stored."""
    real = services.solve

    def broken(problem: Any, **kw: Any) -> Any:
        solution = real(problem, **kw)
        solution.cost += 1
        return solution

    monkeypatch.setattr(services, "solve", broken)
    with pytest.raises(PlanRefused, match="cost"):
        plan_delivery(world.hub, DAY, seconds=0.5, seed=1)
    assert not DeliveryPlan.objects.exists()


def test_a_plan_breaking_a_constraint_is_solved_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first solution the checker rejects is solved again with more time and the next seed;
    the stored plan is the second, clean one."""
    real = services.solve
    calls: list[tuple[float, int]] = []

    def flaky(problem: Any, **kw: Any) -> Any:
        calls.append((kw["seconds"], kw["seed"]))
        solution = real(problem, **kw)
        if len(calls) == 1:
            solution.cost += 1
        return solution

    monkeypatch.setattr(services, "solve", flaky)
    plan = plan_delivery(world.hub, DAY, seconds=0.5, seed=7)
    assert calls[:2] == [(0.5, 7), (1.0, 8)]
    assert DeliveryPlan.objects.filter(pk=plan.pk).exists()


def test_a_vehicle_line_counts_in_the_totals_and_is_shown(world: World) -> None:
    """A freight line run by a van adds its departures' km and one vehicle to the plan's
    totals, and the plan page data list it beside the routes, so the totals add up."""
    line_van = Vehicle.objects.create(
        plate="宁E·T0003",
        hub=world.hub,
        capacity_kg=2,
        capacity_m3=Decimal("0.05"),
        fixed_cost=Decimal("80"),
        cost_per_km=Decimal("1.00"),
    )
    world.line.bus_line = None
    world.line.vehicle = line_van
    world.line.save()
    plan = plan_delivery(world.hub, DAY, seconds=1, seed=1)
    routes = list(plan.routes.all())
    detail = plan_detail(plan, Scope(role=Role.OPERATOR))
    (run,) = detail["line_runs"]
    assert run["vehicle"] == line_van.plate
    assert run["departures"] == 1
    assert run["km"] > 0
    assert run["vehicles"] == 1
    assert plan.vehicles_used == len(routes) + 1
    assert abs(plan.distance_m - sum(r.distance_m for r in routes) - run["km"] * 1000) <= 50
    assert all(r.plate != line_van.plate for r in routes)  # the line's van is not a route
    carrier_view = plan_detail(
        plan, Scope(role=Role.CARRIER, carrier_id=world.parcels["d1"].carrier_id)
    )
    assert carrier_view["line_runs"] == []
