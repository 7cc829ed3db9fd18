"""Set-based loading of tracking events: a staging table, then a few statements per chunk.

Per chunk of rows:

1. load them into a temporary staging table (`executemany` on SQLite, `COPY` on
   PostgreSQL);
2. create the parcels never seen (`INSERT … ON CONFLICT DO NOTHING`) and link the
   staged rows whose parcel the caller did not already know (`rows.ParcelIds`);
3. insert the events, and for those already stored keep the better reading
   (`rows.rank`) and merge the flags (`INSERT … ON CONFLICT (parcel, time, key) DO UPDATE …
   WHERE better`, so a repeat changes nothing);
4. remember the parcels touched.

After the last chunk, every touched parcel's state — status, collection and delivery
times, last event, station, and missing sender or recipient places — is recomputed from
all its events in one statement per slice of parcels. Works on SQLite (3.33 or later:
`UPDATE … FROM`) and PostgreSQL.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from django.db import connection

from youpin.ingest.tracking.rows import STAGE_COLUMNS, utc_text
from youpin.logistics.models import EventFlag, Parcel, TrackingEvent, TrackingStatus

STAGE = "yp_tracking_stage"
TOUCHED = "yp_tracking_touched"
EVENTS = TrackingEvent._meta.db_table
PARCELS = Parcel._meta.db_table
RECOMPUTE_SLICE = 50_000
SQLITE_CACHE_KB = 128 * 1024
FEW_ROWS = 200  # up to this many rows are staged by one multi-row INSERT

# Statuses that end a parcel's journey come after those on the way, for events at the
# same moment; the order of TrackingStatus says which comes later.
STEPS = (
    "CASE e.status "
    + " ".join(f"WHEN '{s.value}' THEN '{i:02d}'" for i, s in enumerate(TrackingStatus))
    + " ELSE '99' END"
)
KEY_WIDTH = 16  # TrackingEvent.dedupe_key
# PostgreSQL types of the staging columns (the staging table's, and a push's JSON rows').
PG_TYPES = {
    "carrier_id": "bigint",
    "occurred_at": "timestamptz",
    "station_id": "bigint",
    "status_basis": "integer",
    "flags": "integer",
    "weight_g": "integer",
    "parcel_id": "bigint",
}
PG_TYPES.update({c: "text" for c in STAGE_COLUMNS if c not in PG_TYPES})
RECIPIENT_STATUSES = "('out_for_delivery', 'ready_for_pickup', 'delivered')"
FUTURE = int(EventFlag.FUTURE)
_BUILT: dict[tuple[str, bool, bool], str] = {}  # statements by (name, postgres, inline)


# psycopg's threshold that prepares only the statements executed with `prepare=True`, set
# while `prepared_cursor` is open: Django leaves preparation off (`prepare_threshold =
# None`), and with it off psycopg also skips its bookkeeping for Django's own queries.
PREPARE_WHEN_ASKED = 2**31 - 1


@functools.lru_cache(maxsize=64)
def numbered(sql: str) -> bytes:
    """`sql` with its `%s` placeholders as PostgreSQL's `$1, $2, …`, for a raw cursor (which
    sends the text as it is: no parsing of the statement on every call)."""
    parts = sql.split("%s")
    if any("%" in part for part in parts):
        raise ValueError("only %s placeholders are supported")
    return (parts[0] + "".join(f"${n}{part}" for n, part in enumerate(parts[1:], 1))).encode()


class _Prepared:
    """A raw psycopg cursor whose `execute` takes `%s` placeholders and, with `prepare`,
    prepares the statement (once per connection)."""

    def __init__(self, cursor: Any, *, prepare: bool = True) -> None:
        self.cursor = cursor
        self.prepare = prepare

    def execute(
        self, sql: str, params: Sequence[object] | None = None, *, prepare: bool = True
    ) -> None:
        """Run a statement, prepared if the cursor prepares and `prepare` is not False."""
        self.cursor.execute(numbered(sql), params, prepare=self.prepare and prepare)

    def fetchone(self) -> Any:
        """The next row."""
        return self.cursor.fetchone()

    def fetchall(self) -> Any:
        """The remaining rows."""
        return self.cursor.fetchall()

    @property
    def rowcount(self) -> int:
        """Rows the last statement changed."""
        return int(self.cursor.rowcount)


def _as_json(rows: Sequence[tuple[object, ...]]) -> str:
    """Staging rows as a JSON array of objects keyed by `STAGE_COLUMNS` (for
    `json_to_recordset`)."""
    objects = [dict(zip(STAGE_COLUMNS, row, strict=True)) for row in rows]
    return json.dumps(objects, ensure_ascii=False)


def _int_array(values: Iterable[int]) -> str:
    """Integers as a PostgreSQL array literal: '{1,2,3}'."""
    return "{" + ",".join(str(int(value)) for value in values) + "}"


@contextmanager
def prepared_cursor(*, prepare: bool = True) -> Iterator[_Prepared]:
    """PostgreSQL: a cursor that binds parameters on the server and (with `prepare`)
    prepares each statement once per connection, so a statement repeated on every push is
    parsed, analysed and planned once, not each time (Django's cursors quote every
    parameter into the text). Its errors come out as Django's (`django.db.IntegrityError`,
    …, with the driver's error as `__cause__`), as from a Django cursor, so callers can
    tell a race or a deadlock worth retrying from a real failure."""
    connection.ensure_connection()
    raw = connection.connection
    threshold = raw.prepare_threshold
    if threshold is None:
        raw.prepare_threshold = PREPARE_WHEN_ASKED
    try:
        with connection.wrap_database_errors, psycopg.RawCursor(raw) as cursor:
            yield _Prepared(cursor, prepare=prepare)
    finally:
        raw.prepare_threshold = threshold


@dataclass
class ChunkResult:
    """What applying one chunk changed."""

    staged: int = 0
    parcels_created: int = 0
    events_created: int = 0
    events_updated: int = 0


class StageLoader:
    """The staging and touched-parcel tables of one database connection, and their SQL."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        if not self.postgres and connection.vendor != "sqlite":
            raise NotImplementedError(
                f"tracking ingest supports SQLite and PostgreSQL, not {connection.vendor}"
            )
        self.distinct = "IS DISTINCT FROM" if self.postgres else "IS NOT"
        self.true, self.false = ("true", "false") if self.postgres else ("1", "0")
        self.greatest = "GREATEST" if self.postgres else "max"
        self.bulk = False
        self.inline = False
        # TRUNCATE leaves no dead rows behind (PostgreSQL never vacuums temporary tables).
        self.empty = "TRUNCATE" if self.postgres else "DELETE FROM"
        self._staged = False
        self._rows: Sequence[tuple[object, ...]] = ()
        self._touched: dict[int, int] = {}
        # Concurrent PostgreSQL writers take row locks in key order, so they cannot
        # deadlock; SQLite has one writer at a time and needs no order.
        self.in_lock_order = " ORDER BY parcel_id, occurred_at, dedupe_key" if self.postgres else ""

    # -- tables ---------------------------------------------------------------------------

    def prepare(self, *, bulk: bool = False) -> None:
        """Create the temporary tables if this connection has none, and empty them.

        A push on PostgreSQL needs none: its rows travel as JSON in the statement itself
        (`inline`), which spares the server the temporary tables' writes and truncations.
        For a big file, SQLite keeps its temporary tables in memory with a larger page
        cache (128 MB) while the event table's indexes grow, and PostgreSQL commits
        without waiting for the disk and without JIT compilation.
        """
        time_type = "timestamptz" if self.postgres else "text"
        int_type = "bigint" if self.postgres else "integer"
        self.bulk = bulk
        self.inline = self.postgres and not bulk
        if self.inline:
            return
        with connection.cursor() as cursor:
            if bulk and self.postgres:
                # A file can be imported again, so a crash may lose its last chunks: commit
                # without waiting for the disk; skip JIT compilation, which costs each
                # chunk's statements more than it saves; sort a chunk in memory.
                cursor.execute("SET synchronous_commit = off; SET jit = off; SET work_mem = '64MB'")
            if bulk and not self.postgres:
                cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KB}")
                cursor.execute("PRAGMA temp_store")
                if cursor.fetchone()[0] != 2 and not connection.in_atomic_block:
                    # Switching drops this connection's temporary tables: do it first.
                    cursor.execute("PRAGMA temp_store = MEMORY")
            statements = [
                f"CREATE TEMP TABLE IF NOT EXISTS {STAGE} ("
                f"carrier_id {int_type}, waybill_no text, occurred_at {time_type}, status text,"
                " raw_code text, raw_text text, place_id text, raw_place_code text,"
                " place_name text, facility text,"
                f" station_id {int_type}, source text, status_basis integer, flags integer,"
                f" dedupe_key text, weight_g integer, parcel_id {int_type})",
                f"CREATE TEMP TABLE IF NOT EXISTS {TOUCHED}"
                f" (parcel_id {int_type} PRIMARY KEY, weight_g integer NOT NULL)",
                f"{self.empty} {TOUCHED}",
                f"{self.empty} {STAGE}",
            ]
            if self.postgres:  # one round trip
                cursor.execute("; ".join(statements))
            else:  # SQLite runs one statement per call
                for statement in statements:
                    cursor.execute(statement)

    # -- one chunk --------------------------------------------------------------------------

    def stage(self, rows: Sequence[tuple[object, ...]]) -> None:
        """Replace the staging table's rows with these (`STAGE_COLUMNS` order)."""
        if self.inline:
            self._rows = rows
            return
        with self._cursor() as cursor:
            if self._staged:  # the rows of the chunk before
                cursor.execute(f"{self.empty} {STAGE}")
            self._staged = True
            if rows:
                self._load(cursor, rows)

    def apply(self, *, staged: int, batch_id: int | None, now: datetime) -> ChunkResult:
        """Apply the staged rows to parcels and events; call inside the staging transaction.

        Only SQL runs here (the interpreter is free for other threads meanwhile). On
        PostgreSQL a small chunk (a push) goes in one statement, to save round trips.
        """
        result = ChunkResult(staged=staged)
        if not staged:
            return result
        stamp = utc_text(now, postgres=self.postgres)
        with self._cursor() as cursor:
            if self.inline:
                sql = self._built("one statement", self._one_statement_sql)
                cursor.execute(sql, [_as_json(self._rows), stamp, stamp, batch_id])
                found = cursor.fetchone()
                result.parcels_created = int(found[0])
                result.events_created, result.events_updated = int(found[1]), int(found[2])
                for parcel_id, weight in zip(found[3] or [], found[4] or [], strict=True):
                    self._touched[parcel_id] = max(self._touched.get(parcel_id, 0), weight)
                return result
            cursor.execute(self._parcels_sql(), [stamp, stamp])
            result.parcels_created = self._changes(cursor)
            # One index lookup per row whose parcel the caller did not know.
            cursor.execute(
                f"UPDATE {STAGE} SET parcel_id = (SELECT p.id FROM {PARCELS} AS p"
                f" WHERE p.carrier_id = {STAGE}.carrier_id AND p.waybill_no = {STAGE}.waybill_no)"
                " WHERE parcel_id IS NULL"
            )
            result.events_created, result.events_updated = self._upsert_events(cursor, batch_id)
            cursor.execute(self._touched_sql(STAGE))
        return result

    def _parcels_sql(self) -> str:
        """Create the staged rows' parcels that do not exist (two time parameters)."""
        return (
            f"INSERT INTO {PARCELS} (carrier_id, waybill_no, status, weight_g, volume_cm3,"
            " cold_chain, e_waybill, recipient_name, recipient_phone, is_demo,"
            " created_at, updated_at)"
            f" SELECT carrier_id, waybill_no, 'pending', MAX(weight_g), 0, {self.false},"
            f" {self.true}, '', '', {self.false}, %s, %s FROM {STAGE}"
            " WHERE parcel_id IS NULL GROUP BY carrier_id, waybill_no"
            + (" ORDER BY carrier_id, waybill_no" if self.postgres else "")
            + " ON CONFLICT (carrier_id, waybill_no) DO NOTHING"
        )

    def _touched_sql(self, source: str) -> str:
        """Remember the parcels of `source` (rows with parcel_id), with their largest weight."""
        return (
            f"INSERT INTO {TOUCHED} (parcel_id, weight_g) SELECT parcel_id, MAX(weight_g)"
            f" FROM {source} WHERE parcel_id IS NOT NULL GROUP BY parcel_id"
            " ON CONFLICT (parcel_id) DO UPDATE SET weight_g ="
            f" {self.greatest}({TOUCHED}.weight_g, excluded.weight_g)"
        )

    def _upsert_sql(self, source: str) -> str:
        """Insert the events of `source`, keeping the better reading of those already
        stored and merging their flags (one parameter: the batch id)."""
        better = f"{self.rank('excluded')} > {self.rank('e')}"
        return (
            f"INSERT INTO {EVENTS} AS e (parcel_id, occurred_at, status, raw_code, raw_text,"
            " place_id, station_id, source, raw_place_code, place_name, facility,"
            " status_basis, flags, dedupe_key, batch_id)"
            " SELECT parcel_id, occurred_at, status, raw_code, raw_text, place_id, station_id,"
            " source, raw_place_code, place_name, facility, status_basis, flags, dedupe_key, %s"
            f" FROM {source} WHERE 1 = 1{self.in_lock_order}"
            " ON CONFLICT (parcel_id, occurred_at, dedupe_key) DO UPDATE SET"
            f" status = CASE WHEN {better} THEN excluded.status ELSE e.status END,"
            f" raw_code = CASE WHEN {better} THEN excluded.raw_code ELSE e.raw_code END,"
            f" status_basis = CASE WHEN {better} THEN excluded.status_basis"
            " ELSE e.status_basis END,"
            f" source = CASE WHEN {better} THEN excluded.source ELSE e.source END,"
            " flags = e.flags | excluded.flags"
            f" WHERE {better} OR (e.flags | excluded.flags) <> e.flags"
        )

    def _one_statement_sql(self) -> str:
        """PostgreSQL, a push: parcels, links and events in one statement, from JSON.

        The rows come as one JSON parameter, an array of objects (psycopg would dump
        seventeen column arrays element by element in Python; `json.dumps` runs in C).
        The new parcels come back from their INSERT, the others are looked up with the
        statement's snapshot. Returns parcels created, events created, events updated
        (xmax is 0 on a row the statement inserted, set on one it updated), and the
        touched parcels with their weights.
        """
        prefixed = ", ".join(f"s.{c}" for c in STAGE_COLUMNS if c != "parcel_id")
        typed = ", ".join(f"{c} {PG_TYPES[c]}" for c in STAGE_COLUMNS)
        return (
            f"WITH {STAGE} AS (SELECT * FROM json_to_recordset(%s::json) AS s({typed})),"
            f" fresh AS ({self._parcels_sql()} RETURNING id, carrier_id, waybill_no),"
            f" linked AS (SELECT {prefixed}, COALESCE(s.parcel_id, f.id,"
            f" (SELECT p.id FROM {PARCELS} AS p WHERE p.carrier_id = s.carrier_id"
            " AND p.waybill_no = s.waybill_no)) AS parcel_id"
            f" FROM {STAGE} AS s LEFT JOIN fresh AS f"
            " ON f.carrier_id = s.carrier_id AND f.waybill_no = s.waybill_no),"
            f" up AS ({self._upsert_sql('linked')} RETURNING (xmax = 0) AS inserted),"
            " kept AS (SELECT parcel_id, MAX(weight_g) AS weight_g FROM linked"
            " GROUP BY parcel_id)"
            " SELECT (SELECT COUNT(*) FROM fresh), COUNT(*) FILTER (WHERE inserted),"
            " COUNT(*) FILTER (WHERE NOT inserted),"
            " (SELECT array_agg(parcel_id) FROM kept), (SELECT array_agg(weight_g) FROM kept)"
            " FROM up"
        )

    def staged_parcels(self) -> list[tuple[int, str, int]]:
        """(carrier id, waybill, parcel id) of the parcels in the staging table."""
        with self._cursor() as cursor:
            cursor.execute(f"SELECT DISTINCT carrier_id, waybill_no, parcel_id FROM {STAGE}")
            return [(int(c), str(w), int(p)) for c, w, p in cursor.fetchall()]

    def _upsert_events(self, cursor: Any, batch_id: int | None) -> tuple[int, int]:
        """Insert the staged events (see `_upsert_sql`); returns (created, updated).

        The staging table holds each event once (the row builder merges repeats), as
        PostgreSQL's `ON CONFLICT DO UPDATE` requires.
        """
        upsert = self._upsert_sql(STAGE)
        if self.postgres:
            # xmax is 0 on a row this statement inserted, and set on one it updated.
            cursor.execute(
                f"WITH up AS ({upsert} RETURNING (xmax = 0) AS inserted)"
                " SELECT COUNT(*) FILTER (WHERE inserted), COUNT(*) FILTER (WHERE NOT inserted)"
                " FROM up",
                [batch_id],
            )
            created, updated = cursor.fetchone()
            return int(created), int(updated)
        # SQLite writes one transaction at a time and its ids only grow (AUTOINCREMENT),
        # so the rows above the highest id before the statement are the ones it inserted.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {EVENTS}")
        before = int(cursor.fetchone()[0])
        cursor.execute(upsert, [batch_id])
        changed = self._changes(cursor)
        cursor.execute(f"SELECT COUNT(*) FROM {EVENTS} WHERE id > %s", [before])
        created = int(cursor.fetchone()[0])
        return created, changed - created

    def rank(self, table: str) -> str:
        """The SQL of `rows.rank` for one side of a conflict; text compared by code point."""
        c = ' COLLATE "C"' if self.postgres else ""
        return (
            f"(CASE WHEN {table}.status = 'unknown' THEN 0 ELSE 1 END, {table}.status_basis,"
            f" {table}.status{c}, {table}.raw_code{c}, {table}.source{c})"
        )

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        """A cursor for this module's statements: `prepared_cursor` on PostgreSQL, Django's
        on SQLite. Only a push's or a check-in's statements (`inline`) are prepared: a
        file's run a few hundred times at most, and with chunk-sized tables a plan chosen
        once for all of them could be the wrong one."""
        if not self.postgres:
            with connection.cursor() as cursor:
                yield cursor
            return
        with prepared_cursor(prepare=self.inline) as cursor:
            yield cursor

    def _changes(self, cursor: object) -> int:
        """Rows changed by the last statement (SQLite's driver only counts statements it
        recognises as DML by their first word, so a `WITH …` statement asks `changes()`)."""
        if self.postgres:
            return max(cursor.rowcount, 0)  # type: ignore[attr-defined]
        cursor.execute("SELECT changes()")  # type: ignore[attr-defined]
        return int(cursor.fetchone()[0])  # type: ignore[attr-defined]

    def _load(self, cursor: object, rows: Sequence[tuple[object, ...]]) -> None:
        """Load rows into the staging table: a few (a push) in one INSERT, many by `COPY` on
        PostgreSQL or one `executemany` on SQLite."""
        columns = ", ".join(STAGE_COLUMNS)
        marks = "(" + ", ".join(["%s"] * len(STAGE_COLUMNS)) + ")"
        if len(rows) <= FEW_ROWS:
            values = ", ".join([marks] * len(rows))
            params = [value for row in rows for value in row]
            insert = f"INSERT INTO {STAGE} ({columns}) VALUES {values}"
            if self.postgres:  # as many statements as chunk lengths: not worth preparing
                cursor.execute(insert, params, prepare=False)  # type: ignore[attr-defined]
            else:
                cursor.execute(insert, params)  # type: ignore[attr-defined]
            return
        if self.postgres:
            raw = cursor.cursor  # type: ignore[attr-defined]
            with raw.copy(f"COPY {STAGE} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            if len(rows) >= 5000:
                raw.execute(f"ANALYZE {STAGE}")
        else:
            cursor.executemany(f"INSERT INTO {STAGE} ({columns}) VALUES {marks}", rows)  # type: ignore[attr-defined]

    # -- parcel states ----------------------------------------------------------------------

    def refresh_statistics(self) -> None:
        """After a big load on PostgreSQL, let the planner see the tables' new sizes."""
        if self.bulk and self.postgres:
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {EVENTS}")
                cursor.execute(f"ANALYZE {PARCELS}")
                cursor.execute(f"ANALYZE {TOUCHED}")

    def touched_slices(self, size: int = RECOMPUTE_SLICE) -> list[tuple[int, int]]:
        """(lowest exclusive, highest inclusive) parcel-id bounds of slices of touched parcels."""
        bounds: list[tuple[int, int]] = []
        low = 0
        if self.inline:
            ids = sorted(self._touched)
            return [(0 if i == 0 else ids[i - 1], ids[min(i + size, len(ids)) - 1])
                    for i in range(0, len(ids), size)]  # fmt: skip
        with self._cursor() as cursor:
            while True:
                cursor.execute(
                    f"SELECT MAX(parcel_id), COUNT(*) FROM (SELECT parcel_id FROM {TOUCHED}"
                    " WHERE parcel_id > %s ORDER BY parcel_id LIMIT %s) AS s",
                    [low, size],
                )
                high, count = cursor.fetchone()
                if not count:
                    return bounds
                bounds.append((low, int(high)))
                low = int(high)

    def touched_count(self) -> int:
        """How many parcels the chunks so far touched."""
        if self.inline:
            return len(self._touched)
        with self._cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {TOUCHED}")
            return int(cursor.fetchone()[0])

    def recompute(self, low: int, high: int, *, now: datetime) -> int:
        """Derive the state of the touched parcels with ids in (low, high] from their events
        (and give those without a weight the largest one the input reported).

        The status is that of the latest event, preferring events not dated in the future
        and with a known status; events at the same moment are ordered by `STEPS`.
        Collection and delivery are the first picked-up and delivered events, the last
        event time the latest; the station is that of the latest event at a station
        (kept when no event names one). Sender and recipient places are filled from the
        first collection and the latest delivery-side event with a place, only where the
        parcel has none (an order's address is finer). Future-dated events count for
        nothing but the status of a parcel that has no other. Returns how many parcels
        changed.

        One pass of aggregates: each "latest X" is the maximum of a fixed-width sort key
        (time, then the event's key) with X appended, cut off again after grouping.
        """
        params: list[object] = []
        if self.inline:  # the touched parcels travel as arrays (in text: dumped in C)
            params = [_int_array(self._touched), _int_array(self._touched.values())]
        sql = self._built("recompute", self._recompute_sql)
        with self._cursor() as cursor:
            cursor.execute(sql, [*params, low, high, utc_text(now, postgres=self.postgres)])
            return self._changes(cursor)

    def _built(self, name: str, build: Callable[[], str]) -> str:
        """A statement built once per kind of loader (the same text object each time)."""
        key = (name, self.postgres, self.inline)
        sql = _BUILT.get(key)
        if sql is None:
            sql = _BUILT[key] = build()
        return sql

    def _recompute_sql(self) -> str:
        """The statement of `recompute` (parameters: the touched arrays when inline, the
        bounds, the time)."""
        d = self.distinct
        when = (
            "to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
            if self.postgres
            else "substr(e.occurred_at || '.000000', 1, 26)"
        )
        at = f"{when} || COALESCE(e.dedupe_key, '{'0' * KEY_WIDTH}')"  # 26 + 16 characters
        present = f"(e.flags & {FUTURE}) = 0"
        known = "CASE WHEN e.status = 'unknown' THEN '0' ELSE '1' END"
        latest = f"CASE WHEN {present} THEN '1' ELSE '0' END || {known} || {at} || {STEPS}"
        tail = 26 + KEY_WIDTH + 1  # where the appended value starts, after `at`
        touched = TOUCHED
        if self.inline:  # the touched parcels travel as arrays
            touched = "unnest(%s::bigint[], %s::integer[]) AS t(parcel_id, weight_g)"
            touched = f"(SELECT * FROM {touched})"
        number = "bigint"
        # SQLite must loop over the touched parcels and look their events up, not scan
        # every event in the id range (a push's range can span the whole table): its
        # CROSS JOIN keeps the written order. PostgreSQL plans this itself.
        drive = "JOIN" if self.postgres else "CROSS JOIN"
        return (
            "WITH derived AS (SELECT e.parcel_id,"
            f" substr(MAX({latest} || e.status), {tail + 4}) AS status,"
            f" MIN(CASE WHEN {present} AND e.status = 'picked_up' THEN e.occurred_at END)"
            " AS collected_at,"
            f" MIN(CASE WHEN {present} AND e.status = 'delivered' THEN e.occurred_at END)"
            " AS delivered_at,"
            f" MAX(CASE WHEN {present} THEN e.occurred_at END) AS last_event_at,"
            f" CAST(substr(MAX(CASE WHEN {present} AND e.station_id IS NOT NULL"
            f" THEN {at} || CAST(e.station_id AS text) END), {tail}) AS {number}) AS station_id,"
            f" substr(MIN(CASE WHEN {present} AND e.status = 'picked_up'"
            f" AND e.place_id IS NOT NULL THEN {at} || e.place_id END), {tail})"
            " AS sender_place_id,"
            f" substr(MAX(CASE WHEN {present} AND e.status IN {RECIPIENT_STATUSES}"
            f" AND e.place_id IS NOT NULL THEN {at} || e.place_id END), {tail})"
            " AS recipient_place_id, MAX(t.weight_g) AS weight_g"
            f" FROM {touched} AS t {drive} {EVENTS} AS e ON t.parcel_id = e.parcel_id"
            " WHERE t.parcel_id > %s AND t.parcel_id <= %s GROUP BY e.parcel_id)"
            f" UPDATE {PARCELS} SET status = d.status, collected_at = d.collected_at,"
            " delivered_at = d.delivered_at, last_event_at = d.last_event_at,"
            f" station_id = COALESCE(d.station_id, {PARCELS}.station_id),"
            f" sender_place_id = COALESCE({PARCELS}.sender_place_id, d.sender_place_id),"
            f" recipient_place_id = COALESCE({PARCELS}.recipient_place_id, d.recipient_place_id),"
            f" weight_g = CASE WHEN {PARCELS}.weight_g = 0 THEN d.weight_g"
            f" ELSE {PARCELS}.weight_g END,"
            " updated_at = %s"
            f" FROM derived AS d WHERE {PARCELS}.id = d.parcel_id AND ("
            f"{PARCELS}.status <> d.status"
            f" OR ({PARCELS}.weight_g = 0 AND d.weight_g > 0)"
            f" OR {PARCELS}.collected_at {d} d.collected_at"
            f" OR {PARCELS}.delivered_at {d} d.delivered_at"
            f" OR {PARCELS}.last_event_at {d} d.last_event_at"
            f" OR (d.station_id IS NOT NULL AND {PARCELS}.station_id {d} d.station_id)"
            f" OR ({PARCELS}.sender_place_id IS NULL AND d.sender_place_id IS NOT NULL)"
            f" OR ({PARCELS}.recipient_place_id IS NULL AND d.recipient_place_id IS NOT NULL))"
        )
