"""The single entry point: provider detection, time checks, errors as data, carrier codes."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path

import pytest

from youpin.connectors.carriers import (
    CarrierCodeTable,
    decode_payload,
    detect_provider,
    parse_tracking,
    scan_text,
    status_from_text,
)
from youpin.connectors.carriers.codes import normalise_area_code
from youpin.connectors.records import ParcelState as S
from youpin.connectors.tabular import SHANGHAI

SAMPLES = Path(__file__).parent / "samples" / "tracking"
NOW = datetime(2024, 6, 10, 12, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("name", "provider"),
    [
        ("kuaidi100_push_v1.txt", "kuaidi100"),
        ("kuaidi100_push_v2.txt", "kuaidi100"),
        ("kuaidi100_push_shutdown.json", "kuaidi100"),
        ("kuaidi100_query.json", "kuaidi100"),
        ("kdniao_push.json", "kdniao"),
        ("wechat_push.json", "wechat"),
        ("carrier_scans_gbk.csv", "csv"),
    ],
)
def test_detect_provider_on_samples(name, provider):
    """Each recorded sample is recognised, as bytes, as a stream (left rewound) and as text."""
    raw = (SAMPLES / name).read_bytes()
    assert detect_provider(raw) == provider
    stream = io.BytesIO(raw)
    assert detect_provider(stream) == provider
    assert stream.tell() == 0
    if provider != "csv":
        assert detect_provider(raw.decode("utf-8")) == provider


@pytest.mark.parametrize(
    "payload", [b"", b"   ", b"\x00\x01\x02binary", b'{"hello": "world"}', b"[]"]
)
def test_detect_unknown(payload):
    """Empty, binary and unrelated JSON payloads are unknown."""
    assert detect_provider(payload) == "unknown"


def test_stream_payload_for_json():
    """A JSON push may come as a binary stream."""
    result = parse_tracking(io.BytesIO((SAMPLES / "wechat_push.json").read_bytes()), now=NOW)
    assert result.provider == "wechat"
    assert len(result.all_events()) == 7


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b'{"lastResult": ', "invalid_json"),
        (b"{\xff\xfe}", "invalid_json"),
        (b'{"hello": "world"}', "unknown_provider"),
        (b"param=%7Bnot-json", "invalid_json"),
        (b"", "not_a_table"),
    ],
)
def test_malformed_payloads_are_errors(payload, code):
    """Malformed JSON, unknown shapes and empty bodies give an error message, not an exception."""
    result = parse_tracking(payload, now=NOW)
    assert result.all_events() == []
    assert code in {m.code for m in result.errors}


def test_forced_provider_mismatch_is_an_error():
    """Forcing a provider on another provider's payload says so instead of guessing."""
    result = parse_tracking((SAMPLES / "wechat_push.json").read_bytes(), provider="kuaidi100")
    assert result.all_events() == []
    assert result.errors


def test_unsupported_provider_name():
    """An unknown provider name is refused with a message."""
    result = parse_tracking(b"{}", provider="sto-direct")
    assert [m.code for m in result.errors] == ["unknown_provider"]


def test_future_events_are_flagged_and_kept():
    """Events more than an hour after `now` are warned about, flagged and still returned."""
    raw = (SAMPLES / "kuaidi100_push_v2.txt").read_bytes()
    now = datetime(2024, 6, 4, 12, 0, tzinfo=SHANGHAI)
    result = parse_tracking(raw, now=now)
    events = result.all_events()
    assert len(events) == 5
    future = [e for e in events if e.extra.get("future") == "1"]
    assert [e.occurred_at for e in future] == [datetime(2024, 6, 5, 16, 20, tzinfo=SHANGHAI)]
    warnings = [m for m in result.messages if m.code == "future_event"]
    assert len(warnings) == 1
    assert warnings[0].text.startswith("事件时间在未来")
    assert result.counts.future == 1


def test_within_an_hour_is_not_future():
    """An event less than an hour ahead of `now` (clock skew) is not flagged."""
    raw = (SAMPLES / "kuaidi100_push_v2.txt").read_bytes()
    now = datetime(2024, 6, 5, 15, 30, tzinfo=SHANGHAI)
    result = parse_tracking(raw, now=now)
    assert not any("future" in e.extra for e in result.all_events())
    assert result.counts.future == 0


def test_naive_now_is_shanghai():
    """A naive `now` is read as Shanghai time."""
    raw = (SAMPLES / "kuaidi100_push_v2.txt").read_bytes()
    result = parse_tracking(raw, now=datetime(2024, 6, 4, 12, 0))
    assert result.counts.future == 1


