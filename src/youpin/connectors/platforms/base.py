"""What every order connector shares: column tables, status tables and the one row engine.

A platform export is described by data, not code (Karrio's pattern): a `Layout` says
which header carries which canonical field, how the raw Chinese status texts map to
`OrderState`, and whether a row is a whole order or one line of an order. One engine
(`OrderReader`, and `RefundReader` for refund files) reads every layout; the platform
modules only hold tables.

Canonical field names (what `Column.field` and a `ColumnMapping` may name):

=====================  =====================================================
order level            platform_order_id, status, shop_id, shop_name,
                       goods_amount, shipping_amount, discount_platform,
                       discount_merchant, discount_host, paid_amount,
                       refunded_amount, created_at, paid_at, shipped_at,
                       completed_at, buyer_account, buyer_name, buyer_phone,
                       address, province, city, district, street,
                       address_detail, waybill_no, carrier_name, host_id,
                       host_nickname, traffic_source, traffic_type,
                       traffic_channel, group_leader, pickup_point
line level             title, quantity, unit_price, line_amount,
                       line_refunded_amount, refund_status, platform_line_id,
                       platform_product_id, merchant_sku, sku_text
=====================  =====================================================

Rules the engine applies to every layout:

* A column lists several header spellings; the first one the file has is used. When
  several are present, each row takes the first non-empty cell among them.
* Order-level fields are read from the first row of an order only; on the following
  rows of a one-row-per-line export they are repeated copies and never added again
  (a repeated amount that differs is reported once as a warning). `summed` columns
  are the exception: they are per-line amounts added into the order.
* `goods_amount` / `refunded_amount` without an order-level column are the sums of
  the line amounts / line refunds. A line amount missing but price and quantity
  present is price × quantity.
* The address is the free-text column, or 省/市/区/街道/详细地址 joined in order.
* Grouping of a one-row-per-line export: rows are grouped while the order id stays
  the same (lines of one order are adjacent in every export seen), so memory holds
  one order at a time. Lines of one order that are *not* adjacent come out as
  separate records with the same id; `merge_orders` is the rule the importer applies
  to join them.
* Every row either contributes to a record (rows_ok) or yields one ERROR message
  with its row number, the raw row and the reasons in Chinese (rows_rejected).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from operator import itemgetter
from typing import Literal, Protocol, cast

from youpin.connectors.messages import Message, error, warning
from youpin.connectors.records import OrderLineRecord, OrderRecord, OrderState, RefundRecord
from youpin.connectors.tabular import (
    SHANGHAI,
    fast_clean,
    parse_amount,
    parse_datetime,
    parse_id,
    parse_int,
)

Kind = Literal["orders", "order_lines", "refunds"]
RowUnit = Literal["order", "line"]
CellParser = Callable[[str], object]

# ---------------------------------------------------------------------------
# Canonical fields
# ---------------------------------------------------------------------------

ORDER_TEXT_FIELDS = (
    "shop_id",
    "shop_name",
    "buyer_account",
    "buyer_name",
    "buyer_phone",
    "address",
    "waybill_no",
    "carrier_name",
    "host_id",
    "host_nickname",
    "traffic_source",
    "traffic_type",
    "traffic_channel",
    "group_leader",
    "pickup_point",
)
ORDER_AMOUNT_FIELDS = (
    "goods_amount",
    "shipping_amount",
    "discount_platform",
    "discount_merchant",
    "discount_host",
    "paid_amount",
    "refunded_amount",
)
ORDER_TIME_FIELDS = ("created_at", "paid_at", "shipped_at", "completed_at")
ADDRESS_PARTS = ("province", "city", "district", "street", "address_detail")
#: line field name → OrderLineRecord attribute
LINE_FIELDS = {
    "title": "title",
    "quantity": "quantity",
    "unit_price": "unit_price",
    "line_amount": "amount",
    "line_refunded_amount": "refunded_amount",
    "refund_status": "refund_status",
    "platform_line_id": "platform_line_id",
    "platform_product_id": "platform_product_id",
    "merchant_sku": "merchant_sku",
    "sku_text": "sku_text",
}
LINE_AMOUNT_FIELDS = frozenset({"unit_price", "line_amount", "line_refunded_amount"})
ID_FIELDS = frozenset({"platform_order_id", "platform_line_id", "platform_product_id"})

ORDER_FIELDS = frozenset(
    {"platform_order_id", "status"}
    | set(ORDER_TEXT_FIELDS)
    | set(ORDER_AMOUNT_FIELDS)
    | set(ORDER_TIME_FIELDS)
    | set(ADDRESS_PARTS)
)
CANONICAL_FIELDS = ORDER_FIELDS | frozenset(LINE_FIELDS)

FIELD_LABELS = {
    "platform_order_id": "订单编号",
    "status": "订单状态",
    "shop_id": "店铺ID",
    "shop_name": "店铺名称",
    "goods_amount": "商品金额",
    "shipping_amount": "运费",
    "discount_platform": "平台优惠",
    "discount_merchant": "商家优惠",
    "discount_host": "达人优惠",
    "paid_amount": "实付金额",
    "refunded_amount": "退款金额",
    "created_at": "下单时间",
    "paid_at": "付款时间",
    "shipped_at": "发货时间",
    "completed_at": "完成时间",
    "buyer_account": "买家账号",
    "buyer_name": "收货人",
    "buyer_phone": "收货电话",
    "address": "收货地址",
    "province": "省",
    "city": "市",
    "district": "区县",
    "street": "街道/乡镇",
    "address_detail": "详细地址",
    "waybill_no": "快递单号",
    "carrier_name": "快递公司",
    "host_id": "达人ID",
    "host_nickname": "达人昵称",
    "traffic_source": "流量来源",
    "traffic_type": "流量类型",
    "traffic_channel": "流量渠道",
    "group_leader": "团长",
    "pickup_point": "自提点",
    "title": "商品名称",
    "quantity": "数量",
    "unit_price": "单价",
    "line_amount": "商品行金额",
    "line_refunded_amount": "商品行退款金额",
    "refund_status": "售后状态",
    "platform_line_id": "子订单编号",
    "platform_product_id": "商品ID",
    "merchant_sku": "商家编码",
    "sku_text": "商品规格",
}


def header_key(text: str) -> str:
    """The form headers are compared in: no spaces, ASCII parentheses, lower-case."""
    return "".join(text.split()).replace("（", "(").replace("）", ")").lower()


# ---------------------------------------------------------------------------
# Cell parsers: the tabular cleaners' results, cached or short-cut for speed
# ---------------------------------------------------------------------------

#: Naive date-times are China time. China has kept UTC+8 without daylight saving since
#: 1991, so a fixed offset is exact for order data and far cheaper than a ZoneInfo.
CHINA_TIME = timezone(timedelta(hours=8), "CST")

_CACHE_LIMIT = 50_000
_MISSING = object()
_amounts: dict[str, Decimal | None] = {}
_ints: dict[str, int | None] = {}
_from_iso = datetime.fromisoformat


def cell_id(cell: str) -> str:
    """An identifier kept exactly as text; ValueError when Excel has mangled it."""
    if cell.isdigit() and cell.isascii():
        return cell
    if cell[:1] == "'":
        rest = cell[1:]
        if rest.isdigit() and rest.isascii():
            return rest
    return parse_id(cell)


def cell_amount(cell: str) -> Decimal | None:
    """A CNY amount (2 places) or None; ValueError when malformed. Cached by cell text."""
    value = _amounts.get(cell, _MISSING)
    if value is _MISSING:
        value = parse_amount(cell)
        if len(_amounts) >= _CACHE_LIMIT:
            _amounts.clear()
        _amounts[cell] = value
    return value  # type: ignore[return-value]


def cell_int(cell: str) -> int | None:
    """A whole number or None; ValueError when malformed. Cached by cell text."""
    value = _ints.get(cell, _MISSING)
    if value is _MISSING:
        value = parse_int(cell)
        if len(_ints) >= _CACHE_LIMIT:
            _ints.clear()
        _ints[cell] = value
    return value  # type: ignore[return-value]


def cell_datetime(cell: str) -> datetime | None:
    """An aware date-time (China time unless the cell has an offset) or None; ValueError if bad."""
    if len(cell) == 19 and cell[4] == "-" and cell[10] == " ":
        try:
            return _from_iso(cell + "+08:00")
        except ValueError:
            pass
    value = parse_datetime(cell)
    if value is not None and value.tzinfo is SHANGHAI:
        value = value.replace(tzinfo=CHINA_TIME)
    return value


def datetime_parser(date_format: str | None) -> Callable[[str], datetime | None]:
    """A date-time cell parser trying `date_format` first (a strptime pattern), then the usual."""
    if not date_format:
        return cell_datetime

    def parse(cell: str) -> datetime | None:
        """The cell read with the template's format, else as any usual date-time."""
        try:
            parsed = datetime.strptime(fast_clean(cell), date_format)
        except ValueError:
            return cell_datetime(cell)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=CHINA_TIME)

    return parse


