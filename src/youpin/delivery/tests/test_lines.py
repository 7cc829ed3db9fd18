"""Parcels onto freight lines within their capacity (pure)."""

from __future__ import annotations

from youpin.delivery.build import ParcelItem
from youpin.delivery.lines import LineSpec, assign_to_lines
from youpin.routing.problem import JobKind

BUS = LineSpec(
    id=1,
    name="班线",
    stops=("S1", "S2"),
    minutes=(20, 40),
    departures=(8 * 3600, 14 * 3600),
    capacity_kg=5,
    capacity_dm3=100,
)


def test_parcels_fill_departures_in_order_and_overflow_goes_to_the_vans() -> None:
    """5 kg per departure: 3 kg + 2 kg fill the 08:00, 4 kg rides at 14:00, the next 2 kg
    does not fit (4 + 2 = 6 > 5) and goes to the vans, as do stops off the line, cold
    parcels (a bus is not cold) and pickups."""
    parcels = [
        ParcelItem(1, "zto", "S1", weight_g=3000, volume_cm3=1000),
        ParcelItem(2, "yto", "S2", weight_g=2000, volume_cm3=1000),
        ParcelItem(3, "zto", "S2", weight_g=4000, volume_cm3=1000),
        ParcelItem(4, "yto", "S1", weight_g=2000, volume_cm3=1000),
        ParcelItem(5, "yto", "S3", weight_g=100, volume_cm3=100),
        ParcelItem(6, "zto", "S1", weight_g=100, volume_cm3=100, cold=True),
        ParcelItem(7, "zto", "S1", JobKind.PICKUP, weight_g=100, volume_cm3=100),
    ]
    result = assign_to_lines(parcels, [BUS])
    morning, afternoon = result.runs
    assert (morning.departure, morning.parcels, morning.weight_g) == (8 * 3600, [1, 2], 5000)
    assert morning.per_stop == {"S1": [1], "S2": [2]}
    assert (afternoon.parcels, afternoon.weight_g) == ([3], 4000)
    assert [p.id for p in result.rest] == [4, 5, 6, 7]
    assert result.parcel_run()[3] is afternoon


def test_volume_limits_too() -> None:
    """A line with 2 dm³ takes one 1 500 cm³ parcel, not two (3 000 cm³ → 3 dm³)."""
    line = LineSpec(2, "小车", ("S1",), (10,), (9 * 3600,), 100, 2, cold=True)
    parcels = [ParcelItem(i, "zto", "S1", weight_g=100, volume_cm3=1500) for i in (1, 2)]
    result = assign_to_lines(parcels, [line])
    assert result.runs[0].parcels == [1]
    assert [p.id for p in result.rest] == [2]
