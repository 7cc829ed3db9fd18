"""Pushes: kept first, verified, applied once, replayable in any order with the same result."""

from __future__ import annotations

import json
import random
from urllib.parse import urlencode

import pytest
from django.test import override_settings

from youpin.connectors.carriers import kuaidi100_sign
from youpin.ingest.models import InboundPush, PushStatus, RejectedRow
from youpin.ingest.tests.tracking_support import (
    SALT,
    carriers_fixture,  # noqa: F401  (the `carriers` fixture)
    parcel_states,
    sample,
    sample_pushes,
    secrets_fixture,  # noqa: F401  (the `secrets` fixture)
    timelines,
    wechat_query,
)
from youpin.ingest.tracking.pushes import (
    push_apply,
    push_receive,
    push_replay,
    pushes_to_replay,
    wechat_echo,
)
from youpin.ingest.tracking.signatures import check_push_signature
from youpin.logistics.models import Parcel, TrackingEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("carriers", "secrets")]


def receive_all() -> list[int]:
    """Receive every recorded push; the ids of the stored pushes."""
    for provider, body, query in sample_pushes():
        reply = push_receive(provider=provider, body=body, query=query)
        assert reply.status == 200, reply.body
    return list(InboundPush.objects.order_by("pk").values_list("pk", flat=True))


def test_every_sample_push_is_kept_verified_and_applied():
    """Each recorded push is stored, its signature verified, and its events applied."""
    ids = receive_all()
    pushes = InboundPush.objects.filter(pk__in=ids)
    assert {(p.provider, p.status, p.signature_ok) for p in pushes} == {
        ("kuaidi100", PushStatus.APPLIED, True),
        ("kdniao", PushStatus.APPLIED, True),
        ("wechat", PushStatus.APPLIED, True),
    }
    assert sum(p.events for p in pushes) == TrackingEvent.objects.count() == 30
    assert Parcel.objects.count() == 7
    assert all(p.batch is None for p in pushes)  # clean pushes need no batch: they are kept whole


def test_replaying_all_pushes_shuffled_gives_the_same_timelines():
    """Events and derived states after replaying every push in three shuffled orders equal
    those after receiving them in order."""
    ids = receive_all()
    expected = (timelines(), parcel_states())
    for seed in (1, 2, 3):
        TrackingEvent.objects.all().delete()
        Parcel.objects.all().delete()
        order = list(ids)
        random.Random(seed).shuffle(order)
        report = push_replay(push_ids=order)
        assert (report.pushes, report.applied, report.failed) == (5, 5, 0)
        assert (timelines(), parcel_states()) == expected


def test_replaying_on_top_changes_nothing():
    """Replaying pushes that are already applied creates and changes nothing."""
    ids = receive_all()
    before = (timelines(), parcel_states())
    report = push_replay(push_ids=list(reversed(ids)))
    assert (report.events_created, report.events_updated, report.parcels_changed) == (0, 0, 0)
    assert (timelines(), parcel_states()) == before


def test_the_same_push_twice_changes_nothing():
    """A push received twice is kept twice but applied once; the second says so."""
    provider, body, query = sample_pushes()[3]
    push_receive(provider=provider, body=body, query=query)
    before = (timelines(), parcel_states())
    reply = push_receive(provider=provider, body=body, query=query)
    assert reply.status == 200
    assert json.loads(reply.body)["Success"] is True
    first, second = InboundPush.objects.order_by("pk")
    assert second.status == PushStatus.APPLIED
    assert f"#{first.pk}" in second.reason
    assert (timelines(), parcel_states()) == before


def test_wrong_signature_is_refused_and_kept():
    """A push with a wrong signature gets 403, is kept as rejected and is never replayed."""
    body = sample("kuaidi100_push_v1.txt").strip().replace("sign=07ADF", "sign=17ADF")
    reply = push_receive(provider="kuaidi100", body=body.encode(), query={})
    assert reply.status == 403
    assert json.loads(reply.body)["result"] is False
    push = InboundPush.objects.get()
    assert (push.status, push.signature_ok) == (PushStatus.REJECTED, False)
    assert push.body == body
    assert not TrackingEvent.objects.exists()
    assert pushes_to_replay(statuses=[PushStatus.REJECTED, PushStatus.FAILED]) == []
    assert push_replay(push_ids=[push.pk]).pushes == 0


