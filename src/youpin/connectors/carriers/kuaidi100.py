"""Kuaidi100 (快递100): the real-time query result and the subscription push.

The push arrives as a form with a `param` field holding JSON (and `sign` when a salt
was given at subscription); `param.lastResult` has the same shape as a query result:
`nu`, `com`, `state`, `ischeck` and `data`, newest first. Each event has `time` /
`ftime` and `context`; with `resultv2` it also has `areaCode` ("CN" + a 12-digit NBS
division code), `areaName` and `status` (a Chinese sub-status).

Which code decides an event's status, most specific first: the event's `statusCode`
(newer result versions), else its `status` text, else — for the newest event only —
the parcel's `state`; an event with none of these is read from its words. An unknown
code makes the event `unknown` (raw code kept, warned about); it is never dropped.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime

from youpin.connectors.carriers.codes import (
    ParseLog,
    as_text,
    leading_city,
    normalise_area_code,
    parse_local_time,
    scan_text,
    status_from_text,
)
from youpin.connectors.records import ParcelState, TrackingEventRecord

SOURCE = "kuaidi100"

# `state`: the parcel's current state (also the newest event's, in results without
# per-event status).
STATE_STATUS: dict[str, ParcelState] = {
    "0": ParcelState.IN_TRANSIT,  # 在途
    "1": ParcelState.PICKED_UP,  # 揽收
    "2": ParcelState.ON_HOLD,  # 疑难（问题件）
    "3": ParcelState.DELIVERED,  # 签收
    "4": ParcelState.RETURN_TO_SENDER,  # 退签（退回后寄件人签收）
    "5": ParcelState.OUT_FOR_DELIVERY,  # 派件
    "6": ParcelState.RETURN_TO_SENDER,  # 退回
    "7": ParcelState.IN_TRANSIT,  # 转投
    "8": ParcelState.IN_TRANSIT,  # 清关
    "10": ParcelState.IN_TRANSIT,  # 待清关
    "11": ParcelState.IN_TRANSIT,  # 清关中
    "12": ParcelState.IN_TRANSIT,  # 已清关
    "13": ParcelState.ON_HOLD,  # 清关异常
    "14": ParcelState.DELIVERY_FAILED,  # 拒签
}

# Event `status` (v2): the Chinese name of the state, or a finer sub-state.
STATUS_TEXT: dict[str, ParcelState] = {
    "在途": ParcelState.IN_TRANSIT,
    "揽收": ParcelState.PICKED_UP,
    "疑难": ParcelState.ON_HOLD,
    "签收": ParcelState.DELIVERED,
    "退签": ParcelState.RETURN_TO_SENDER,
    "派件": ParcelState.OUT_FOR_DELIVERY,
    "退回": ParcelState.RETURN_TO_SENDER,
    "转投": ParcelState.IN_TRANSIT,
    "清关": ParcelState.IN_TRANSIT,
    "待清关": ParcelState.IN_TRANSIT,
    "清关中": ParcelState.IN_TRANSIT,
    "已清关": ParcelState.IN_TRANSIT,
    "清关异常": ParcelState.ON_HOLD,
    "拒签": ParcelState.DELIVERY_FAILED,
    # Finer sub-states of the newer result versions.
    "已下单": ParcelState.PENDING,
    "待揽收": ParcelState.PENDING,
    "已揽收": ParcelState.PICKED_UP,
    "到达派件城市": ParcelState.IN_TRANSIT,
    "干线": ParcelState.IN_TRANSIT,
    "转递": ParcelState.IN_TRANSIT,
    "投柜或驿站": ParcelState.READY_FOR_PICKUP,
    "本人签收": ParcelState.DELIVERED,
    "派件异常后签收": ParcelState.DELIVERED,
    "代签": ParcelState.DELIVERED,
    "投柜或站签收": ParcelState.DELIVERED,
    "已销单": ParcelState.CANCELLED,
    "超时未签收": ParcelState.DELIVERY_DELAYED,
    "超时未更新": ParcelState.DELIVERY_DELAYED,
    "拒收": ParcelState.DELIVERY_FAILED,
    "派件异常": ParcelState.DELIVERY_FAILED,
    "柜或驿站超时未取": ParcelState.ON_HOLD,
    "无法联系": ParcelState.DELIVERY_FAILED,
    "超区": ParcelState.DELIVERY_FAILED,
    "滞留": ParcelState.ON_HOLD,
    "破损": ParcelState.ON_HOLD,
    "销单": ParcelState.CANCELLED,
}

# Event `statusCode` of the newer result versions (unconfirmed: not in our reference
# notes; the numbering follows the vendor's state families 0–14 with sub-codes).
STATUS_CODE: dict[str, ParcelState] = {
    "0": ParcelState.IN_TRANSIT,  # 在途
    "1001": ParcelState.IN_TRANSIT,  # 到达派件城市
    "1002": ParcelState.IN_TRANSIT,  # 干线
    "1003": ParcelState.IN_TRANSIT,  # 转递
    "1": ParcelState.PICKED_UP,  # 揽收
    "101": ParcelState.PENDING,  # 已下单
    "102": ParcelState.PENDING,  # 待揽收
    "103": ParcelState.PICKED_UP,  # 已揽收
    "5": ParcelState.OUT_FOR_DELIVERY,  # 派件
    "501": ParcelState.READY_FOR_PICKUP,  # 投柜或驿站
    "3": ParcelState.DELIVERED,  # 签收
    "301": ParcelState.DELIVERED,  # 本人签收
    "302": ParcelState.DELIVERED,  # 派件异常后签收
    "303": ParcelState.DELIVERED,  # 代签
    "304": ParcelState.DELIVERED,  # 投柜或站签收
    "6": ParcelState.RETURN_TO_SENDER,  # 退回
    "4": ParcelState.RETURN_TO_SENDER,  # 退签
    "401": ParcelState.CANCELLED,  # 已销单
    "14": ParcelState.DELIVERY_FAILED,  # 拒签
    "7": ParcelState.IN_TRANSIT,  # 转投
    "2": ParcelState.ON_HOLD,  # 疑难
    "201": ParcelState.DELIVERY_DELAYED,  # 超时未签收
    "202": ParcelState.DELIVERY_DELAYED,  # 超时未更新
    "203": ParcelState.DELIVERY_FAILED,  # 拒收
    "204": ParcelState.DELIVERY_FAILED,  # 派件异常
    "205": ParcelState.ON_HOLD,  # 柜或驿站超时未取
    "206": ParcelState.DELIVERY_FAILED,  # 无法联系
    "207": ParcelState.DELIVERY_FAILED,  # 超区
    "208": ParcelState.ON_HOLD,  # 滞留
    "209": ParcelState.ON_HOLD,  # 破损
    "210": ParcelState.CANCELLED,  # 销单
    "8": ParcelState.IN_TRANSIT,  # 清关
    "10": ParcelState.IN_TRANSIT,  # 待清关
    "11": ParcelState.IN_TRANSIT,  # 清关中
    "12": ParcelState.IN_TRANSIT,  # 已清关
    "13": ParcelState.ON_HOLD,  # 清关异常
}

# Push `status`: the state of Kuaidi100's monitoring of the waybill.
PUSH_STATUS: dict[str, str] = {
    "polling": "监控中",
    "shutdown": "结束（已签收）",
    "abort": "中止（3 天查询无记录或 60 天无变化）",
    "updateall": "重新推送全量结果",
}


def looks_like_kuaidi100(data: object) -> bool:
    """True for a decoded push (`param` / `lastResult`) or query result (`nu`, `com`)."""
    if not isinstance(data, dict):
        return False
    if "param" in data or "lastResult" in data:
        return True
    if "nu" in data and ("data" in data or "com" in data or "state" in data):
        return True
    return "returnCode" in data and "result" in data


def parse_kuaidi100(data: object, log: ParseLog) -> list[TrackingEventRecord]:
    """Events from a decoded Kuaidi100 push or query result."""
    if not isinstance(data, dict):
        log.fail("not_an_object", "快递100 数据不是 JSON 对象")
        return []
    if "param" in data:
        param = data["param"]
        if isinstance(param, str):
            param = _load_json(param, log)
            if param is None:
                return []
        if not isinstance(param, dict):
            log.fail("not_an_object", "快递100 推送的 param 不是 JSON 对象", column="param")
            return []
        data = param
    if "lastResult" in data or as_text(data.get("status")) in PUSH_STATUS:
        return _parse_push(data, log)
    if data.get("result") is False or ("returnCode" in data and "nu" not in data):
        code = as_text(data.get("returnCode"))
        log.fail(
            "provider_error",
            f"快递100 返回失败（{code or '无代码'}）：{as_text(data.get('message')) or '无说明'}",
        )
        return []
    log.envelope["kind"] = "query"
    return _parse_result(data, log, path="", push_status="")


def _load_json(text: str, log: ParseLog) -> object | None:
    """Decode the JSON inside a form field; None (with an error) when it is not JSON."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        log.fail("invalid_json", f"param 不是有效的 JSON：{exc}", column="param")
        return None


