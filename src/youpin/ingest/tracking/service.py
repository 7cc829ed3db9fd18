"""`tracking_ingest`: apply canonical tracking events to parcels and their timelines."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from itertools import islice

from django.db import connection, transaction
from django.utils import timezone

from youpin.connectors.records import TrackingEventRecord
from youpin.ingest.models import ImportBatch, RejectedRow
from youpin.ingest.tracking.carriers import CarrierCodes, carrier_codes
from youpin.ingest.tracking.lanes import Lookahead, lanes_for, split
from youpin.ingest.tracking.loader import StageLoader
from youpin.ingest.tracking.rows import (
    STAGE_COLUMNS,
    HeldEvent,
    RowBuilder,
    dedupe_key,
    status_basis,
    utc_text,
)
from youpin.logistics.models import TrackingEvent

CHUNK_SIZE = 25_000
RAW_TEXT_LENGTH = TrackingEvent._meta.get_field("raw_text").max_length or 500
RAW_CODE_LENGTH = TrackingEvent._meta.get_field("raw_code").max_length or 20


@dataclass
class TrackingIngestCounts:
    """What applying events changed, and what it noticed on the way.

    Every event received ends as created, updated (a more specific reading of an event
    already stored), unchanged (already stored, or repeated in the input) or held (not
    applied: carrier unknown or waybill unusable; kept as a rejected row).
    """

    events_received: int = 0
    events_created: int = 0
    events_updated: int = 0
    events_unchanged: int = 0
    events_held: int = 0
    parcels_created: int = 0
    parcels_touched: int = 0
    parcels_changed: int = 0
    unknown_status: int = 0
    places_unmatched: int = 0
    future: int = 0
    time_zone_assumed: int = 0
    stations_matched: int = 0
    unknown_carriers: dict[str, int] = field(default_factory=dict)

    @property
    def balanced(self) -> bool:
        """True when every event received is accounted for."""
        applied = self.events_created + self.events_updated + self.events_unchanged
        return self.events_received == applied + self.events_held

    @property
    def changed(self) -> bool:
        """True when anything in the database changed."""
        return bool(self.events_created or self.events_updated or self.parcels_changed)

    def as_dict(self) -> dict[str, object]:
        """The counts as JSON-ready data."""
        return asdict(self)


def _chunks(
    events: Iterable[TrackingEventRecord], size: int
) -> Iterator[list[TrackingEventRecord]]:
    """Consecutive lists of at most `size` events."""
    stream = iter(events)
    while chunk := list(islice(stream, size)):
        yield chunk


def _keep_held(batch: ImportBatch | None, held: list[HeldEvent]) -> None:
    """Keep the events that could not be applied as rejected rows of the batch."""
    if batch is None or not held:
        return
    RejectedRow.objects.bulk_create(
        [
            RejectedRow(
                batch=batch, row_number=None, code=h.code, reason=h.reason[:500], raw=h.raw()
            )
            for h in held
        ],
        batch_size=2000,
    )


def tracking_ingest(
    *,
    events: Iterable[TrackingEventRecord],
    source: str,
    batch: ImportBatch | None,
    now: datetime | None = None,
    chunk_size: int = CHUNK_SIZE,
    after_chunk: Callable[[TrackingIngestCounts], None] | None = None,
    bulk: bool = False,
    codes: CarrierCodes | None = None,
) -> TrackingIngestCounts:
    """Apply events: parcels found or created by (carrier, waybill), events stored once each,
    and the touched parcels' states derived again from all their events.

    `source` names the provider for events that do not say. Each chunk is its own
    transaction (a savepoint when called inside one), so a big file commits as it goes;
    parcel states are recomputed after the last chunk. `after_chunk` is called with the
    running counts after each chunk. Events whose carrier is not in `Carrier` are held
    back as rejected rows of `batch`. `bulk` (big files) reads the next chunk in a
    background thread while the current one is applied, tunes the database for size,
    and on PostgreSQL applies each chunk through two connections (`lanes`).
    `codes` saves reading the carriers again when the caller has them.
    """
    moment = now or timezone.now()
    codes = codes or carrier_codes()
    builder = RowBuilder(
        carrier_ids=codes.ids, source=source, postgres=connection.vendor == "postgresql"
    )
    counts = TrackingIngestCounts()
    lanes = lanes_for(bulk=bulk, batch_id=batch.pk if batch is not None else None, now=moment)
    chunks = Lookahead(_chunks(events, chunk_size))
    switch_interval = sys.getswitchinterval()
    if bulk:  # the reader thread must hand the interpreter back quickly between statements
        sys.setswitchinterval(0.0005)
    chunk_count = 0
    try:
        chunk = chunks.take()
        while chunk:
            chunk_count += 1
            rows, held = builder.build(chunk)
            start_reader = chunks.start if bulk else _nothing
            for lane, share in zip(lanes, split(rows, len(lanes)), strict=True):
                lane.submit(share, start_reader)
            start_reader()
            for lane in lanes:
                done = lane.result()
                counts.events_created += done.chunk.events_created
                counts.events_updated += done.chunk.events_updated
                counts.parcels_created += done.chunk.parcels_created
                builder.parcel_ids.remember(done.parcels)
            if held and batch is not None:
                with transaction.atomic(savepoint=False):
                    _keep_held(batch, held)
            counts.events_received += len(chunk)
            _copy_row_counts(builder, counts)
            counts.events_unchanged = (
                counts.events_received
                - counts.events_created
                - counts.events_updated
                - counts.events_held
            )
            chunk = chunks.take()
            if after_chunk is not None:
                after_chunk(counts)
        for lane in lanes:
            changed, touched = lane.finish(one_chunk=chunk_count <= 1)
            counts.parcels_changed += changed
            counts.parcels_touched += touched
    finally:
        chunks.stop()
        sys.setswitchinterval(switch_interval)
        for lane in lanes:
            lane.close()
    return counts


def _nothing() -> None:
    """Do nothing (no reader to start)."""


def _copy_row_counts(builder: RowBuilder, counts: TrackingIngestCounts) -> None:
    """Bring the row builder's running tallies into the counts."""
    seen = builder.counts
    counts.events_held = seen.held
    counts.unknown_status = seen.unknown_status
    counts.places_unmatched = seen.places_unmatched
    counts.future = seen.future
    counts.time_zone_assumed = seen.time_zone_assumed
    counts.stations_matched = seen.stations_matched
    counts.unknown_carriers = dict(seen.unknown_carriers)


