"""The set-based database side of the order import: one query per step and chunk.

Per chunk of up to a few thousand orders: one SELECT of the existing rows keyed by
order id (id, merchant, hashes, batches), an `executemany` (SQLite) or `COPY`
(PostgreSQL, with ids drawn from the sequence first) of the new orders, on SQLite one
SELECT of their ids, an `executemany` UPDATE of the changed ones, one DELETE of their
old lines and one bulk write of the lines.
Unchanged orders (same content hash) cost only their share of the first SELECT.

Values are written as text in the form Django itself stores: amounts '59.90',
times in UTC ('2025-11-01 12:01:30', with '+00' on PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.db import connection

from youpin.commerce.models import Order, OrderLine
from youpin.ingest.orders_prepare import AMOUNT_COLUMNS, TIME_COLUMNS, VALUE_COLUMNS

#: Columns of an inserted order, in order.
INSERT_COLUMNS = (
    "platform",
    "platform_order_id",
    "shop_id",
    "merchant_id",
    "status",
    *VALUE_COLUMNS,
    "refunded_amount",
    "net_amount",
    "content_hash",
    "lines_hash",
    "batch_id",
    "first_batch_id",
    "is_demo",
    "created_at",
    "updated_at",
)
#: Columns an update rewrites (everything but the key, creation and first batch).
UPDATE_COLUMNS = (
    "shop_id",
    "merchant_id",
    "status",
    *VALUE_COLUMNS,
    "refunded_amount",
    "net_amount",
    "content_hash",
    "lines_hash",
    "batch_id",
    "updated_at",
)
LINE_COLUMNS = (
    "order_id",
    "line_no",
    "platform_line_id",
    "product_id",
    "title",
    "sku",
    "quantity",
    "unit_price",
    "amount",
    "refunded_amount",
)
_ID_BATCH = 5000  # ids per IN (…) list on SQLite


@dataclass(frozen=True, slots=True)
class Existing:
    """What the loader needs of an order already in the database."""

    id: int
    merchant_id: int
    content_hash: str
    lines_hash: str
    batch_id: int | None
    first_batch_id: int | None


def _postgres() -> bool:
    """True on PostgreSQL."""
    return connection.vendor == "postgresql"


def _table(model: type[Any]) -> str:
    """The quoted table name of a model."""
    return str(connection.ops.quote_name(model._meta.db_table))


def _columns(names: Sequence[str]) -> str:
    """A quoted column list."""
    return ", ".join(connection.ops.quote_name(n) for n in names)


def _id_groups(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    """The values in groups small enough for one IN (…) list."""
    for start in range(0, len(values), _ID_BATCH):
        yield values[start : start + _ID_BATCH]


def _select_in(sql: str, column_values: Sequence[Any], before: Sequence[Any] = ()) -> list[Any]:
    """Run `sql` with `{in}` standing for 'column IN (values)' (= ANY on PostgreSQL)."""
    rows: list[Any] = []
    with connection.cursor() as cursor:
        if _postgres():
            cursor.execute(sql.format(in_="= ANY(%s)"), [*before, list(column_values)])
            return list(cursor.fetchall())
        for group in _id_groups(column_values):
            marks = ", ".join(["%s"] * len(group))
            cursor.execute(sql.format(in_=f"IN ({marks})"), [*before, *group])
            rows.extend(cursor.fetchall())
    return rows


def existing_orders(platform: str, order_ids: Sequence[str]) -> dict[str, Existing]:
    """The orders of these ids on the platform that are already stored."""
    if not order_ids:
        return {}
    sql = (
        "SELECT platform_order_id, id, merchant_id, content_hash, lines_hash, batch_id, "
        f"first_batch_id FROM {_table(Order)} WHERE platform = %s AND platform_order_id {{in_}}"
    )
    return {
        row[0]: Existing(row[1], row[2], row[3] or "", row[4] or "", row[5], row[6])
        for row in _select_in(sql, order_ids, [platform])
    }


def order_ids(platform: str, order_ids_: Sequence[str]) -> dict[str, int]:
    """Database ids of these platform order ids."""
    if not order_ids_:
        return {}
    sql = (
        f"SELECT platform_order_id, id FROM {_table(Order)} "
        "WHERE platform = %s AND platform_order_id {in_}"
    )
    return {row[0]: row[1] for row in _select_in(sql, order_ids_, [platform])}


def _write_rows(model: type[Any], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert rows: COPY on PostgreSQL, executemany in the open transaction on SQLite."""
    if not rows:
        return
    table, names = _table(model), _columns(columns)
    with connection.cursor() as cursor:
        if _postgres():
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def reserve_order_ids(count: int) -> list[int] | None:
    """On PostgreSQL, `count` new order ids drawn from the table's sequence; None on SQLite.

    Writing the ids with the rows saves reading them back by platform order id (a
    probe of the unique index and a heap fetch per order).
    """
    if not _postgres():
        return None
    sql = "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)"
    with connection.cursor() as cursor:
        cursor.execute(sql, [Order._meta.db_table, count])
        return [row[0] for row in cursor.fetchall()]


def insert_orders(rows: Sequence[Sequence[Any]]) -> None:
    """Insert new orders (rows in INSERT_COLUMNS order; on PostgreSQL the id first)."""
    columns = ("id", *INSERT_COLUMNS) if _postgres() else INSERT_COLUMNS
    _write_rows(Order, columns, rows)


def update_orders(rows: Sequence[Sequence[Any]]) -> None:
    """Rewrite changed orders (rows in UPDATE_COLUMNS order, then the id)."""
    if not rows:
        return
    sets = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in UPDATE_COLUMNS)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {_table(Order)} SET {sets} WHERE id = %s", rows)


def delete_lines(ids: Sequence[int]) -> None:
    """Delete the lines of these orders."""
    if not ids:
        return
    sql = f"DELETE FROM {_table(OrderLine)} WHERE order_id {{in_}}"
    with connection.cursor() as cursor:
        if _postgres():
            cursor.execute(sql.format(in_="= ANY(%s)"), [list(ids)])
            return
        for group in _id_groups(ids):
            marks = ", ".join(["%s"] * len(group))
            cursor.execute(sql.format(in_=f"IN ({marks})"), list(group))


def insert_lines(rows: Sequence[Sequence[Any]]) -> None:
    """Insert order lines (rows in LINE_COLUMNS order)."""
    _write_rows(OrderLine, LINE_COLUMNS, rows)


def full_rows(ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Every column the importer writes, of these orders, as Django reads them."""
    fields = [
        "id",
        "shop_id",
        "merchant_id",
        "status",
        *VALUE_COLUMNS,
        "refunded_amount",
        "content_hash",
        "lines_hash",
        "batch_id",
        "first_batch_id",
    ]
    found: dict[int, dict[str, Any]] = {}
    for group in _id_groups(list(ids)):
        for row in Order.objects.filter(id__in=group).values(*fields):
            found[row["id"]] = row
    return found


def db_text(column: str, value: Any) -> Any:
    """A value read through Django turned into the text form the loader writes."""
    if value is None:
        return None
    if column in AMOUNT_COLUMNS or isinstance(value, Decimal):
        return f"{value:.2f}"
    if column in TIME_COLUMNS or isinstance(value, datetime):
        return time_text(value)
    return value


def time_text(value: datetime) -> str:
    """An aware time as the UTC text the loader writes on this database."""
    utc = value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    return utc + "+00" if _postgres() else utc


def now_text() -> str:
    """The current time as the loader writes times."""
    return time_text(datetime.now(UTC))