def _parse_push(push: dict[str, object], log: ParseLog) -> list[TrackingEventRecord]:
    """A subscription push: monitoring status, then lastResult (and destResult)."""
    status = as_text(push.get("status"))
    message = as_text(push.get("message"))
    log.envelope.update(kind="push", push_status=status, push_message=message)
    if status and status not in PUSH_STATUS:
        log.warn_once(status, "unknown_push_status", f"未识别的推送状态「{status}」")
    com_old, com_new = as_text(push.get("comOld")), as_text(push.get("comNew"))
    if com_new:
        log.envelope.update(com_old=com_old, com_new=com_new)
        log.warn(
            "carrier_corrected",
            f"快递100 已把快递公司编码从「{com_old or '未填'}」更正为「{com_new}」",
        )
    events: list[TrackingEventRecord] = []
    found = False
    for key in ("lastResult", "destResult"):
        result = push.get(key)
        if result is None:
            continue
        found = True
        if not isinstance(result, dict):
            log.fail("not_an_object", f"{key} 不是 JSON 对象", column=key)
            continue
        events += _parse_result(
            result, log, path=f"{key}.", push_status=status, carrier_hint=com_new
        )
    if not found:
        log.fail("missing_result", "推送中没有 lastResult，无法得知运单号", column="lastResult")
    if status == "abort":
        log.warn(
            "tracking_stopped",
            f"快递100 已停止跟踪：{message or PUSH_STATUS['abort']}，需要时请重新订阅",
        )
    return events


