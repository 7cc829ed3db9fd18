"""One-statement inserts: the row's defaults, its id, and a unique conflict skipped."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import transaction

from youpin.counter.inserts import insert, insert_or_skip
from youpin.counter.models import Custody, CustodyState, MessageKind, OutboxMessage
from youpin.logistics.models import Carrier, Parcel

pytestmark = pytest.mark.django_db


def test_insert_sets_the_id_and_the_defaults(station):
    """The inserted row reads back equal to what an ORM create would have stored."""
    carrier = Carrier.objects.get(code="yto")
    parcel = Parcel(carrier=carrier, waybill_no="YT1234567890123", recipient_phone="13900001234")
    assert insert_or_skip(parcel) is True
    stored = Parcel.objects.get(pk=parcel.pk)
    assert (stored.status, stored.weight_g, stored.recipient_phone, stored.e_waybill) == (
        "pending",
        0,
        "13900001234",
        True,
    )
    assert stored.created_at is not None


def test_a_conflict_is_skipped_and_the_transaction_stays_usable(station):
    """A second parcel with the same carrier and waybill is not inserted, no error is
    raised, and the surrounding transaction goes on (no savepoint needed)."""
    carrier = Carrier.objects.get(code="yto")
    with transaction.atomic():
        assert insert_or_skip(Parcel(carrier=carrier, waybill_no="YT1234567890123")) is True
        again = Parcel(carrier=carrier, waybill_no="YT1234567890123")
        assert insert_or_skip(again) is False
        assert again.pk is None
        assert Parcel.objects.filter(waybill_no="YT1234567890123").count() == 1


def test_a_partial_unique_index_counts_as_a_conflict(station):
    """Two waiting custodies with one pickup code at a station: the second is skipped; once
    the first is picked up, the code may be issued again."""
    carrier = Carrier.objects.get(code="yto")
    first, second = (
        Parcel.objects.create(carrier=carrier, waybill_no=f"YT000000000000{i}") for i in (1, 2)
    )
    at = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)
    make = lambda parcel: Custody(  # noqa: E731
        parcel=parcel, station=station, shelf=1, tier=1, pickup_code="1-1-5", checked_in_at=at
    )
    assert insert_or_skip(make(first)) is True
    assert insert_or_skip(make(second)) is False
    Custody.objects.filter(parcel=first).update(state=CustodyState.PICKED_UP)
    assert insert_or_skip(make(second)) is True
    notice = OutboxMessage(
        custody=Custody.objects.get(parcel=second), kind=MessageKind.ARRIVAL, phone="1", body="b"
    )
    insert(notice)
    assert OutboxMessage.objects.get().pk == notice.pk
