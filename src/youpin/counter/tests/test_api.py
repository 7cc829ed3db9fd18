"""The counter API: role scoping, bearer tokens, masking, errors and the pick-up limit."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.test import Client

from youpin.accounts.models import Role
from youpin.accounts.services import api_token_issue
from youpin.counter import throttle
from youpin.counter.models import Custody, Shipment
from youpin.logistics.models import Parcel, TrackingEvent
from youpin.stations.models import Station
from youpin.testing.factories import HAIYUAN, SHAPOTOU, StationFactory, place, user_with_role

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, body: dict[str, Any], **extra: Any) -> Any:
    """POST JSON."""
    return client.post(url, json.dumps(body), content_type="application/json", **extra)


def base(station: Station) -> str:
    """The station's counter URL."""
    return f"/api/counter/{station.code}"


def test_keeper_checks_in_and_picks_up_with_a_bearer_token(station: Station, keeper: Any) -> None:
    """The whole round over the API; the phone comes back masked to its last four digits."""
    key = api_token_issue(user=keeper, name="扫码枪").key
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    client = Client()
    scan = {"waybill_no": "YT1234567890123", "recipient_phone": "13895556789"}
    answer = post(client, f"{base(station)}/checkins", scan, **auth)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["custody"]["pickup_code"] == "1-1-1"
    assert body["custody"]["recipient_phone"] == "138****6789"
    assert body["notified"] is True
    listed = client.get(f"{base(station)}/waiting", **auth).json()
    assert [row["waybill_no"] for row in listed] == ["YT1234567890123"]
    assert "13895556789" not in json.dumps(listed)
    done = post(client, f"{base(station)}/pickups",
                {"pickup_code": "1-1-1", "phone_tail": "6789"}, **auth)  # fmt: skip
    assert done.status_code == 200
    assert [row["state"] for row in done.json()["picked_up"]] == ["picked_up"]


def test_errors_say_why(station: Station, keeper: Any) -> None:
    """Unknown waybill shape: 422 with the reason; a repeat check-in: 409 with its code."""
    client = Client()
    client.force_login(keeper)
    unknown = post(client, f"{base(station)}/checkins", {"waybill_no": "ABC123456789"})
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "carrier_unknown"
    post(client, f"{base(station)}/checkins", {"waybill_no": "YT1234567890123"})
    again = post(client, f"{base(station)}/checkins", {"waybill_no": "YT1234567890123"})
    assert again.status_code == 409
    assert again.json()["details"]["pickup_code"] == "1-1-1"


def test_scoping_per_role(station: Station, keeper: Any) -> None:
    """Keeper of another station: 404. Operator and official of the region: read, not act.
    Official elsewhere, carrier, merchant, consumer: 404. Anonymous: 401."""
    other_station = StationFactory()
    client = Client()
    client.force_login(keeper)
    post(client, f"{base(station)}/checkins", {"waybill_no": "YT1234567890123"})
    assert client.get(f"{base(other_station)}/waiting").status_code == 404
    cases = [
        (user_with_role(Role.OPERATOR), 200, 403),
        (user_with_role(Role.OFFICIAL, region=place(SHAPOTOU)), 200, 403),
        (user_with_role(Role.OFFICIAL, region=place(HAIYUAN)), 404, 404),
        (user_with_role(Role.STATION_KEEPER, station=other_station), 404, 404),
        (user_with_role(Role.CONSUMER), 404, 404),
    ]
    for user, read, write in cases:
        c = Client()
        c.force_login(user)
        assert c.get(f"{base(station)}/waiting").status_code == read, user.profile.role
        answer = post(c, f"{base(station)}/checkins", {"waybill_no": "YT1234567890124"})
        assert answer.status_code == write, user.profile.role
    assert Client().get(f"{base(station)}/waiting").status_code == 401
    assert Custody.objects.count() == 1


