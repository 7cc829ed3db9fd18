"""Canonical order records → rows ready for the database, with a content hash. Pure.

Everything an order row needs that does not depend on the database's current content
is worked out here — amounts and times as the text both databases accept, the
destination place, the carrier and pickup station, the canonical status, a content
hash — so that it can run in a separate parsing process (see orders_source.py)
while the main process loads. Shop, merchant and product links and the netting of
refund files are left to the loader, which reads the database.

Rules:

* A line without a unit price gets amount ÷ quantity (to the cent).
* Text is cut to its column's length; an order id longer than 40 characters, an
  order without any order or payment time, more than 32,767 lines, a quantity or an
  amount beyond what the columns hold reject the order (every one of its rows).
* A field the file does not carry stays None (amounts, times) or "" (text), so that an
  update keeps what the database already has (see orders_store.merge_existing).
* `export_state` is the canonical status the export gave (may be "": an after-sales
  text such as 退款中 or an unknown one); `fallback_state` is what the times say
  (completed, shipped, paid, else pending payment), used when the export says nothing.
* The hash covers every value written, the shop key and the batch merchant, so the
  same file gives the same hashes and any change of content gives another.
"""

from __future__ import annotations

import hashlib
import marshal
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from youpin.connectors.records import OrderLineRecord, OrderRecord, OrderState
from youpin.ingest.places import PlaceFinder

HASH_VERSION = "1"
MAX_AMOUNT = Decimal("999999999999.99")  # money(): 14 digits, 2 places
AMOUNT_TEXT_MAX = len(str(MAX_AMOUNT))
CENT = Decimal("0.01")
MAX_QUANTITY = 2_147_483_647
MAX_LINES = 32_767
MERGED_PREFIX = "M"  # content hash of an order merged from non-adjacent fragments

#: Column lengths of commerce.Order / OrderLine text fields the importer writes (the
#: numbers are repeated as literals in `Preparer.prepare` and `_line`, for speed; the
#: tests check both against the models).
LIMITS = {
    "raw_status": 60,
    "destination_text": 300,
    "buyer_name": 60,
    "buyer_phone": 20,
    "waybill_no": 40,
    "host_id": 40,
    "host_nickname": 60,
    "traffic_source": 40,
    "traffic_type": 40,
    "traffic_channel": 40,
    "group_leader": 60,
    "title": 200,
    "sku": 120,
    "platform_line_id": 40,
}
ORDER_ID_MAX = 40

#: The order columns prepared here, in the order of `PreparedOrder.values`.
VALUE_COLUMNS = (
    "raw_status",
    "goods_amount",
    "shipping_amount",
    "discount_platform",
    "discount_merchant",
    "discount_host",
    "paid_amount",
    "export_refunded_amount",
    "ordered_at",
    "paid_at",
    "shipped_at",
    "completed_at",
    "destination_text",
    "destination_place_id",
    "buyer_name",
    "buyer_phone",
    "carrier_id",
    "waybill_no",
    "host_id",
    "host_nickname",
    "traffic_source",
    "traffic_type",
    "traffic_channel",
    "group_leader",
    "pickup_station_id",
)
AMOUNT_COLUMNS = frozenset(VALUE_COLUMNS[1:8])
TIME_COLUMNS = frozenset(VALUE_COLUMNS[8:12])
#: Index of a few values the loader reads.
PAID = VALUE_COLUMNS.index("paid_amount")
EXPORT_REFUNDED = VALUE_COLUMNS.index("export_refunded_amount")
PAID_AT = VALUE_COLUMNS.index("paid_at")
SHIPPED_AT = VALUE_COLUMNS.index("shipped_at")
COMPLETED_AT = VALUE_COLUMNS.index("completed_at")

# A line: (platform_line_id, title, sku, quantity, unit_price, amount, refunded_amount,
#          merchant_sku) — the loader adds order_id, line_no and product_id.
Line = tuple[str, str, str, int, str, str, str, str]