def parser_for(field_name: str, date_format: str | None = None) -> CellParser:
    """The cell parser of a canonical field."""
    if field_name in ID_FIELDS:
        return cell_id
    if field_name in ORDER_AMOUNT_FIELDS or field_name in LINE_AMOUNT_FIELDS:
        return cell_amount
    if field_name in ORDER_TIME_FIELDS:
        return datetime_parser(date_format)
    if field_name == "quantity":
        return cell_int
    return fast_clean


# ---------------------------------------------------------------------------
# Status tables
# ---------------------------------------------------------------------------

#: A raw status text → canonical state; None marks a known after-sales state whose
#: raw text is kept without a canonical value (refunds come from refund columns/files).
StatusTable = Mapping[str, OrderState | None]


def status_key(raw: str) -> str:
    """The form status texts are compared in: no spaces, full-width commas."""
    return "".join(raw.split()).replace(",", "，")


def status_table(entries: Mapping[str, OrderState | None]) -> dict[str, OrderState | None]:
    """A status table with its keys normalised by `status_key`."""
    return {status_key(raw): state for raw, state in entries.items()}


# ---------------------------------------------------------------------------
# Layout tables
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One canonical field and the header spellings that carry it, in order of preference."""

    field: str
    headers: tuple[str, ...]
    summed: bool = False  # a per-line amount added into the order's field
    plus: bool = False  # an order-level amount added to another column of the same field


def col(field_name: str, *headers: str, summed: bool = False, plus: bool = False) -> Column:
    """Shorthand for a `Column`."""
    if field_name not in CANONICAL_FIELDS:
        raise ValueError(f"unknown canonical field {field_name!r}")
    return Column(field_name, headers, summed=summed, plus=plus)


class PlatformConnector(Protocol):
    """What parse_orders needs from a connector: identity, header detection and reading."""

    @property
    def name(self) -> str:
        """The format id, e.g. 'douyin_orders' or 'pinduoduo_refunds'."""
        ...

    @property
    def platform(self) -> str:
        """The canonical platform (catalog.Platform value) the records belong to."""
        ...

    @property
    def label(self) -> str:
        """The format's name as a merchant knows it."""
        ...

    @property
    def kind(self) -> Kind:
        """What the records are: 'orders', 'order_lines' or 'refunds'."""
        ...

    def score(self, header: Sequence[str]) -> int:
        """How well the header matches (0: it is not this format)."""
        ...

    def bind(self, header: Sequence[str]) -> tuple[Reader | None, list[Message]]:
        """Prepare to read rows under this header, or explain why it cannot."""
        ...


