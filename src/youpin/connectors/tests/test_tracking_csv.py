"""Carrier tracking tables (CSV in GBK, XLSX) read with a saved column mapping, streamed."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from youpin.connectors.carriers import TrackingColumnMapping, guess_mapping, parse_tracking
from youpin.connectors.records import ParcelState as S
from youpin.connectors.tabular import SHANGHAI

SAMPLES = Path(__file__).parent / "samples" / "tracking"
NOW = datetime(2024, 6, 10, 12, 0, tzinfo=SHANGHAI)


def mapping_json() -> dict[str, object]:
    """The saved mapping of the sample carrier export."""
    return json.loads((SAMPLES / "carrier_scans_mapping.json").read_text(encoding="utf-8"))


def test_gbk_sample_with_mapping():
    """The GBK export reads with exact statuses; bad rows are errors, an unknown scan is unknown."""
    result = parse_tracking(
        (SAMPLES / "carrier_scans_gbk.csv").read_bytes(), mapping=mapping_json(), now=NOW
    )
    assert result.provider == "csv"
    assert result.streaming
    events = result.all_events()
    assert [(e.waybill_no, e.raw_code, e.status) for e in events] == [
        ("4310000000101", "收件", S.PICKED_UP),
        ("4310000000101", "发件", S.IN_TRANSIT),
        ("4310000000101", "到件", S.IN_TRANSIT),
        ("4310000000101", "入柜", S.READY_FOR_PICKUP),
        ("4310000000101", "签收", S.DELIVERED),
        ("4310000000202", "留仓", S.UNKNOWN),
        ("4310000000303", "派件", S.OUT_FOR_DELIVERY),
    ]
    assert {e.carrier_code for e in events} == {"yunda"}
    assert events[1].occurred_at == datetime(2024, 6, 1, 18, 30, tzinfo=SHANGHAI)
    assert events[0].place_code == "640521000000"
    assert events[0].place_name == "中卫中宁县"
    assert events[0].extra["weight_g"] == "1250"
    assert events[3].extra["pickup_code"] == "3-2-108"
    assert all(e.time_zone_assumed and e.source == "csv" for e in events)
    assert [(m.code, m.row) for m in result.errors] == [("missing_waybill", 8), ("bad_time", 9)]
    assert [m.code for m in result.messages if not m.is_error] == ["unknown_status"]
    counts = result.counts
    assert (counts.items, counts.events, counts.rejected, counts.unknown_status) == (9, 7, 2, 1)
    assert result.envelope["encoding"] == "gb18030"


def test_xlsx_reads_like_csv():
    """The same table as XLSX gives the same events."""
    book = Workbook()
    sheet = book.active
    sheet.append(["运单号", "扫描时间", "扫描类型", "描述"])
    sheet.append(["4310000000101", datetime(2024, 6, 1, 9, 0), "收件", "已收件"])
    sheet.append([4310000000102, "2024-06-02 10:00:00", "签收", "已签收"])
    buffer = io.BytesIO()
    book.save(buffer)
    mapping = TrackingColumnMapping(
        name="xlsx",
        carrier="yunda",
        columns={"waybill_no": "运单号", "occurred_at": "扫描时间", "status": "扫描类型"},
        status_map={"收件": "picked_up", "签收": "delivered"},
    )
    events = parse_tracking(buffer.getvalue(), mapping=mapping, now=NOW).all_events()
    assert [(e.waybill_no, e.status) for e in events] == [
        ("4310000000101", S.PICKED_UP),
        ("4310000000102", S.DELIVERED),
    ]


def test_mapping_round_trips_through_json():
    """A mapping saved as JSON reads back equal; raw_code is another name for status."""
    mapping = TrackingColumnMapping.from_dict(mapping_json())
    again = TrackingColumnMapping.from_dict(json.loads(json.dumps(mapping.to_dict())))
    assert again == mapping
    aliased = TrackingColumnMapping.from_dict(
        {"name": "a", "columns": {"waybill_no": "单号", "occurred_at": "时间", "raw_code": "码"}}
    )
    assert aliased.columns["status"] == "码"


@pytest.mark.parametrize(
    "data",
    [
        {"name": "x", "columns": {"occurred_at": "时间", "status": "状态"}},
        {"name": "x", "columns": {"waybill_no": "单号", "occurred_at": "时间"}},
        {"name": "x", "columns": {"waybill_no": "单号", "occurred_at": "时间", "colour": "色"}},
        {
            "name": "x",
            "columns": {"waybill_no": "单号", "occurred_at": "时间", "status": "状态"},
            "status_map": {"签收": "signed"},
        },
        {"name": "x", "columns": "运单号"},
    ],
)
def test_bad_mapping_is_an_error(data):
    """An unusable mapping is refused with an error message, never an exception."""
    result = parse_tracking(b"a,b\n1,2\n", provider="csv", mapping=data, now=NOW)
    assert result.all_events() == []
    assert [m.code for m in result.errors] == ["bad_mapping"]


def test_missing_required_column_is_an_error():
    """A file without the mapped waybill column is refused before any row is read."""
    mapping = mapping_json()
    result = parse_tracking("单号,扫描时间\n1,2024-06-01\n", mapping=mapping, now=NOW)
    assert [m.code for m in result.errors] == ["missing_column"]
    assert result.all_events() == []


def test_missing_optional_column_is_a_warning():
    """A mapped optional column absent from the file is warned about and left empty."""
    text = "运单号,扫描时间,扫描类型\n4310000000101,2024-06-01 09:00:00,收件\n"
    result = parse_tracking(text, mapping=mapping_json(), now=NOW)
    (event,) = result.all_events()
    assert event.status is S.PICKED_UP
    assert event.raw_text == ""
    assert event.place_code is None
    assert {m.code for m in result.messages} == {"missing_column"}
    assert not result.errors


def test_guessed_mapping_and_status_from_words():
    """Without a mapping the header is guessed; canonical words and descriptions give statuses."""
    text = (
        "快递单号,快递公司,操作时间,状态,轨迹描述\n"
        "78900000000011,中通快递,2024-06-01 09:00:00,已揽收,已揽件\n"
        "78900000000011,中通快递,2024-06-02 09:00:00,delivered,已签收\n"
        "78900000000011,中通快递,2024-06-02 08:00:00,,快件已放入【文昌镇驿站】，取件码 1-1-001\n"
    )
    assert guess_mapping(text.splitlines()[0].split(",")) is not None
    result = parse_tracking(text.encode("utf-8"), now=NOW)
    events = result.all_events()
    assert [e.status for e in events] == [S.PICKED_UP, S.DELIVERED, S.READY_FOR_PICKUP]
    assert {e.carrier_code for e in events} == {"zto"}
    assert events[2].extra["station_name"] == "文昌镇驿站"
    assert "guessed_mapping" in {m.code for m in result.messages}


def test_no_mapping_and_unguessable_header():
    """A table whose header cannot be guessed is an error that lists the header."""
    result = parse_tracking("甲,乙\n1,2\n", now=NOW)
    assert [m.code for m in result.errors] == ["no_mapping"]
    assert "甲" in result.errors[0].text


def test_streams_without_reading_everything():
    """Events come one by one: consuming a few rows of a big file counts only those."""
    rows = "".join(f"W{i:08d},2024-06-01 09:00:00,签收\n" for i in range(20_000))
    stream = io.BytesIO(("运单号,扫描时间,扫描类型\n" + rows).encode("utf-8"))
    mapping = mapping_json()
    result = parse_tracking(stream, mapping=mapping, now=NOW)
    events = iter(result.events)
    first = [next(events) for _ in range(3)]
    assert [e.waybill_no for e in first] == ["W00000000", "W00000001", "W00000002"]
    assert result.counts.events == 3


def test_messages_are_capped_but_counted():
    """A file full of bad rows keeps a bounded number of messages and counts the rest."""
    rows = "".join(f"W{i},不是时间,签收\n" for i in range(50))
    mapping = {
        "name": "m",
        "columns": {"waybill_no": "运单号", "occurred_at": "时间", "status": "类型"},
    }
    result = parse_tracking("运单号,时间,类型\n" + rows, mapping=mapping, now=NOW, max_messages=10)
    assert result.all_events() == []
    assert result.counts.rejected == 50
    assert len(result.messages) == 11
    assert result.messages[-1].code == "messages_truncated"
    assert result.counts.messages_not_listed == 40


def test_carrier_column_and_unknown_carrier():
    """A carrier column overrides the mapping's carrier; an unknown name is kept and warned."""
    mapping = {
        "name": "多家",
        "carrier": "yunda",
        "columns": {
            "waybill_no": "运单号",
            "carrier": "快递",
            "occurred_at": "时间",
            "raw_text": "描述",
        },
    }
    text = (
        "运单号,快递,时间,描述\n"
        "1,极兔,2024-06-01 09:00:00,已揽收\n"
        "2,JTSD,2024-06-01 09:00:00,已揽收\n"
        "3,,2024-06-01 09:00:00,已揽收\n"
        "4,飞鸟快运,2024-06-01 09:00:00,已揽收\n"
        "5,飞鸟快运,2024-06-01 09:00:00,已揽收\n"
    )
    result = parse_tracking(text, mapping=mapping, now=NOW)
    assert [e.carrier_code for e in result.all_events()] == [
        "jt",
        "jt",
        "yunda",
        "飞鸟快运",
        "飞鸟快运",
    ]
    assert [m.code for m in result.messages] == ["unknown_carrier"]
    assert result.counts.unknown_carrier == 2