@dataclass(slots=True)
class PreparedOrder:
    """One order ready for the loader (or the reason it cannot be loaded)."""

    platform_order_id: str
    rows: list[int]
    shop_key: str = ""
    shop_name: str = ""
    values: tuple[object, ...] = ()
    lines: list[Line] = field(default_factory=list)
    export_state: str = ""
    fallback_state: str = ""
    content_hash: str = ""
    error_code: str = ""
    error: str = ""


def infer_state(paid_at: object, shipped_at: object, completed_at: object) -> str:
    """The status the times alone support: completed, shipped, paid, else pending payment."""
    if completed_at:
        return OrderState.COMPLETED.value
    if shipped_at:
        return OrderState.SHIPPED.value
    if paid_at:
        return OrderState.PAID.value
    return OrderState.PENDING_PAYMENT.value


def final_state(export_state: str, fallback_state: str, paid: Decimal, refunded: Decimal) -> str:
    """The canonical status stored: refunded when the refunds cover the payment."""
    if paid > 0 and refunded >= paid:
        return OrderState.REFUNDED.value
    return export_state or fallback_state


class Preparer:
    """Turns `OrderRecord`s into `PreparedOrder`s for one database vendor."""

    def __init__(
        self,
        *,
        places: PlaceFinder,
        carriers: dict[str, int],
        stations: dict[str, int],
        postgres: bool,
        merchant_id: int | None,
    ) -> None:
        """Keep the look-up tables; `carriers`/`stations` map a name to an id."""
        self.places = places
        self.carriers = carriers
        self.stations = stations
        self.postgres = postgres
        self.merchant_key = str(merchant_id or "")
        self._carrier_memo: dict[str, int | None] = {}
        self._hours: dict[str, str] = {}

    def prepare(self, record: OrderRecord) -> PreparedOrder:
        """The database-ready form of one order, or one carrying the reason it is refused."""
        order = PreparedOrder(
            platform_order_id=record.platform_order_id,
            rows=record.source_rows,
            shop_key=record.shop_id,
            shop_name=record.shop_name,
        )
        problem = _problem(record)
        if problem is None:
            text = _AMOUNT_TEXTS
            amounts = (
                text[record.goods_amount],
                text[record.shipping_amount],
                text[record.discount_platform],
                text[record.discount_merchant],
                text[record.discount_host],
                text[record.paid_amount],
                text[record.refunded_amount],
            )
            lines = [_line(line) for line in record.lines]
            problem = _too_large(amounts, lines)
        if problem is not None:
            order.error_code, order.error = problem
            return order
        time = self._time
        paid_at = time(record.paid_at)
        shipped_at = time(record.shipped_at)
        completed_at = time(record.completed_at)
        ordered_at = time(record.created_at) if record.created_at else paid_at
        address = record.address
        order.values = (
            record.raw_status[:60],
            *amounts,
            ordered_at,
            paid_at,
            shipped_at,
            completed_at,
            address[:300],
            self.places.code(address) if address else None,
            record.buyer_name[:60],
            record.buyer_phone[:20],
            self._carrier(record.carrier_name) if record.carrier_name else None,
            record.waybill_no[:40],
            record.host_id[:40],
            record.host_nickname[:60],
            record.traffic_source[:40],
            record.traffic_type[:40],
            record.traffic_channel[:40],
            record.group_leader[:60],
            self.stations.get(record.pickup_point) if record.pickup_point else None,
        )
        order.lines = lines
        order.export_state = record.status.value if record.status else ""
        order.fallback_state = infer_state(paid_at, shipped_at, completed_at)
        order.content_hash = self.digest(order)
        return order

    def digest(self, order: PreparedOrder, *, merged: bool = False) -> str:
        """The content hash of a prepared order (prefixed when merged from fragments)."""
        content: Any = (
            HASH_VERSION,
            self.merchant_key,
            order.shop_key,
            order.shop_name,
            order.export_state,
            order.values,
            order.lines,
        )
        # marshal version 0: bytes that depend on the values only (no shared references,
        # no interning flags), written by C code: several times cheaper than repr().
        digest = hashlib.blake2b(marshal.dumps(content, 0), digest_size=16).hexdigest()
        return MERGED_PREFIX + digest[1:] if merged else digest

    def _time(self, value: datetime | None) -> str | None:
        """An aware time as text: ISO with its offset on PostgreSQL, naive UTC on SQLite."""
        if value is None:
            return None
        text = value.isoformat(" ")
        if self.postgres:
            return text
        # 'YYYY-MM-DD HH:MM:SS+HH:00': shift the hour through a small cache of hours
        if len(text) == 25 and text.endswith("00"):
            hour = self._hours.get(text[:13] + text[19:])
            if hour is None:
                hour = self._utc(value)[:13]
                self._hours[text[:13] + text[19:]] = hour
            return hour + text[13:19]
        return self._utc(value)

    @staticmethod
    def _utc(value: datetime) -> str:
        """An aware time as naive UTC text (the form Django keeps in SQLite)."""
        offset = value.utcoffset()
        naive = value.replace(tzinfo=None)
        return (naive - offset if offset else naive).isoformat(" ")

    def _carrier(self, name: str) -> int | None:
        """The carrier id of a carrier name (exact, or without 快递/速递/… endings)."""
        if name not in self._carrier_memo:
            self._carrier_memo[name] = self.carriers.get(name) or self.carriers.get(
                carrier_stem(name)
            )
        return self._carrier_memo[name]