class Reader(Protocol):
    """A connector bound to one file's header."""

    def read(
        self, rows: Iterable[tuple[int, list[str]]], log: ParseLog
    ) -> Iterator[OrderRecord] | Iterator[RefundRecord]:
        """Turn rows into records, counting and reporting every row in `log`."""
        ...


def _score(
    header: Sequence[str],
    signatures: tuple[frozenset[str], ...],
    known: Iterable[str],
) -> int:
    """Recognised header count when one signature set is wholly present, else 0."""
    keys = {header_key(h) for h in header}
    if not any({header_key(s) for s in sig} <= keys for sig in signatures):
        return 0
    return len(keys & {header_key(k) for k in known})


@dataclass(frozen=True)
class Layout:
    """An order export described as data: columns, statuses, row unit and detection signature."""

    name: str
    platform: str
    label: str
    kind: Kind
    one_row_per: RowUnit
    columns: tuple[Column, ...]
    statuses: StatusTable
    signatures: tuple[frozenset[str], ...] = ()
    known: frozenset[str] = frozenset()  # recognised headers that carry nothing we keep
    check_balance: bool = False  # warn when goods + shipping − discounts ≠ paid
    date_format: str | None = None

    def all_headers(self) -> list[str]:
        """Every header this layout recognises."""
        return [h for c in self.columns for h in c.headers] + sorted(self.known)

    def score(self, header: Sequence[str]) -> int:
        """How well the header matches (0: it is not this format)."""
        return _score(header, self.signatures, self.all_headers())

    def bind(self, header: Sequence[str]) -> tuple[OrderReader | None, list[Message]]:
        """Prepare to read rows under this header, or explain why it cannot."""
        bound, messages = bind_columns(self.columns, header, self.known, self.label)
        if bound is None:
            return None, messages
        return OrderReader(self, list(header), bound), messages


@dataclass(frozen=True)
class BoundColumn:
    """A column found in the file: its indexes (first non-empty wins) and its parser."""

    column: Column
    indexes: tuple[int, ...]
    header: str