def _parse_result(
    result: dict[str, object],
    log: ParseLog,
    *,
    path: str,
    push_status: str,
    carrier_hint: str = "",
) -> list[TrackingEventRecord]:
    """One query result (or a push's lastResult): the parcel's events, oldest first."""
    waybill = as_text(result.get("nu"))
    raw_carrier = as_text(result.get("com")) or carrier_hint
    traces = result.get("data")
    if traces is None:
        traces = []
    if not isinstance(traces, list):
        log.fail("not_a_list", f"{path}data 不是列表，无法读取轨迹", column=f"{path}data")
        traces = []
    if not waybill:
        log.reject(
            "missing_waybill",
            "快递100 结果中缺少运单号（nu），轨迹无法归属",
            column=f"{path}nu",
            items=len(traces),
        )
        return []
    if not raw_carrier:
        log.warn("missing_carrier", f"运单 {waybill} 缺少快递公司编码（com）", column=f"{path}com")
    carrier = log.carrier("kuaidi100", raw_carrier)
    state = as_text(result.get("state"))
    meta = log.parcel(waybill, carrier)
    meta.raw_state = state
    if state:
        meta.status = STATE_STATUS.get(state)
        if meta.status is None:
            log.unrecognised("kuaidi100.state", state, label="快递100 状态 state")
            meta.status = ParcelState.UNKNOWN
    meta.finished = push_status == "shutdown" or as_text(result.get("ischeck")) == "1"
    if push_status == "abort":
        meta.stopped = as_text(log.envelope.get("push_message")) or PUSH_STATUS["abort"]
    for key in ("condition", "ischeck", "isLoop"):
        if as_text(result.get(key)):
            meta.extra[key] = as_text(result.get(key))
    _route_info(result.get("routeInfo"), meta.extra)

    parsed: list[tuple[int, dict[str, object], datetime, bool, str]] = []
    for index, trace in enumerate(traces):
        column = f"{path}data[{index}]"
        if not isinstance(trace, dict):
            log.reject("bad_trace", "轨迹条目不是 JSON 对象", row=index + 1, column=column)
            continue
        when_text = as_text(trace.get("ftime")) or as_text(trace.get("time"))
        try:
            when, assumed = parse_local_time(when_text)
        except ValueError:
            log.reject(
                "bad_time",
                f"运单 {waybill} 的轨迹时间无法识别：「{when_text}」",
                row=index + 1,
                column=f"{column}.ftime",
            )
            continue
        parsed.append((index, trace, when, assumed, as_text(trace.get("context"))))
    if not parsed:
        return []
    newest = max(parsed, key=lambda item: (item[2], item[4]))[0]

    events: list[TrackingEventRecord] = []
    for index, trace, when, assumed, context in parsed:
        status, raw_code, source = _classify(trace, context, state if index == newest else "", log)
        extra = scan_text(context)
        extra["status_source"] = source
        area_raw = as_text(trace.get("areaCode"))
        place_code = normalise_area_code(area_raw) if area_raw else None
        if area_raw and place_code is None:
            extra["area_code"] = area_raw
        event = TrackingEventRecord(
            waybill_no=waybill,
            carrier_code=carrier,
            occurred_at=when,
            status=status,
            raw_code=raw_code,
            raw_text=context,
            place_code=place_code,
            place_name=as_text(trace.get("areaName")) or leading_city(context),
            source=SOURCE,
            time_zone_assumed=assumed,
            extra=extra,
        )
        events.append(log.accept(event, row=index + 1))
    events.sort(key=lambda e: (e.occurred_at, e.raw_text))
    return events


