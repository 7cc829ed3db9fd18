"""tracking_ingest: parcels found or created, events stored once, states derived from all events."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from youpin.connectors.carriers import parse_tracking
from youpin.connectors.records import ParcelState as S
from youpin.connectors.records import TrackingEventRecord
from youpin.ingest.models import BatchKind, BatchSource, ImportBatch, RejectedRow
from youpin.ingest.tests.tracking_support import (
    NOW,
    carriers_fixture,  # noqa: F401  (the `carriers` fixture)
    parcel_states,
    sample,
    timelines,
)
from youpin.ingest.tracking import TrackingIngestCounts, tracking_ingest
from youpin.ingest.tracking.carriers import carrier_codes
from youpin.logistics.models import Carrier, EventFlag, Parcel, StatusBasis, TrackingEvent
from youpin.testing.factories import XINGREN_TOWN, StationFactory, place

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("carriers")]

# Every recorded sample: (file, {waybill: (statuses oldest first, derived parcel status)}).
EXPECTED = [
    (
        "kuaidi100_push_v1.txt",
        {
            "78912345678901": (
                ["picked_up", "in_transit", "in_transit", "out_for_delivery"],
                "out_for_delivery",
            )
        },
    ),
    (
        "kuaidi100_push_v2.txt",
        {
            "4312345678901": (
                ["picked_up", "in_transit", "in_transit", "ready_for_pickup", "delivered"],
                "delivered",
            )
        },
    ),
    (
        "kuaidi100_push_shutdown.json",
        {
            "7712345678901": (
                ["picked_up", "in_transit", "out_for_delivery", "ready_for_pickup", "delivered"],
                "delivered",
            )
        },
    ),
    (
        "kuaidi100_query.json",
        {"SF1234567890123": (["picked_up", "in_transit", "in_transit"], "in_transit")},
    ),
    (
        "kdniao_push.json",
        {
            "JT0001234567890": (
                ["picked_up", "in_transit", "in_transit", "ready_for_pickup", "delivered"],
                "delivered",
            ),
            # StateEx 499 is unknown: kept as unknown, the parcel keeps its last known status.
            "78900000000002": (["in_transit", "unknown"], "in_transit"),
            "4310000000003": (["ready_for_pickup", "on_hold"], "on_hold"),
        },
    ),
    (
        "wechat_push.json",
        {
            "YT7000000000001": (
                [
                    "pending",
                    "picked_up",
                    "in_transit",
                    "in_transit",
                    "out_for_delivery",
                    "ready_for_pickup",
                    "delivered",
                ],
                "delivered",
            )
        },
    ),
]


def ingest(payload: bytes | str, **options: object) -> TrackingIngestCounts:
    """Parse a payload against NOW with the database's carrier codes and ingest it."""
    parsed = parse_tracking(payload, now=NOW, carrier_codes=carrier_codes().table)
    return tracking_ingest(
        events=parsed.all_events(), source=parsed.provider, batch=None, **options
    )  # type: ignore[arg-type]