def bind_columns(
    columns: Sequence[Column],
    header: Sequence[str],
    known: Iterable[str],
    label: str,
    required: Iterable[str] = ("platform_order_id",),
) -> tuple[list[BoundColumn] | None, list[Message]]:
    """Map a file's header onto columns; a missing required field is a file-level error."""
    positions: dict[str, int] = {}
    for index, text in enumerate(header):
        positions.setdefault(header_key(text), index)
    bound: list[BoundColumn] = []
    missing: list[str] = []
    used: set[int] = set()
    for column in columns:
        indexes = tuple(
            positions[header_key(h)] for h in column.headers if header_key(h) in positions
        )
        if not indexes:
            missing.append(column.headers[0])
            continue
        used.update(indexes)
        bound.append(BoundColumn(column, indexes, header[indexes[0]]))
    messages: list[Message] = []
    found = {b.column.field for b in bound}
    absent = [f for f in required if f not in found]
    if absent:
        wanted = "、".join(
            "/".join(c.headers) for c in columns if c.field in absent and c.headers
        ) or "、".join(FIELD_LABELS.get(f, f) for f in absent)
        messages.append(
            error("missing_column", f"文件缺少必需的列：{wanted}（按「{label}」格式读取）")
        )
        return None, messages
    if missing:
        messages.append(
            warning(
                "missing_column",
                f"文件没有这些列，对应字段留空：{'、'.join(dict.fromkeys(missing))}",
            )
        )
    known_keys = {header_key(k) for k in known}
    extra = [
        text
        for index, text in enumerate(header)
        if text and index not in used and header_key(text) not in known_keys
    ]
    if extra:
        messages.append(warning("unknown_column", f"这些列无法识别，已忽略：{'、'.join(extra)}"))
    return bound, messages


# ---------------------------------------------------------------------------
# The log: counts and messages of one parse
# ---------------------------------------------------------------------------


@dataclass
class _Note:
    """A repeated warning counted instead of repeated."""

    code: str
    text: str
    row: int | None
    column: str | None
    count: int = 1


@dataclass
class ParseLog:
    """Counts and messages of one parse; repeated warnings are summed up at the end."""

    header: list[str] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    rows_read: int = 0
    rows_ok: int = 0
    rows_rejected: int = 0
    notes: dict[tuple[str, str], _Note] = field(default_factory=dict)
    finished: bool = False

    def reject(self, row: int, cells: Sequence[str], reasons: Sequence[str], column: str) -> None:
        """Count a rejected row and record why, with the raw row."""
        self.rows_rejected += 1
        raw = dict(zip(self.header, cells, strict=False))
        for extra, value in enumerate(cells[len(self.header) :], start=len(self.header) + 1):
            raw[f"第{extra}列"] = value
        self.messages.append(
            error("row_rejected", "；".join(reasons), row=row, column=column or None, raw=raw)
        )

    def note(self, code: str, key: str, text: str, *, row: int, column: str | None) -> None:
        """Remember a warning; the same (code, key) later only raises its count."""
        existing = self.notes.get((code, key))
        if existing is None:
            self.notes[(code, key)] = _Note(code, text, row, column)
        else:
            existing.count += 1

    def flush_notes(self) -> None:
        """Turn the counted warnings into messages (called when the rows are exhausted)."""
        for note in self.notes.values():
            text = note.text
            if note.count > 1:
                text = f"{text}（共 {note.count} 次，首次在第 {note.row} 行）"
            self.messages.append(warning(note.code, text, row=note.row, column=note.column))
        self.notes.clear()


# ---------------------------------------------------------------------------
# The order engine
# ---------------------------------------------------------------------------

_Spec = tuple[str, tuple[int, ...], CellParser, str]  # (attr, indexes, parser, header)
# Text cells that never needed cleaning are read together and checked with one search
# (a value starting with a space, `=` or `'`, or ending with a space needs clean_cell).
_NEEDS_CLEAN = re.compile(r"\x00(?:[\s=']|(?<=\s\x00))")  # on NUL-framed, NUL-joined cells


def _needs_clean(value: str) -> bool:
    """True when clean_cell would change the value."""
    return bool(value) and (value[0] in "='" or value[0].isspace() or value[-1].isspace())


def _getter(indexes: Sequence[int]) -> Callable[[Sequence[str]], tuple[str, ...]]:
    """A function picking the cells at `indexes` as a tuple (itemgetter, also for one)."""
    if len(indexes) == 1:
        only = indexes[0]
        return lambda cells: (cells[only],)
    return cast(Callable[[Sequence[str]], tuple[str, ...]], itemgetter(*indexes))


def _take(cells: Sequence[str], indexes: tuple[int, ...]) -> str:
    """The first non-empty cell among the indexes (after cleaning)."""
    for index in indexes:
        cell = cells[index]
        if cell and fast_clean(cell):
            return cell
    return ""


