"""Fast inserts of many rows of one model: executemany on SQLite, COPY on PostgreSQL.

The demo's rows carry times as epoch seconds (UTC) and amounts as integer cents; the
writer turns them into the text both databases accept. Timestamps of `TimeStamped`
models (created_at, updated_at) are filled with the time of the load.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models

Converter = Callable[[int], str]


_DAYS: dict[int, str] = {}


def _sqlite_time(ts: int) -> str:
    """Epoch seconds → the naive UTC text Django keeps in SQLite."""
    day, second = divmod(ts, 86400)
    prefix = _DAYS.get(day)
    if prefix is None:
        prefix = _DAYS[day] = time.strftime("%Y-%m-%d", time.gmtime(day * 86400))
    hour, rest = divmod(second, 3600)
    return f"{prefix} {hour:02d}:{rest // 60:02d}:{rest % 60:02d}"


def _postgres_time(ts: int) -> str:
    """Epoch seconds → a timestamptz literal in UTC."""
    return _sqlite_time(ts) + "+00"


def cents_text(cents: int) -> str:
    """Integer cents → a decimal literal with two places: 5990 → '59.90'."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


class TableWriter:
    """Buffers rows for one model's table and writes them in batches."""

    def __init__(
        self, model: type[models.Model], columns: Sequence[str], batch_size: int = 5000
    ) -> None:
        """Prepare the statement and the per-column conversions."""
        fields = {f.attname: f for f in model._meta.concrete_fields}
        missing = [c for c in columns if c not in fields]
        if missing:
            raise ValueError(f"{model.__name__} has no columns {missing}")
        self.postgres = connection.vendor == "postgresql"
        as_time = _postgres_time if self.postgres else _sqlite_time
        stamps = [c for c in ("created_at", "updated_at") if c in fields and c not in columns]
        now = as_time(int(time.time()))
        self.extra: tuple[str, ...] = tuple(now for _ in stamps)
        self.conversions: list[tuple[int, Converter]] = []
        for i, name in enumerate(columns):
            field = fields[name]
            if isinstance(field, models.DateTimeField):
                self.conversions.append((i, as_time))
            elif isinstance(field, models.DecimalField):
                self.conversions.append((i, cents_text))
        qn = connection.ops.quote_name
        names = [qn(str(fields[c].column)) for c in [*columns, *stamps]]
        self.table = qn(model._meta.db_table)
        self.column_list = ", ".join(names)
        marks = ", ".join(["%s"] * len(names))
        self.insert_sql = f"INSERT INTO {self.table} ({self.column_list}) VALUES ({marks})"
        self.batch_size = batch_size
        self.buffer: list[tuple[object, ...]] = []
        self.count = 0

    def add(self, rows: Iterable[tuple[object, ...]]) -> None:
        """Queue rows; write a batch whenever enough are queued."""
        self.buffer.extend(rows)
        if len(self.buffer) >= self.batch_size:
            self.flush()

    def _converted(self) -> list[tuple[Any, ...]]:
        """The queued rows with times and amounts as text, plus the timestamps."""
        out = []
        conversions, extra = self.conversions, self.extra
        for row in self.buffer:
            values = list(row)
            for i, convert in conversions:
                value = values[i]
                if value is not None:
                    values[i] = convert(value)  # type: ignore[arg-type]
            out.append((*values, *extra))
        return out

    def flush(self) -> None:
        """Write the queued rows."""
        if not self.buffer:
            return
        rows = self._converted()
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(
                    f"COPY {self.table} ({self.column_list}) FROM STDIN"
                ) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(self.insert_sql, rows)
        self.count += len(rows)
        self.buffer.clear()


@contextmanager
def large_cache(megabytes: int = 256) -> Iterator[None]:
    """On SQLite, give the page cache room while loading (index inserts stay in memory)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-1024 * int(megabytes)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def next_id(model: type[models.Model]) -> int:
    """The first free primary key above every existing row of a model."""
    top = model._default_manager.aggregate(top=models.Max("pk"))["top"]
    return (top or 0) + 1


def sequences_reset(model_list: Sequence[type[models.Model]]) -> None:
    """After inserting explicit ids, move PostgreSQL's sequences past them (SQLite needs none)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