def test_unsigned_pushes_refused_when_a_secret_is_set():
    """A push without its signature is refused when we hold the provider's secret."""
    param = sample("kuaidi100_push_shutdown.json")
    reply = push_receive(provider="kuaidi100", body=urlencode({"param": param}).encode())
    assert reply.status == 403
    assert "缺少签名" in InboundPush.objects.get().reason


@pytest.mark.parametrize("provider", ["kuaidi100", "kdniao", "wechat"])
def test_production_without_secret_disables_the_endpoint(provider):
    """In production an empty secret refuses every push of that provider; elsewhere it is
    let in unchecked."""
    with override_settings(
        YOUPIN_KUAIDI100_SALT="", YOUPIN_KDNIAO_APP_KEY="", YOUPIN_WECHAT_TOKEN=""
    ):
        refused = check_push_signature(provider=provider, body="", query={}, production=True)
        unchecked = check_push_signature(provider=provider, body="", query={}, production=False)
    assert refused.ok is False
    assert "已停用" in refused.reason
    assert unchecked.ok is None


def test_malformed_json_is_kept_with_its_reason_and_replayable_after_the_fix():
    """A push whose JSON is broken is kept as failed, with the provider's error answer; once
    the body is corrected, replaying it applies its events."""
    good = sample("kuaidi100_push_shutdown.json")
    broken = good[: len(good) // 2]
    body = urlencode({"param": broken, "sign": kuaidi100_sign(broken, SALT)})
    reply = push_receive(provider="kuaidi100", body=body.encode())
    assert reply.status == 400
    assert json.loads(reply.body)["result"] is False
    push = InboundPush.objects.get()
    assert push.status == PushStatus.FAILED
    assert "JSON" in push.reason
    assert pushes_to_replay() == [push.pk]
    push.body = urlencode({"param": good, "sign": kuaidi100_sign(good, SALT)})
    push.save()
    report = push_replay(push_ids=pushes_to_replay())
    assert (report.applied, report.events_created) == (1, 5)
    push.refresh_from_db()
    assert push.status == PushStatus.APPLIED
    assert push.replayed_at is not None
    assert Parcel.objects.get().status == "delivered"


def test_unknown_carrier_push_fails_and_applies_after_the_carrier_is_added():
    """A push naming a carrier we do not have keeps what it can, is marked failed with the
    code, and applies whole when replayed after the carrier is added."""
    from youpin.logistics.models import Carrier

    envelope = json.loads(sample("kdniao_push.json"))
    data = json.loads(envelope["RequestData"])
    data["Data"][1]["ShipperCode"] = "DBL"
    envelope["RequestData"] = json.dumps(data, ensure_ascii=False)
    with override_settings(YOUPIN_KDNIAO_APP_KEY=""):
        reply = push_receive(provider="kdniao", body=urlencode(envelope).encode())
    assert reply.status == 200
    push = InboundPush.objects.get()
    assert push.status == PushStatus.FAILED
    assert "DBL" in push.reason
    assert RejectedRow.objects.filter(batch=push.batch, code="unknown_carrier").count() == 2
    assert TrackingEvent.objects.count() == 7
    Carrier.objects.create(code="deppon", name="德邦快递", kdniao_code="DBL")
    assert push_replay(push_ids=pushes_to_replay()).applied == 1
    assert TrackingEvent.objects.count() == 9
    assert not RejectedRow.objects.filter(batch=push.batch).exists()


def test_replay_measures_the_future_from_receipt():
    """Replaying flags the same future events as on receipt, whenever it runs."""
    data = json.loads(sample("kuaidi100_query.json"))
    data["data"].insert(0, {"context": "已签收", "ftime": "2999-01-01 10:00:00"})
    push = InboundPush.objects.create(
        provider="kuaidi100", body=json.dumps(data, ensure_ascii=False), body_sha256="x"
    )
    outcome = push_apply(push)
    assert outcome.counts is not None
    assert outcome.counts.future == 1
    assert Parcel.objects.get().status == "in_transit"


def test_wechat_url_check_echoes_only_with_our_signature():
    """WeChat's URL check gets its echostr back only when signed with our token."""
    assert wechat_echo({**wechat_query(), "echostr": "hello"}) == "hello"
    assert wechat_echo({**wechat_query(token="not-ours"), "echostr": "hello"}) is None