class FieldSet:
    """The specs of one level (order, line, summed) grouped by parser, parsed in bulk.

    Text columns start in a bulk group: their cells are fetched together and searched
    once. A column whose cell needed cleaning (Douyin's `'`-prefixed waybill numbers,
    say) moves to the group cleaned cell by cell. Other cells go through their cached
    parser one by one. The results are exactly those of the tabular cleaners.
    """

    def __init__(self, specs: Sequence[_Spec]) -> None:
        texts = [s for s in specs if s[2] is fast_clean and len(s[1]) == 1]
        self._bulk = [(s[0], s[1][0]) for s in texts]
        self._dirty: list[tuple[str, int]] = []
        self._regroup()
        amounts = [s for s in specs if s[2] is cell_amount and len(s[1]) == 1]
        self._amount_specs = [(s[0], s[1][0], s[3]) for s in amounts]
        self._amount_attrs = tuple(s[0] for s in amounts)
        self._amount_get = _getter([s[1][0] for s in amounts]) if amounts else None
        self.singles = [
            (s[0], s[1][0], s[2], s[3])
            for s in specs
            if s not in texts and s not in amounts and len(s[1]) == 1
        ]
        self.multi = [s for s in specs if len(s[1]) > 1]

    def _regroup(self) -> Callable[[Sequence[str]], tuple[str, ...]] | None:
        """Rebuild (and return) the bulk getter after columns moved between the groups."""
        self._bulk_attrs = tuple(attr for attr, _ in self._bulk)
        self._bulk_get = _getter([index for _, index in self._bulk]) if self._bulk else None
        return self._bulk_get

    def _parse_texts(self, cells: Sequence[str], out: dict[str, object]) -> None:
        """Clean and store the text cells of a row."""
        if self._bulk_get is not None:
            values = self._bulk_get(cells)
            if _NEEDS_CLEAN.search("\x00" + "\x00".join(values) + "\x00"):
                moved = [(a, i) for a, i in self._bulk if _needs_clean(cells[i])]
                if moved:
                    self._dirty += moved
                    self._bulk = [spec for spec in self._bulk if spec not in moved]
                    getter = self._regroup()
                    values = getter(cells) if getter is not None else ()
            out.update(zip(self._bulk_attrs, values, strict=True))
        for attr, index in self._dirty:
            cell = cells[index]
            out[attr] = fast_clean(cell) if cell else ""

    def _parse_amounts(self, cells: Sequence[str], errors: list[str]) -> list[Decimal | None]:
        """The amount cells of a row one by one (some were not cached yet)."""
        values: list[Decimal | None] = []
        for _, index, header in self._amount_specs:
            try:
                values.append(cell_amount(cells[index]))
            except ValueError as exc:
                errors.append(f"「{header}」{exc}")
                values.append(None)
        return values

    def parse(self, cells: Sequence[str], out: dict[str, object], errors: list[str]) -> None:
        """Parse this set's cells of a row into `out`; malformed cells become reasons."""
        self._parse_texts(cells, out)
        if self._amount_get is not None:
            try:
                values = [_amounts[cell] for cell in self._amount_get(cells)]
            except KeyError:  # an amount not seen yet: parse (and cache) one by one
                values = self._parse_amounts(cells, errors)
            out.update(zip(self._amount_attrs, values, strict=True))
        for attr, index, parse, header in self.singles:
            cell = cells[index]
            if cell:
                try:
                    out[attr] = parse(cell)
                except ValueError as exc:
                    errors.append(f"「{header}」{exc}")
        for attr, indexes, parse, header in self.multi:
            cell = _take(cells, indexes)
            if cell:
                try:
                    out[attr] = parse(cell)
                except ValueError as exc:
                    errors.append(f"「{header}」{exc}")


def join_address(parts: Sequence[str]) -> str:
    """Join 省/市/区/街道/详细地址 in order, skipping parts the detail already contains."""
    detail = parts[-1]
    if not detail:
        return "".join(parts)
    return "".join([p for p in parts[:-1] if p and p not in detail]) + detail


def _fit(cells: list[str], width: int) -> list[str] | None:
    """The row padded to the header's width; None when it has extra non-empty cells."""
    if len(cells) < width:
        return cells + [""] * (width - len(cells))
    if len(cells) > width and any(c.strip() for c in cells[width:]):
        return None
    return cells


def _too_wide(cells: Sequence[str], width: int) -> str:
    """The reason for a row with more cells than the header."""
    return f"该行有 {len(cells)} 列，多于表头的 {width} 列（可能有未加引号的逗号，列已错位）"


class _Group:
    """The rows of one order being gathered."""

    __slots__ = ("first_raw", "lines", "order", "rows", "sums")

    def __init__(self, order: dict[str, object], first_raw: tuple[str, ...], row: int) -> None:
        self.order = order
        self.first_raw = first_raw
        self.lines: list[OrderLineRecord] = []
        self.sums: dict[str, Decimal] = {}
        self.rows = [row]