def test_carrier_codes_are_data():
    """The carrier translation can be replaced, e.g. by one built from the reference table."""
    table = CarrierCodeTable(kuaidi100={"zhongtong": "zhongtong-express"})
    result = parse_tracking((SAMPLES / "kuaidi100_push_v1.txt").read_bytes(), carrier_codes=table)
    assert {e.carrier_code for e in result.all_events()} == {"zhongtong-express"}
    assert result.counts.unknown_carrier == 0


def test_decode_form_body():
    """A form body decodes to its fields, the param left as JSON text."""
    data, problem = decode_payload((SAMPLES / "kuaidi100_push_v1.txt").read_bytes())
    assert problem == ""
    assert isinstance(data, dict)
    assert set(data) == {"param", "sign"}
    assert json.loads(data["param"])["lastResult"]["nu"] == "78912345678901"


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("【杭州市】【杭州萧山】的业务员【张三】已揽收", S.PICKED_UP),
        ("商家已下单，等待揽收", S.PENDING),
        ("【银川市】快件离开【银川转运中心】已发往【中卫沙坡头区】", S.IN_TRANSIT),
        ("【中卫市】【中卫沙坡头区】的派件员正在为您派件", S.OUT_FOR_DELIVERY),
        ("【中卫市】快件已到达【兴仁镇兴农超市】，取件码 3-2-108", S.READY_FOR_PICKUP),
        ("您的快件已签收，签收人在【兴仁镇兴农超市】领取", S.DELIVERED),
        ("快件已从快递柜取出", S.DELIVERED),
        ("收件人拒签，快件将退回", S.DELIVERY_FAILED),
        ("快件未妥投：无法联系收件人", S.DELIVERY_FAILED),
        ("快件已退回寄件人", S.RETURN_TO_SENDER),
        ("快件在驿站超时未取", S.ON_HOLD),
        ("快件超时未签收", S.DELIVERY_DELAYED),
        ("寄件人已取消寄件", S.CANCELLED),
    ],
)
def test_status_from_text(text, state):
    """Trace lines without a code are classified from their words, failures before successes."""
    assert status_from_text(text) is state


def test_scan_text():
    """Pickup code, station name and phone tail are lifted out of obvious trace text."""
    assert scan_text("【中卫市】快件已到达【兴仁镇兴农超市】，取件码 3-2-108") == {
        "pickup_code": "3-2-108",
        "station_name": "兴仁镇兴农超市",
    }
    assert scan_text("请凭取件码：123456到【宣和镇丰巢柜】取件，收件人尾号 6688") == {
        "pickup_code": "123456",
        "station_name": "宣和镇丰巢柜",
        "phone_tail": "6688",
    }
    assert scan_text("【中卫市】快件到达【东园镇便民点】，取件码 A12-3") == {
        "pickup_code": "A12-3",
        "station_name": "东园镇便民点",
    }
    assert scan_text("【银川市】快件离开【银川转运中心】") == {}
    assert scan_text("签收人凭取件码签收") == {}


def test_normalise_area_code():
    """Only 12-digit NBS codes (with or without CN) and 6-digit county codes are place codes."""
    assert normalise_area_code("CN640502109000") == "640502109000"
    assert normalise_area_code("cn640502109000") == "640502109000"
    assert normalise_area_code("640521") == "640521000000"
    assert normalise_area_code("CN64050210900") is None
    assert normalise_area_code("宁夏") is None


def test_carrier_table_translation():
    """Each scheme translates its own spelling; a spreadsheet cell accepts any of them."""
    table = CarrierCodeTable()
    assert table.translate("kuaidi100", "YouZhengGuoNei") == "chinapost"
    assert table.translate("kdniao", "dnwl") == "danniao"
    assert table.translate("wechat", "YUNDA") == "yunda"
    assert table.translate("any", "德邦快递") == "deppon"
    assert table.translate("any", "jtexpress") == "jt"
    assert table.translate("any", "ZTO") == "zto"
    assert table.translate("any", "yunda") == "yunda"
    assert table.translate("kdniao", "NOPE") is None


def test_batch_of_query_results():
    """A JSON array of query results is parsed element by element."""
    one = json.loads((SAMPLES / "kuaidi100_query.json").read_text(encoding="utf-8"))
    two = dict(one, nu="SF1234567890999")
    result = parse_tracking(json.dumps([one, two, "junk"], ensure_ascii=False), now=NOW)
    assert result.provider == "kuaidi100"
    assert {e.waybill_no for e in result.all_events()} == {"SF1234567890123", "SF1234567890999"}
    assert [m.code for m in result.errors] == ["not_an_object"]
