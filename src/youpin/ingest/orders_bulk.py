"""A large import into a small order book, on PostgreSQL: one transaction, indexes built after.

Keeping every secondary index of `commerce_order` and `commerce_orderline` up to date
row by row is most of what the server does for a first import (docs/BENCHMARKS.md,
"Order import", fourth session): each row is a descent into a dozen B-trees whose pages
no longer fit the server's buffers. When the file is large compared with the tables it
loads into, the whole import runs instead as one transaction that drops those indexes,
loads, and builds them again from the loaded rows before it commits.

Guarantees. PostgreSQL's DDL is transactional: a kill or an error at any point rolls
back the drops, the rows and the batch's progress together, so the database is as
before the import and importing the file again starts it afresh. Unique indexes (the
primary keys, one order per platform id, one line number per order) are never dropped:
the loader's look-ups and the uniqueness they guarantee stay in force throughout. The
tables are locked (ACCESS EXCLUSIVE) for the import's duration, after waiting at most
LOCK_WAIT for the lock: readers of orders wait for the import, and another import of
the same tables waits for this one (it then finds its orders unchanged). The batch's
progress is visible to others only at the end. A table that is not small, a lock not
granted at once, SQLite, a small file, or YOUPIN_IMPORT_BULK=0 in the environment: the
ordinary import, one transaction per chunk.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import DatabaseError, connection, transaction

from youpin.commerce.models import Order, OrderLine

#: A file smaller than this is loaded chunk by chunk (an index build costs more than it saves).
MIN_FILE_BYTES = 8 * 1024 * 1024
#: An upper bound of the bytes an exported order takes (Douyin: ≈ 335), so that
#: file size ÷ this never overestimates the orders a file brings.
BYTES_PER_ORDER = 1000
LOCK_WAIT = "3s"
#: Memory for each index build (the server's default, 64 MB, spills larger sorts to disk).
BUILD_MEMORY = "256MB"


@dataclass
class BulkPlan:
    """Whether this import runs as one transaction with its indexes built after."""

    active: bool = False
    empty: bool = False  # the order table held no order when the import took it
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (index, definition)


def bulk_estimate(file_size: int) -> int:
    """How many orders a file of this size brings at least (0 when too small to matter)."""
    if connection.vendor != "postgresql" or file_size < MIN_FILE_BYTES:
        return 0
    if os.environ.get("YOUPIN_IMPORT_BULK", "1") == "0":
        return 0
    return file_size // BYTES_PER_ORDER


@contextmanager
def bulk_load(file_size: int) -> Iterator[BulkPlan]:
    """Run the block as one bulk transaction when worth it; `plan.active` tells the loader."""
    plan = BulkPlan()
    estimate = bulk_estimate(file_size)
    if not estimate or _order_count(estimate) > estimate:
        yield plan
        return
    with transaction.atomic():
        if _lock_tables():
            count = _order_count(estimate)
            if count <= estimate:
                plan.active = True
                plan.empty = count == 0
                plan.dropped = _drop_secondary_indexes()
                yield plan
                _build(plan.dropped)
                return
    yield plan


def _tables() -> tuple[str, str]:
    """The order and order line tables."""
    return Order._meta.db_table, OrderLine._meta.db_table


def _order_count(limit: int) -> int:
    """The number of stored orders, counted up to `limit` + 1."""
    table = connection.ops.quote_name(Order._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT %s) t", [limit + 1])
        return int(cursor.fetchone()[0])


def _lock_tables() -> bool:
    """Lock both tables for this transaction; False when not granted within LOCK_WAIT."""
    names = ", ".join(connection.ops.quote_name(t) for t in _tables())
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'")
            cursor.execute(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE")
            cursor.execute("SET LOCAL lock_timeout = 0")
    except DatabaseError:
        return False
    return True


def _drop_secondary_indexes() -> list[tuple[str, str]]:
    """Drop the indexes of both tables that are neither unique nor a constraint's."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
            "WHERE t.relname = ANY(%s) AND t.relnamespace = current_schema()::regnamespace "
            "AND NOT i.indisunique AND i.indisvalid "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid "
            "AND c.conrelid = i.indrelid) ORDER BY 1",
            [list(_tables())],
        )
        dropped = [(str(name), str(definition)) for name, definition in cursor.fetchall()]
        for name, _ in dropped:
            cursor.execute(f"DROP INDEX {name}")
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
    return dropped


def _build(dropped: list[tuple[str, str]]) -> None:
    """Create the dropped indexes again, as they were defined."""
    with connection.cursor() as cursor:
        # the checks of the constraints left (deferred to the commit) must run first
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'")
        # the server's parallel maintenance workers may help: the parsing worker is done
        for _, definition in dropped:
            cursor.execute(definition)