class OrderReader:
    """A `Layout` bound to one file's header: reads rows into `OrderRecord`s."""

    def __init__(self, layout: Layout, header: list[str], bound: Sequence[BoundColumn]) -> None:
        self.layout = layout
        self.width = len(header)
        order: list[_Spec] = []
        plus: list[_Spec] = []
        line: list[_Spec] = []
        summed: list[_Spec] = []
        self.id_indexes: tuple[int, ...] = ()
        self.id_header = ""
        for b in bound:
            name = b.column.field
            parser = parser_for(name, layout.date_format)
            if name == "platform_order_id":
                self.id_indexes, self.id_header = b.indexes, b.header
            elif name in LINE_FIELDS:
                line.append((LINE_FIELDS[name], b.indexes, parser, b.header))
            elif b.column.summed:
                summed.append((name, b.indexes, parser, b.header))
            elif b.column.plus:
                plus.append((name, b.indexes, parser, b.header))
            else:
                order.append(
                    (RAW_STATUS if name == "status" else name, b.indexes, parser, b.header)
                )
        self.order_set = FieldSet(order)
        self.plus_specs = plus
        self.line_set = FieldSet(line) if line else None
        self.summed_set = FieldSet(summed) if summed else None
        self.has_parts = any(s[0] in ADDRESS_PARTS for s in order)
        self.per_line = layout.one_row_per == "line"
        # order-level amounts repeated on each line row: compared, never added again
        repeated = [s for s in (*order, *plus) if s[0] in ORDER_AMOUNT_FIELDS]
        self.repeated_headers = [s[3] for s in repeated]
        self.repeated_get = _getter([s[1][0] for s in repeated]) if repeated else None

    def read(self, rows: Iterable[tuple[int, list[str]]], log: ParseLog) -> Iterator[OrderRecord]:
        """Turn rows into orders (adjacent rows of one id form one order), logging every row."""
        width = self.width
        id_indexes = self.id_indexes
        id_index = id_indexes[0] if len(id_indexes) == 1 else -1
        per_line, line_set, summed_set = self.per_line, self.line_set, self.summed_set
        parse_order = self.order_set.parse
        group: _Group | None = None
        group_id = ""
        for row_no, raw_cells in rows:
            log.rows_read += 1
            cells = raw_cells if len(raw_cells) == width else _fit(raw_cells, width)
            if cells is None:
                log.reject(row_no, raw_cells, [_too_wide(raw_cells, width)], "")
                continue
            raw_id = cells[id_index] if id_index >= 0 else _take(cells, id_indexes)
            try:
                order_id = cell_id(raw_id) if raw_id else ""
            except ValueError as exc:
                log.reject(row_no, cells, [f"「{self.id_header}」{exc}"], self.id_header)
                continue
            if not order_id:
                log.reject(row_no, cells, [f"{self.id_header}为空"], self.id_header)
                continue
            errors: list[str] = []
            same = per_line and group is not None and order_id == group_id
            order_values: dict[str, object] = {}
            if not same:
                parse_order(cells, order_values, errors)
                if self.plus_specs:
                    self._add_plus(cells, order_values, errors)
            line_values: dict[str, object] = {}
            if line_set is not None:
                line_set.parse(cells, line_values, errors)
                quantity = line_values.get("quantity")
                if quantity is not None and quantity < 0:  # type: ignore[operator]
                    errors.append(f"数量不能为负数：{quantity}")
            sums: dict[str, object] = {}
            if summed_set is not None:
                summed_set.parse(cells, sums, errors)
            if errors:
                log.reject(row_no, cells, errors, "")
                continue
            log.rows_ok += 1
            if same:
                assert group is not None
                if self.repeated_get is not None and self.repeated_get(cells) != group.first_raw:
                    self._note_repeated(group, cells, row_no, order_id, log)
                group.rows.append(row_no)
            else:
                if group is not None:
                    yield self._finish(group_id, group, log)
                first = self.repeated_get(cells) if per_line and self.repeated_get else ()
                group = _Group(order_values, first, row_no)
                group_id = order_id
            if line_set is not None and (per_line or any(line_values.values())):
                group.lines.append(_make_line(line_values))
            for name, value in sums.items():
                if value is not None:
                    group.sums[name] = group.sums.get(name, Decimal(0)) + value  # type: ignore[operator]
            if not per_line:
                yield self._finish(group_id, group, log)
                group = None
        if group is not None:
            yield self._finish(group_id, group, log)

    def _add_plus(self, cells: Sequence[str], values: dict[str, object], errors: list[str]) -> None:
        """Add `plus` columns onto their field (e.g. JD 余额支付 onto 应付金额)."""
        for attr, indexes, parse, header in self.plus_specs:
            cell = _take(cells, indexes)
            if not cell:
                continue
            try:
                amount = parse(cell)
            except ValueError as exc:
                errors.append(f"「{header}」{exc}")
                continue
            if amount is not None:
                base = values.get(attr)
                values[attr] = amount if base is None else base + amount  # type: ignore[operator]

    def _note_repeated(
        self, group: _Group, cells: Sequence[str], row: int, order_id: str, log: ParseLog
    ) -> None:
        """Warn (once per column) that a repeated order-level amount differs from the first row."""
        assert self.repeated_get is not None
        now = self.repeated_get(cells)
        for header, first, value in zip(self.repeated_headers, group.first_raw, now, strict=True):
            if value != first and not _same_amount(value, first):
                log.note(
                    "repeated_amount_differs",
                    header,
                    f"同一订单各行的「{header}」不一致（如订单 {order_id}），"
                    "已按该订单第一行计，未累加",
                    row=row,
                    column=header,
                )

    def _finish(self, order_id: str, group: _Group, log: ParseLog) -> OrderRecord:
        """Build the record of a completed group."""
        values = group.order
        raw_status = str(values.pop(RAW_STATUS, "") or "")
        if self.has_parts:
            parts = [str(values.pop(p, "") or "") for p in ADDRESS_PARTS]
            if not values.get("address"):
                values["address"] = join_address(parts)
        record = OrderRecord(
            platform=self.layout.platform,
            platform_order_id=order_id,
            lines=group.lines,
            source_rows=group.rows,
            **values,  # type: ignore[arg-type]
        )
        if raw_status:
            record.raw_status = raw_status
            record.status = self._status(raw_status, group.rows[0], log)
        for name, total in group.sums.items():
            base = getattr(record, name)
            setattr(record, name, total if base is None else base + total)
        _fill_from_lines(record)
        if self.layout.check_balance:
            _check_balance(record, log)
        return record

    def _status(self, raw: str, row: int, log: ParseLog) -> OrderState | None:
        """The canonical state of a raw status text; unknown texts are warned about once each."""
        statuses = self.layout.statuses
        if raw in statuses:
            return statuses[raw]
        key = status_key(raw)
        if key in statuses:
            return statuses[key]
        log.note(
            "unknown_status",
            raw,
            f"未知的订单状态「{raw}」，已保留原文，状态留空",
            row=row,
            column=None,
        )
        return None


