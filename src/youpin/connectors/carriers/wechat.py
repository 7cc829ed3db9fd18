"""WeChat e-waybill track pushes: the shop's (小店) and the older logistics assistant's.

The shop push is a JSON event with `waybill_id`, `delivery_id` (the carrier) and a
path of nodes `{action_time (Unix seconds), action_type, action_msg}`; the logistics
assistant (物流助手) sends the same facts as `WayBillId`, `DeliveryID` and
`Actions: [{ActionTime, ActionType, ActionMsg}]` with six-digit types. Both are read.
Times are Unix timestamps, so no time zone is ever assumed.
"""

from __future__ import annotations

from youpin.connectors.carriers.codes import (
    ParseLog,
    as_text,
    leading_city,
    parse_unix_time,
    scan_text,
)
from youpin.connectors.records import ParcelState, TrackingEventRecord

SOURCE = "wechat"

# `action_type` of the shop's e-waybill push, and the assistant's six-digit types.
ACTION_STATUS: dict[str, ParcelState] = {
    "0": ParcelState.PENDING,  # 待揽件
    "1": ParcelState.PICKED_UP,  # 已揽件
    "2": ParcelState.IN_TRANSIT,  # 运输中
    "3": ParcelState.OUT_FOR_DELIVERY,  # 派件中
    "4": ParcelState.READY_FOR_PICKUP,  # 已投柜（待取件）
    "5": ParcelState.DELIVERED,  # 已签收
    "6": ParcelState.RETURN_TO_SENDER,  # 已退回
    "7": ParcelState.IN_TRANSIT,  # 转寄
    "8": ParcelState.ON_HOLD,  # 异常件
    "9": ParcelState.DELIVERED,  # 已从快递柜取出
    "99": ParcelState.UNKNOWN,  # 其他（文档中的兜底类型，不视为未识别）
    # 物流助手 (logistics assistant) six-digit types.
    "100001": ParcelState.PICKED_UP,  # 揽件阶段-揽件成功
    "100002": ParcelState.PENDING,  # 揽件阶段-揽件失败（仍待揽收）
    "100003": ParcelState.PENDING,  # 揽件阶段-分配业务员
    "200001": ParcelState.IN_TRANSIT,  # 运输阶段-更新运输轨迹
    "300002": ParcelState.OUT_FOR_DELIVERY,  # 派送阶段-开始派送
    "300003": ParcelState.DELIVERED,  # 派送阶段-签收成功
    "300004": ParcelState.DELIVERY_FAILED,  # 派送阶段-签收失败
    "400001": ParcelState.CANCELLED,  # 异常阶段-订单取消
    "400002": ParcelState.ON_HOLD,  # 异常阶段-订单滞留
}

_WAYBILL_KEYS = ("waybill_id", "WayBillId")
_CARRIER_KEYS = ("delivery_id", "DeliveryID")
_PATH_KEYS = ("path", "path_item_list", "path_list", "Actions")


def _first(data: dict[str, object], keys: tuple[str, ...]) -> object:
    """The value of the first key present."""
    for key in keys:
        if key in data:
            return data[key]
    return None


def _event_body(data: dict[str, object]) -> dict[str, object] | None:
    """The object holding the waybill: the event itself or one of its direct children."""
    if any(key in data for key in _WAYBILL_KEYS + _PATH_KEYS):
        return data
    for value in data.values():
        if isinstance(value, dict) and any(key in value for key in _WAYBILL_KEYS):
            return value
    return None


def looks_like_wechat(data: object) -> bool:
    """True for a WeChat track push (shop or logistics assistant shape)."""
    if not isinstance(data, dict):
        return False
    if as_text(data.get("Event")) == "add_express_path":
        return True
    body = _event_body(data)
    return body is not None and any(key in body for key in _WAYBILL_KEYS + _CARRIER_KEYS)


def parse_wechat(data: object, log: ParseLog) -> list[TrackingEventRecord]:
    """Events from a decoded WeChat track push."""
    if not isinstance(data, dict):
        log.fail("not_an_object", "微信推送不是 JSON 对象")
        return []
    for key, name in (("Event", "event"), ("CreateTime", "create_time")):
        if as_text(data.get(key)):
            log.envelope[name] = as_text(data.get(key))
    log.envelope["kind"] = "push"
    body = _event_body(data)
    if body is None:
        log.fail("missing_waybill", "微信推送中没有运单号（waybill_id），无法识别")
        return []
    waybill = as_text(_first(body, _WAYBILL_KEYS))
    raw_carrier = as_text(_first(body, _CARRIER_KEYS))
    path = _first(body, _PATH_KEYS)
    if path is None:
        path = []
    if not isinstance(path, list):
        log.fail("not_a_list", "轨迹节点（path）不是列表", column="path")
        path = []
    if not waybill:
        log.reject(
            "missing_waybill",
            "微信推送中缺少运单号（waybill_id），轨迹无法归属",
            column="waybill_id",
            items=len(path),
        )
        return []
    if not raw_carrier:
        log.warn("missing_carrier", f"运单 {waybill} 缺少快递公司（delivery_id）")
    carrier = log.carrier("wechat", raw_carrier)
    meta = log.parcel(waybill, carrier)
    for key in ("ewaybill_order_id", "order_id", "OrderId", "Version"):
        if as_text(body.get(key)):
            meta.extra[key] = as_text(body.get(key))

    events: list[TrackingEventRecord] = []
    for index, node in enumerate(path):
        column = f"path[{index}]"
        if not isinstance(node, dict):
            log.reject("bad_trace", "轨迹节点不是 JSON 对象", row=index + 1, column=column)
            continue
        raw_time = _first(node, ("action_time", "ActionTime"))
        try:
            when = parse_unix_time(raw_time)
        except ValueError:
            log.reject(
                "bad_time",
                f"运单 {waybill} 的轨迹时间无法识别：「{as_text(raw_time)}」",
                row=index + 1,
                column=f"{column}.action_time",
            )
            continue
        code = as_text(_first(node, ("action_type", "ActionType")))
        message = as_text(_first(node, ("action_msg", "ActionMsg")))
        if code in ACTION_STATUS:
            status = ACTION_STATUS[code]
        elif code:
            status = log.unrecognised(
                "wechat.action_type", code, label="微信轨迹类型 action_type", row=index + 1
            )
        else:
            log.warn("missing_code", f"运单 {waybill} 的轨迹节点缺少 action_type", row=index + 1)
            status = ParcelState.UNKNOWN
        event = TrackingEventRecord(
            waybill_no=waybill,
            carrier_code=carrier,
            occurred_at=when,
            status=status,
            raw_code=code,
            raw_text=message,
            place_name=leading_city(message),
            source=SOURCE,
            extra=scan_text(message),
        )
        events.append(log.accept(event, row=index + 1))
    events.sort(key=lambda e: (e.occurred_at, e.raw_text))
    if events:
        meta.status = events[-1].status
        meta.raw_state = events[-1].raw_code
        meta.finished = meta.status is ParcelState.DELIVERED
    return events


def wechat_reply() -> str:
    """The body WeChat expects back after an event push."""
    return "success"
