"""Kdniao (快递鸟): the track push (and the query result, which has the shape of one item).

A push is a form with `RequestType`, `DataSign` and `RequestData`; `RequestData` is
JSON holding `Data: [{LogisticCode, ShipperCode, State, StateEx, Traces: [...]}]` and
each trace has `AcceptTime`, `AcceptStation`, `Location` and, where the carrier
reports it, `Action` — a detailed code of the same family as `StateEx`.

Which code decides a trace's status, most specific first: its `Action`, else — for
the newest trace only — the parcel's `StateEx`, else its `State`; a trace with none
is read from its words. An unknown code makes the trace `unknown` (raw code kept,
warned about); it is never dropped.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime
from urllib.parse import quote_plus

from youpin.connectors.carriers.codes import (
    ParseLog,
    as_text,
    leading_city,
    parse_local_time,
    scan_text,
    status_from_text,
)
from youpin.connectors.records import ParcelState, TrackingEventRecord
from youpin.connectors.tabular import SHANGHAI

SOURCE = "kdniao"

# `State`: the parcel's current state family.
STATE_STATUS: dict[str, ParcelState] = {
    "0": ParcelState.PENDING,  # 暂无轨迹信息
    "1": ParcelState.PICKED_UP,  # 已揽收
    "2": ParcelState.IN_TRANSIT,  # 在途中
    "3": ParcelState.DELIVERED,  # 签收
    "4": ParcelState.ON_HOLD,  # 问题件
    "5": ParcelState.IN_TRANSIT,  # 转寄
    "6": ParcelState.IN_TRANSIT,  # 清关
}

# `StateEx` and a trace's `Action`: the detailed state.
STATE_EX_STATUS: dict[str, ParcelState] = {
    "1": ParcelState.PICKED_UP,  # 已揽收
    "10": ParcelState.PENDING,  # 待揽件
    "2": ParcelState.IN_TRANSIT,  # 在途中
    "201": ParcelState.IN_TRANSIT,  # 到达派件城市
    "202": ParcelState.OUT_FOR_DELIVERY,  # 派件中
    "204": ParcelState.IN_TRANSIT,  # 到达转运中心
    "205": ParcelState.IN_TRANSIT,  # 到达派件网点
    "206": ParcelState.IN_TRANSIT,  # 寄件网点发件
    "211": ParcelState.READY_FOR_PICKUP,  # 已放入快递柜或驿站
    "3": ParcelState.DELIVERED,  # 签收
    "301": ParcelState.DELIVERED,  # 正常签收
    "302": ParcelState.DELIVERED,  # 派件异常后最终签收
    "304": ParcelState.DELIVERED,  # 代收签收
    "311": ParcelState.DELIVERED,  # 快递柜或驿站签收
    "4": ParcelState.ON_HOLD,  # 问题件
    "401": ParcelState.DELIVERY_DELAYED,  # 发货无信息
    "402": ParcelState.DELIVERY_DELAYED,  # 超时未签收（36 小时）
    "403": ParcelState.DELIVERY_DELAYED,  # 超时未更新（5 天）
    "404": ParcelState.DELIVERY_FAILED,  # 拒收（退件）
    "405": ParcelState.DELIVERY_FAILED,  # 派件异常
    "406": ParcelState.RETURN_TO_SENDER,  # 退货签收
    "407": ParcelState.RETURN_TO_SENDER,  # 退货未签收
    "412": ParcelState.ON_HOLD,  # 快递柜或驿站超时未取（18 小时）
    "413": ParcelState.CANCELLED,  # 单号已拦截
    "414": ParcelState.ON_HOLD,  # 破损
    "415": ParcelState.CANCELLED,  # 客户取消发货
    "416": ParcelState.DELIVERY_FAILED,  # 无法联系收件人
    "417": ParcelState.DELIVERY_DELAYED,  # 配送延迟
    "418": ParcelState.ON_HOLD,  # 快件取出（问题件：由快递员从柜或驿站取回）
    "419": ParcelState.OUT_FOR_DELIVERY,  # 重新派送
    "420": ParcelState.DELIVERY_FAILED,  # 收货地址不详细
    "421": ParcelState.DELIVERY_FAILED,  # 收件人电话错误
    "422": ParcelState.DELIVERY_DELAYED,  # 错分件
    "423": ParcelState.DELIVERY_FAILED,  # 超区件
    "5": ParcelState.IN_TRANSIT,  # 转寄
    "6": ParcelState.IN_TRANSIT,  # 清关
    "601": ParcelState.IN_TRANSIT,  # 待清关
    "602": ParcelState.IN_TRANSIT,  # 清关中
    "603": ParcelState.IN_TRANSIT,  # 已清关
    "604": ParcelState.ON_HOLD,  # 清关异常
}

# Result codes of Kdniao's replies (`ResultCode`), for messages.
RESULT_CODES: dict[str, str] = {
    "100": "成功",
    "101": "缺少必要参数",
    "102": "校验问题",
    "103": "格式问题",
    "104": "用户问题",
    "105": "其他错误",
    "106": "该订单号已下单成功",
    "401": "运单号错误",
    "402": "运单号错误",
    "403": "运费计算错误",
    "404": "运费计算错误",
    "405": "运费计算错误",
}


def looks_like_kdniao(data: object) -> bool:
    """True for a decoded push envelope, its RequestData, or a query result item."""
    if not isinstance(data, dict):
        return False
    if "RequestData" in data or "DataSign" in data:
        return True
    if isinstance(data.get("Data"), list) and ("EBusinessID" in data or "PushTime" in data):
        return True
    return "LogisticCode" in data or "ShipperCode" in data


def parse_kdniao(data: object, log: ParseLog) -> list[TrackingEventRecord]:
    """Events from a decoded Kdniao push (envelope or RequestData) or query result."""
    if not isinstance(data, dict):
        log.fail("not_an_object", "快递鸟数据不是 JSON 对象")
        return []
    if "RequestData" in data:
        log.envelope["request_type"] = as_text(data.get("RequestType"))
        inner = data["RequestData"]
        if isinstance(inner, str):
            try:
                inner = json.loads(inner)
            except (ValueError, RecursionError) as exc:
                log.fail(
                    "invalid_json", f"RequestData 不是有效的 JSON：{exc}", column="RequestData"
                )
                return []
        if not isinstance(inner, dict):
            log.fail("not_an_object", "RequestData 不是 JSON 对象", column="RequestData")
            return []
        data = inner
    for key, name in (("EBusinessID", "ebusiness_id"), ("PushTime", "push_time")):
        if as_text(data.get(key)):
            log.envelope[name] = as_text(data.get(key))
    if "Data" in data:
        items = data["Data"]
        if not isinstance(items, list):
            log.fail("not_a_list", "Data 不是列表，无法读取运单", column="Data")
            return []
        declared = as_text(data.get("Count"))
        if declared and declared != str(len(items)):
            log.warn("count_mismatch", f"推送声明 {declared} 个运单，实际收到 {len(items)} 个")
        log.envelope["kind"] = "push"
    elif "LogisticCode" in data or "Traces" in data or "ShipperCode" in data:
        items = [data]
        log.envelope["kind"] = "query"
    else:
        log.fail("unrecognised", "快递鸟数据中没有 Data 或 LogisticCode，无法识别")
        return []
    events: list[TrackingEventRecord] = []
    for index, item in enumerate(items):
        events += _parse_item(item, log, path=f"Data[{index}]" if len(items) > 1 else "")
    return events


def _parse_item(item: object, log: ParseLog, *, path: str) -> list[TrackingEventRecord]:
    """One waybill of a push: its parcel metadata and its traces, oldest first."""
    prefix = f"{path}." if path else ""
    if not isinstance(item, dict):
        log.fail("not_an_object", "运单条目不是 JSON 对象", column=path or None)
        return []
    waybill = as_text(item.get("LogisticCode"))
    raw_carrier = as_text(item.get("ShipperCode"))
    traces = item.get("Traces")
    if traces is None:
        traces = []
    if not isinstance(traces, list):
        log.fail("not_a_list", "Traces 不是列表，无法读取轨迹", column=f"{prefix}Traces")
        traces = []
    if item.get("Success") is False or as_text(item.get("Success")).lower() == "false":
        reason = as_text(item.get("Reason")) or "无说明"
        log.warn("provider_reason", f"快递鸟未能查询运单 {waybill or '（无单号）'}：{reason}")
    if not waybill:
        log.reject(
            "missing_waybill",
            "快递鸟数据中缺少运单号（LogisticCode），轨迹无法归属",
            column=f"{prefix}LogisticCode",
            items=len(traces),
        )
        return []
    if not raw_carrier:
        log.warn(
            "missing_carrier",
            f"运单 {waybill} 缺少快递公司编码（ShipperCode）",
            column=f"{prefix}ShipperCode",
        )
    carrier = log.carrier("kdniao", raw_carrier)
    state, state_ex = as_text(item.get("State")), as_text(item.get("StateEx"))
    meta = log.parcel(waybill, carrier)
    meta.raw_state = f"{state}/{state_ex}" if state_ex else state
    meta.status = STATE_EX_STATUS.get(state_ex) or STATE_STATUS.get(state)
    if meta.status is None and (state or state_ex):
        meta.status = ParcelState.UNKNOWN
    meta.finished = state == "3"
    for key in ("OrderCode", "Location", "Station", "StationAdd"):
        if as_text(item.get(key)):
            meta.extra[key] = as_text(item.get(key))

    parsed: list[tuple[int, dict[str, object], datetime, bool, str]] = []
    for index, trace in enumerate(traces):
        column = f"{prefix}Traces[{index}]"
        if not isinstance(trace, dict):
            log.reject("bad_trace", "轨迹条目不是 JSON 对象", row=index + 1, column=column)
            continue
        when_text = as_text(trace.get("AcceptTime"))
        try:
            when, assumed = parse_local_time(when_text)
        except ValueError:
            log.reject(
                "bad_time",
                f"运单 {waybill} 的轨迹时间无法识别：「{when_text}」",
                row=index + 1,
                column=f"{column}.AcceptTime",
            )
            continue
        parsed.append((index, trace, when, assumed, as_text(trace.get("AcceptStation"))))
    if not parsed:
        return []
    newest = max(parsed, key=lambda p: (p[2], p[4]))[0]

    events: list[TrackingEventRecord] = []
    for index, trace, when, assumed, text in parsed:
        action = as_text(trace.get("Action"))
        status, raw_code, source = _classify(
            action, state_ex if index == newest else "", state if index == newest else "", text, log
        )
        extra = scan_text(text)
        extra["status_source"] = source
        if state and index == newest:
            extra["state"] = state
        remark = as_text(trace.get("Remark"))
        if remark:
            extra["remark"] = remark
        event = TrackingEventRecord(
            waybill_no=waybill,
            carrier_code=carrier,
            occurred_at=when,
            status=status,
            raw_code=raw_code,
            raw_text=text,
            place_name=as_text(trace.get("Location")) or leading_city(text),
            source=SOURCE,
            time_zone_assumed=assumed,
            extra=extra,
        )
        events.append(log.accept(event, row=index + 1))
    events.sort(key=lambda e: (e.occurred_at, e.raw_text))
    return events


def _classify(
    action: str, state_ex: str, state: str, text: str, log: ParseLog
) -> tuple[ParcelState, str, str]:
    """(status, raw code, which field decided) for one trace, most specific code first."""
    for code, field, kind in (
        (action, "Action", "快递鸟轨迹状态 Action"),
        (state_ex, "StateEx", "快递鸟详细状态 StateEx"),
        (state, "State", "快递鸟状态 State"),
    ):
        if code:
            table = STATE_STATUS if field == "State" else STATE_EX_STATUS
            known = table.get(code)
            return known or log.unrecognised(f"kdniao.{field}", code, label=kind), code, field
    return status_from_text(text), "", "text"


def kdniao_sign(request_data: str, app_key: str, *, url_encoded: bool = True) -> str:
    """Kdniao's DataSign: urlencode(base64(md5_hex_lower(RequestData + AppKey)))."""
    digest = hashlib.md5((request_data + app_key).encode("utf-8")).hexdigest()
    encoded = base64.b64encode(digest.encode("ascii")).decode("ascii")
    return quote_plus(encoded) if url_encoded else encoded


def verify_kdniao_sign(request_data: str, app_key: str, data_sign: str) -> bool:
    """True when `data_sign` is Kdniao's signature of the raw RequestData with our AppKey.

    Accepts the sign URL-encoded or already decoded by the form parser.
    """
    plain = kdniao_sign(request_data, app_key, url_encoded=False)
    given = data_sign.strip().encode("utf-8")
    # The base64 of a hex digest only ever needs "=" encoded, so two spellings suffice.
    expected = (plain, quote_plus(plain))
    matches = [hmac.compare_digest(e.encode("ascii"), given) for e in expected]
    return any(matches)


def kdniao_reply(
    ebusiness_id: str, *, success: bool = True, reason: str = "", now: datetime | None = None
) -> dict[str, object]:
    """The body Kdniao expects back after a push."""
    moment = now or datetime.now(SHANGHAI)
    moment = (
        moment.replace(tzinfo=SHANGHAI) if moment.tzinfo is None else moment.astimezone(SHANGHAI)
    )
    return {
        "EBusinessID": ebusiness_id,
        "UpdateTime": moment.strftime("%Y-%m-%d %H:%M:%S"),
        "Success": success,
        "Reason": reason,
    }
