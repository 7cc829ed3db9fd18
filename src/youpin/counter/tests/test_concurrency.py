"""Real concurrency on PostgreSQL: threads with their own connections act at once.

SQLite takes one writer at a time (the site opens its transactions IMMEDIATE), so these
races cannot happen there; the tests are skipped on it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from youpin.counter import services
from youpin.counter.errors import CounterError
from youpin.counter.models import CodeStyle, Custody, CustodyState, ShelfLayout
from youpin.logistics.models import TrackingEvent
from youpin.stations.models import Station

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises writers: the races exist only on PostgreSQL",
    ),
]


def run_at_once(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Run the jobs in threads released together; each result or the exception it raised."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(i: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = job()
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.parametrize("attempt", range(3))
def test_two_clerks_pick_up_the_same_parcel_exactly_one_succeeds(
    station: Station, attempt: int
) -> None:
    """Two devices submit the same code at once: one hands over, the other is refused."""
    custody = services.parcel_check_in(
        station=station, waybill=f"YT{5000000000000 + attempt}", recipient_phone="13895556789"
    ).custody

    def pick() -> Any:
        return services.parcel_pick_up(station=station, code=custody.pickup_code, phone_tail="6789")

    results = run_at_once([pick, pick])
    wins = [r for r in results if isinstance(r, services.PickUp)]
    losses = [r for r in results if isinstance(r, CounterError)]
    assert len(wins) == 1, results
    assert len(losses) == 1, results
    assert losses[0].code in {"already_picked_up", "not_found"}
    assert TrackingEvent.objects.filter(raw_code="station_pickup").count() == 1
    assert Custody.objects.get(pk=custody.pk).state == CustodyState.PICKED_UP


@pytest.mark.parametrize("style", [CodeStyle.SHELF, CodeStyle.DIGITS])
def test_concurrent_check_ins_never_share_a_code(station: Station, style: str) -> None:
    """Eight clients check in ten parcels each at one station at once: 80 parcels, 80 codes."""
    services.shelf_layout_ensure(station)
    ShelfLayout.objects.filter(station=station).update(code_style=style)

    def client(n: int) -> Callable[[], list[str]]:
        def job() -> list[str]:
            return [
                services.parcel_check_in(
                    station=station, waybill=f"YT{6000000000000 + n * 100 + i}"
                ).custody.pickup_code
                for i in range(10)
            ]

        return job

    results = run_at_once([client(n) for n in range(8)])
    assert all(isinstance(r, list) for r in results), results
    issued = [code for r in results for code in r]
    assert len(issued) == 80
    assert len(set(issued)) == 80
    waiting = Custody.objects.filter(station=station, state=CustodyState.WAITING)
    assert waiting.count() == 80
    assert waiting.values("pickup_code").distinct().count() == 80


def test_the_same_waybill_scanned_at_once_is_checked_in_once(station: Station) -> None:
    """Two devices scan one new waybill at once: one check-in, one refusal, one parcel."""

    def scan() -> Any:
        return services.parcel_check_in(station=station, waybill="YT7000000000001")

    results = run_at_once([scan, scan])
    refused = [r for r in results if isinstance(r, CounterError)]
    assert len(refused) == 1, results
    assert refused[0].code == "already_waiting"
    assert Custody.objects.filter(parcel__waybill_no="YT7000000000001").count() == 1
    assert TrackingEvent.objects.filter(raw_code="station_checkin").count() == 1
