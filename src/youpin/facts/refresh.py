"""Filling the fact tables: whole rebuild, chosen days, or the days changed since last time.

Every path deletes a table's rows of some days and inserts them again from the raw rows in
one transaction (`statements`), so a refresh can be repeated, interrupted or run for days
that did not change without ever counting anything twice. Incremental refreshes find the
changed days without reading the raw tables whole: the days marked in the `ChangedDay`
ledger (by the import hook and `mark_days_changed`), the days of the tracking events with
a larger id than last time (their parcels' collection and delivery days, the station
events' days) and of merchants and stations edited since. `check=True` also scans orders
and parcels by `updated_at` since the watermark (the explicit full check).
"""

from __future__ import annotations

import time as clock
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from youpin.commerce.retail_queries import code_prefix
from youpin.core.joblock import job_lock
from youpin.facts.days import DayRange, chunks, count_days, day_ranges
from youpin.facts.models import ChangedDay, FactsState
from youpin.facts.operations import STATION_SOURCE
from youpin.facts.statements import (
    Statement,
    day_sql,
    delete,
    parcels_insert,
    sales_insert,
    sales_places_insert,
    stations_insert,
)

# Rows updated this long before the previous refresh began are looked at again: a
# transaction that stamped its rows before the refresh started may commit after it.
MARGIN = timedelta(minutes=5)
# Day ranges per statement: keeps the OR-lists short when the changed days are scattered.
RANGES_PER_STATEMENT = 40
# One refresh writes at a time (`core.joblock`); a called refresh waits this long for
# another to finish (the commands pass their own `--wait`, 0 by default: skip when busy).
LOCK_NAME = "facts-refresh"
LOCK_WAIT = 600.0

SALES, PARCELS, STATIONS = "sales", "parcels", "stations"
TABLES = {
    SALES: "facts_salesfact",
    PARCELS: "facts_parcelfact",
    STATIONS: "facts_stationfact",
}


@dataclass
class RefreshResult:
    """What a refresh did: its mode, the days per table, the rows written, the time taken."""

    mode: str
    days: dict[str, int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data."""
        return {
            "mode": self.mode,
            "days": self.days,
            "rows": self.rows,
            "seconds": round(self.seconds, 3),
        }


def _region_like() -> str:
    """The platform region's code prefix as a LIKE pattern (`6405%`)."""
    return code_prefix(settings.YOUPIN_REGION_CODE) + "%"


def _inserts(table: str, ranges: list[DayRange] | None) -> Statement:
    """The INSERT … SELECT of one table for the ranges."""
    if table == SALES:
        return sales_insert(ranges, _region_like())
    if table == PARCELS:
        return parcels_insert(ranges, _region_like())
    return stations_insert(ranges)


def _run(statement: Statement) -> int:
    """Execute one statement; the number of rows it touched."""
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, statement.params)
        return max(cursor.rowcount, 0)


def _state_locked() -> FactsState:
    """The refresh state, locked for this transaction (one refresh writes at a time)."""
    FactsState.objects.get_or_create(name="default")
    return FactsState.objects.select_for_update().get(name="default")


def _rebuild_table(table: str, ranges: list[DayRange] | None) -> int:
    """Delete and re-insert one table's rows of the ranges (None: all); rows inserted."""
    if ranges is not None and not ranges:
        return 0
    written = 0
    groups = [None] if ranges is None else list(chunks(ranges, RANGES_PER_STATEMENT))
    for group in groups:
        with transaction.atomic():
            _state_locked()
            if connection.vendor == "postgresql":
                # Compiling these statements costs seconds and saves nothing (planner
                # estimates on freshly loaded tables trip the JIT thresholds).
                _run(Statement("SET LOCAL jit = off", []))
                # The window functions and groupings sort; let them sort in memory.
                _run(Statement("SET LOCAL work_mem = '64MB'", []))
            _run(delete(TABLES[table], group))
            written += _run(_inserts(table, group))
            if table == SALES:
                _run(delete("facts_salesplacefact", group))
                _run(sales_places_insert(group))
    return written


def _finish(state_update: dict[str, Any], result: RefreshResult, started: float) -> None:
    """Record the refresh in the state row."""
    result.seconds = clock.perf_counter() - started
    FactsState.objects.update_or_create(
        name="default",
        defaults={
            **state_update,
            "refreshed_at": timezone.now(),
            "last_days": max(result.days.values(), default=0),
            "last_seconds": result.seconds,
            "last_mode": result.mode,
        },
    )


