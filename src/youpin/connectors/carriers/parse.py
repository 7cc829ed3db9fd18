"""One entry point for every tracking payload: `parse_tracking`.

JSON pushes and query results (Kuaidi100, Kdniao, WeChat) arrive as bytes, text, a
form body (`param=…`, `RequestData=…`) or a stream; they are small and parsed whole,
and their events come back as a list. Carrier tables (CSV or XLSX) are streamed:
their events come back as a one-pass iterator, and the messages and counts of the
result fill up as it is consumed. Nothing raises: every problem is a `Message`.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO
from urllib.parse import parse_qs

from youpin.connectors.carriers.codes import (
    MAX_MESSAGES,
    CarrierCodeTable,
    ParcelMeta,
    ParseLog,
    TrackingCounts,
)
from youpin.connectors.carriers.csv_generic import (
    TrackingColumnMapping,
    choose_mapping,
    guess_mapping,
    open_tracking_table,
    read_header,
)
from youpin.connectors.carriers.kdniao import looks_like_kdniao, parse_kdniao
from youpin.connectors.carriers.kuaidi100 import looks_like_kuaidi100, parse_kuaidi100
from youpin.connectors.carriers.wechat import looks_like_wechat, parse_wechat
from youpin.connectors.messages import Message
from youpin.connectors.records import TrackingEventRecord
from youpin.connectors.tabular import SNIFF_BYTES, XLSX_MAGIC

PROVIDERS: tuple[str, ...] = ("kuaidi100", "kdniao", "wechat", "csv")
MAX_JSON_BYTES = 32 * 1024 * 1024

Payload = bytes | str | IO[bytes]
MappingArg = (
    TrackingColumnMapping
    | Mapping[str, object]
    | Sequence[TrackingColumnMapping | Mapping[str, object]]
    | None
)

_FORM = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


@dataclass
class TrackingParseResult:
    """Events in canonical form, what the payload says about each parcel, and why not."""

    provider: str
    events: Iterable[TrackingEventRecord]
    parcels_meta: dict[tuple[str, str], ParcelMeta] = field(default_factory=dict)
    messages: list[Message] = field(default_factory=list)
    counts: TrackingCounts = field(default_factory=TrackingCounts)
    envelope: dict[str, str] = field(default_factory=dict)
    streaming: bool = False

    @property
    def errors(self) -> list[Message]:
        """The error messages (so far, for a streamed result)."""
        return [m for m in self.messages if m.is_error]

    def all_events(self) -> list[TrackingEventRecord]:
        """The events as a list; consumes a streamed result, so call it once."""
        if isinstance(self.events, list):
            return self.events
        events = list(self.events)
        self.events = events
        return events


def _result(
    provider: str, log: ParseLog, events: Iterable[TrackingEventRecord]
) -> TrackingParseResult:
    """A result sharing the log's live messages, counts and metadata."""
    return TrackingParseResult(
        provider=provider,
        events=events,
        parcels_meta=log.parcels,
        messages=log.messages,
        counts=log.counts,
        envelope=log.envelope,
        streaming=not isinstance(events, list),
    )


def _head(payload: Payload) -> bytes:
    """The first bytes of a payload, leaving a stream where it was."""
    if isinstance(payload, str):
        return payload[:SNIFF_BYTES].encode("utf-8", errors="replace")
    if isinstance(payload, bytes | bytearray):
        return bytes(payload[:SNIFF_BYTES])
    position = payload.tell()
    head = payload.read(SNIFF_BYTES)
    payload.seek(position)
    return head


