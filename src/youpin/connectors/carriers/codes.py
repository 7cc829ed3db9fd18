"""What every tracking connector shares: carrier codes, text clues, and the tally of a parse.

* Carrier codes: each aggregator spells carriers its own way (Kuaidi100 `zhongtong`,
  Kdniao `ZTO`, WeChat `ZTO`, a CSV `中通快递`). `CarrierCodeTable` translates them to
  our codes; it is plain data, so the caller may pass one built from the carrier
  reference table instead of `DEFAULT_CARRIER_CODES`. An unknown code is kept raw and
  warned about once.
* Text clues: a trace line without a status code is classified from its words
  (`status_from_text`), and obvious station facts — pickup code, station name, phone
  tail — are lifted out of it (`scan_text`).
* `ParseLog` gathers messages, counts and per-waybill metadata while a provider module
  parses, with a cap on stored messages so a five-million-row import stays bounded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

from youpin.connectors.messages import Message, Severity, error, warning
from youpin.connectors.records import ParcelState, TrackingEventRecord
from youpin.connectors.tabular import SHANGHAI, parse_datetime

# --- carrier codes ------------------------------------------------------------------

# Kuaidi100 codes (lower case) → our codes.
KUAIDI100_CARRIERS: dict[str, str] = {
    "shunfeng": "sf",  # 顺丰速运
    "zhongtong": "zto",  # 中通快递
    "yuantong": "yto",  # 圆通速递
    "shentong": "sto",  # 申通快递
    "yunda": "yunda",  # 韵达快递
    "ems": "ems",  # EMS
    "youzhengguonei": "chinapost",  # 邮政快递包裹
    "jd": "jd",  # 京东快递
    "debangkuaidi": "deppon",  # 德邦快递
    "jtexpress": "jt",  # 极兔速递
}

# Kdniao codes (upper case) → our codes.
KDNIAO_CARRIERS: dict[str, str] = {
    "SF": "sf",  # 顺丰速运
    "ZTO": "zto",  # 中通快递
    "YTO": "yto",  # 圆通速递
    "STO": "sto",  # 申通快递
    "YD": "yunda",  # 韵达快递
    "YZPY": "chinapost",  # 邮政快递包裹
    "EMS": "ems",  # EMS
    "JD": "jd",  # 京东快递
    "DBL": "deppon",  # 德邦快递
    "JTSD": "jt",  # 极兔速递
    "CNSD": "cainiao",  # 菜鸟速递
    "DNWL": "danniao",  # 丹鸟物流
}

# WeChat `delivery_id` spellings (upper case) → our codes. Not a published list:
# the spellings seen in WeChat logistics payloads; anything else is kept raw.
WECHAT_CARRIERS: dict[str, str] = {
    "SF": "sf",  # 顺丰速运
    "ZTO": "zto",  # 中通快递
    "YTO": "yto",  # 圆通速递
    "STO": "sto",  # 申通快递
    "YUNDA": "yunda",  # 韵达快递
    "YD": "yunda",  # 韵达快递
    "EMS": "ems",  # EMS
    "YZPY": "chinapost",  # 邮政快递包裹
    "JD": "jd",  # 京东快递
    "DB": "deppon",  # 德邦快递
    "JTSD": "jt",  # 极兔速递
}

# Carrier names as people type them in spreadsheets → our codes.
CARRIER_NAMES: dict[str, str] = {
    "顺丰": "sf",
    "顺丰速运": "sf",
    "顺丰快递": "sf",
    "中通": "zto",
    "中通快递": "zto",
    "圆通": "yto",
    "圆通速递": "yto",
    "圆通快递": "yto",
    "申通": "sto",
    "申通快递": "sto",
    "韵达": "yunda",
    "韵达快递": "yunda",
    "韵达速递": "yunda",
    "邮政": "chinapost",
    "中国邮政": "chinapost",
    "邮政快递包裹": "chinapost",
    "邮政包裹": "chinapost",
    "EMS": "ems",
    "邮政EMS": "ems",
    "京东": "jd",
    "京东快递": "jd",
    "京东物流": "jd",
    "德邦": "deppon",
    "德邦快递": "deppon",
    "德邦物流": "deppon",
    "极兔": "jt",
    "极兔速递": "jt",
    "菜鸟": "cainiao",
    "菜鸟速递": "cainiao",
    "丹鸟": "danniao",
    "丹鸟物流": "danniao",
}


@dataclass(frozen=True)
class CarrierCodeTable:
    """How each provider spells carriers, mapped to our carrier codes."""

    kuaidi100: Mapping[str, str] = field(default_factory=lambda: dict(KUAIDI100_CARRIERS))
    kdniao: Mapping[str, str] = field(default_factory=lambda: dict(KDNIAO_CARRIERS))
    wechat: Mapping[str, str] = field(default_factory=lambda: dict(WECHAT_CARRIERS))
    names: Mapping[str, str] = field(default_factory=lambda: dict(CARRIER_NAMES))

    @cached_property
    def ours(self) -> frozenset[str]:
        """Every carrier code of ours this table can produce."""
        tables = (self.kuaidi100, self.kdniao, self.wechat, self.names)
        return frozenset(code for table in tables for code in table.values())

    def translate(self, scheme: str, raw: str) -> str | None:
        """Our code for a provider's carrier code, or None when the table does not know it.

        `scheme` is "kuaidi100", "kdniao", "wechat", or "any" (a spreadsheet cell: our
        code, any provider's code or a Chinese name).
        """
        text = raw.strip()
        if not text:
            return None
        if scheme == "kuaidi100":
            return self.kuaidi100.get(text.lower())
        if scheme == "kdniao":
            return self.kdniao.get(text.upper())
        if scheme == "wechat":
            return self.wechat.get(text.upper())
        if text.lower() in self.ours:
            return text.lower()
        return (
            self.names.get(text)
            or self.names.get(text.upper())
            or self.kuaidi100.get(text.lower())
            or self.kdniao.get(text.upper())
            or self.wechat.get(text.upper())
        )


DEFAULT_CARRIER_CODES = CarrierCodeTable()


# --- statuses from words ------------------------------------------------------------

# Ordered: the first group whose word occurs in the text decides. Failures and
# returns come before "签收" words so that "拒签" or "未妥投" never read as delivered.
TEXT_RULES: tuple[tuple[tuple[str, ...], ParcelState], ...] = (
    (
        (
            "拒收",
            "拒签",
            "未妥投",
            "派送失败",
            "投递失败",
            "派件失败",
            "派件异常",
            "派送异常",
            "无法联系",
            "地址不详",
        ),
        ParcelState.DELIVERY_FAILED,
    ),
    (("退签", "退回", "退件", "返回寄件", "退货"), ParcelState.RETURN_TO_SENDER),
    (("已取消", "取消寄件", "拦截", "销单"), ParcelState.CANCELLED),
    (("未签收", "超时未更新", "延误", "延迟"), ParcelState.DELIVERY_DELAYED),
    (("超时未取", "滞留", "问题件", "疑难", "异常"), ParcelState.ON_HOLD),
    (
        (
            "已签收",
            "签收人",
            "本人签收",
            "代签收",
            "签收成功",
            "妥投",
            "已取件",
            "取出",
            "已被取走",
            "已领取",
        ),
        ParcelState.DELIVERED,
    ),
    (
        (
            "取件码",
            "取货码",
            "提货码",
            "快递柜",
            "驿站",
            "代收点",
            "自提",
            "丰巢",
            "已放入",
            "待取件",
            "请及时取件",
            "已代收",
        ),
        ParcelState.READY_FOR_PICKUP,
    ),
    (
        (
            "派件中",
            "正在派件",
            "派送中",
            "正在派送",
            "为您派件",
            "派件员",
            "投递员",
            "安排投递",
            "开始派送",
            "出库派送",
        ),
        ParcelState.OUT_FOR_DELIVERY,
    ),
    (("已下单", "待揽收", "等待揽收", "待揽件", "等待揽件"), ParcelState.PENDING),
    (
        ("已揽收", "已揽件", "揽件", "揽收", "已收件", "收件员", "收取快件"),
        ParcelState.PICKED_UP,
    ),
)


def status_from_text(text: str) -> ParcelState:
    """Classify a trace line that carries no status code; a moving parcel by default."""
    for words, state in TEXT_RULES:
        for word in words:
            if word in text:
                return state
    return ParcelState.IN_TRANSIT


# --- facts in trace text ------------------------------------------------------------

_PICKUP_CODE = re.compile(
    r"(?:取件码|取货码|提货码|取件号|提取码)[^0-9A-Za-z]{0,6}([0-9A-Za-z]+(?:-[0-9A-Za-z]+)*)"
)
_BRACKETED = re.compile(r"[【\[]([^【】\[\]]{2,40})[】\]]")
_PHONE_TAIL = re.compile(r"尾号\s*[:：]?\s*(\d{4})")
_LEADING_CITY = re.compile(r"^\s*【([^【】]{2,12}?(?:市|地区|州|盟))】")
_STATION_WORDS = (
    "驿站",
    "代收点",
    "快递柜",
    "丰巢",
    "超市",
    "便利店",
    "服务站",
    "服务点",
    "自提",
    "快递点",
    "兔喜",
    "菜鸟",
)
_REGION_ENDINGS = ("省", "市", "区", "县", "州", "盟", "旗")


def scan_text(text: str) -> dict[str, str]:
    """Lift obvious station facts out of a trace line: pickup code, station name, phone tail."""
    found: dict[str, str] = {}
    if "码" in text:
        match = _PICKUP_CODE.search(text)
        if match and any(ch.isdigit() for ch in match.group(1)) and len(match.group(1)) >= 3:
            found["pickup_code"] = match.group(1)
    if "【" in text or "[" in text:
        segments = _BRACKETED.findall(text)
        station = next((s for s in segments if any(w in s for w in _STATION_WORDS)), "")
        if not station and "pickup_code" in found:
            # "快件已到达【某某店】，取件码 …": the last bracket that is not a region.
            places = [
                s for s in segments[1:] if not s.endswith(_REGION_ENDINGS) and not s.isdigit()
            ]
            station = places[-1] if places else ""
        if station:
            found["station_name"] = station.strip()
    if "尾号" in text:
        match = _PHONE_TAIL.search(text)
        if match:
            found["phone_tail"] = match.group(1)
    return found


def leading_city(text: str) -> str:
    """The city in a leading 【中卫市】, as carriers prefix their trace lines; "" if none."""
    match = _LEADING_CITY.match(text)
    return match.group(1) if match else ""


def normalise_area_code(raw: str) -> str | None:
    """A 12-digit NBS division code from "CN640502109000", "640502109000" or "640502"."""
    text = raw.strip().upper()
    if text.startswith("CN"):
        text = text[2:]
    if len(text) == 12 and text.isdigit():
        return text
    if len(text) == 6 and text.isdigit():
        return text + "000000"
    return None


# --- small readers shared by the JSON providers -------------------------------------


def as_text(value: object) -> str:
    """A JSON scalar as stripped text; objects, arrays and null read as ""."""
    if value is None or isinstance(value, dict | list):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return str(value)
    return str(value).strip()


def parse_local_time(text: str) -> tuple[datetime, bool]:
    """Parse a trace time; without an offset it is Asia/Shanghai and the flag says so.

    Raises ValueError when the text is empty or not a time.
    """
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        fallback = parse_datetime(text)
        if fallback is None:
            raise ValueError("时间为空") from None
        return fallback, fallback.tzinfo is SHANGHAI
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=SHANGHAI), True
    return parsed, False


def parse_unix_time(value: object) -> datetime:
    """A Unix timestamp (seconds, or milliseconds when implausibly large) in Shanghai time.

    Raises ValueError when the value is not a usable timestamp.
    """
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        raise ValueError(f"时间戳格式错误：{value!r}")
    try:
        number = float(value) if isinstance(value, int | float) else float(str(value).strip())
        if number > 1e11:
            number /= 1000
        return datetime.fromtimestamp(number, SHANGHAI)
    except (ValueError, OverflowError, OSError) as exc:
        raise ValueError(f"时间戳格式错误：{value!r}") from exc


# --- the tally of one parse ---------------------------------------------------------

FUTURE_TOLERANCE = timedelta(hours=1)
MAX_MESSAGES = 10_000
_MAX_TRACKED_CODES = 1_000


@dataclass
class TrackingCounts:
    """What a parse saw: every item (trace, path node, row) ends as an event or a rejection."""

    items: int = 0
    events: int = 0
    rejected: int = 0
    unknown_status: int = 0
    future: int = 0
    time_zone_assumed: int = 0
    unknown_carrier: int = 0  # events whose carrier is not one of our codes (or is missing)
    messages_not_listed: int = 0
    unrecognised_codes: dict[str, int] = field(default_factory=dict)

    @property
    def balanced(self) -> bool:
        """True when every item seen is accounted for as an event or a rejection."""
        return self.items == self.events + self.rejected


@dataclass
class ParcelMeta:
    """What a payload says about a parcel as a whole, beside its events."""

    waybill_no: str
    carrier_code: str
    status: ParcelState | None = None  # the provider's current state, canonical
    raw_state: str = ""
    finished: bool = False  # the provider saw it signed and stopped tracking
    stopped: str = ""  # why the provider gave up tracking (Kuaidi100 abort)
    extra: dict[str, str] = field(default_factory=dict)


class ParseLog:
    """Messages, counts and parcel metadata gathered while one payload is parsed."""

    def __init__(
        self,
        *,
        source: str,
        now: datetime | None = None,
        carrier_codes: CarrierCodeTable | None = None,
        max_messages: int = MAX_MESSAGES,
    ) -> None:
        self.source = source
        self.now = now if now is not None else datetime.now(SHANGHAI)
        if self.now.tzinfo is None:
            self.now = self.now.replace(tzinfo=SHANGHAI)
        self.future_limit = self.now + FUTURE_TOLERANCE
        self.codes = carrier_codes if carrier_codes is not None else DEFAULT_CARRIER_CODES
        self._ours = self.codes.ours
        self.max_messages = max_messages
        self.messages: list[Message] = []
        self.counts = TrackingCounts()
        self.parcels: dict[tuple[str, str], ParcelMeta] = {}
        self.envelope: dict[str, str] = {}
        self._said: set[tuple[str, str]] = set()
        self._carriers: dict[tuple[str, str], tuple[str, bool]] = {}
        self._finished = False

    # messages

    def add(self, message: Message) -> None:
        """Keep a message, unless the cap is reached (then only count it)."""
        if len(self.messages) < self.max_messages:
            self.messages.append(message)
        else:
            self.counts.messages_not_listed += 1

    def fail(
        self, code: str, text: str, *, row: int | None = None, column: str | None = None
    ) -> None:
        """Say the payload (or one part of it) cannot be read; no item is counted."""
        self.add(error(code, text, row=row, column=column))

    def reject(
        self,
        code: str,
        text: str,
        *,
        row: int | None = None,
        column: str | None = None,
        items: int = 1,
        raw: dict[str, str] | None = None,
    ) -> None:
        """Count `items` traces or rows as seen and rejected, with the reason."""
        self.counts.items += items
        self.counts.rejected += items
        self.add(error(code, text, row=row, column=column, raw=raw))

    def warn(
        self, code: str, text: str, *, row: int | None = None, column: str | None = None
    ) -> None:
        """Add a warning."""
        self.add(warning(code, text, row=row, column=column))

    def warn_once(
        self, key: str, code: str, text: str, *, row: int | None = None, column: str | None = None
    ) -> None:
        """Add a warning the first time `key` is seen under `code` in this parse."""
        if (code, key) in self._said:
            return
        if len(self._said) < _MAX_TRACKED_CODES:
            self._said.add((code, key))
        self.warn(code, text, row=row, column=column)

    # translation

    def carrier(self, scheme: str, raw: str, *, row: int | None = None) -> str:
        """Our carrier code for a provider's; an unknown one is kept raw and warned about."""
        key = (scheme, raw)
        cached = self._carriers.get(key)
        if cached is None:
            ours = self.codes.translate(scheme, raw)
            cached = (ours, True) if ours is not None else (raw.strip(), not raw.strip())
            if len(self._carriers) < _MAX_TRACKED_CODES:
                self._carriers[key] = cached
        result, known = cached
        if not known:
            self.warn_once(
                result, "unknown_carrier", f"未识别的快递公司编码「{result}」，已原样保留", row=row
            )
        return result

    def unrecognised(
        self, field: str, raw: str, *, label: str = "", row: int | None = None
    ) -> ParcelState:
        """An unknown status code: counted, warned about once, and read as unknown.

        `field` names the code's field for the counts ("kdniao.StateEx"); `label` is
        its name in the warning ("快递鸟详细状态 StateEx").
        """
        codes = self.counts.unrecognised_codes
        key = f"{field}:{raw}"
        if key in codes or len(codes) < _MAX_TRACKED_CODES:
            codes[key] = codes.get(key, 0) + 1
        self.warn_once(
            key,
            "unknown_status",
            f"未识别的{label or field}「{raw}」，状态记为未知，原始码已保留",
            row=row,
        )
        return ParcelState.UNKNOWN

    # events

    def accept(self, event: TrackingEventRecord, *, row: int | None = None) -> TrackingEventRecord:
        """Count an event as produced, flagging one dated in the future."""
        counts = self.counts
        counts.items += 1
        counts.events += 1
        if event.time_zone_assumed:
            counts.time_zone_assumed += 1
        if event.status is ParcelState.UNKNOWN:
            counts.unknown_status += 1
        if event.carrier_code not in self._ours:
            counts.unknown_carrier += 1
        if event.occurred_at > self.future_limit:
            counts.future += 1
            event.extra["future"] = "1"
            self.warn(
                "future_event",
                f"事件时间在未来：{event.occurred_at:%Y-%m-%d %H:%M}（运单 {event.waybill_no}）",
                row=row,
            )
        return event

    def parcel(self, waybill_no: str, carrier_code: str) -> ParcelMeta:
        """The metadata record of a parcel, created on first use."""
        key = (carrier_code, waybill_no)
        meta = self.parcels.get(key)
        if meta is None:
            meta = ParcelMeta(waybill_no=waybill_no, carrier_code=carrier_code)
            self.parcels[key] = meta
        return meta

    def finish(self) -> None:
        """Close the parse: say how many messages were left unlisted."""
        if self._finished:
            return
        self._finished = True
        if self.counts.messages_not_listed:
            self.messages.append(
                Message(
                    Severity.WARNING,
                    "messages_truncated",
                    f"另有 {self.counts.messages_not_listed} 条消息未列出（已计入统计）",
                )
            )


def phone_tail(text: str) -> str:
    """The last four digits of a phone number, the only part worth keeping; "" if none."""
    digits = "".join(ch for ch in text if ch.isdigit())
    return digits[-4:] if len(digits) >= 4 else ""
