"""The push's short path: one decode, the store statement, the single-event path."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs

import pytest
from django.db import transaction

from youpin.connectors.carriers import decode_payload
from youpin.connectors.records import ParcelState, TrackingEventRecord
from youpin.ingest.models import InboundPush, PushStatus
from youpin.ingest.tests.tracking_support import (
    carriers_fixture,  # noqa: F401  (the `carriers` fixture)
    sample,
    sample_pushes,
    secrets_fixture,  # noqa: F401  (the `secrets` fixture)
)
from youpin.ingest.tracking.carriers import carrier_codes, read_carrier_codes
from youpin.ingest.tracking.pushes import _store, push_receive
from youpin.ingest.tracking.service import tracking_event_record_one
from youpin.ingest.tracking.signatures import check_push_signature, fields_of_decoded, push_fields
from youpin.logistics.models import Carrier, Parcel, TrackingEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("carriers", "secrets")]


@pytest.mark.parametrize("index", range(len(sample_pushes())))
def test_decoded_fields_equal_the_fields_read_from_the_body(index):
    """The signature check from the parser's decoding sees the same fields as from the body,
    and gives the same verdict."""
    provider, body, query = sample_pushes()[index]
    text = body.decode()
    data, _problem = decode_payload(text)
    fields = fields_of_decoded(data)
    assert fields == push_fields(text)
    assert check_push_signature(
        provider=provider, body=text, query=query, fields=fields
    ) == check_push_signature(provider=provider, body=text, query=query)


def test_a_form_is_read_as_its_first_values():
    """A form body's fields are the first value of each key, as `parse_qs` reads them."""
    text = sample("kuaidi100_push_v1.txt").strip()
    expected = {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}
    assert fields_of_decoded(decode_payload(text)[0]) == expected
    assert fields_of_decoded(None) is None


def test_store_finds_the_applied_push_with_the_same_body_and_the_carriers():
    """The store statement returns the latest applied push with the same body (not one of
    another provider, not a refused one) and the Carrier table's count and highest id."""
    provider, body, query = sample_pushes()[0]
    push_receive(provider=provider, body=body, query=query)
    first = InboundPush.objects.get()
    other = InboundPush.objects.create(
        provider="kdniao", body="x", body_sha256=first.body_sha256, status=PushStatus.APPLIED
    )
    refused = InboundPush.objects.create(
        provider=provider, body="x", body_sha256=first.body_sha256, status=PushStatus.REJECTED
    )
    fresh = InboundPush(provider=provider, body=first.body, body_sha256=first.body_sha256)
    earlier, stamp = _store(fresh, look_around=True)
    assert earlier == first.pk
    assert earlier not in (other.pk, refused.pk)
    assert stamp == (Carrier.objects.count(), max(Carrier.objects.values_list("pk", flat=True)))
    stored = InboundPush.objects.get(pk=fresh.pk)
    assert (stored.status, stored.body, stored.received_at) == (
        PushStatus.RECEIVED,
        first.body,
        fresh.received_at,
    )


def test_carrier_codes_from_a_stamp_follow_a_new_carrier():
    """The carriers read with a fingerprint from the store statement are reloaded when the
    fingerprint changes (a carrier added by another process)."""
    before = carrier_codes()
    Carrier.objects.create(code="newco", name="新快递", kuaidi100_code="newco", kdniao_code="NEW")
    from youpin.ingest.tracking.carriers import carrier_codes_stamped

    stamp = (Carrier.objects.count(), max(Carrier.objects.values_list("pk", flat=True)))
    after = carrier_codes_stamped(stamp)
    assert "newco" not in before.ids
    assert after.ids == read_carrier_codes().ids
    assert "newco" in after.ids


def test_one_event_is_recorded_once_and_derives_the_state():
    """The single-event path stores the event with the station's fields, derives the
    parcel's status, times and station, and changes nothing when given the event again."""
    from youpin.testing.factories import StationFactory

    station = StationFactory(name="单件测试站", code="ONE-01")
    carrier = Carrier.objects.get(code="zto")
    parcel = Parcel.objects.create(carrier=carrier, waybill_no="75000000000001")
    at = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)
    event = TrackingEventRecord(
        waybill_no=parcel.waybill_no,
        carrier_code="",
        occurred_at=at,
        status=ParcelState.READY_FOR_PICKUP,
        raw_code="station_checkin",
        raw_text="快件已到达【单件测试站】",
        facility=station.code,
        source="station",
    )

    def record() -> bool:
        with transaction.atomic():
            return tracking_event_record_one(
                event=event,
                parcel_id=parcel.pk,
                carrier_id=carrier.pk,
                station_id=station.pk,
                place_id=station.place_id,
                now=at,
            )

    assert record() is True
    stored = TrackingEvent.objects.get(parcel=parcel)
    assert (stored.status, stored.raw_code, stored.station_id, stored.place_id, stored.source) == (
        "ready_for_pickup",
        "station_checkin",
        station.pk,
        station.place_id,
        "station",
    )
    parcel.refresh_from_db()
    assert (parcel.status, parcel.station_id, parcel.last_event_at) == (
        "ready_for_pickup",
        station.pk,
        at,
    )
    assert record() is False
    assert TrackingEvent.objects.filter(parcel=parcel).count() == 1
