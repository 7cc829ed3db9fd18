"""The public lookup (/track/ and /api/parcels/track): right pair only, masked, rate-limited."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from youpin.logistics.models import Parcel, TrackingEvent, TrackingStatus
from youpin.logistics.public_tracking import (
    ATTEMPT_LIMIT,
    mask_tracking_text,
    normalise_waybill,
    phone_tail_matches,
)
from youpin.testing.factories import SHANGHAI, SHAPOTOU, CarrierFactory, ParcelFactory, place

pytestmark = pytest.mark.django_db

WAYBILL = "YT7000012345"
PHONE = "13995551234"
NOT_FOUND = "未找到匹配的包裹"


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    """Each test starts with no lookup attempts counted."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def parcel(zhongwei: None) -> Parcel:
    """A parcel for 王建国 (13995551234) with a signer's name, a pickup code and a house number."""
    parcel = ParcelFactory(
        carrier=CarrierFactory(code="yto", name="圆通速递"),
        waybill_no=WAYBILL,
        recipient_place=place("640502109200"),
        recipient_name="王建国",
        recipient_phone=PHONE,
        status=TrackingStatus.DELIVERED,
    )
    start = datetime(2025, 6, 1, 9, tzinfo=SHANGHAI)
    for hours, status, code, text in [
        (0, TrackingStatus.PICKED_UP, "1", "【沙坡头区】营业点已揽收"),
        (20, TrackingStatus.READY_FOR_PICKUP, "211", "快件已到达【兴仁驿站】，取件码 3-2-118"),
        (
            30,
            TrackingStatus.DELIVERED,
            "301",
            "快件已签收，签收人：王建国，地址兴仁村12号，电话 13995551234",
        ),
    ]:
        TrackingEvent.objects.create(
            parcel=parcel,
            occurred_at=start + timedelta(hours=hours),
            status=status,
            raw_code=code,
            raw_text=text,
            place=place(SHAPOTOU),
            source="kuaidi100",
        )
    return parcel


def _track(client: Client, waybill: str, tail: str) -> tuple[int, str]:
    """POST the lookup form; return status and HTML."""
    response = client.post("/track/", {"waybill": waybill, "phone_tail": tail})
    return response.status_code, response.content.decode()


def test_right_pair_shows_the_timeline_masked(client: Client, parcel: Parcel) -> None:
    """Waybill + the right tail shows every event, with names, phones, houses and codes hidden."""
    status, html = _track(client, WAYBILL.lower(), "1234")
    assert status == 200
    assert 'data-testid="timeline"' in html
    for label in ("已揽收", "待取件", "已签收"):
        assert label in html
    assert "王**" in html
    assert "139****1234" in html
    assert "王建国" not in html
    assert PHONE not in html
    assert "12号" not in html
    assert "3-2-118" not in html
    assert "取件码 ****" in html
    assert NOT_FOUND not in html


def _without_echo(html: str, waybill: str, tail: str) -> str:
    """A page without what differs between any two renderings: the typed input, CSRF tokens."""
    html = html.replace(waybill, "").replace(f'value="{tail}"', "")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_wrong_pair_never_reveals_the_waybill(client: Client, parcel: Parcel) -> None:
    """A wrong tail and an unknown waybill read exactly the same: 未找到匹配的包裹."""
    status_wrong, wrong = _track(client, WAYBILL, "0000")
    status_unknown, unknown = _track(client, "YT7999999999", "1234")
    assert status_wrong == status_unknown == 200
    assert NOT_FOUND in wrong
    assert NOT_FOUND in unknown
    assert 'data-testid="timeline"' not in wrong
    assert _without_echo(wrong, WAYBILL, "0000") == _without_echo(unknown, "YT7999999999", "1234")


def test_malformed_input_is_explained(client: Client, parcel: Parcel) -> None:
    """A short waybill or a tail that is not 4 digits gets a field message, nothing else."""
    status, html = _track(client, "12", "12a4")
    assert status == 200
    assert "运单号应为 6–40 位字母或数字" in html
    assert "请输入收件人手机号的后 4 位数字" in html
    assert 'data-testid="timeline"' not in html


def test_lookup_page_is_public(client: Client, zhongwei: None) -> None:
    """The form needs no login, and neither do the county shapes its map uses."""
    response = client.get("/track/")
    assert response.status_code == 200
    assert 'data-testid="track-form"' in response.content.decode()
    shapes = client.get("/track/counties.geojson")
    assert shapes.status_code == 200
    assert shapes["Content-Type"] == "application/geo+json"
    assert len(shapes.json()["features"]) == 3


