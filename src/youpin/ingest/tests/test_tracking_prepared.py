"""The push path's statements on PostgreSQL: bound on the server, prepared once, rows as JSON."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection

from youpin.connectors.records import ParcelState, TrackingEventRecord
from youpin.ingest.models import InboundPush, PushStatus
from youpin.ingest.tests.tracking_support import (
    carriers_fixture,  # noqa: F401  (the `carriers` fixture)
    sample_pushes,
    secrets_fixture,  # noqa: F401  (the `secrets` fixture)
)
from youpin.ingest.tracking.loader import numbered
from youpin.ingest.tracking.pushes import push_receive
from youpin.ingest.tracking.service import tracking_ingest
from youpin.logistics.models import Carrier, Parcel, TrackingEvent

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def test_placeholders_are_numbered_and_other_percent_signs_refused():
    """`%s` become `$1, $2, …` in order; a statement with any other `%` is refused rather
    than sent with a placeholder left unconverted."""
    assert numbered("SELECT %s, a FROM t WHERE b = %s") == b"SELECT $1, a FROM t WHERE b = $2"
    assert numbered("SELECT 1") == b"SELECT 1"
    with pytest.raises(ValueError, match="placeholders"):
        numbered("SELECT %s WHERE a LIKE 'x%'")


@pytest.mark.django_db
@pytest.mark.usefixtures("carriers")
def test_rows_travel_as_json_without_changing_a_character():
    """Quotes, backslashes, JSON-looking text, percent signs, Chinese and characters outside
    the basic plane reach the event table exactly as read, on both databases."""
    carrier = Carrier.objects.get(code="zto")
    texts = [
        '快件已到达【中卫"转运"中心】',
        "back\\slash \\u4e2d and \\n not a newline",
        '{"json": [1, 2]} 100% 签收',
        "表情 📦 and tab\there",
    ]
    events = [
        TrackingEventRecord(
            waybill_no="75100000000001",
            carrier_code=carrier.code,
            occurred_at=datetime(2026, 11, 2, 3, minute, 30, 123456, tzinfo=UTC),
            status=ParcelState.IN_TRANSIT,
            raw_code="ARR",
            raw_text=text,
            place_name="中卫'市",
            source="kuaidi100",
        )
        for minute, text in enumerate(texts)
    ]
    counts = tracking_ingest(events=events, source="kuaidi100", batch=None)
    stored = TrackingEvent.objects.filter(parcel__waybill_no="75100000000001").order_by(
        "occurred_at"
    )
    assert counts.events_created == len(texts)
    assert [e.raw_text for e in stored] == texts
    assert [e.occurred_at for e in stored] == [e.occurred_at for e in events]
    assert {e.place_name for e in stored} == {"中卫'市"}
    assert Parcel.objects.get(waybill_no="75100000000001").status == ParcelState.IN_TRANSIT


@postgres_only
@pytest.mark.django_db
@pytest.mark.usefixtures("carriers", "secrets")
def test_push_statements_are_prepared_once_and_django_queries_are_not():
    """After a few pushes the store, apply, parcel-state and status statements are
    prepared on the connection and executed again from there; Django's own queries (bound
    on the client) are never prepared, however often they repeat."""
    for provider, body, query in sample_pushes():
        assert push_receive(provider=provider, body=body, query=query).status == 200
        # the same waybills again, as a provider does: the same statements, new rows
        push_receive(provider=provider, body=body + b"&x=1" if provider != "wechat" else body,
                     query=query)  # fmt: skip
    for _ in range(10):
        Carrier.objects.filter(code="zto").exists()
    assert connection.connection.prepare_threshold is None  # Django's setting, left as it was
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements"
            " WHERE from_sql = false"
        )
        prepared = cursor.fetchall()
    assert prepared, "nothing was prepared: preparation is off on the connection"
    assert all("$1" in text for text, _runs in prepared)
    assert not any("logistics_carrier" in text and "zto" in text for text, _ in prepared)
    runs = {text.split(" ", 2)[1][:20]: n for text, n in prepared if text.startswith("WITH ")}
    assert runs.get("yp_tracking_stage", 0) >= 2  # the apply statement, executed again
    assert runs.get("derived", 0) >= 2  # the parcel-state statement
    assert InboundPush.objects.filter(status=PushStatus.APPLIED).count() == 2 * len(sample_pushes())
