"""Kuaidi100 query results and subscription pushes, replayed from recorded samples."""

from __future__ import annotations

import hashlib
import json
import random
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs

from youpin.connectors.carriers import (
    kuaidi100_reply,
    kuaidi100_sign,
    parse_tracking,
    verify_kuaidi100_sign,
)
from youpin.connectors.records import ParcelState as S
from youpin.connectors.records import TrackingEventRecord
from youpin.connectors.tabular import SHANGHAI

SAMPLES = Path(__file__).parent / "samples" / "tracking"
SALT = "zhongwei-test-salt"  # the salt the form samples were signed with
NOW = datetime(2024, 6, 10, 12, 0, tzinfo=SHANGHAI)


def sample(name: str) -> bytes:
    """The bytes of a recorded sample."""
    return (SAMPLES / name).read_bytes()


def form_fields(name: str) -> dict[str, str]:
    """The decoded fields of a form-body sample."""
    return {k: v[0] for k, v in parse_qs(sample(name).decode().strip()).items()}


def key(event: TrackingEventRecord) -> tuple[object, ...]:
    """Everything that identifies an event, hashable."""
    return (
        event.waybill_no,
        event.carrier_code,
        event.occurred_at,
        event.status,
        event.raw_code,
        event.raw_text,
        event.place_code,
        event.place_name,
        tuple(sorted(event.extra.items())),
    )


def test_push_v1_statuses():
    """A v1 push (no per-event status): the newest event takes `state`, older ones their words."""
    result = parse_tracking(sample("kuaidi100_push_v1.txt"), now=NOW)
    assert result.provider == "kuaidi100"
    assert [e.status for e in result.events] == [
        S.PICKED_UP,
        S.IN_TRANSIT,
        S.IN_TRANSIT,
        S.OUT_FOR_DELIVERY,
    ]
    events = result.all_events()
    assert {e.waybill_no for e in events} == {"78912345678901"}
    assert {e.carrier_code for e in events} == {"zto"}
    assert events[-1].raw_code == "5"
    assert events[-1].extra["status_source"] == "state"
    assert events[0].extra["status_source"] == "text"
    assert events[0].place_name == "杭州市"
    assert all(e.time_zone_assumed for e in events)
    assert events[0].occurred_at == datetime(2024, 6, 1, 17, 30, tzinfo=SHANGHAI)
    assert result.envelope["push_status"] == "polling"
    assert not result.errors
    assert result.counts.items == result.counts.events == 4


def test_push_v2_area_codes_and_station_facts():
    """A v2 push: per-event status text decides, areaCode becomes a 12-digit place code."""
    result = parse_tracking(sample("kuaidi100_push_v2.txt"), now=NOW)
    events = result.all_events()
    assert [e.status for e in events] == [
        S.PICKED_UP,
        S.IN_TRANSIT,
        S.IN_TRANSIT,
        S.READY_FOR_PICKUP,
        S.DELIVERED,
    ]
    assert [e.place_code for e in events] == [
        "640521000000",
        "640100000000",
        "640502000000",
        "640502109000",
        "640502109000",
    ]
    ready = events[3]
    assert ready.raw_code == "投柜或驿站"
    assert ready.extra["pickup_code"] == "3-2-108"
    assert ready.extra["station_name"] == "兴仁镇兴农超市"
    assert ready.place_name == "宁夏,中卫市,沙坡头区,兴仁镇"
    meta = result.parcels_meta[("yunda", "4312345678901")]
    assert meta.finished
    assert meta.status is S.DELIVERED
    assert meta.extra["route_from"] == "640521000000"
    assert not result.messages


def test_shutdown_push_marks_parcel_finished():
    """A shutdown push (the param JSON as the view reads it) ends delivered and finished."""
    result = parse_tracking(sample("kuaidi100_push_shutdown.json"), now=NOW)
    events = result.all_events()
    assert [e.status for e in events] == [
        S.PICKED_UP,
        S.IN_TRANSIT,
        S.OUT_FOR_DELIVERY,
        S.READY_FOR_PICKUP,
        S.DELIVERED,
    ]
    assert events[3].extra["pickup_code"] == "8-3-015"
    assert events[3].extra["station_name"] == "迎水桥镇菜鸟驿站"
    assert {e.carrier_code for e in events} == {"sto"}
    meta = result.parcels_meta[("sto", "7712345678901")]
    assert meta.finished
    assert meta.status is S.DELIVERED
    assert result.envelope["push_status"] == "shutdown"


