"""WeChat e-waybill track pushes, replayed from a recorded sample."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from youpin.connectors.carriers import parse_tracking, wechat_reply
from youpin.connectors.records import ParcelState as S
from youpin.connectors.tabular import SHANGHAI

SAMPLES = Path(__file__).parent / "samples" / "tracking"
NOW = datetime(2024, 6, 10, 12, 0, tzinfo=SHANGHAI)


def push() -> dict[str, object]:
    """The recorded shop e-waybill push."""
    return json.loads((SAMPLES / "wechat_push.json").read_text(encoding="utf-8"))


def test_push_statuses():
    """Each documented action_type maps to its canonical status; the raw code is kept."""
    result = parse_tracking((SAMPLES / "wechat_push.json").read_bytes(), now=NOW)
    assert result.provider == "wechat"
    events = result.all_events()
    assert [(e.raw_code, e.status) for e in events] == [
        ("0", S.PENDING),
        ("1", S.PICKED_UP),
        ("2", S.IN_TRANSIT),
        ("7", S.IN_TRANSIT),
        ("3", S.OUT_FOR_DELIVERY),
        ("4", S.READY_FOR_PICKUP),
        ("9", S.DELIVERED),
    ]
    assert {(e.waybill_no, e.carrier_code) for e in events} == {("YT7000000000001", "yto")}
    assert events[5].extra == {"pickup_code": "635401", "station_name": "宣和镇丰巢智能柜"}
    assert events[0].occurred_at == datetime(2024, 6, 1, 10, 0, tzinfo=SHANGHAI)
    assert not any(e.time_zone_assumed for e in events)
    meta = result.parcels_meta[("yto", "YT7000000000001")]
    assert meta.status is S.DELIVERED
    assert meta.finished
    assert not result.messages


def test_other_type_is_unknown_without_warning_and_unlisted_is_warned():
    """99 ("other") is documented, so unknown without a warning; 42 is unrecognised."""
    data = push()
    data["path"] = [
        {"action_time": 1717300000, "action_type": 99, "action_msg": "其他"},
        {"action_time": 1717300060, "action_type": 42, "action_msg": "？"},
    ]
    result = parse_tracking(json.dumps(data), now=NOW)
    assert [(e.raw_code, e.status) for e in result.all_events()] == [
        ("99", S.UNKNOWN),
        ("42", S.UNKNOWN),
    ]
    assert [m.code for m in result.messages] == ["unknown_status"]
    assert result.counts.unknown_status == 2


def test_logistics_assistant_shape():
    """The older logistics-assistant push (WayBillId, Actions, six-digit types) is read too."""
    data = {
        "ToUserName": "gh_x",
        "MsgType": "event",
        "Event": "add_express_path",
        "DeliveryID": "SF",
        "WayBillId": "SF1000000000003",
        "Actions": [
            {"ActionTime": 1717300000, "ActionType": 100001, "ActionMsg": "小哥揽件成功"},
            {"ActionTime": 1717310000, "ActionType": 300002, "ActionMsg": "开始派送"},
            {"ActionTime": 1717320000, "ActionType": 300003, "ActionMsg": "签收成功"},
        ],
    }
    result = parse_tracking(json.dumps(data, ensure_ascii=False), now=NOW)
    assert result.provider == "wechat"
    assert [e.status for e in result.all_events()] == [S.PICKED_UP, S.OUT_FOR_DELIVERY, S.DELIVERED]
    assert {e.carrier_code for e in result.all_events()} == {"sf"}


def test_missing_waybill_and_bad_times():
    """No waybill rejects every node; a bad action_time rejects just that node."""
    data = push()
    del data["waybill_id"]
    result = parse_tracking(json.dumps(data), provider="wechat", now=NOW)
    assert result.all_events() == []
    assert [m.code for m in result.errors] == ["missing_waybill"]
    assert result.counts.rejected == 7

    data = push()
    data["path"] = [
        {"action_time": "soon", "action_type": 1},
        {"action_time": 10**30, "action_type": 1},
        {"action_time": 1717300000, "action_type": 1},
    ]
    result = parse_tracking(json.dumps(data), now=NOW)
    assert len(result.all_events()) == 1
    assert [m.code for m in result.errors] == ["bad_time", "bad_time"]
    assert result.counts.balanced


def test_millisecond_timestamps():
    """A timestamp in milliseconds is recognised by its size."""
    data = push()
    data["path"] = [{"action_time": 1717300000000, "action_type": 2, "action_msg": ""}]
    (event,) = parse_tracking(json.dumps(data), now=NOW).all_events()
    assert event.occurred_at == datetime.fromtimestamp(1717300000, SHANGHAI)


def test_reply():
    """WeChat wants the word success back."""
    assert wechat_reply() == "success"