def test_failed_pick_ups_are_limited_per_client_and_logged_without_the_phone(
    station: Station, keeper: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Ten wrong tails from one address: the eleventh attempt, even a right one, gets 429."""
    client = Client()
    client.force_login(keeper)
    post(client, f"{base(station)}/checkins",
         {"waybill_no": "YT1234567890123", "recipient_phone": "13895556789"})  # fmt: skip
    with caplog.at_level(logging.WARNING, logger="youpin.counter.pickup"):
        for _ in range(throttle.CLIENT_LIMIT):
            wrong = post(client, f"{base(station)}/pickups",
                         {"pickup_code": "1-1-1", "phone_tail": "0000"})  # fmt: skip
            assert wrong.status_code == 404
    right = post(client, f"{base(station)}/pickups", {"pickup_code": "1-1-1", "phone_tail": "6789"})
    assert right.status_code == 429
    mine = [r for r in caplog.records if r.name == "youpin.counter.pickup"]
    assert len(mine) == throttle.CLIENT_LIMIT
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "6789" not in logged
    assert "0000" not in logged
    assert "1-1-1" not in logged
    other = post(client, f"{base(station)}/pickups", {"pickup_code": "1-1-1", "phone_tail": "6789"},
                 REMOTE_ADDR="10.0.0.9")  # fmt: skip
    assert other.status_code == 200  # another client is not blocked by this one


def test_station_limit_holds_across_clients(station: Station, keeper: Any) -> None:
    """Failures from many addresses add up at the station."""
    client = Client()
    client.force_login(keeper)
    for n in range(throttle.STATION_LIMIT):
        post(client, f"{base(station)}/pickups", {"waybill_no": f"YT{9000000000000 + n}"},
             REMOTE_ADDR=f"10.0.1.{n}")  # fmt: skip
    blocked = post(client, f"{base(station)}/pickups", {"waybill_no": "YT9000000000000"},
                   REMOTE_ADDR="10.0.2.1")  # fmt: skip
    assert blocked.status_code == 429


def test_send_exception_and_return_over_the_api(station: Station, keeper: Any) -> None:
    """代寄 with the three rules, hand-over event; an exception; a refused unsafe sending."""
    client = Client()
    client.force_login(keeper)
    shipment = {
        "sender_name": "马德福", "sender_id_number": "64052119800101123X",
        "real_name_checked": True, "inspected": True, "screening_required": True,
        "screened": False, "goods": "中宁枸杞 2 kg", "weight_g": 2100, "carrier": "post",
        "waybill_no": "9812345678901",
    }  # fmt: skip
    unsafe = post(client, f"{base(station)}/shipments", shipment)
    assert unsafe.status_code == 400
    assert unsafe.json()["code"] == "screening"
    assert not Parcel.objects.filter(waybill_no="9812345678901").exists()
    accepted = post(client, f"{base(station)}/shipments", {**shipment, "screened": True})
    assert accepted.status_code == 201, accepted.content
    row = accepted.json()
    assert row["sender_id"] == "6405**********123X"
    assert row["sender_name"] == "马**"
    assert "19800101" not in json.dumps(row)
    handed = post(client, f"{base(station)}/shipments/{row['id']}/handover", {})
    assert handed.status_code == 200
    assert handed.json()["state"] == "handed_over"
    again = post(client, f"{base(station)}/shipments/{row['id']}/handover", {})
    assert again.status_code == 409
    parcel = Parcel.objects.get(waybill_no="9812345678901")
    assert parcel.status == "picked_up"
    assert parcel.collected_at is not None
    event = TrackingEvent.objects.get(parcel=parcel)
    assert (event.raw_code, event.source, event.station_id) == (
        "station_send",
        "station",
        station.pk,
    )
    assert Shipment.objects.get().sender_id_masked == "6405**********123X"

    post(client, f"{base(station)}/checkins", {"waybill_no": "YT1234567890123"})
    refused = post(client, f"{base(station)}/exceptions",
                   {"waybill_no": "YT1234567890123", "kind": "refused"})  # fmt: skip
    assert refused.status_code == 200
    assert refused.json()["state"] == "exception"
    listed = client.get(f"{base(station)}/returns").json()
    assert [r["waybill_no"] for r in listed] == ["YT1234567890123"]
    back = post(client, f"{base(station)}/returns", {"waybill_no": "YT1234567890123"})
    assert back.status_code == 200
    assert back.json()["state"] == "returned"
    assert Parcel.objects.get(waybill_no="YT1234567890123").status == "return_to_sender"


def test_the_counter_is_in_the_openapi_document() -> None:
    """The schema builds and lists the counter's operations."""
    paths = Client().get("/api/openapi.json").json()["paths"]
    assert "/api/counter/{station_code}/checkins" in paths
    assert "/api/counter/{station_code}/shipments/{shipment_id}/handover" in paths