def test_attempts_are_limited_per_client(client: Client, parcel: Parcel) -> None:
    """After 10 attempts in 10 minutes the 11th gets a 429 page, even with the right pair;
    another address is not affected."""
    for _ in range(ATTEMPT_LIMIT):
        status, _html = _track(client, WAYBILL, "0000")
        assert status == 200
    status, html = _track(client, WAYBILL, "1234")
    assert status == 429
    assert 'data-testid="track-throttled"' in html
    assert 'data-testid="timeline"' not in html
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post("/track/", {"waybill": WAYBILL, "phone_tail": "1234"}).status_code == 200
    assert (
        client.get("/api/parcels/track", {"waybill": WAYBILL, "phone_tail": "1234"}).status_code
        == 429
    )


# ----------------------------------------------------------------------------- API


def test_api_lookup_without_auth(client: Client, parcel: Parcel) -> None:
    """The API answers without a token: 200 masked for the right pair, 404 otherwise."""
    response = client.get("/api/parcels/track", {"waybill": WAYBILL, "phone_tail": "1234"})
    assert response.status_code == 200
    body = response.json()
    assert body["recipient_name"] == "王**"
    assert body["recipient_phone"] == "139****1234"
    assert [e["status"] for e in body["events"]] == ["picked_up", "ready_for_pickup", "delivered"]
    assert all(PHONE not in e["raw_text"] and "王建国" not in e["raw_text"] for e in body["events"])
    wrong = client.get("/api/parcels/track", {"waybill": WAYBILL, "phone_tail": "4321"})
    unknown = client.get("/api/parcels/track", {"waybill": "NOSUCH0001", "phone_tail": "1234"})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json() == {"detail": NOT_FOUND}


def test_api_lookup_rejects_malformed_input(client: Client, zhongwei: None) -> None:
    """A missing or malformed parameter is a 400."""
    assert client.get("/api/parcels/track", {"waybill": WAYBILL}).status_code == 400
    bad = client.get("/api/parcels/track", {"waybill": WAYBILL, "phone_tail": "12"})
    assert bad.status_code == 400


def test_api_lookup_is_rate_limited(client: Client, parcel: Parcel) -> None:
    """The API shares the allowance: the 11th attempt is a 429."""
    for _ in range(ATTEMPT_LIMIT):
        client.get("/api/parcels/track", {"waybill": WAYBILL, "phone_tail": "0000"})
    response = client.get("/api/parcels/track", {"waybill": WAYBILL, "phone_tail": "1234"})
    assert response.status_code == 429
    assert response.json()["detail"]


# ----------------------------------------------------------------------------- pure parts


@pytest.mark.parametrize(
    ("text", "hidden", "kept"),
    [
        ("签收人：张三丰，感谢使用", "张三丰", "签收人：张**"),
        ("签收人：本人", None, "签收人：本人"),
        ("派件员电话 13812345678", "13812345678", "138****5678"),
        ("送至兴仁村12号院3单元", "12号院", "兴仁村**"),
        ("请凭取件码 A-12-345 取件", "A-12-345", "取件码 ****"),
    ],
)
def test_mask_tracking_text(text: str, hidden: str | None, kept: str) -> None:
    """Signers' names, phones, house numbers and pickup codes are hidden; generic words stay."""
    masked = mask_tracking_text(text)
    if hidden:
        assert hidden not in masked
    assert kept in masked


def test_waybill_and_tail_helpers() -> None:
    """Waybills are normalised; the tail must be the phone's last 4 digits."""
    assert normalise_waybill(" yt 7000-0123 ") == "YT70000123"
    assert phone_tail_matches("139-9555-1234", "1234")
    assert not phone_tail_matches("13995551234", "5123")
    assert not phone_tail_matches("", "1234")
    assert not phone_tail_matches("13995551234", "12a4")


def test_lookup_speaks_english(client: Client, parcel: Parcel) -> None:
    """With English chosen, the form, the statuses and the miss message are English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    _status, html = _track(client, WAYBILL, "1234")
    assert "Track a parcel" in html
    assert "Delivered" in html
    assert "Ready for pickup" in html
    _status, html = _track(client, WAYBILL, "9999")
    assert "No matching parcel found" in html
