"""Tracking events written by the counter, through the tracking ingest so the parcel's state
is derived from its events exactly as for a carrier's push.

The convention (another context's settlement counts these): `source="station"`, the
event's station set, and one raw code per counter operation.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from youpin.connectors.records import ParcelState, TrackingEventRecord
from youpin.ingest.tracking.service import tracking_event_record_one
from youpin.logistics.models import Parcel
from youpin.stations.models import Station

SOURCE = "station"

# raw code → canonical status
STATION_EVENTS: dict[str, ParcelState] = {
    "station_checkin": ParcelState.READY_FOR_PICKUP,
    "station_pickup": ParcelState.DELIVERED,
    "station_send": ParcelState.PICKED_UP,
    "station_damaged": ParcelState.DELIVERY_FAILED,
    "station_refused": ParcelState.DELIVERY_FAILED,
    "station_wrong_address": ParcelState.DELIVERY_FAILED,
    "station_overdue": ParcelState.ON_HOLD,
    "station_return": ParcelState.RETURN_TO_SENDER,
}


def station_event_record(
    *, parcel: Parcel, station: Station, raw_code: str, text: str, at: datetime
) -> None:
    """Record one counter event on a parcel's timeline and derive the parcel's state again.

    The event goes through the tracking ingest's single-event path
    (`tracking_event_record_one`: the same row, key, reading rule and state derivation as a
    carrier's push), with the parcel, its carrier, the station and its division given, so
    nothing is looked up. Runs in the caller's transaction (one of its own when there is
    none). The `parcel` object is not refreshed: read it again for its derived state.
    """
    record = TrackingEventRecord(
        waybill_no=parcel.waybill_no,
        carrier_code="",
        occurred_at=at,
        status=STATION_EVENTS[raw_code],
        raw_code=raw_code,
        raw_text=text,
        facility=station.code,
        source=SOURCE,
    )
    with transaction.atomic(savepoint=False):
        tracking_event_record_one(
            event=record,
            parcel_id=parcel.pk,
            carrier_id=parcel.carrier_id,
            station_id=station.pk,
            place_id=station.place_id,
            now=at,
        )