def event(waybill: str, hour: int, status: S, text: str, **fields: object) -> TrackingEventRecord:
    """A canonical event of 2024-06-01 at `hour` (Shanghai) for a ZTO parcel."""
    return TrackingEventRecord(
        waybill_no=waybill,
        carrier_code=str(fields.pop("carrier", "zto")),
        occurred_at=NOW.replace(day=1, hour=hour, minute=0),
        status=status,
        raw_text=text,
        source="csv",
        **fields,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(("name", "expected"), EXPECTED, ids=[name for name, _ in EXPECTED])
def test_every_sample_ingests_with_expected_statuses(name, expected):
    """Each recorded sample gives the expected timeline and derived status per parcel."""
    counts = ingest(sample(name))
    assert counts.balanced
    assert counts.events_created == sum(len(s) for s, _ in expected.values())
    for waybill, (statuses, current) in expected.items():
        parcel = Parcel.objects.get(waybill_no=waybill)
        assert list(parcel.events.order_by("occurred_at").values_list("status", flat=True)) == (
            statuses
        )
        assert parcel.status == current


def test_codes_follow_the_reference_carrier_table():
    """Kdniao JTSD and Kuaidi100 youzhengguonei become the reference table's codes."""
    ingest(sample("kdniao_push.json"))
    assert Parcel.objects.get(waybill_no="JT0001234567890").carrier.code == "jtexpress"
    assert carrier_codes().table.translate("kuaidi100", "youzhengguonei") == "post"
    assert carrier_codes().table.translate("any", "邮政快递包裹") == "post"
    assert carrier_codes().table.translate("wechat", "YUNDA") == "yunda"


def test_the_same_events_twice_change_nothing():
    """Ingesting the same sample again creates, updates and recomputes nothing."""
    ingest(sample("kdniao_push.json"))
    before = (timelines(), parcel_states(), Parcel.objects.count())
    again = ingest(sample("kdniao_push.json"))
    assert (again.events_created, again.events_updated, again.parcels_created) == (0, 0, 0)
    assert again.events_unchanged == again.events_received == 9
    assert again.parcels_changed == 0
    assert (timelines(), parcel_states(), Parcel.objects.count()) == before


def test_events_for_unseen_parcels_create_them():
    """A parcel never seen is created from its first event, with the event's carrier."""
    counts = tracking_ingest(
        events=[event("78000000000001", 9, S.PICKED_UP, "已揽收")], source="csv", batch=None
    )
    assert counts.parcels_created == 1
    parcel = Parcel.objects.get(waybill_no="78000000000001")
    assert parcel.carrier.code == "zto"
    assert parcel.status == "picked_up"
    assert parcel.collected_at == NOW.replace(day=1, hour=9, minute=0)


def test_out_of_order_events_give_the_same_state():
    """The newest event decides the status whichever order the events arrive in."""
    timeline = [
        event("78000000000002", 8, S.PICKED_UP, "已揽收"),
        event("78000000000002", 12, S.IN_TRANSIT, "到达中卫"),
        event("78000000000002", 18, S.DELIVERED, "已签收"),
    ]
    tracking_ingest(events=[timeline[2]], source="csv", batch=None)
    tracking_ingest(events=[timeline[0]], source="csv", batch=None)
    tracking_ingest(events=[timeline[1]], source="csv", batch=None)
    parcel = Parcel.objects.get(waybill_no="78000000000002")
    assert parcel.status == "delivered"
    assert parcel.collected_at == timeline[0].occurred_at
    assert parcel.delivered_at == parcel.last_event_at == timeline[2].occurred_at


def test_a_more_specific_reading_wins_in_any_order():
    """A trace read by a parcel-level state in one push and from its words in a later one is
    stored once, with the more specific reading, whichever push comes first."""
    first = json.loads(sample("kuaidi100_push_shutdown.json"))
    later = json.loads(sample("kuaidi100_push_shutdown.json"))
    later["lastResult"]["data"].insert(
        0, {"context": "【中卫市】快件已退回", "ftime": "2024-06-07 09:00:00"}
    )
    later["lastResult"]["state"] = (
        "6"  # the newest is now the return: 已签收 is read from its words
    )
    results = []
    for order in ([first, later], [later, first]):
        TrackingEvent.objects.all().delete()
        Parcel.objects.all().delete()
        for push in order:
            ingest(json.dumps(push, ensure_ascii=False))
        results.append((timelines(), parcel_states()))
    assert results[0] == results[1]
    signed = TrackingEvent.objects.get(occurred_at=NOW.replace(day=6, hour=11, minute=0))
    assert (signed.status, signed.raw_code, signed.status_basis) == (
        "delivered",
        "3",
        StatusBasis.PARCEL_STATE,
    )
    assert TrackingEvent.objects.count() == 6
    assert Parcel.objects.get().status == "return_to_sender"


def test_unknown_carrier_is_held_back_counted_and_kept():
    """Events of a carrier we do not have are not applied, counted by its code and kept as
    rejected rows; once the carrier is added, the same payload applies."""
    push = json.loads(json.loads(sample("kdniao_push.json"))["RequestData"])
    push["Data"][0]["ShipperCode"] = "DBL"  # 德邦: not in the reference table
    payload = json.dumps(push, ensure_ascii=False)
    parsed = parse_tracking(payload, now=NOW, carrier_codes=carrier_codes().table)
    batch = ImportBatch.objects.create(kind=BatchKind.TRACKING, source=BatchSource.CLI)
    counts = tracking_ingest(events=parsed.all_events(), source="kdniao", batch=batch)
    assert (counts.events_held, counts.unknown_carriers, counts.events_created) == (
        5,
        {"DBL": 5},
        4,
    )
    assert counts.balanced
    rows = RejectedRow.objects.filter(batch=batch)
    assert rows.count() == 5
    assert {r.code for r in rows} == {"unknown_carrier"}
    assert "DBL" in rows[0].reason
    assert rows[0].raw["waybill_no"] == "JT0001234567890"
    assert not Parcel.objects.filter(waybill_no="JT0001234567890").exists()
    Carrier.objects.create(code="deppon", name="德邦快递", kdniao_code="DBL")
    again = ingest(payload)
    assert (again.events_held, again.events_created, again.events_unchanged) == (0, 5, 4)
    assert Parcel.objects.get(waybill_no="JT0001234567890").carrier.code == "deppon"


def test_unknown_status_is_kept_and_counted():
    """An unknown status code is stored as unknown with its raw code, counted, never dropped."""
    counts = ingest(sample("kdniao_push.json"))
    assert counts.unknown_status == 1
    odd = TrackingEvent.objects.get(status="unknown")
    assert odd.raw_code == "499"
    assert odd.parcel.status == "in_transit"


def test_missing_time_zone_is_assumed_and_flagged():
    """Times without an offset are read as Asia/Shanghai, flagged and counted."""
    counts = ingest(sample("kuaidi100_query.json"))
    assert counts.time_zone_assumed == 3
    first = TrackingEvent.objects.order_by("occurred_at").first()
    assert first.occurred_at == NOW.replace(day=6, hour=19, minute=0)
    assert first.flag_set & EventFlag.TIME_ZONE_ASSUMED


def test_future_events_are_flagged_and_not_used_for_the_state():
    """An event dated after its receipt is kept and flagged, but the state ignores it."""
    data = json.loads(sample("kuaidi100_query.json"))
    data["data"].insert(0, {"context": "【中卫市】已签收", "ftime": "2030-01-01 10:00:00"})
    counts = ingest(json.dumps(data, ensure_ascii=False))
    assert counts.future == 1
    ahead = TrackingEvent.objects.get(occurred_at__year=2030)
    assert ahead.flag_set & EventFlag.FUTURE
    parcel = ahead.parcel
    assert parcel.status == "in_transit"
    assert parcel.delivered_at is None
    assert parcel.last_event_at == NOW.replace(day=7, hour=14, minute=0)


def test_places_validated_against_the_division_table():
    """Known codes link the place; unknown ones stay raw, flagged and counted; the parcel
    gets its sender and recipient places from its collection and delivery."""
    counts = ingest(sample("kuaidi100_push_v2.txt"))
    assert counts.places_unmatched == 1  # CN640100000000, Yinchuan: not in our table
    outside = TrackingEvent.objects.get(raw_place_code="640100000000")
    assert outside.place_id is None
    assert outside.flag_set & EventFlag.PLACE_UNKNOWN
    parcel = Parcel.objects.get(waybill_no="4312345678901")
    assert (parcel.sender_place_id, parcel.recipient_place_id) == ("640521000000", XINGREN_TOWN)


def test_station_matched_by_its_name_in_the_trace():
    """A trace naming a station by its short sign links the event and the parcel to it."""
    station = StationFactory(
        code="xr-township", name="中卫市兴仁镇电商快递兴农超市", place=place(XINGREN_TOWN)
    )
    counts = ingest(sample("kuaidi100_push_v2.txt"))
    assert counts.stations_matched == 2
    parcel = Parcel.objects.get(waybill_no="4312345678901")
    assert parcel.station == station
    assert parcel.events.filter(station=station).count() == 2


def test_chunks_and_background_reading_give_the_same_result():
    """Ingesting in chunks (with the reader thread, or without) equals ingesting in one go."""
    parsed = parse_tracking(
        sample("kdniao_push.json"), now=NOW, carrier_codes=carrier_codes().table
    )
    events = parsed.all_events()
    tracking_ingest(events=events, source="kdniao", batch=None)
    whole = (timelines(), parcel_states())
    TrackingEvent.objects.all().delete()
    Parcel.objects.all().delete()
    counts = tracking_ingest(
        events=list(reversed(events + events)), source="kdniao", batch=None, chunk_size=2, bulk=True
    )
    assert (counts.events_created, counts.events_unchanged) == (9, 9)
    assert (timelines(), parcel_states()) == whole
    TrackingEvent.objects.all().delete()
    Parcel.objects.all().delete()
    small = tracking_ingest(events=events, source="kdniao", batch=None, chunk_size=4)
    assert (small.events_created, small.parcels_touched) == (9, 3)
    assert (timelines(), parcel_states()) == whole


def test_events_a_day_apart_are_two_events():
    """The same words at different times are different events."""
    words = "快件已到达【中卫转运中心】"
    tracking_ingest(
        events=[
            event("78000000000003", 8, S.IN_TRANSIT, words),
            event("78000000000003", 8, S.IN_TRANSIT, words),
            TrackingEventRecord(
                "78000000000003",
                "zto",
                NOW.replace(day=1, hour=8, minute=0) + timedelta(days=1),
                S.IN_TRANSIT,
                raw_text=words,
            ),
        ],
        source="csv",
        batch=None,
    )
    assert TrackingEvent.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_parallel_lanes_equal_one_connection():
    """On PostgreSQL a big import runs on two connections; the result equals one connection's."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("parallel lanes are used on PostgreSQL only")
    events = []
    for name in ("kdniao_push.json", "wechat_push.json", "kuaidi100_push_v2.txt"):
        parsed = parse_tracking(sample(name), now=NOW, carrier_codes=carrier_codes().table)
        events += parsed.all_events()
    counts = tracking_ingest(
        events=events + events, source="csv", batch=None, chunk_size=4, bulk=True
    )
    assert (counts.events_created, counts.events_unchanged, counts.parcels_touched) == (21, 21, 5)
    parallel = (timelines(), parcel_states())
    TrackingEvent.objects.all().delete()
    Parcel.objects.all().delete()
    tracking_ingest(events=events, source="csv", batch=None)
    assert (timelines(), parcel_states()) == parallel