def _looks_textual(head: bytes) -> str:
    """ "json" or "form" when the first bytes look like a JSON value or a form body, else ""."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] in (b"{", b"["):
        return "json"
    first_line, _, rest = text.partition(b"\n")
    if _FORM.match(first_line.decode("latin-1")) and not rest.strip():
        return "form"
    return ""


def _text_of(payload: Payload) -> str | None:
    """A whole JSON or form payload as text; None when it is too large."""
    if isinstance(payload, str):
        return payload
    if isinstance(payload, bytes | bytearray):
        raw = bytes(payload)
    else:
        position = payload.tell()
        raw = payload.read(MAX_JSON_BYTES + 1)
        payload.seek(position)
    if len(raw) > MAX_JSON_BYTES:
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030", errors="replace")


def decode_payload(payload: Payload) -> tuple[object | None, str]:
    """The decoded JSON or form fields of a payload, or (None, why not)."""
    text = _text_of(payload)
    if text is None:
        return None, f"数据超过 {MAX_JSON_BYTES // (1024 * 1024)} MB，不是推送或查询结果"
    stripped = text.strip().lstrip("\ufeff")
    if not stripped:
        return None, "数据为空"
    if stripped[0] in "{[":
        try:
            return json.loads(stripped), ""
        except (ValueError, RecursionError) as exc:
            return None, f"不是有效的 JSON：{exc}"
    if _FORM.match(stripped) and "\n" not in stripped:
        fields = parse_qs(stripped, keep_blank_values=True, errors="replace")
        return {key: values[0] for key, values in fields.items()}, ""
    return None, "既不是 JSON 也不是表单数据"


def detect_decoded(data: object) -> str:
    """The provider of a decoded JSON or form payload; "unknown" when none fits."""
    if isinstance(data, list):
        return detect_decoded(data[0]) if data and isinstance(data[0], dict) else "unknown"
    for name, test in (
        ("kuaidi100", looks_like_kuaidi100),
        ("kdniao", looks_like_kdniao),
        ("wechat", looks_like_wechat),
    ):
        if test(data):
            return name
    return "unknown"


def detect_provider(payload: Payload) -> str:
    """Which provider sent this: "kuaidi100", "kdniao", "wechat", "csv" or "unknown".

    JSON and form bodies are told apart by their keys; anything that opens as a table
    (CSV or XLSX) is "csv" — which saved mapping fits is `csv_generic`'s business.
    """
    head = _head(payload)
    kind = _looks_textual(head)
    if kind:
        data, _ = decode_payload(payload)
        return detect_decoded(data) if data is not None else "unknown"
    if head.startswith(XLSX_MAGIC):
        return "csv"
    if not head.strip() or b"\x00" in head:
        return "unknown"
    return "csv"


def parse_tracking(
    payload: Payload,
    *,
    provider: str = "auto",
    mapping: MappingArg = None,
    now: datetime | None = None,
    carrier_codes: CarrierCodeTable | None = None,
    max_messages: int = MAX_MESSAGES,
    decoded: tuple[object | None, str] | None = None,
) -> TrackingParseResult:
    """Parse a tracking payload from any provider into canonical events; never raises.

    `provider` is "auto" or one of PROVIDERS. For tables, `mapping` is a
    `TrackingColumnMapping`, its saved JSON, or a list of saved mappings to choose
    from by header; when none fits, a mapping is guessed from the header. `now`
    (default: now in Shanghai) is what "in the future" is measured against.
    `carrier_codes` translates provider carrier codes to ours. `decoded` is what
    `decode_payload(payload)` returned, when the caller has decoded it already (a push
    whose signature was checked from its fields): it is not decoded twice.
    """
    log = ParseLog(source=provider, now=now, carrier_codes=carrier_codes, max_messages=max_messages)
    if provider != "auto" and provider not in PROVIDERS:
        log.fail("unknown_provider", f"不支持的数据来源「{provider}」")
        log.finish()
        return _result(provider, log, [])
    try:
        head = _head(payload)
    except (OSError, ValueError) as exc:
        log.fail("unreadable", f"无法读取数据：{exc}")
        log.finish()
        return _result(provider, log, [])

    textual = _looks_textual(head)
    if provider == "csv" or (provider == "auto" and not textual):
        return _parse_table(payload, mapping, log)

    data, problem = decoded if decoded is not None else decode_payload(payload)
    if data is None:
        log.fail("invalid_json" if textual == "json" else "invalid_payload", problem)
        log.finish()
        return _result("unknown" if provider == "auto" else provider, log, [])
    if provider == "auto":
        provider = detect_decoded(data)
        if provider == "unknown":
            log.fail("unknown_provider", "无法识别数据来源（不是快递100、快递鸟或微信的推送）")
            log.finish()
            return _result(provider, log, [])
    log.source = provider
    parse = {"kuaidi100": parse_kuaidi100, "kdniao": parse_kdniao, "wechat": parse_wechat}[provider]
    if isinstance(data, list):  # a batch: several results or pushes in one array
        events: list[TrackingEventRecord] = []
        for index, item in enumerate(data):
            if isinstance(item, dict):
                events += parse(item, log)
            else:
                log.fail("not_an_object", f"第 {index + 1} 个元素不是 JSON 对象", row=index + 1)
    else:
        events = parse(data, log)
    log.finish()
    return _result(provider, log, events)


def _parse_table(payload: Payload, mapping: MappingArg, log: ParseLog) -> TrackingParseResult:
    """Stream a carrier table's events with the given, chosen or guessed column mapping."""
    log.source = "csv"
    stream: IO[bytes]
    if isinstance(payload, str):
        stream = io.BytesIO(payload.encode("utf-8"))
    elif isinstance(payload, bytes | bytearray):
        stream = io.BytesIO(bytes(payload))
    else:
        stream = payload
    resolved = _resolve_mapping(stream, mapping, log)
    if resolved is None:
        log.finish()
        return _result("csv", log, [])
    events: Iterator[TrackingEventRecord] = open_tracking_table(stream, resolved, log)
    return _result("csv", log, events)