def test_query_result():
    """A real-time query result reads like a push's lastResult."""
    result = parse_tracking(sample("kuaidi100_query.json"), now=NOW)
    assert result.provider == "kuaidi100"
    assert result.envelope["kind"] == "query"
    assert [e.status for e in result.events] == [S.PICKED_UP, S.IN_TRANSIT, S.IN_TRANSIT]
    assert {e.carrier_code for e in result.all_events()} == {"sf"}


def test_shuffled_events_give_the_same_set():
    """The order of `data` does not matter: the newest event is found by time, not position."""
    param = json.loads(form_fields("kuaidi100_push_v1.txt")["param"])
    expected = {key(e) for e in parse_tracking(json.dumps(param), now=NOW).all_events()}
    rng = random.Random(7)
    for _ in range(10):
        rng.shuffle(param["lastResult"]["data"])
        shuffled = parse_tracking(json.dumps(param, ensure_ascii=False), now=NOW)
        assert {key(e) for e in shuffled.all_events()} == expected


def test_sign_matches_documented_formula():
    """The form samples carry MD5(param + salt) in upper-case hex, and it verifies."""
    for name in ("kuaidi100_push_v1.txt", "kuaidi100_push_v2.txt"):
        fields = form_fields(name)
        expected = hashlib.md5((fields["param"] + SALT).encode("utf-8")).hexdigest().upper()
        assert fields["sign"] == expected
        assert kuaidi100_sign(fields["param"], SALT) == expected
        assert verify_kuaidi100_sign(fields["param"], SALT, fields["sign"])


def test_wrong_sign_fails():
    """A wrong salt, a tampered param or a garbage sign does not verify."""
    fields = form_fields("kuaidi100_push_v1.txt")
    assert not verify_kuaidi100_sign(fields["param"], "other-salt", fields["sign"])
    assert not verify_kuaidi100_sign(fields["param"] + " ", SALT, fields["sign"])
    assert not verify_kuaidi100_sign(fields["param"], SALT, "签名")
    assert not verify_kuaidi100_sign(fields["param"], SALT, "")


def test_reply_bodies():
    """The success reply is exactly what Kuaidi100 documents; a failure asks for a resend."""
    assert kuaidi100_reply() == {"result": True, "returnCode": "200", "message": "成功"}
    assert kuaidi100_reply(success=False)["result"] is False


def test_abort_push_says_tracking_stopped():
    """An abort push with no events keeps the parcel, says why tracking stopped."""
    push = {
        "status": "abort",
        "message": "3天查询无记录",
        "lastResult": {"nu": "78900000000009", "com": "zhongtong", "state": "0", "data": []},
    }
    result = parse_tracking(json.dumps({"param": json.dumps(push)}), now=NOW)
    assert result.all_events() == []
    assert result.parcels_meta[("zto", "78900000000009")].stopped == "3天查询无记录"
    assert "tracking_stopped" in {m.code for m in result.messages}
    assert not result.errors


def test_missing_waybill_rejects_every_trace():
    """Without `nu` the traces cannot be attributed: one error, all traces counted as rejected."""
    push = {
        "status": "polling",
        "lastResult": {
            "com": "yunda",
            "state": "0",
            "data": [
                {"time": "2024-06-01 10:00:00", "context": "已揽收"},
                {"time": "2024-06-02 10:00:00", "context": "运输中"},
            ],
        },
    }
    result = parse_tracking(json.dumps(push), provider="kuaidi100", now=NOW)
    assert result.all_events() == []
    assert [m.code for m in result.errors] == ["missing_waybill"]
    assert result.counts.rejected == result.counts.items == 2


def test_bad_trace_time_is_an_error_not_an_exception():
    """An unreadable time rejects that trace only."""
    query = {
        "nu": "SF1000000000001",
        "com": "shunfeng",
        "state": "0",
        "data": [
            {"time": "昨天", "context": "运输中"},
            {"time": "2024-06-02 10:00:00", "context": "已揽收"},
            "not an object",
        ],
    }
    result = parse_tracking(json.dumps(query, ensure_ascii=False), now=NOW)
    assert len(result.all_events()) == 1
    assert {m.code for m in result.errors} == {"bad_time", "bad_trace"}
    assert result.counts.balanced
    assert result.counts.items == 3