# -- one event on a known parcel (the station counter) -----------------------------------


def tracking_event_record_one(
    *,
    event: TrackingEventRecord,
    parcel_id: int,
    carrier_id: int,
    station_id: int | None = None,
    place_id: str | None = None,
    now: datetime | None = None,
) -> bool:
    """Record one event of a parcel we already hold and derive the parcel's state again;
    True when the event was new or a better reading. Call inside a transaction.

    The counter's path: the caller knows the parcel, its carrier, the station and the
    division (a `Place` code), so nothing is looked up — no carrier table, place check or
    station index — and no parcel is created. The row, its key and the `ON CONFLICT`
    reading rule are the batch path's (`StageLoader`), so a repeat changes nothing and the
    parcel's state comes from the same statement; on PostgreSQL that is two statements.
    """
    postgres = connection.vendor == "postgresql"
    occurred = utc_text(event.occurred_at, postgres=postgres)
    raw_text = event.raw_text[:RAW_TEXT_LENGTH]
    raw_code = event.raw_code[:RAW_CODE_LENGTH]
    status = event.status.value
    values: dict[str, object] = {
        "carrier_id": carrier_id,
        "waybill_no": event.waybill_no,
        "occurred_at": occurred,
        "status": status,
        "raw_code": raw_code,
        "raw_text": raw_text,
        "place_id": place_id,
        "raw_place_code": "",
        "place_name": event.place_name,
        "facility": event.facility,
        "station_id": station_id,
        "source": event.source,
        "status_basis": status_basis(event),
        "flags": 0,
        "dedupe_key": dedupe_key(occurred, raw_text, raw_code, status),
        "weight_g": 0,
        "parcel_id": parcel_id,
    }
    row = tuple(values[column] for column in STAGE_COLUMNS)
    loader = StageLoader()
    loader.prepare()
    loader.stage([row])
    done = loader.apply(staged=1, batch_id=None, now=now or timezone.now())
    loader.recompute(0, 2**62, now=now or timezone.now())
    return bool(done.events_created or done.events_updated)
