"""Property tests: random bytes and JSON never crash a tracking parser, and nothing is lost."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlencode

from hypothesis import given, settings
from hypothesis import strategies as st

from youpin.connectors.carriers import PROVIDERS, TrackingParseResult, parse_tracking
from youpin.connectors.records import ParcelState, TrackingEventRecord
from youpin.connectors.tabular import SHANGHAI

SAMPLES = Path(__file__).parent / "samples" / "tracking"
NOW = datetime(2024, 6, 10, 12, 0, tzinfo=SHANGHAI)
FAST = settings(max_examples=100, deadline=None)
MAPPING = {
    "name": "随机",
    "carrier": "zto",
    "columns": {
        "waybill_no": "运单号",
        "occurred_at": "时间",
        "status": "类型",
        "raw_text": "描述",
    },
    "status_map": {"签收": "delivered"},
}

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(),
    st.text(max_size=12),
    st.sampled_from(
        [
            "2024-06-01 10:00:00",
            "2024-06-01T10:00:00+00:00",
            "2099-01-01 00:00:00",
            "0001-01-01T00:00:00+08:00",
            "9999-12-31 23:59:59",
            "2024/06/01 10:00",
            "1717300000",
            "3",
            "211",
            "CN640502109000",
            "",
        ]
    ),
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)


def traces(keys: list[str]) -> st.SearchStrategy[list[object]]:
    """Lists of trace-like objects: mostly dicts of the provider's keys, some junk."""
    trace = st.dictionaries(st.sampled_from(keys), scalars, max_size=len(keys))
    return st.lists(st.one_of(trace, trace, json_values), max_size=6)


waybills = st.one_of(st.none(), st.text(max_size=6), st.integers(min_value=0, max_value=10**13))


def check(result: TrackingParseResult) -> list[TrackingEventRecord]:
    """The invariants every result keeps; returns its events."""
    events = result.all_events()
    counts = result.counts
    assert len(events) == counts.events
    assert counts.items == counts.events + counts.rejected
    if counts.rejected:
        assert result.errors
    for event in events:
        assert isinstance(event.status, ParcelState)
        assert event.occurred_at.tzinfo is not None
        assert event.waybill_no
    return events


@FAST
@given(payload=st.binary(max_size=400), provider=st.sampled_from(["auto", *PROVIDERS]))
def test_random_bytes_never_raise(payload, provider):
    """Any bytes, to any parser: a result with messages, never an exception."""
    check(parse_tracking(payload, provider=provider, mapping=MAPPING, now=NOW))


@FAST
@given(value=json_values, provider=st.sampled_from(["auto", *PROVIDERS]))
def test_random_json_never_raises(value, provider):
    """Any JSON value, to any parser: a result with messages, never an exception."""
    payload = json.dumps(value)
    check(parse_tracking(payload, provider=provider, mapping=MAPPING, now=NOW))
    check(parse_tracking(urlencode({"param": payload}), provider=provider, now=NOW))


@FAST
@given(
    waybill=waybills,
    com=scalars,
    state=scalars,
    status=st.sampled_from(["polling", "shutdown", "abort", "updateall", "?"]),
    data=traces(["time", "ftime", "context", "status", "statusCode", "areaCode", "areaName"]),
    as_form=st.booleans(),
)
def test_kuaidi100_every_trace_accounted_for(waybill, com, state, status, data, as_form):
    """Every element of Kuaidi100's data ends as an event or a rejection."""
    push = {
        "status": status,
        "lastResult": {"nu": waybill, "com": com, "state": state, "data": data},
    }
    text = json.dumps(push)
    payload = urlencode({"param": text, "sign": "X"}) if as_form else text
    result = parse_tracking(payload, now=NOW)
    check(result)
    assert result.provider == "kuaidi100"
    assert result.counts.items == len(data)


@FAST
@given(
    items=st.lists(
        st.fixed_dictionaries(
            {
                "LogisticCode": waybills,
                "ShipperCode": scalars,
                "State": scalars,
                "StateEx": scalars,
                "Traces": traces(["AcceptTime", "AcceptStation", "Location", "Action"]),
            }
        ),
        max_size=4,
    )
)
def test_kdniao_every_trace_accounted_for(items):
    """Every trace of every Kdniao item ends as an event or a rejection."""
    request_data = json.dumps({"EBusinessID": "1", "Count": str(len(items)), "Data": items})
    envelope = {"RequestType": "101", "DataSign": "x", "RequestData": request_data}
    result = parse_tracking(json.dumps(envelope), now=NOW)
    check(result)
    assert result.provider == "kdniao"
    assert result.counts.items == sum(len(item["Traces"]) for item in items)


@FAST
@given(
    waybill=waybills,
    carrier=scalars,
    path=traces(["action_time", "action_type", "action_msg"]),
)
def test_wechat_every_node_accounted_for(waybill, carrier, path):
    """Every node of a WeChat path ends as an event or a rejection."""
    push = {
        "Event": "ewaybill_push_path",
        "waybill_id": waybill,
        "delivery_id": carrier,
        "path": path,
    }
    result = parse_tracking(json.dumps(push), now=NOW)
    check(result)
    assert result.provider == "wechat"
    assert result.counts.items == len(path)


_cell_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters=',";'),
    max_size=10,
)
_cells = st.tuples(
    _cell_text,
    st.one_of(_cell_text, st.sampled_from(["2024-06-01 10:00:00", "2024/6/1", "2099-01-01"])),
    st.one_of(_cell_text, st.sampled_from(["签收", "delivered", "已揽收", ""])),
    _cell_text,
)


@FAST
@given(rows=st.lists(_cells, max_size=20), gbk=st.booleans())
def test_csv_every_row_accounted_for(rows, gbk):
    """Every non-blank row of a carrier CSV ends as an event or a rejection."""
    lines = ["运单号,时间,类型,描述"] + [",".join(row) for row in rows]
    text = "\r\n".join(lines) + "\r\n"
    payload = text.encode("gb18030" if gbk else "utf-8")
    result = parse_tracking(payload, mapping=MAPPING, now=NOW)
    check(result)
    expected = sum(1 for row in rows if any(cell.strip() for cell in row))
    if not any(m.code == "unreadable" for m in result.errors):
        assert result.counts.items == expected


def _kuaidi100_v2_param() -> dict[str, object]:
    """The recorded v2 push's param."""
    body = (SAMPLES / "kuaidi100_push_v2.txt").read_text(encoding="utf-8").strip()
    return json.loads(parse_qs(body)["param"][0])


def _identity(event: TrackingEventRecord) -> tuple[object, ...]:
    """Everything that identifies an event, hashable."""
    return (
        event.waybill_no,
        event.occurred_at,
        event.status,
        event.raw_code,
        event.raw_text,
        event.place_code,
        tuple(sorted(event.extra.items())),
    )


_V2 = _kuaidi100_v2_param()
_V2_EVENTS = {_identity(e) for e in parse_tracking(json.dumps(_V2), now=NOW).all_events()}


@FAST
@given(order=st.permutations(range(len(_V2["lastResult"]["data"]))))
def test_any_order_gives_the_same_events(order):
    """Any order of a push's events gives the same set of canonical events."""
    param = json.loads(json.dumps(_V2))
    param["lastResult"]["data"] = [param["lastResult"]["data"][i] for i in order]
    result = parse_tracking(json.dumps(param), now=NOW)
    assert {_identity(e) for e in result.all_events()} == _V2_EVENTS