def test_unknown_codes_are_unknown_and_warned():
    """Unknown status text, state and carrier are kept raw, warned about and counted."""
    query = {
        "nu": "X1",
        "com": "xinkuaidi",
        "state": "99",
        "data": [
            {"time": "2024-06-02 10:00:00", "context": "甲", "status": "神秘状态"},
            {"time": "2024-06-01 10:00:00", "context": "乙", "statusCode": "777"},
        ],
    }
    result = parse_tracking(json.dumps(query, ensure_ascii=False), now=NOW)
    events = result.all_events()
    assert [(e.status, e.raw_code) for e in events] == [(S.UNKNOWN, "777"), (S.UNKNOWN, "神秘状态")]
    assert {e.carrier_code for e in events} == {"xinkuaidi"}
    codes = [m.code for m in result.messages]
    assert codes.count("unknown_status") == 3  # statusCode, status text, state
    assert "unknown_carrier" in codes
    assert result.counts.unknown_status == 2
    assert result.counts.unknown_carrier == 2


def test_status_code_takes_precedence_over_status_text():
    """A known statusCode (newer result versions) decides before the status text."""
    query = {
        "nu": "X2",
        "com": "yunda",
        "data": [
            {"time": "2024-06-02 10:00:00", "context": "…", "status": "派件", "statusCode": "501"}
        ],
    }
    (event,) = parse_tracking(json.dumps(query, ensure_ascii=False), now=NOW).all_events()
    assert event.status is S.READY_FOR_PICKUP
    assert event.raw_code == "501"


def test_area_code_shapes():
    """12 digits with or without CN, and a 6-digit county code, become place codes."""
    data = [
        {
            "time": "2024-06-01 10:00:00",
            "context": "a",
            "status": "在途",
            "areaCode": "CN640502109000",
        },
        {"time": "2024-06-01 11:00:00", "context": "b", "status": "在途", "areaCode": "640521"},
        {"time": "2024-06-01 12:00:00", "context": "c", "status": "在途", "areaCode": "CN6405"},
    ]
    query = {"nu": "X3", "com": "yunda", "data": data}
    events = parse_tracking(json.dumps(query, ensure_ascii=False), now=NOW).all_events()
    assert [e.place_code for e in events] == ["640502109000", "640521000000", None]
    assert events[2].extra["area_code"] == "CN6405"


def test_offset_time_is_not_assumed():
    """A time with an offset is taken as given; without one Shanghai is assumed and flagged."""
    data = [
        {"time": "2024-06-01T02:00:00+00:00", "context": "a", "status": "在途"},
        {"time": "2024-06-01 09:00:00", "context": "b", "status": "在途"},
    ]
    events = parse_tracking(
        json.dumps({"nu": "X4", "com": "ems", "data": data}), now=NOW
    ).all_events()
    assert [e.time_zone_assumed for e in events] == [True, False]
    assert events[0].occurred_at == datetime(2024, 6, 1, 9, 0, tzinfo=SHANGHAI)
    assert events[1].occurred_at == datetime(2024, 6, 1, 10, 0, tzinfo=SHANGHAI)


def test_provider_failure_reply_is_an_error():
    """A query that failed (result false) is an error message, not an exception."""
    reply = {"result": False, "returnCode": "500", "message": "查询无结果，请隔段时间再查"}
    result = parse_tracking(json.dumps(reply, ensure_ascii=False), now=NOW)
    assert result.provider == "kuaidi100"
    assert [m.code for m in result.errors] == ["provider_error"]
    assert "查询无结果" in result.errors[0].text


def test_corrected_carrier_is_reported():
    """When Kuaidi100 corrects the carrier code, the push says so and the new code is used."""
    push = {
        "status": "polling",
        "autoCheck": "1",
        "comOld": "yuantong",
        "comNew": "ems",
        "lastResult": {"nu": "1100000000001", "com": "", "data": []},
    }
    result = parse_tracking(json.dumps(push), now=NOW)
    assert ("ems", "1100000000001") in result.parcels_meta
    assert "carrier_corrected" in {m.code for m in result.messages}