RAW_STATUS = "raw_status"


def _same_amount(one: str, other: str) -> bool:
    """True when two cells hold the same amount ('210' and '210.00'); False if one is bad."""
    try:
        return cell_amount(one) == cell_amount(other)
    except ValueError:
        return False


def _make_line(values: dict[str, object]) -> OrderLineRecord:
    """An order line from parsed values; amount = price × quantity when only those are given."""
    if "quantity" in values and values["quantity"] is None:
        del values["quantity"]
    if "title" not in values:
        values["title"] = ""
    line = OrderLineRecord(**values)  # type: ignore[arg-type]
    if line.amount is None and line.unit_price is not None:
        line.amount = line.unit_price * line.quantity
    return line


def _fill_from_lines(record: OrderRecord) -> None:
    """Goods amount and refunds summed from the lines when no order-level column gave them."""
    if record.goods_amount is None:
        amounts = [line.amount for line in record.lines if line.amount is not None]
        if amounts:
            record.goods_amount = sum(amounts, Decimal("0.00"))
    if record.refunded_amount is None:
        refunds = [ln.refunded_amount for ln in record.lines if ln.refunded_amount is not None]
        if refunds:
            record.refunded_amount = sum(refunds, Decimal("0.00"))


def _check_balance(record: OrderRecord, log: ParseLog) -> None:
    """Warn when goods + shipping − discounts differs from the paid amount (all to the cent)."""
    goods, paid = record.goods_amount, record.paid_amount
    if goods is None or paid is None:
        return
    expected = goods
    if record.shipping_amount:
        expected += record.shipping_amount
    for discount in (record.discount_platform, record.discount_merchant, record.discount_host):
        if discount:
            expected -= discount
    if expected != paid:
        log.note(
            "amount_unbalanced",
            "",
            f"订单金额不平：商品金额+运费−优惠={expected}，实付={paid}"
            f"（如订单 {record.platform_order_id}），请核对金额列",
            row=record.source_rows[0],
            column=None,
        )


_SUMMED_ON_MERGE = ("goods_amount", "refunded_amount")