def _resolve_mapping(
    stream: IO[bytes], mapping: MappingArg, log: ParseLog
) -> TrackingColumnMapping | None:
    """The mapping to read a table with; None (with an error in `log`) when there is none."""
    if isinstance(mapping, str | bytes):  # saved JSON as text
        try:
            mapping = json.loads(mapping)
        except (ValueError, RecursionError) as exc:
            log.fail("bad_mapping", f"列映射不是有效的 JSON：{exc}")
            return None
        if not isinstance(mapping, Mapping | list):
            log.fail("bad_mapping", "列映射应为 JSON 对象")
            return None
    if isinstance(mapping, TrackingColumnMapping):
        problems = mapping.problems()
        if problems:
            log.fail("bad_mapping", f"列映射无效：{'；'.join(problems)}")
            return None
        return mapping
    if isinstance(mapping, Mapping):
        try:
            return TrackingColumnMapping.from_dict(mapping)
        except ValueError as exc:
            log.fail("bad_mapping", f"列映射无效：{exc}")
            return None
    header = read_header(stream)
    if header is None:
        log.fail("not_a_table", "不是 CSV 或 XLSX 表格，也不是可识别的推送")
        return None
    if mapping is not None:  # saved mappings to choose from by header
        saved: list[TrackingColumnMapping] = []
        for item in mapping:
            try:
                saved.append(
                    item
                    if isinstance(item, TrackingColumnMapping)
                    else TrackingColumnMapping.from_dict(item)
                )
            except ValueError as exc:
                log.warn("bad_mapping", f"跳过无效的列映射：{exc}")
        chosen = choose_mapping(header, saved)
        if chosen is not None:
            log.envelope["mapping_chosen"] = chosen.name
            return chosen
    guessed = guess_mapping(header)
    if guessed is None:
        log.fail(
            "no_mapping",
            f"没有适用的列映射，也无法从表头猜出运单号和时间列：{'、'.join(header[:20])}",
        )
        return None
    log.warn("guessed_mapping", f"没有适用的列映射，按表头猜测：{dict(guessed.columns)}")
    return guessed