_CARRIER_ENDINGS = ("快递包裹", "速递", "快递", "速运", "快运", "物流", "快件", "包裹")


def carrier_stem(name: str) -> str:
    """A carrier name without its generic ending: 圆通速递 → 圆通, 中通快递 → 中通."""
    text = name.strip()
    for ending in _CARRIER_ENDINGS:
        if text.endswith(ending) and len(text) > len(ending):
            return text[: -len(ending)]
    return text


def _problem(record: OrderRecord) -> tuple[str, str] | None:
    """Why an order cannot be stored, in words a merchant understands; None when it can."""
    if len(record.platform_order_id) > ORDER_ID_MAX:
        return "order_id_too_long", f"订单编号超过 {ORDER_ID_MAX} 个字符"
    if record.created_at is None and record.paid_at is None:
        return "missing_order_time", "下单时间和付款时间都为空"
    if len(record.lines) > MAX_LINES:
        return "too_many_lines", f"一个订单超过 {MAX_LINES} 个商品行"
    return None


def _too_large(amounts: tuple[str | None, ...], lines: list[Line]) -> tuple[str, str] | None:
    """An amount or quantity beyond what the columns hold (checked on the texts, cheaply)."""
    texts = [a for a in amounts if a is not None]
    for line in lines:
        if line[3] > MAX_QUANTITY:
            return "quantity_too_large", f"数量过大：{line[3]}"
        texts += line[4:7]
    for text in texts:
        if len(text) > AMOUNT_TEXT_MAX and len(text.lstrip("-")) > AMOUNT_TEXT_MAX:
            return "amount_too_large", f"金额过大：{text}"
    return None


def _line(line: OrderLineRecord) -> Line:
    """A line as the loader writes it (price = amount ÷ quantity when the file has none)."""
    price = line.unit_price
    if price is None and line.amount is not None and line.quantity > 0:
        price = (line.amount / line.quantity).quantize(CENT)
    sku, spec = line.merchant_sku, line.sku_text
    return (
        line.platform_line_id[:40],
        line.title[:200],
        (f"{sku} / {spec}" if sku and spec else sku or spec)[:120],
        line.quantity,
        _AMOUNT_TEXTS[price] or "0.00",
        _AMOUNT_TEXTS[line.amount] or "0.00",
        _AMOUNT_TEXTS[line.refunded_amount] or "0.00",
        sku,
    )


class _AmountTexts(dict[Decimal | None, str | None]):
    """Amount → two-place text, computed on first use ('-0.00' written '0.00'; None → None)."""

    def __missing__(self, value: Decimal | None) -> str | None:
        if value is None:
            return None
        if len(self) > 100_000:
            self.clear()
            self[None] = None
        text = f"{value:.2f}"
        if text == "-0.00":
            text = "0.00"
        self[value] = text
        return text


_AMOUNT_TEXTS = _AmountTexts({None: None})


def amount_text(value: Decimal | None) -> str | None:
    """An amount as two-place text ('59.90'); None stays None. Remembered by value."""
    return _AMOUNT_TEXTS[value]
