"""Kdniao track pushes, replayed from a recorded sample, and its signature and reply."""

from __future__ import annotations

import base64
import hashlib
import json
import random
from datetime import datetime
from pathlib import Path
from urllib.parse import quote_plus, unquote_plus, urlencode

from youpin.connectors.carriers import kdniao_reply, kdniao_sign, parse_tracking, verify_kdniao_sign
from youpin.connectors.records import ParcelState as S
from youpin.connectors.records import TrackingEventRecord
from youpin.connectors.tabular import SHANGHAI

SAMPLES = Path(__file__).parent / "samples" / "tracking"
APP_KEY = "youpin-test-appkey"  # the AppKey the sample was signed with
NOW = datetime(2024, 6, 10, 12, 0, tzinfo=SHANGHAI)


def envelope() -> dict[str, str]:
    """The recorded push envelope: RequestType, DataSign, RequestData."""
    return json.loads((SAMPLES / "kdniao_push.json").read_text(encoding="utf-8"))


def key(event: TrackingEventRecord) -> tuple[object, ...]:
    """Everything that identifies an event, hashable."""
    return (
        event.waybill_no,
        event.carrier_code,
        event.occurred_at,
        event.status,
        event.raw_code,
        event.raw_text,
        tuple(sorted(event.extra.items())),
    )


def by_waybill(events: list[TrackingEventRecord], waybill: str) -> list[TrackingEventRecord]:
    """The events of one waybill, oldest first."""
    return [e for e in events if e.waybill_no == waybill]


def test_push_statuses_from_actions():
    """Per-trace Action codes decide: 211 in a station is ready, 311 signed there is delivered."""
    result = parse_tracking((SAMPLES / "kdniao_push.json").read_bytes(), now=NOW)
    assert result.provider == "kdniao"
    events = result.all_events()
    jt = by_waybill(events, "JT0001234567890")
    assert [(e.raw_code, e.status) for e in jt] == [
        ("1", S.PICKED_UP),
        ("204", S.IN_TRANSIT),
        ("205", S.IN_TRANSIT),
        ("211", S.READY_FOR_PICKUP),
        ("311", S.DELIVERED),
    ]
    assert {e.carrier_code for e in jt} == {"jt"}
    assert jt[3].extra["pickup_code"] == "6-1-2031"
    assert jt[3].extra["station_name"] == "迎水桥镇菜鸟驿站"
    assert jt[0].place_name == "石嘴山市"
    yunda = by_waybill(events, "4310000000003")
    assert [(e.raw_code, e.status) for e in yunda] == [
        ("211", S.READY_FOR_PICKUP),
        ("412", S.ON_HOLD),
    ]
    assert result.envelope["ebusiness_id"] == "1700001"


def test_unknown_state_ex_is_unknown_and_warned():
    """The newest trace without Action takes StateEx; an unknown StateEx is unknown, kept raw."""
    result = parse_tracking((SAMPLES / "kdniao_push.json").read_bytes(), now=NOW)
    zto = by_waybill(result.all_events(), "78900000000002")
    assert [(e.raw_code, e.status) for e in zto] == [("", S.IN_TRANSIT), ("499", S.UNKNOWN)]
    assert zto[1].extra["state"] == "4"
    warnings = [m for m in result.messages if m.code == "unknown_status"]
    assert len(warnings) == 1
    assert "499" in warnings[0].text
    assert result.counts.unknown_status == 1
    assert not result.errors
    assert result.counts.items == result.counts.events == 9


def test_parcel_meta():
    """Each waybill's State/StateEx is kept as parcel metadata."""
    result = parse_tracking((SAMPLES / "kdniao_push.json").read_bytes(), now=NOW)
    meta = result.parcels_meta[("jt", "JT0001234567890")]
    assert meta.status is S.DELIVERED
    assert meta.finished
    assert meta.raw_state == "3/311"
    assert result.parcels_meta[("yunda", "4310000000003")].status is S.ON_HOLD


def test_form_body_and_bare_request_data_read_the_same():
    """The push as a form body, as JSON, or as bare RequestData gives the same events."""
    env = envelope()
    as_json = parse_tracking(json.dumps(env, ensure_ascii=False), now=NOW).all_events()
    as_form = parse_tracking(urlencode(env), now=NOW).all_events()
    bare = parse_tracking(env["RequestData"], now=NOW).all_events()
    assert [key(e) for e in as_json] == [key(e) for e in as_form] == [key(e) for e in bare]


def test_shuffled_traces_give_the_same_set():
    """Shuffling items and traces changes nothing but the order."""
    data = json.loads(envelope()["RequestData"])
    expected = {key(e) for e in parse_tracking(json.dumps(data), now=NOW).all_events()}
    rng = random.Random(11)
    for _ in range(10):
        rng.shuffle(data["Data"])
        for item in data["Data"]:
            rng.shuffle(item["Traces"])
        result = parse_tracking(json.dumps(data, ensure_ascii=False), now=NOW)
        assert {key(e) for e in result.all_events()} == expected


