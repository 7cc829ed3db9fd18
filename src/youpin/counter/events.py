"""Tracking events written by the counter, through the tracking ingest so the parcel's state
is derived from its events exactly as for a carrier's push.

The convention (another context's settlement counts these): `source="station"`, the
event's station set, and one raw code per counter operation.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from youpin.connectors.records import ParcelState, TrackingEventRecord
from youpin.ingest.tracking.service import tracking_ingest
from youpin.logistics.models import Parcel, TrackingEvent
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


@transaction.atomic
def station_event_record(
    *, parcel: Parcel, station: Station, raw_code: str, text: str, at: datetime
) -> None:
    """Record one counter event on a parcel's timeline and derive the parcel's state again.

    The event goes through `tracking_ingest` (the same path as a carrier's push), so the
    parcel's status, times and station are derived from all its events in one place; the
    event's station is then pinned to `station` in case its code also names another one.
    The `parcel` object is not refreshed: read it again for its derived state.
    """
    status = STATION_EVENTS[raw_code]
    record = TrackingEventRecord(
        waybill_no=parcel.waybill_no,
        carrier_code=parcel.carrier.code,
        occurred_at=at,
        status=status,
        raw_code=raw_code,
        raw_text=text,
        place_code=station.place_id,
        facility=station.code,
        source=SOURCE,
    )
    counts = tracking_ingest(events=[record], source=SOURCE, batch=None, now=at)
    if counts.events_held:  # pragma: no cover - the parcel's carrier is always in the table
        raise RuntimeError(f"the {raw_code} event of parcel {parcel.pk} was held back")
    moved = (
        TrackingEvent.objects.filter(parcel=parcel, occurred_at=at, raw_code=raw_code)
        .exclude(station=station)
        .update(station=station)
    )
    if moved:  # the station's code is also another station's name: keep ours
        Parcel.objects.filter(pk=parcel.pk).update(station=station)
