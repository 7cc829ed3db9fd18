"""End to end in a real Chromium: a consumer tracks a parcel at /track/ without signing in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.cache import cache

from youpin.geo.models import CoordSource, Place
from youpin.logistics.models import TrackingEvent, TrackingStatus
from youpin.testing.factories import (
    SHANGHAI,
    SHAPOTOU,
    XINGREN_TOWN,
    CarrierFactory,
    ParcelFactory,
    place,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    """No lookup attempts counted from earlier tests."""
    cache.clear()
    yield
    cache.clear()


def test_consumer_tracks_a_parcel_and_sees_the_timeline(
    live_server: Any, page: Any, zhongwei: None
) -> None:
    """A wrong tail finds nothing; the right one shows the masked timeline and its map."""
    Place.objects.filter(code=SHAPOTOU).update(
        lon=105.19, lat=37.51, coord_source=CoordSource.SURVEYED
    )
    Place.objects.filter(code=XINGREN_TOWN).update(
        lon=105.31, lat=37.49, coord_source=CoordSource.SYNTHETIC
    )
    parcel = ParcelFactory(
        carrier=CarrierFactory(code="sto", name="申通快递"),
        waybill_no="773001234567",
        recipient_place=place(XINGREN_TOWN),
        recipient_name="马丽",
        recipient_phone="13895556789",
        status=TrackingStatus.READY_FOR_PICKUP,
    )
    start = datetime(2025, 9, 1, 9, tzinfo=SHANGHAI)
    for hours, status, text, where in [
        (0, TrackingStatus.PICKED_UP, "【沙坡头区】营业点已揽收", SHAPOTOU),
        (
            26,
            TrackingStatus.READY_FOR_PICKUP,
            "快件已到达【兴仁驿站】，取件码 5-1-220",
            XINGREN_TOWN,
        ),
    ]:
        TrackingEvent.objects.create(
            parcel=parcel,
            occurred_at=start + timedelta(hours=hours),
            status=status,
            raw_code=str(hours),
            raw_text=text,
            place=place(where),
            source="sto",
        )

    page.goto(f"{live_server.url}/track/")
    assert "/login/" not in page.url
    page.fill("input[name=waybill]", "773001234567")
    page.fill("input[name=phone_tail]", "0000")
    page.click("[data-testid=track-submit]")
    assert page.locator("[data-testid=track-not-found]").inner_text().strip() == "未找到匹配的包裹"
    assert page.locator("[data-testid=timeline]").count() == 0

    page.fill("input[name=phone_tail]", "6789")
    page.click("[data-testid=track-submit]")
    page.locator("[data-testid=timeline]").wait_for()
    statuses = page.locator("[data-testid=event-status]").all_inner_texts()
    assert [s.strip() for s in statuses] == ["已揽收", "待取件"]
    assert page.locator("[data-testid=parcel-status]").inner_text().strip() == "待取件"
    assert page.locator("[data-testid=recipient]").inner_text().strip() == "马* 138****6789"
    body = page.locator("main").inner_text()
    assert "马丽" not in body
    assert "5-1-220" not in body
    page.locator("#parcel-map canvas").first.wait_for(state="attached")
    assert page.locator("[data-testid=synthetic-coords]").is_visible()