def merge_orders(first: OrderRecord, later: OrderRecord) -> OrderRecord:
    """Join two fragments of one order (non-adjacent rows): lines appended, first values win.

    Fields the engine sums from lines (goods and refunded amounts) are added; every
    other field keeps the first fragment's value unless it was empty there.
    """
    if (first.platform, first.platform_order_id) != (later.platform, later.platform_order_id):
        raise ValueError("只能合并同一平台同一订单号的记录")
    merged = OrderRecord(platform=first.platform, platform_order_id=first.platform_order_id)
    for f in fields(OrderRecord):
        a, b = getattr(first, f.name), getattr(later, f.name)
        if f.name in ("lines", "source_rows"):
            value: object = [*a, *b]
        elif f.name in _SUMMED_ON_MERGE and a is not None and b is not None:
            value = a + b
        else:
            value = a if a not in (None, "") else b
        setattr(merged, f.name, value)
    return merged


# ---------------------------------------------------------------------------
# Refund files
# ---------------------------------------------------------------------------

REFUND_FIELDS = frozenset(
    {"refund_id", "platform_order_id", "amount", "status", "kind", "applied_at", "agreed_at"}
)


@dataclass(frozen=True)
class RefundLayout:
    """An after-sales/refund export as data: one row is one refund."""

    name: str
    platform: str
    label: str
    columns: tuple[Column, ...]
    succeeded: frozenset[str]  # status texts meaning the money went back
    signatures: tuple[frozenset[str], ...] = ()
    known: frozenset[str] = frozenset()
    kind: Kind = "refunds"

    def all_headers(self) -> list[str]:
        """Every header this layout recognises."""
        return [h for c in self.columns for h in c.headers] + sorted(self.known)

    def score(self, header: Sequence[str]) -> int:
        """How well the header matches (0: it is not this format)."""
        return _score(header, self.signatures, self.all_headers())

    def bind(self, header: Sequence[str]) -> tuple[RefundReader | None, list[Message]]:
        """Prepare to read rows under this header, or explain why it cannot."""
        bound, messages = bind_columns(
            self.columns,
            header,
            self.known,
            self.label,
            required=("refund_id", "platform_order_id", "amount"),
        )
        if bound is None:
            return None, messages
        return RefundReader(self, list(header), bound), messages


def refund_col(field_name: str, *headers: str) -> Column:
    """Shorthand for a refund-file column."""
    if field_name not in REFUND_FIELDS:
        raise ValueError(f"unknown refund field {field_name!r}")
    return Column(field_name, headers)


_REFUND_PARSERS: dict[str, CellParser] = {
    "refund_id": cell_id,
    "platform_order_id": cell_id,
    "amount": cell_amount,
    "status": fast_clean,
    "kind": fast_clean,
    "applied_at": cell_datetime,
    "agreed_at": cell_datetime,
}


class RefundReader:
    """A `RefundLayout` bound to one file's header: reads rows into `RefundRecord`s."""

    def __init__(
        self, layout: RefundLayout, header: list[str], bound: Sequence[BoundColumn]
    ) -> None:
        self.layout = layout
        self.width = len(header)
        self.fields = FieldSet(
            [(b.column.field, b.indexes, _REFUND_PARSERS[b.column.field], b.header) for b in bound]
        )
        self.headers = {b.column.field: b.header for b in bound}
        self.succeeded = {status_key(s) for s in layout.succeeded}

    def read(self, rows: Iterable[tuple[int, list[str]]], log: ParseLog) -> Iterator[RefundRecord]:
        """Turn rows into refunds, logging every row."""
        width = self.width
        for row_no, raw_cells in rows:
            log.rows_read += 1
            cells = _fit(raw_cells, width)
            if cells is None:
                log.reject(row_no, raw_cells, [_too_wide(raw_cells, width)], "")
                continue
            values: dict[str, object] = {}
            errors: list[str] = []
            self.fields.parse(cells, values, errors)
            for name in ("refund_id", "platform_order_id", "amount"):
                if not errors and values.get(name) in (None, ""):
                    errors.append(f"{self.headers[name]}为空")
            if errors:
                log.reject(row_no, cells, errors, "")
                continue
            log.rows_ok += 1
            status = str(values.get("status", ""))
            yield RefundRecord(
                platform=self.layout.platform,
                platform_order_id=str(values["platform_order_id"]),
                refund_id=str(values["refund_id"]),
                amount=values["amount"],  # type: ignore[arg-type]
                status=status,
                kind=str(values.get("kind", "")),
                applied_at=values.get("applied_at"),  # type: ignore[arg-type]
                agreed_at=values.get("agreed_at"),  # type: ignore[arg-type]
                succeeded=status_key(status) in self.succeeded,
                source_row=row_no,
            )
