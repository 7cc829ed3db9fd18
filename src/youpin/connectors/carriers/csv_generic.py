"""A carrier's own tracking export (CSV in any Chinese encoding, or XLSX), read with a
saved column mapping, streamed row by row so millions of rows stay in bounded memory.

A `TrackingColumnMapping` is plain JSON: which header holds which field, the
carrier when the file has no carrier column, and what each raw status means::

    {"name": "中卫韵达网点导出", "carrier": "yunda",
     "columns": {"waybill_no": "运单号", "occurred_at": "扫描时间", "status": "扫描类型",
                 "raw_text": "描述", "place_name": "网点"},
     "status_map": {"收件": "picked_up", "签收": "delivered"}}

A raw status the map does not know may still be a canonical value (`delivered`) or
its Chinese label (`已签收`); anything else is `unknown`, kept raw, counted and warned
about once. Without a status column, the status is read from the description.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from operator import itemgetter
from typing import IO

from youpin.connectors.carriers.codes import (
    ParseLog,
    normalise_area_code,
    phone_tail,
    scan_text,
    status_from_text,
)
from youpin.connectors.records import ParcelState, TrackingEventRecord
from youpin.connectors.tabular import (
    SHANGHAI,
    SNIFF_BYTES,
    XLSX_MAGIC,
    NotATable,
    clean_cell,
    open_table,
    parse_datetime,
    parse_id,
)

SOURCE = "csv"

# The fields a mapping may point at; "raw_code" is accepted as another name for "status".
FIELDS: tuple[str, ...] = (
    "waybill_no",
    "carrier",
    "occurred_at",
    "status",
    "raw_text",
    "place_code",
    "place_name",
    "facility",
    "weight_kg",
    "weight_g",
    "phone_tail",
)
REQUIRED: tuple[str, ...] = ("waybill_no", "occurred_at")

# Canonical statuses by their value and by their Chinese label (TrackingStatus).
CANONICAL_WORDS: dict[str, ParcelState] = {
    **{state.value: state for state in ParcelState},
    "待揽收": ParcelState.PENDING,
    "已揽收": ParcelState.PICKED_UP,
    "运输中": ParcelState.IN_TRANSIT,
    "派送中": ParcelState.OUT_FOR_DELIVERY,
    "待取件": ParcelState.READY_FOR_PICKUP,
    "已签收": ParcelState.DELIVERED,
    "派送失败": ParcelState.DELIVERY_FAILED,
    "派送延误": ParcelState.DELIVERY_DELAYED,
    "滞留": ParcelState.ON_HOLD,
    "退回": ParcelState.RETURN_TO_SENDER,
    "已取消": ParcelState.CANCELLED,
    "未知": ParcelState.UNKNOWN,
}

# Header words that usually mean a field, for proposing a mapping for a new file.
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "waybill_no": ("运单号", "快递单号", "运单编号", "物流单号", "单号", "waybill_no", "mailno"),
    "carrier": ("快递公司", "承运商", "物流公司", "快递品牌", "carrier"),
    "occurred_at": (
        "扫描时间",
        "操作时间",
        "轨迹时间",
        "发生时间",
        "时间",
        "occurred_at",
        "time",
    ),
    "status": ("扫描类型", "操作类型", "轨迹状态", "状态码", "状态", "status"),
    "raw_text": ("轨迹描述", "物流信息", "描述", "详情", "内容", "轨迹", "context"),
    "place_name": ("扫描网点", "网点", "地点", "所在地", "站点"),
    "place_code": ("行政区划代码", "区划代码", "area_code"),
}


@dataclass(frozen=True)
class TrackingColumnMapping:
    """Which header holds which field, for one carrier's export; plain JSON when saved."""

    name: str
    columns: Mapping[str, str]
    status_map: Mapping[str, str] = field(default_factory=dict)
    carrier: str = ""

    def to_dict(self) -> dict[str, object]:
        """The mapping as JSON-ready data."""
        return {
            "name": self.name,
            "carrier": self.carrier,
            "columns": dict(self.columns),
            "status_map": dict(self.status_map),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> TrackingColumnMapping:
        """Read a saved mapping; ValueError says what is wrong with it."""
        if not isinstance(data, Mapping):
            raise ValueError("列映射应为 JSON 对象")
        columns = data.get("columns")
        status_map = data.get("status_map") or {}
        if not isinstance(columns, Mapping):
            raise ValueError("列映射缺少 columns 对象")
        if not isinstance(status_map, Mapping):
            raise ValueError("status_map 应为 JSON 对象")
        mapping = cls(
            name=str(data.get("name") or ""),
            carrier=str(data.get("carrier") or ""),
            columns={
                ("status" if str(k) == "raw_code" else str(k)): str(v)
                for k, v in columns.items()
                if v
            },
            status_map={str(k): str(v) for k, v in status_map.items()},
        )
        problems = mapping.problems()
        if problems:
            raise ValueError("；".join(problems))
        return mapping

    def problems(self) -> list[str]:
        """What makes this mapping unusable, in words; empty when it is fine."""
        found = [f"不认识的字段「{key}」" for key in self.columns if key not in FIELDS]
        found += [f"缺少必需的列「{key}」" for key in REQUIRED if not self.columns.get(key)]
        if not self.columns.get("status") and not self.columns.get("raw_text"):
            found.append("至少需要状态列（status）或描述列（raw_text）之一")
        values = {state.value for state in ParcelState}
        found += [
            f"状态「{raw}」映射到了不存在的标准状态「{value}」"
            for raw, value in self.status_map.items()
            if value not in values
        ]
        return found

    def missing_headers(self, header: Sequence[str]) -> list[str]:
        """The mapped headers this file does not have."""
        present = {h.strip() for h in header}
        return [h for h in self.columns.values() if h.strip() not in present]


def guess_mapping(header: Sequence[str]) -> TrackingColumnMapping | None:
    """Propose a mapping from common Chinese header words; None when the key fields are missing."""
    present = [h.strip() for h in header]
    columns: dict[str, str] = {}
    taken: set[str] = set()
    for key, words in HEADER_SYNONYMS.items():
        # "订单号" (the order number) contains "单号" but is never the waybill.
        free = [h for h in present if h not in taken and not (key == "waybill_no" and "订单" in h)]
        for word in words:
            hit = next((h for h in free if h == word), None)
            if hit is None:
                hit = next((h for h in free if word in h), None)
            if hit is not None:
                columns[key] = hit
                taken.add(hit)
                break
    mapping = TrackingColumnMapping(name="自动识别", columns=columns)
    return None if mapping.problems() else mapping


def choose_mapping(
    header: Sequence[str], mappings: Sequence[TrackingColumnMapping]
) -> TrackingColumnMapping | None:
    """The saved mapping that fits this header best: all its columns present, most of them."""
    fitting = [m for m in mappings if not m.problems() and not m.missing_headers(header)]
    return max(fitting, key=lambda m: len(m.columns), default=None)


def read_header(stream: IO[bytes]) -> list[str] | None:
    """The header of a table, or None when the bytes are not a table; rewinds the stream.

    A CSV header is read from a copy of the first bytes: the text reader wrapped
    around a stream closes it when it is collected.
    """
    position = stream.tell()
    head = stream.read(SNIFF_BYTES)
    stream.seek(position)
    try:
        table = open_table(stream if head.startswith(XLSX_MAGIC) else io.BytesIO(head))
    except Exception:  # readers of corrupt files (csv, openpyxl, zip) raise many kinds
        return None
    finally:
        stream.seek(position)
    return table.header


_PREFIXED = frozenset("='\t ")


def open_tracking_table(
    stream: IO[bytes], mapping: TrackingColumnMapping, log: ParseLog
) -> Iterator[TrackingEventRecord]:
    """Check the header against the mapping now; stream the rows' events when iterated.

    File-level problems (not a table, mapped columns missing) are in `log` when this
    returns, and the iterator is then empty.
    """
    try:
        table = open_table(stream)
    except NotATable as exc:
        log.fail("not_a_table", str(exc))
        log.finish()
        return iter(())
    except Exception as exc:  # readers of corrupt files (csv, openpyxl, zip) raise many kinds
        log.fail("not_a_table", f"无法读取表格：{exc}")
        log.finish()
        return iter(())
    log.envelope.update(kind=table.kind, encoding=table.encoding, mapping=mapping.name)
    missing = mapping.missing_headers(table.header)
    required = {mapping.columns.get(key, "") for key in REQUIRED}
    if any(h in required for h in missing):
        log.fail(
            "missing_column",
            f"文件缺少列映射「{mapping.name}」要求的列：{'、'.join(missing)}",
        )
        log.finish()
        return iter(())
    readable = {mapping.columns.get(key, "") for key in ("status", "raw_text")} - {""}
    if readable <= set(missing):
        log.fail(
            "missing_column",
            f"文件既没有状态列也没有描述列（{'、'.join(sorted(readable))}），无法判断状态",
        )
        log.finish()
        return iter(())
    for name in missing:
        log.warn("missing_column", f"文件中没有列「{name}」，该字段留空", column=name)
    return _rows(table.header, table.rows, mapping, log)


def _rows(
    header: list[str],
    rows: Iterator[tuple[int, list[str]]],
    mapping: TrackingColumnMapping,
    log: ParseLog,
) -> Iterator[TrackingEventRecord]:
    """The event of each row; a row that cannot become an event is counted and explained.

    Written for speed (millions of rows): cells are fetched in one C call, repeated
    values (area codes, weights, trace texts) are memoised in bounded caches, and the
    bookkeeping of `ParseLog.accept` is inlined.
    """
    where = {h.strip(): i for i, h in reversed(list(enumerate(header)))}
    width = len(header)

    def index(key: str) -> int:
        name = mapping.columns.get(key, "")
        found = where.get(name.strip(), -1) if name else -1
        return found if found >= 0 else width  # column `width` is always blank

    fetch = itemgetter(
        *(
            index(key)
            for key in (
                "waybill_no",
                "occurred_at",
                "status",
                "raw_text",
                "carrier",
                "place_code",
                "place_name",
                "facility",
                "weight_kg",
                "weight_g",
                "phone_tail",
            )
        )
    )
    has_status = index("status") < width
    has_meta = any(index(k) < width for k in ("weight_kg", "weight_g", "phone_tail"))
    waybill_header = mapping.columns["waybill_no"]
    time_header = mapping.columns["occurred_at"]
    status_kind = f"状态（列映射「{mapping.name}」）" if mapping.name else "状态"

    lookup: dict[str, ParcelState] = dict(CANONICAL_WORDS)
    lookup.update({raw.strip(): ParcelState(value) for raw, value in mapping.status_map.items()})
    default_carrier = log.carrier("any", mapping.carrier) if mapping.carrier else ""
    counts = log.counts
    limit = log.future_limit
    fromiso = datetime.fromisoformat
    shanghai = SHANGHAI
    unknown = ParcelState.UNKNOWN
    ours = log.codes.ours
    prefixed = _PREFIXED
    place_codes: dict[str, str | None] = {}
    scans: dict[str, dict[str, str]] = {}
    worded: dict[str, ParcelState] = {}
    carriers: dict[str, str] = {}
    blank = [""]

    number = 0
    try:
        while True:
            try:
                number, cells = next(rows)
            except StopIteration:
                break
            except Exception as exc:  # csv and openpyxl raise many kinds on corrupt input
                log.fail(
                    "unreadable", f"第 {number} 行之后的内容无法读取：{exc}", row=number or None
                )
                break
            size = len(cells)
            if size == width:
                cells.append("")
            elif size < width:
                cells = cells + blank * (width + 1 - size)
            else:
                cells = [*cells[:width], ""]
            (waybill, stamp, raw, text, named, code_text, place, facility, *meta) = fetch(cells)

            if waybill[:1] in prefixed or waybill[-1:] in prefixed:
                waybill = clean_cell(waybill)
            if not waybill:
                log.reject(
                    "missing_waybill",
                    "缺少运单号",
                    row=number,
                    column=waybill_header,
                    raw=dict(zip(header, cells, strict=False)),
                )
                continue
            if "E" in waybill or "e" in waybill:
                try:
                    waybill = parse_id(waybill)
                except ValueError as exc:
                    log.reject("bad_waybill", str(exc), row=number, column=waybill_header)
                    continue

            try:
                when = fromiso(stamp)
                assumed = when.tzinfo is None
                if assumed:
                    when = when.replace(tzinfo=shanghai)
            except ValueError:
                try:
                    parsed = parse_datetime(stamp)
                except ValueError:
                    parsed = None
                if parsed is None:
                    log.reject(
                        "bad_time",
                        f"时间无法识别：「{stamp}」",
                        row=number,
                        column=time_header,
                        raw=dict(zip(header, cells, strict=False)),
                    )
                    continue
                when, assumed = parsed, parsed.tzinfo is shanghai

            text = text.strip()
            if has_status and (raw[:1] in prefixed or raw[-1:] in prefixed):
                raw = clean_cell(raw)
            if raw:
                status = lookup.get(raw)
                if status is None:
                    status = log.unrecognised("csv.status", raw, label=status_kind, row=number)
            else:
                status = worded.get(text)
                if status is None:
                    status = status_from_text(text)
                    if len(worded) < _CACHE_SIZE:
                        worded[text] = status

            carrier = default_carrier
            if named:
                known = carriers.get(named)
                if known is None:
                    cleaned = clean_cell(named)
                    known = log.carrier("any", cleaned, row=number) if cleaned else ""
                    if len(carriers) < _CACHE_SIZE:
                        carriers[named] = known
                carrier = known or default_carrier

            if "码" in text or "【" in text or "尾号" in text:
                found = scans.get(text)
                if found is None:
                    found = scan_text(text)
                    if len(scans) < _CACHE_SIZE:
                        scans[text] = found
                extra = dict(found)
            else:
                extra = {}
            if has_meta:
                _row_meta(meta, extra)

            place_code = None
            if code_text:
                if code_text in place_codes:
                    place_code = place_codes[code_text]
                else:
                    place_code = normalise_area_code(clean_cell(code_text))
                    if len(place_codes) < _CACHE_SIZE:
                        place_codes[code_text] = place_code
                if place_code is None:
                    extra["area_code"] = code_text.strip()

            event = TrackingEventRecord(
                waybill,
                carrier,
                when,
                status,
                raw,
                text,
                place_code,
                place.strip(),
                facility.strip(),
                SOURCE,
                assumed,
                extra,
            )
            # The fast path of ParseLog.accept, inlined for big files.
            counts.items += 1
            counts.events += 1
            if assumed:
                counts.time_zone_assumed += 1
            if status is unknown:
                counts.unknown_status += 1
            if carrier not in ours:
                counts.unknown_carrier += 1
            if when > limit:
                counts.future += 1
                extra["future"] = "1"
                log.warn(
                    "future_event",
                    f"事件时间在未来：{when:%Y-%m-%d %H:%M}（运单 {waybill}）",
                    row=number,
                )
            yield event
    finally:
        log.finish()


_CACHE_SIZE = 20_000


def _row_meta(meta: list[str], extra: dict[str, str]) -> None:
    """Weight (kg or g) and phone tail of a row, when the mapping has them, into `extra`."""
    kg_text, g_text, phone_text = meta
    if kg_text:
        grams = _grams(kg_text)
        if grams:
            extra["weight_g"] = grams
    if g_text:
        grams = clean_cell(g_text)
        if grams.isdigit():
            extra["weight_g"] = grams
    if phone_text:
        tail = phone_tail(phone_text)
        if tail:
            extra["phone_tail"] = tail


@lru_cache(maxsize=4096)
def _grams(kg_text: str) -> str:
    """Grams, as text, of a weight cell in kilograms; "" when it is not a weight."""
    try:
        kg = Decimal(clean_cell(kg_text).lower().removesuffix("kg"))
    except InvalidOperation:
        return ""
    if kg.is_finite() and 0 <= kg < 100_000:
        return str(int(kg * 1000))
    return ""
