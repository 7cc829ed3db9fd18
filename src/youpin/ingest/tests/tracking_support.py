"""Shared by the tracking tests: the recorded samples as pushes, secrets, and snapshots."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.test import override_settings

from youpin.connectors.carriers import kuaidi100_sign
from youpin.connectors.tabular import SHANGHAI
from youpin.ingest.tracking.signatures import wechat_signature
from youpin.logistics.models import Parcel, TrackingEvent
from youpin.logistics.services import carriers_sync

SAMPLES = Path(__file__).resolve().parents[2] / "connectors" / "tests" / "samples" / "tracking"
SALT = "zhongwei-test-salt"  # the samples' Kuaidi100 salt
APP_KEY = "youpin-test-appkey"  # the samples' Kdniao AppKey
TOKEN = "youpin-test-token"
SECRETS = {
    "YOUPIN_KUAIDI100_SALT": SALT,
    "YOUPIN_KDNIAO_APP_KEY": APP_KEY,
    "YOUPIN_KDNIAO_EBUSINESS_ID": "1700001",
    "YOUPIN_WECHAT_TOKEN": TOKEN,
}
# When the samples' events happened, a few days later: what "in the future" is measured by.
NOW = datetime(2024, 6, 10, 12, 0, tzinfo=SHANGHAI)


@pytest.fixture(name="carriers")
def carriers_fixture(zhongwei):  # type: ignore[no-untyped-def]
    """The reference carriers in the database (with the divisions)."""
    carriers_sync()


@pytest.fixture(name="secrets")
def secrets_fixture():  # type: ignore[no-untyped-def]
    """The push secrets the samples were signed with."""
    with override_settings(**SECRETS):
        yield SECRETS


def sample(name: str) -> str:
    """A sample file's text."""
    return (SAMPLES / name).read_text(encoding="utf-8")


def wechat_query(
    token: str = TOKEN, timestamp: str = "1717486260", nonce: str = "42"
) -> dict[str, str]:
    """The query string WeChat signs its pushes with."""
    return {
        "signature": wechat_signature(token, timestamp, nonce),
        "timestamp": timestamp,
        "nonce": nonce,
    }


def sample_pushes() -> list[tuple[str, bytes, dict[str, str]]]:
    """(provider, raw HTTP body, query string) of every recorded push, signed as providers do."""
    shutdown = sample("kuaidi100_push_shutdown.json")
    kdniao = json.loads(sample("kdniao_push.json"))
    return [
        ("kuaidi100", sample("kuaidi100_push_v1.txt").strip().encode(), {}),
        ("kuaidi100", sample("kuaidi100_push_v2.txt").strip().encode(), {}),
        (
            "kuaidi100",
            urlencode({"param": shutdown, "sign": kuaidi100_sign(shutdown, SALT)}).encode(),
            {},
        ),
        ("kdniao", urlencode(kdniao).encode(), {}),
        ("wechat", sample("wechat_push.json").encode(), wechat_query()),
    ]


def timelines() -> dict[tuple[str, str], list[tuple[object, ...]]]:
    """Every parcel's events as comparable tuples, by (carrier, waybill)."""
    found: dict[tuple[str, str], list[tuple[object, ...]]] = {}
    rows = TrackingEvent.objects.select_related("parcel__carrier").order_by(
        "parcel__carrier__code", "parcel__waybill_no", "occurred_at", "dedupe_key"
    )
    for e in rows:
        found.setdefault((e.parcel.carrier.code, e.parcel.waybill_no), []).append(
            (
                e.occurred_at,
                e.status,
                e.raw_code,
                e.raw_text,
                e.place_id,
                e.raw_place_code,
                e.station_id,
                e.status_basis,
                e.flags,
                e.dedupe_key,
            )
        )
    return found


def parcel_states() -> dict[tuple[str, str], tuple[object, ...]]:
    """Every parcel's derived state, by (carrier, waybill)."""
    return {
        (p.carrier.code, p.waybill_no): (
            p.status,
            p.collected_at,
            p.delivered_at,
            p.last_event_at,
            p.station_id,
            p.sender_place_id,
            p.recipient_place_id,
        )
        for p in Parcel.objects.select_related("carrier")
    }