def test_sign_matches_documented_formula():
    """DataSign = urlencode(base64(md5_hex_lower(RequestData + AppKey))) verifies."""
    env = envelope()
    digest = hashlib.md5((env["RequestData"] + APP_KEY).encode("utf-8")).hexdigest()
    expected = quote_plus(base64.b64encode(digest.encode("ascii")).decode("ascii"))
    assert env["DataSign"] == expected
    assert kdniao_sign(env["RequestData"], APP_KEY) == expected
    assert verify_kdniao_sign(env["RequestData"], APP_KEY, env["DataSign"])
    assert verify_kdniao_sign(env["RequestData"], APP_KEY, unquote_plus(env["DataSign"]))


def test_wrong_sign_fails():
    """A wrong AppKey, a tampered RequestData or a garbage sign does not verify."""
    env = envelope()
    assert not verify_kdniao_sign(env["RequestData"], "other-key", env["DataSign"])
    assert not verify_kdniao_sign(env["RequestData"] + " ", APP_KEY, env["DataSign"])
    assert not verify_kdniao_sign(env["RequestData"], APP_KEY, "签名")
    assert not verify_kdniao_sign(env["RequestData"], APP_KEY, "")


def test_reply_body():
    """The reply carries our EBusinessID, the time in Shanghai, Success and Reason."""
    moment = datetime(2024, 6, 5, 18, 0, 1, tzinfo=SHANGHAI)
    assert kdniao_reply("1700001", now=moment) == {
        "EBusinessID": "1700001",
        "UpdateTime": "2024-06-05 18:00:01",
        "Success": True,
        "Reason": "",
    }
    failed = kdniao_reply("1700001", success=False, reason="签名错误", now=moment)
    assert failed["Success"] is False
    assert failed["Reason"] == "签名错误"


def test_missing_logistic_code_rejects_its_traces():
    """An item without LogisticCode is an error; its traces are counted as rejected."""
    data = {
        "EBusinessID": "1",
        "Data": [
            {
                "ShipperCode": "ZTO",
                "State": "2",
                "Traces": [{"AcceptTime": "2024-06-01 10:00:00", "AcceptStation": "在途"}] * 3,
            }
        ],
    }
    result = parse_tracking(json.dumps(data, ensure_ascii=False), now=NOW)
    assert result.all_events() == []
    assert [m.code for m in result.errors] == ["missing_waybill"]
    assert result.counts.rejected == 3
    assert result.counts.balanced


def test_query_result_single_item():
    """A query result (one item with Traces at the top) reads like a push item."""
    query = {
        "EBusinessID": "1",
        "ShipperCode": "SF",
        "LogisticCode": "SF1000000000002",
        "Success": True,
        "State": "2",
        "Traces": [
            {"AcceptTime": "2024-06-01 10:00:00", "AcceptStation": "顺丰速运 已收取快件"},
            {"AcceptTime": "2024-06-02 10:00:00", "AcceptStation": "快件到达【银川集散中心】"},
        ],
    }
    result = parse_tracking(json.dumps(query, ensure_ascii=False), now=NOW)
    assert [(e.status, e.raw_code) for e in result.all_events()] == [
        (S.PICKED_UP, ""),
        (S.IN_TRANSIT, "2"),
    ]
    assert result.envelope["kind"] == "query"


def test_failed_query_is_a_warning():
    """Success false with a Reason is said, with no events and no exception."""
    query = {
        "ShipperCode": "YD",
        "LogisticCode": "4310000000009",
        "Success": False,
        "Reason": "暂无轨迹",
    }
    result = parse_tracking(json.dumps(query, ensure_ascii=False), now=NOW)
    assert result.all_events() == []
    assert any(m.code == "provider_reason" and "暂无轨迹" in m.text for m in result.messages)


def test_detailed_problem_codes():
    """Refused, returned, delayed, intercepted and cancelled map as documented."""
    expected = {
        "404": S.DELIVERY_FAILED,
        "407": S.RETURN_TO_SENDER,
        "417": S.DELIVERY_DELAYED,
        "413": S.CANCELLED,
        "415": S.CANCELLED,
        "202": S.OUT_FOR_DELIVERY,
        "10": S.PENDING,
    }
    traces = [
        {"AcceptTime": f"2024-06-01 10:{i:02d}:00", "AcceptStation": code, "Action": code}
        for i, code in enumerate(expected)
    ]
    data = {"LogisticCode": "X", "ShipperCode": "ZTO", "Traces": traces}
    events = parse_tracking(json.dumps(data), now=NOW).all_events()
    assert {e.raw_code: e.status for e in events} == expected
