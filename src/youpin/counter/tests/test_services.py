"""Check-in, pick-up, exceptions, returns and overdue handling against the database."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from youpin.counter import services
from youpin.counter.errors import CounterError
from youpin.counter.models import (
    CodeStyle,
    Custody,
    CustodyState,
    MessageKind,
    OutboxMessage,
    ShelfLayout,
)
from youpin.logistics.models import Parcel, TrackingEvent, TrackingStatus
from youpin.stations.models import Station
from youpin.testing.factories import SHANGHAI, StationFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 11, 9, 0, tzinfo=SHANGHAI)


def check_in(station: Station, waybill: str, phone: str = "13895556789", **kw: Any) -> Any:
    """Check a parcel in at T0 unless told otherwise."""
    kw.setdefault("now", T0)
    return services.parcel_check_in(station=station, waybill=waybill, recipient_phone=phone, **kw)


def test_check_in_creates_the_parcel_code_slot_notice_and_event(station: Station) -> None:
    """An unknown YTO waybill: parcel created, code 1-1-1, notice queued, ready_for_pickup."""
    done = check_in(station, "YT1234567890123")
    assert done.created_parcel
    assert done.notified
    custody = done.custody
    assert (custody.shelf, custody.tier, custody.pickup_code) == (1, 1, "1-1-1")
    assert custody.phone_tail == "6789"
    assert custody.state == CustodyState.WAITING
    parcel = Parcel.objects.get(waybill_no="YT1234567890123")
    assert parcel.carrier.code == "yto"
    assert parcel.status == TrackingStatus.READY_FOR_PICKUP
    assert parcel.station_id == station.pk
    event = TrackingEvent.objects.get(parcel=parcel)
    assert (event.status, event.raw_code, event.source, event.station_id) == (
        "ready_for_pickup", "station_checkin", "station", station.pk,
    )  # fmt: skip
    assert "1-1-1" not in event.raw_text  # the code only goes to the recipient
    message = OutboxMessage.objects.get(custody=custody)
    assert message.kind == MessageKind.ARRIVAL
    assert "1-1-1" in message.body
    assert ShelfLayout.objects.get(station=station).serial == 1


def test_codes_are_unique_and_spread_over_the_slots(station: Station) -> None:
    """30 check-ins on the default 6×5 layout: one parcel per tier, 30 distinct codes."""
    for n in range(30):
        check_in(station, f"YT{1000000000000 + n}")
    waiting = Custody.objects.filter(station=station, state=CustodyState.WAITING)
    assert waiting.count() == 30
    assert len(set(waiting.values_list("pickup_code", flat=True))) == 30
    assert len(set(waiting.values_list("shelf", "tier"))) == 30


def test_six_digit_style(station: Station) -> None:
    """A station using 6-digit codes gets 6-digit codes."""
    services.shelf_layout_ensure(station)
    ShelfLayout.objects.filter(station=station).update(code_style=CodeStyle.DIGITS)
    codes = {check_in(station, f"YT{2000000000000 + n}").custody.pickup_code for n in range(20)}
    assert len(codes) == 20
    assert all(len(c) == 6 and c.isdigit() for c in codes)


def test_code_clash_retries_with_the_next_serial(station: Station) -> None:
    """A serial come round while its old parcel still waits: the next serial is used."""
    first = check_in(station, "YT3000000000001").custody  # 1-1-1
    layout = ShelfLayout.objects.get(station=station)
    layout.shelves = layout.tiers = 1
    layout.serial = 0  # the next serial is 1 again: 1-1-1 is taken
    layout.save()
    second = check_in(station, "YT3000000000002").custody
    assert first.pickup_code == "1-1-1"
    assert second.pickup_code == "1-1-2"


def test_check_in_twice_is_refused(station: Station) -> None:
    """The same parcel cannot wait twice; at another station it is refused too."""
    check_in(station, "YT1234567890123")
    with pytest.raises(CounterError) as here:
        check_in(station, "YT1234567890123")
    assert here.value.code == "already_waiting"
    assert here.value.details["pickup_code"] == "1-1-1"
    other = StationFactory()
    with pytest.raises(CounterError) as there:
        check_in(other, "YT1234567890123")
    assert there.value.code == "waiting_elsewhere"
    assert Custody.objects.count() == 1


def test_unknown_shape_needs_a_carrier_then_warns(station: Station) -> None:
    """A waybill no pattern knows: the keeper must choose; then it is accepted with a warning."""
    with pytest.raises(CounterError) as refused:
        check_in(station, "ABC123456789")
    assert refused.value.code == "carrier_unknown"
    assert refused.value.status == 422
    assert not Parcel.objects.filter(waybill_no="ABC123456789").exists()
    done = check_in(station, "ABC123456789", carrier_code="zto")
    assert done.parcel.carrier.code == "zto"
    assert any("格式" in w for w in done.warnings)


def test_bad_input_loses_nothing(station: Station) -> None:
    """A malformed waybill or phone is refused before anything is written."""
    with pytest.raises(CounterError):
        check_in(station, "12#4")
    with pytest.raises(CounterError):
        check_in(station, "YT1234567890123", phone="12")
    assert not Parcel.objects.exists()
    assert not Custody.objects.exists()


def test_no_phone_no_notice(station: Station) -> None:
    """Without a phone the parcel is checked in, not notified, and the keeper is told."""
    done = check_in(station, "YT1234567890123", phone="")
    assert not done.notified
    assert done.warnings
    assert not OutboxMessage.objects.exists()


def test_full_shelves_refuse(station: Station) -> None:
    """A 1×1 shelf of capacity 2 takes two parcels, refuses the third."""
    services.shelf_layout_ensure(station)
    ShelfLayout.objects.filter(station=station).update(shelves=1, tiers=1, capacity=2)
    check_in(station, "YT1000000000001")
    check_in(station, "YT1000000000002")
    with pytest.raises(CounterError) as full:
        check_in(station, "YT1000000000003")
    assert full.value.code == "shelves_full"


def test_pick_up_by_code_and_tail_takes_all_of_the_recipients_parcels(station: Station) -> None:
    """Two parcels for one phone, one for another: code + tail hands over the first two."""
    a = check_in(station, "YT1000000000001").custody
    b = check_in(station, "YT1000000000002").custody
    c = check_in(station, "YT1000000000003", phone="13995550000").custody
    later = T0 + timedelta(hours=2)
    with pytest.raises(CounterError) as wrong:
        services.parcel_pick_up(station=station, code=a.pickup_code, phone_tail="0000", now=later)
    assert wrong.value.code == "not_found"
    done = services.parcel_pick_up(
        station=station, code=a.pickup_code, phone_tail="6789", now=later
    )
    assert sorted(x.pk for x in done.custodies) == sorted([a.pk, b.pk])
    states = dict(Custody.objects.values_list("pk", "state"))
    assert states == {a.pk: "picked_up", b.pk: "picked_up", c.pk: "waiting"}
    for waybill in ("YT1000000000001", "YT1000000000002"):
        parcel = Parcel.objects.get(waybill_no=waybill)
        assert parcel.status == TrackingStatus.DELIVERED
        assert parcel.delivered_at == later
        assert parcel.events.filter(raw_code="station_pickup", station=station).count() == 1
    # the freed code can be issued again while the other parcel keeps its own
    assert Custody.objects.filter(state="waiting", pickup_code=a.pickup_code).count() == 0


def test_pick_up_by_waybill_and_twice(station: Station) -> None:
    """By waybill; a second pick-up of the same parcel finds nothing waiting."""
    check_in(station, "YT1000000000001")
    services.parcel_pick_up(station=station, waybill="yt1000000000001")
    with pytest.raises(CounterError) as again:
        services.parcel_pick_up(station=station, waybill="YT1000000000001")
    assert again.value.code == "not_found"


def test_code_needs_the_tail(station: Station) -> None:
    """A code without a tail is refused as bad input."""
    custody = check_in(station, "YT1000000000001").custody
    with pytest.raises(CounterError) as bad:
        services.parcel_pick_up(station=station, code=custody.pickup_code)
    assert bad.value.code == "bad_input"


def test_exception_frees_the_slot_and_goes_on_the_return_list(station: Station) -> None:
    """Damaged: delivery_failed event, custody in exception; then returned to the carrier."""
    check_in(station, "YT1000000000001")
    custody = services.custody_exception_record(
        station=station, waybill="YT1000000000001", kind="damaged", note="外箱压扁",
        now=T0 + timedelta(minutes=5),
    )  # fmt: skip
    assert custody.state == CustodyState.EXCEPTION
    parcel = Parcel.objects.get(waybill_no="YT1000000000001")
    assert parcel.status == TrackingStatus.DELIVERY_FAILED
    assert parcel.events.filter(raw_code="station_damaged").count() == 1
    services.custody_return(station=station, waybill="YT1000000000001", now=T0 + timedelta(hours=1))
    parcel.refresh_from_db()
    assert parcel.status == TrackingStatus.RETURN_TO_SENDER
    assert Custody.objects.get().state == CustodyState.RETURNED


def test_a_waiting_parcel_is_not_returned_before_72_hours(station: Station) -> None:
    """Returning needs an exception or the 72-hour stage."""
    check_in(station, "YT1000000000001")
    with pytest.raises(CounterError) as early:
        services.custody_return(station=station, waybill="YT1000000000001")
    assert early.value.code == "not_overdue"


def test_overdue_sweep_reminds_once_per_stage_then_lists_for_return(station: Station) -> None:
    """24 h → first reminder, 48 h → second, 72 h → on_hold event; repeats do nothing."""
    custody = check_in(station, "YT1000000000001").custody
    check_in(station, "YT1000000000002", now=T0 + timedelta(hours=20))
    assert services.custody_overdue_sweep(now=T0 + timedelta(hours=23)).reminders_24 == 0
    first = services.custody_overdue_sweep(now=T0 + timedelta(hours=25))
    assert (first.reminders_24, first.reminders_48, first.to_return) == (1, 0, 0)
    assert services.custody_overdue_sweep(now=T0 + timedelta(hours=26)).reminders_24 == 0
    second = services.custody_overdue_sweep(now=T0 + timedelta(hours=49))
    assert (second.reminders_24, second.reminders_48) == (1, 1)  # the later parcel's first
    third = services.custody_overdue_sweep(now=T0 + timedelta(hours=73))
    assert third.to_return == 1
    kinds = list(OutboxMessage.objects.filter(custody=custody).values_list("kind", flat=True))
    assert kinds == ["arrival", "reminder_24", "reminder_48"]
    parcel = Parcel.objects.get(waybill_no="YT1000000000001")
    assert parcel.status == TrackingStatus.ON_HOLD
    assert parcel.events.filter(raw_code="station_overdue").count() == 1
    services.custody_return(
        station=station, waybill="YT1000000000001", now=T0 + timedelta(hours=74)
    )
    parcel.refresh_from_db()
    assert parcel.status == TrackingStatus.RETURN_TO_SENDER


def test_pick_up_after_overdue_still_works(station: Station) -> None:
    """A parcel on the return list can still be collected; its status becomes delivered."""
    custody = check_in(station, "YT1000000000001").custody
    services.custody_overdue_sweep(now=T0 + timedelta(hours=80))
    services.parcel_pick_up(
        station=station, code=custody.pickup_code, phone_tail="6789", now=T0 + timedelta(hours=81)
    )
    assert Parcel.objects.get().status == TrackingStatus.DELIVERED
