"""The push endpoints over HTTP: no login, no CSRF token, answers in each provider's shape."""

from __future__ import annotations

import json
import logging
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from youpin.ingest.models import InboundPush, PushStatus
from youpin.ingest.tests.tracking_support import (
    carriers_fixture,  # noqa: F401  (the `carriers` fixture)
    sample,
    sample_pushes,
    secrets_fixture,  # noqa: F401  (the `secrets` fixture)
    wechat_query,
)
from youpin.logistics.models import Parcel, TrackingEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("carriers", "secrets")]
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def provider_client() -> Client:
    """An anonymous client that enforces CSRF, as a provider's server would meet us."""
    return Client(enforce_csrf_checks=True)


def post(client: Client, provider: str, body: bytes, query: dict[str, str], content_type: str):  # type: ignore[no-untyped-def]
    """POST a raw body to a provider's endpoint."""
    url = reverse(f"push:{provider}")
    if query:
        url += "?" + urlencode(query)
    return client.post(url, data=body, content_type=content_type)


def test_kuaidi100_form_push_is_answered_in_its_shape(provider_client):
    """A signed Kuaidi100 form push is applied and answered with result/returnCode/message."""
    _, body, _ = sample_pushes()[0]
    response = post(provider_client, "kuaidi100", body, {}, FORM)
    assert response.status_code == 200
    assert response.json() == {"result": True, "returnCode": "200", "message": "成功"}
    assert Parcel.objects.get(waybill_no="78912345678901").status == "out_for_delivery"


def test_kdniao_form_push_is_answered_in_its_shape(provider_client):
    """A signed Kdniao form push is applied and answered with EBusinessID/Success/Reason."""
    _, body, _ = sample_pushes()[3]
    response = post(provider_client, "kdniao", body, {}, FORM)
    assert response.status_code == 200
    answer = response.json()
    assert (answer["EBusinessID"], answer["Success"], answer["Reason"]) == ("1700001", True, "")
    assert TrackingEvent.objects.count() == 9


def test_wechat_json_push_is_answered_success(provider_client):
    """A WeChat push signed in its query string is applied and answered `success`."""
    _, body, query = sample_pushes()[4]
    response = post(provider_client, "wechat", body, query, "application/json")
    assert response.status_code == 200
    assert response.content == b"success"
    assert Parcel.objects.get(waybill_no="YT7000000000001").status == "delivered"


def test_wechat_url_check(provider_client):
    """WeChat's GET check of the URL gets its echostr back, or 403 when not signed by us."""
    url = reverse("push:wechat")
    good = provider_client.get(url, {**wechat_query(), "echostr": "abc"})
    bad = provider_client.get(url, {**wechat_query(token="x"), "echostr": "abc"})
    assert (good.status_code, good.content) == (200, b"abc")
    assert bad.status_code == 403


def test_wrong_signature_is_403_kept_and_logged_without_personal_data(provider_client, caplog):
    """A forged Kdniao push gets 403 in Kdniao's shape, is kept, and the log names no waybill."""
    envelope = json.loads(sample("kdniao_push.json"))
    envelope["DataSign"] = "Zm9yZ2Vk"
    with caplog.at_level(logging.INFO, logger="youpin.push"):
        response = post(provider_client, "kdniao", urlencode(envelope).encode(), {}, FORM)
    assert response.status_code == 403
    assert response.json()["Success"] is False
    push = InboundPush.objects.get()
    assert (push.status, push.signature_ok) == (PushStatus.REJECTED, False)
    assert not TrackingEvent.objects.exists()
    assert f"#{push.pk}" in caplog.text
    assert "JT0001234567890" not in caplog.text
    assert "迎水桥" not in caplog.text


def test_malformed_json_is_400_in_the_providers_shape(provider_client):
    """A WeChat push that is not JSON is kept as failed and answered with an error."""
    body = b'{"waybill_id": "YT7000000000001", "path": ['
    response = post(provider_client, "wechat", body, wechat_query(), "application/json")
    assert response.status_code == 400
    assert response.json()["errcode"] == 400
    push = InboundPush.objects.get()
    assert push.status == PushStatus.FAILED
    assert push.body == body.decode()


def test_only_post_is_accepted(provider_client):
    """A GET on a push endpoint is refused and nothing is stored."""
    assert provider_client.get(reverse("push:kuaidi100")).status_code == 405
    assert not InboundPush.objects.exists()