def test_scientific_notation_waybill_is_refused():
    """A waybill Excel turned into 4.31E+12 has lost digits: that row is an error."""
    text = "运单号,扫描时间,扫描类型\n4.31E+12,2024-06-01 09:00:00,签收\n"
    result = parse_tracking(text, mapping=mapping_json(), now=NOW)
    assert result.all_events() == []
    assert [m.code for m in result.errors] == ["bad_waybill"]


def test_saved_mappings_are_chosen_by_header():
    """Given several saved mappings, the one whose columns the file has is used."""
    other = {
        "name": "中通导出",
        "carrier": "zto",
        "columns": {"waybill_no": "单号", "occurred_at": "时间", "status": "状态"},
    }
    result = parse_tracking(
        (SAMPLES / "carrier_scans_gbk.csv").read_bytes(),
        mapping=[other, mapping_json()],
        now=NOW,
    )
    assert len(result.all_events()) == 7
    assert result.envelope["mapping_chosen"] == "中卫韵达网点扫描导出"


def test_mapping_as_json_text():
    """A mapping saved as JSON text is accepted as is; broken JSON text is an error."""
    raw = (SAMPLES / "carrier_scans_gbk.csv").read_bytes()
    text = (SAMPLES / "carrier_scans_mapping.json").read_text(encoding="utf-8")
    assert len(parse_tracking(raw, mapping=text, now=NOW).all_events()) == 7
    broken = parse_tracking(raw, mapping="{not json", now=NOW)
    assert [m.code for m in broken.errors] == ["bad_mapping"]


def test_guess_never_takes_the_order_number_for_the_waybill():
    """An order-number column is not mistaken for the waybill column."""
    assert guess_mapping(["订单号", "时间", "状态"]) is None
    guessed = guess_mapping(["订单号", "运单号", "时间", "状态"])
    assert guessed is not None
    assert guessed.columns["waybill_no"] == "运单号"


def test_file_without_status_or_description_is_refused():
    """When neither the status nor the description column is in the file, nothing is guessed."""
    result = parse_tracking("运单号,扫描时间\n1,2024-06-01 10:00:00\n", mapping=mapping_json())
    assert [m.code for m in result.errors] == ["missing_column"]
    assert result.all_events() == []