def max_event_id() -> int:
    """The largest tracking event id now (0 for none)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT MAX(id) FROM logistics_trackingevent")
        row = cursor.fetchone()
    return int(row[0] or 0) if row else 0


def facts_rebuild(*, wait: float = LOCK_WAIT) -> RefreshResult:
    """Rebuild every fact table from all the raw rows, and reset the watermarks."""
    with job_lock(LOCK_NAME, wait=wait):
        return _rebuild()


def _rebuild() -> RefreshResult:
    """The full rebuild, under the lock."""
    started = clock.perf_counter()
    mark = timezone.now() - MARGIN
    last_event = max_event_id()
    ledger_last = _ledger_last()
    result = RefreshResult(mode="full")
    for table in TABLES:
        result.rows[table] = _rebuild_table(table, None)
        result.days[table] = _distinct_fact_days(table)
    ChangedDay.objects.filter(id__lte=ledger_last).delete()  # all of it is recomputed
    _analyze_facts()
    _finish({"rows_changed_since": mark, "last_event_id": last_event}, result, started)
    return result


def _analyze_facts() -> None:
    """PostgreSQL: fresh planner statistics for the refilled fact tables.

    Until autovacuum gets to them, a table just refilled has none, and the next one-day
    refresh's DELETE and per-place sums would scan millions of rows instead of using the
    day indexes (seconds instead of milliseconds at scale 100).
    """
    if connection.vendor != "postgresql":
        return
    for table in (*TABLES.values(), "facts_salesplacefact"):
        _run(Statement(f"ANALYZE {table}", []))


def facts_refresh_days(
    days: Iterable[date], tables: Iterable[str] = tuple(TABLES), *, wait: float = LOCK_WAIT
) -> RefreshResult:
    """Recompute fact tables (all by default) for the given Shanghai days (the importers' hook).

    An order import passes `tables=("sales",)`; a tracking import `("parcels",)`.
    """
    chosen = _known(tables)
    with job_lock(LOCK_NAME, wait=wait):
        return _refresh_days(days, chosen)


def _refresh_days(days: Iterable[date], chosen: list[str]) -> RefreshResult:
    """Recompute the chosen tables for the days, under the lock.

    Ledger marks of these tables and days made before the recompute began are done with
    and removed (later ones stay for the next refresh).
    """
    started = clock.perf_counter()
    wanted = sorted(set(days))
    ranges = day_ranges(wanted)
    ledger_last = _ledger_last()
    result = RefreshResult(mode="days")
    for table in chosen:
        result.rows[table] = _rebuild_table(table, ranges)
        result.days[table] = count_days(ranges)
    for i in range(0, len(wanted), 500):
        ChangedDay.objects.filter(
            id__lte=ledger_last, table__in=chosen, day__in=wanted[i : i + 500]
        ).delete()
    _finish({}, result, started)
    return result


def _ledger_last() -> int:
    """The largest id in the ledger now (0 when empty)."""
    found = ChangedDay.objects.order_by("-id").values_list("id", flat=True).first()
    return int(found or 0)


def facts_refresh_since(first: date, *, wait: float = LOCK_WAIT) -> RefreshResult:
    """Recompute every fact table from a day on (to the latest data)."""
    return facts_refresh_days_between(first, date(9999, 12, 30), mode="since", wait=wait)


def facts_refresh_days_between(
    first: date, last: date, *, mode: str = "range", wait: float = LOCK_WAIT
) -> RefreshResult:
    """Recompute every fact table for the days first..last (both included)."""
    with job_lock(LOCK_NAME, wait=wait):
        return _refresh_between(first, last, mode)


def _refresh_between(first: date, last: date, mode: str) -> RefreshResult:
    """Recompute every table for first..last, under the lock."""
    started = clock.perf_counter()
    result = RefreshResult(mode=mode)
    for table in TABLES:
        result.rows[table] = _rebuild_table(table, [(first, last)])
        result.days[table] = _distinct_fact_days(table, first)
    _finish({}, result, started)
    return result


def facts_refresh(*, wait: float = LOCK_WAIT, check: bool = False) -> RefreshResult:
    """Recompute the days whose raw rows changed since the last refresh (all on the first).

    `check` also scans orders and parcels by `updated_at` since the last refresh (rows
    changed by something that marked nothing); without it no raw table is read whole.
    """
    with job_lock(LOCK_NAME, wait=wait):
        return _refresh_changed(check)


def mark_days_changed(days: Iterable[date], tables: Iterable[str] = tuple(TABLES)) -> int:
    """Note days of fact tables for the next `facts_refresh` to recompute; rows noted.

    For code that changes orders, parcels or station events outside an import and does not
    refresh the facts itself. Cheap (a few inserts) and safe to call inside a transaction.
    """
    rows = [ChangedDay(table=t, day=d) for t in _known(tables) for d in sorted(set(days))]
    ChangedDay.objects.bulk_create(rows)
    return len(rows)


def mark_rows_changed_since(since: datetime, tables: Iterable[str]) -> None:
    """Ask the next `facts_refresh` to look for rows of these tables updated since a time.

    What a batch imported without its refresh leaves behind when nobody counted its days:
    the next refresh scans that raw table by `updated_at` (once, for all such marks).
    """
    ChangedDay.objects.bulk_create(
        [ChangedDay(table=t, since=since) for t in _known(tables) if t != STATIONS]
    )


def _known(tables: Iterable[str]) -> list[str]:
    """The tables, refusing unknown names."""
    chosen = list(tables)
    unknown = [t for t in chosen if t not in TABLES]
    if unknown:
        raise ValueError(f"未知的事实表：{', '.join(unknown)}（可选：{', '.join(TABLES)}）")
    return chosen


def _marked() -> tuple[int, dict[str, set[date]], dict[str, datetime]]:
    """The ledger: its last id, the marked days per table and the earliest scan mark."""
    days: dict[str, set[date]] = {t: set() for t in TABLES}
    since: dict[str, datetime] = {}
    last = 0
    for row in ChangedDay.objects.order_by("id").values_list("id", "table", "day", "since"):
        pk, table, day, mark = row
        last = pk
        if table not in TABLES:
            continue
        if day is not None:
            days[table].add(day)
        if mark is not None and (table not in since or mark < since[table]):
            since[table] = mark
    return last, days, since


def _refresh_changed(check: bool) -> RefreshResult:
    """The incremental refresh, under the lock."""
    state = FactsState.objects.filter(name="default").first()
    if state is None or state.rows_changed_since is None:
        return _rebuild()
    started = clock.perf_counter()
    mark = timezone.now() - MARGIN
    last_event = max_event_id()
    ledger_last, changed, scans = _marked()
    found = changed_days(
        state.rows_changed_since, state.last_event_id, last_event, check=check, scans=scans
    )
    result = RefreshResult(mode="check" if check else "incremental")
    for table in TABLES:
        ranges = day_ranges(changed[table] | found[table])
        result.rows[table] = _rebuild_table(table, ranges)
        result.days[table] = count_days(ranges)
    # Marks written while this refresh ran have larger ids and stay for the next one.
    ChangedDay.objects.filter(id__lte=ledger_last).delete()
    _finish({"rows_changed_since": mark, "last_event_id": last_event}, result, started)
    return result


def _as_day(value: Any) -> date:
    """A day as the database returns it (text on SQLite, a date on PostgreSQL)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _days(sql: str, params: list[Any]) -> set[date]:
    """The distinct non-null days a query returns."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {_as_day(row[0]) for row in cursor.fetchall() if row[0] is not None}


def changed_days(
    since: datetime,
    after_event: int,
    upto_event: int,
    *,
    check: bool = False,
    scans: dict[str, datetime] | None = None,
) -> dict[str, set[date]]:
    """Per table, the days whose raw rows changed, found through indexes only.

    The tracking events with an id in (after_event, upto_event] give their parcels'
    collection and delivery days and, at a station, their own days; merchants and stations
    edited since `since` give the days the facts hold for them. `check` adds the orders and
    parcels updated since `since` (a scan of both tables by `updated_at`); `scans` does the
    same for one table from an earlier time (the ledger's marks without a day).
    Not found (run `--since` or `--full` after them): deleted rows, a product moved to
    another category or a category's farm/service flags changed, a station's place or kind
    changed for the parcel facts; without `check`, orders and parcels changed by something
    that neither marked their days nor wrote a tracking event.
    """
    stamp = connection.ops.adapt_datetimefield_value(since)
    scans = dict(scans or {})
    if check:
        for table in (SALES, PARCELS):
            scans[table] = min(scans.get(table, since), since)
    sales = days_of_orders_changed(scans[SALES]) if SALES in scans else set()
    parcels = days_of_parcels_changed(scans[PARCELS]) if PARCELS in scans else set()
    parcels |= days_of_parcels_with_events(after_event, upto_event)
    stations = _days(
        f"SELECT DISTINCT {day_sql('occurred_at')} FROM logistics_trackingevent"
        " WHERE id > %s AND id <= %s AND source = %s AND station_id IS NOT NULL",
        [after_event, upto_event, STATION_SOURCE],
    )
    # A merchant (or station) edited since: its place or registration may have moved its
    # rows to another county or in or out of "Zhongwei sellers": the sale days of its
    # orders (through the (merchant, ordered_at) index), the days the station facts hold.
    for merchant in _ids("SELECT id FROM catalog_merchant WHERE updated_at >= %s", [stamp]):
        sales |= _days(
            f"SELECT DISTINCT {day_sql('COALESCE(paid_at, ordered_at)')} FROM commerce_order"
            " WHERE merchant_id = %s",
            [merchant],
        )
    for station in _ids("SELECT id FROM stations_station WHERE updated_at >= %s", [stamp]):
        stations |= _days(
            "SELECT DISTINCT day FROM facts_stationfact WHERE station_id = %s", [station]
        )
    return {SALES: sales, PARCELS: parcels, STATIONS: stations}


def _ids(sql: str, params: list[Any]) -> list[int]:
    """The ids a query returns."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [int(row[0]) for row in cursor.fetchall()]


def days_of_orders_changed(since: datetime) -> set[date]:
    """The sale days of the orders updated since a time (what an order batch touched)."""
    stamp = connection.ops.adapt_datetimefield_value(since)
    sale_day = day_sql("COALESCE(paid_at, ordered_at)")
    return _days(f"SELECT DISTINCT {sale_day} FROM commerce_order WHERE updated_at >= %s", [stamp])


def days_of_parcels_changed(since: datetime) -> set[date]:
    """The collection and delivery days of the parcels updated since a time."""
    stamp = connection.ops.adapt_datetimefield_value(since)
    return _days(
        f"SELECT DISTINCT {day_sql('collected_at')} FROM logistics_parcel"
        " WHERE updated_at >= %s AND collected_at IS NOT NULL"
        f" UNION SELECT DISTINCT {day_sql('delivered_at')} FROM logistics_parcel"
        " WHERE updated_at >= %s AND delivered_at IS NOT NULL",
        [stamp, stamp],
    )


def days_of_parcels_with_events(after_event: int, upto_event: int) -> set[date]:
    """The collection and delivery days of the parcels of events with ids in a range.

    A range of the primary key and the parcels by theirs: costs what the new events cost.
    """
    if upto_event <= after_event:
        return set()
    new = "SELECT DISTINCT parcel_id FROM logistics_trackingevent WHERE id > %s AND id <= %s"
    return _days(
        f"SELECT {day_sql('collected_at')} FROM logistics_parcel WHERE id IN ({new})"
        f" UNION SELECT {day_sql('delivered_at')} FROM logistics_parcel WHERE id IN ({new})",
        [after_event, upto_event, after_event, upto_event],
    )


def days_of_orders(order_ids: Iterable[int]) -> set[date]:
    """The sale days of some orders (for `facts_refresh_days` after an import)."""
    ids = sorted(set(order_ids))
    found: set[date] = set()
    sale_day = day_sql("COALESCE(paid_at, ordered_at)")
    for i in range(0, len(ids), 500):
        part = ids[i : i + 500]
        marks = ", ".join(["%s"] * len(part))
        found |= _days(
            f"SELECT DISTINCT {sale_day} FROM commerce_order WHERE id IN ({marks})", part
        )
    return found


def days_of_parcels(parcel_ids: Iterable[int]) -> set[date]:
    """The collection and delivery days of some parcels (for `facts_refresh_days`)."""
    ids = sorted(set(parcel_ids))
    found: set[date] = set()
    for i in range(0, len(ids), 500):
        part = ids[i : i + 500]
        marks = ", ".join(["%s"] * len(part))
        found |= _days(
            f"SELECT {day_sql('collected_at')} FROM logistics_parcel WHERE id IN ({marks})"
            f" UNION SELECT {day_sql('delivered_at')} FROM logistics_parcel"
            f" WHERE id IN ({marks})",
            part + part,
        )
    return found


def _distinct_fact_days(table: str, first: date | None = None) -> int:
    """How many days a fact table holds (from a day on)."""
    sql = f"SELECT COUNT(DISTINCT day) FROM {TABLES[table]}"
    params: list[Any] = []
    if first is not None:
        sql += " WHERE day >= %s"
        params.append(connection.ops.adapt_datefield_value(first))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return int(row[0] or 0) if row else 0
