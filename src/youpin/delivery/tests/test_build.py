"""Building the routing problem from a day's parcels, stops and fleet (pure, no database)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import numpy as np
import pytest

from youpin.delivery.build import (
    HubSpec,
    ParcelItem,
    StopSpec,
    VehicleSpec,
    build_problem,
    demand,
    job_window,
    service_seconds,
    vehicle_type,
)
from youpin.routing.problem import UNBOUNDED, IntMatrix, JobKind

HUB = HubSpec("hub", 105.0, 36.0, 7 * 3600, 20 * 3600)
VAN = VehicleSpec("van", 1000, 6000, Decimal("150"), Decimal("1.20"), Decimal("30"))
COLD = VehicleSpec("cold", 600, 3000, Decimal("200"), Decimal("1.60"), cold=True)


def flat(points: Sequence[tuple[float, float]]) -> tuple[IntMatrix, IntMatrix]:
    """1 km per 0.01° of |Δx| + |Δy| (Manhattan), 1 minute per km: easy to compute by hand."""
    arr = np.asarray(points, dtype=float)
    dist = np.rint(np.abs(arr[:, None, :] - arr[None, :, :]).sum(-1) * 100_000).astype(np.int64)
    return dist, (dist * 60 // 1000).astype(np.int64)


def stops() -> dict[str, StopSpec]:
    """Two stations and a village without coordinates."""
    return {
        "S1": StopSpec("S1", "站一", 105.01, 36.0, ((8 * 3600, 20 * 3600),)),
        "S2": StopSpec("S2", "站二", 105.0, 36.02, ((8 * 3600, 12 * 3600), (14 * 3600, 21 * 3600))),
        "P9": StopSpec("P9", "无坐标村", None, None),
    }


def test_demand_rounds_up_and_is_at_least_one() -> None:
    """1 001 g is 2 kg; 0 g and 0 cm³ still take 1 kg and 1 dm³."""
    assert demand(1001, 999) == (2, 1)
    assert demand(0, 0) == (1, 1)
    assert demand(3000, 3000) == (3, 3)


def test_job_window_takes_the_longest_range_and_ends_service_in_time() -> None:
    """08–12 (4 h) vs 14–21 (7 h): the afternoon, latest start 21:00 − service."""
    service = service_seconds(3)
    assert service == 300 + 60
    assert job_window(((8 * 3600, 12 * 3600), (14 * 3600, 21 * 3600)), service) == (
        14 * 3600,
        21 * 3600 - 360,
    )
    assert job_window(((5 * 3600, 5 * 3600 + 200),), service) is None


def test_vehicle_costs_become_exact_micro_yuan() -> None:
    """150 元/day, 1.20 元/km = 1 200 µ¥/m, 30 元/h = 8 333 µ¥/s; no range → unbounded."""
    vt = vehicle_type(VAN, HUB)
    assert vt.fixed_cost == 150_000_000
    assert vt.distance_cost == 1200
    assert vt.duration_cost == 8333
    assert vt.max_distance == UNBOUNDED
    assert vt.speed == pytest.approx(40 / 3.6)
    assert (vt.tw_early, vt.tw_late, vt.shift_duration) == (7 * 3600, 20 * 3600, 9 * 3600)
    ev = VehicleSpec("ev", 800, 4500, Decimal(0), Decimal(0), range_km=220)
    assert vehicle_type(ev, HUB).max_distance == 220_000


def test_jobs_per_stop_kind_and_temperature_with_parcels_set_aside() -> None:
    """Cold and ambient parcels at one stop are two jobs; a pickup is its own job; the
    parcel too heavy for any vehicle, the cold one without a cold van and the one without
    coordinates are reported with their reasons."""
    parcels = [
        ParcelItem(1, "zto", "S1", weight_g=2000, volume_cm3=5000),
        ParcelItem(2, "yto", "S1", weight_g=1500, volume_cm3=4000),
        ParcelItem(3, "zto", "S1", weight_g=500, volume_cm3=1000, cold=True),
        ParcelItem(4, "zto", "S2", JobKind.PICKUP, weight_g=800),
        ParcelItem(5, "yto", "S2", weight_g=1_200_000, volume_cm3=10_000),
        ParcelItem(6, "yto", "P9", weight_g=100),
    ]
    built = build_problem(HUB, stops(), parcels, [VAN, COLD], matrices=flat)
    jobs = {j.id: j for j in built.problem.jobs}
    assert set(jobs) == {"S1:delivery#1", "S1:delivery:cold#1", "S2:pickup#1"}
    ambient = jobs["S1:delivery#1"]
    assert ambient.demand == (4, 9)  # 3 500 g → 4 kg; 9 000 cm³ → 9 dm³
    assert ambient.service == 300 + 2 * 20
    assert (ambient.tw_early, ambient.tw_late) == (8 * 3600, 20 * 3600 - 340)
    assert jobs["S1:delivery:cold#1"].cold
    pickup = jobs["S2:pickup#1"]
    assert pickup.kind is JobKind.PICKUP
    assert pickup.demand == (1, 4)  # 800 g, no volume: 800 × 4 cm³ = 3 200 cm³ → 4 dm³
    assert (pickup.tw_early, pickup.tw_late) == (14 * 3600, 21 * 3600 - 320)
    mapping = dict(zip((j.id for j in built.problem.jobs), built.job_parcels, strict=True))
    assert mapping["S1:delivery#1"] == [1, 2]
    reasons = {u.parcel: u.reason for u in built.unplanned}
    assert reasons == {5: "capacity", 6: "no_location"}
    # Matrix: hub (105.00, 36.00) → S1 (105.01, 36.00) is 0.01° = 1 km.
    first = built.problem.job_location(0)
    assert int(built.problem.distances[0, first]) == 1000

    no_cold = build_problem(HUB, stops(), parcels[2:3], [VAN], matrices=flat)
    assert [(u.parcel, u.reason) for u in no_cold.unplanned] == [(3, "no_cold_vehicle")]
    assert no_cold.problem.jobs == []


def test_a_stop_heavier_than_the_largest_vehicle_is_split_into_jobs() -> None:
    """Three 400 kg parcels for one station with 1 000 kg vans: two jobs (800 kg + 400 kg)."""
    parcels = [ParcelItem(i, "zto", "S1", weight_g=400_000, volume_cm3=1000) for i in (1, 2, 3)]
    built = build_problem(HUB, stops(), parcels, [VAN], matrices=flat)
    assert [j.demand[0] for j in built.problem.jobs] == [800, 400]
    assert sorted(p for ids in built.job_parcels for p in ids) == [1, 2, 3]
    assert built.unplanned == []