def _classify(
    trace: dict[str, object], context: str, state: str, log: ParseLog
) -> tuple[ParcelState, str, str]:
    """(status, raw code, which field decided) for one event, most specific code first."""
    layers = (
        ("statusCode", as_text(trace.get("statusCode")), STATUS_CODE, "快递100 状态码 statusCode"),
        ("status", as_text(trace.get("status")), STATUS_TEXT, "快递100 轨迹状态 status"),
        ("state", state, STATE_STATUS, "快递100 状态 state"),
    )
    for field, code, table, label in layers:
        if code:
            known = table.get(code)
            if known is None:
                known = log.unrecognised(f"kuaidi100.{field}", code, label=label)
            return known, code, field
    return status_from_text(context), "", "text"


def _route_info(route: object, extra: dict[str, str]) -> None:
    """Keep the from/current/to division codes of `routeInfo` when present."""
    if not isinstance(route, dict):
        return
    for key in ("from", "cur", "to"):
        node = route.get(key)
        if isinstance(node, dict):
            code = normalise_area_code(as_text(node.get("number")))
            if code:
                extra[f"route_{key}"] = code


def kuaidi100_sign(param: str, salt: str) -> str:
    """The signature Kuaidi100 puts on a push: MD5(param + salt), upper-case hex."""
    return hashlib.md5((param + salt).encode("utf-8")).hexdigest().upper()


def verify_kuaidi100_sign(param: str, salt: str, sign: str) -> bool:
    """True when `sign` is Kuaidi100's signature of the raw `param` text with our salt."""
    expected = kuaidi100_sign(param, salt).encode("ascii")
    return hmac.compare_digest(expected, sign.strip().upper().encode("utf-8"))


def kuaidi100_reply(*, success: bool = True, message: str = "") -> dict[str, object]:
    """The body Kuaidi100 expects back; anything else makes it push again."""
    if success:
        return {"result": True, "returnCode": "200", "message": message or "成功"}
    return {"result": False, "returnCode": "500", "message": message or "失败"}
