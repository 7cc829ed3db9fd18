"""The SQL of the express statistic: one statement reads the period's parcels and their events.

Plain SQL that SQLite (3.35+) and PostgreSQL (12+) both run. Each statement

1. takes the *candidates*: parcels collected or delivered in any of the spans (range filters
   on the times; one carrier for a carrier's scope);
2. reads their events once (`ev`: one row per parcel — its pickup scan inside the region,
   its delivery or station handover inside, whether it was left at a station or a locker);
3. derives each candidate's `origin` (sender place, else the pickup scan's place),
   `destination` (recipient place, else the handover's place) and collection-to-delivery
   hours, materialised once (`facts`);
4. for each `Grouping`, groups the collected side (origin inside, by `collected_at`) and the
   delivered side (destination inside, by `delivered_at`); and, if asked, computes each
   side's median hours with window functions.

Periods are a balanced CASE tree over their edges — never per-row date functions, which
Django would run as Python on SQLite — and places are code prefixes (`LIKE '6405%'`), so a
whole report costs one pass over its candidates and their events.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection

from youpin.logistics.models import TrackingStatus
from youpin.logistics.statistics_formulas import Measures
from youpin.stations.models import StationKind

COLLECTED, DELIVERED = "collected", "delivered"
Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class Scan:
    """What a statement counts: the region (code prefix) and, for carriers, one carrier."""

    prefix: str
    carrier_id: int | None = None


@dataclass(frozen=True)
class Grouping:
    """One way to group the counted parcels: periods between `edges` (only rows inside
    `spans`), by direction, and optionally by leading digits of the place and by carrier."""

    name: str
    spans: Sequence[Span]
    edges: Sequence[datetime]
    place_digits: int = 0
    by_carrier: bool = False


@dataclass(frozen=True)
class Cell:
    """One grouped row: its grouping, side and period index, and the groups asked for."""

    grouping: str
    side: str
    bucket: int
    place: str
    carrier_id: int | None
    other_inside: bool
    measures: Measures


@dataclass(frozen=True)
class Counted:
    """What a statement returns: its cells, and the medians when asked for."""

    cells: list[Cell]
    collected_median_hours: float | None = None
    delivered_median_hours: float | None = None

    def of(self, grouping: str) -> list[Cell]:
        """The cells of one grouping."""
        return [cell for cell in self.cells if cell.grouping == grouping]


def _hours_sql(t: str) -> str:
    """Hours from collection to delivery of table alias `t`, native to the database."""
    if connection.vendor == "postgresql":
        return (
            f"CAST(EXTRACT(EPOCH FROM ({t}.delivered_at - {t}.collected_at)) AS double precision)"
            " / 3600.0"
        )
    if connection.vendor == "sqlite":
        return f"(julianday({t}.delivered_at) - julianday({t}.collected_at)) * 24.0"
    raise NotImplementedError("the express statistic runs on SQLite and PostgreSQL only")


def _time(value: datetime) -> Any:
    """A time as the database driver wants it (UTC text on SQLite)."""
    return connection.ops.adapt_datetimefield_value(value)


def merged(spans: Iterable[Span]) -> list[Span]:
    """Spans sorted, with overlapping or touching ones joined (fewer ranges to filter on)."""
    out: list[Span] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _in_spans(column: str, spans: Sequence[Span], params: list[Any]) -> str:
    """`column` inside any of the half-open spans."""
    parts = []
    for start, end in spans:
        parts.append(f"({column} >= %s AND {column} < %s)")
        params += [_time(start), _time(end)]
    return "(" + " OR ".join(parts) + ")"


def _bucket(column: str, edges: Sequence[datetime], params: list[Any]) -> str:
    """The index i with edges[i] <= column < edges[i+1], as a balanced CASE tree."""

    def node(lo: int, hi: int) -> str:
        if hi - lo == 1:
            return str(lo)
        mid = (lo + hi) // 2
        params.append(_time(edges[mid]))
        left = node(lo, mid)
        return f"CASE WHEN {column} < %s THEN {left} ELSE {node(mid, hi)} END"

    return node(0, len(edges) - 1)


_COUNTER = f"('{TrackingStatus.READY_FOR_PICKUP}', '{TrackingStatus.DELIVERED}')"


def parcel_places_ctes(cand_where: str, name: str, duration_sql: str, duration: str) -> str:
    """CTEs `cand`, `ev` and `name`: candidate parcels with origin, destination, counter flags.

    `name` has a row per parcel of `logistics_parcel p` matching `cand_where`, with its
    origin and destination codes (the parcel's own places, else the first pick-up scan and
    the hand-over place seen in its events), `at_counter` / `at_locker` flags and
    `duration_sql` (over `cand`) as column `duration`. The text takes three `region%`
    LIKE parameters, after those of `cand_where`. Shared by the express statistic and the
    parcel facts, so that both attribute a parcel the same way.
    """
    return f"""cand AS (
  SELECT p.id, p.carrier_id, p.e_waybill, p.collected_at, p.delivered_at,
         p.sender_place_id, p.recipient_place_id, p.station_id, st.kind AS station_kind
  FROM logistics_parcel p LEFT JOIN stations_station st ON st.id = p.station_id
  WHERE {cand_where}
),
ev AS (
  SELECT cand.id AS parcel_id,
    MIN(CASE WHEN e.status = '{TrackingStatus.PICKED_UP}' AND e.place_id LIKE %s
             THEN e.place_id END) AS scan_place,
    MIN(CASE WHEN e.status = '{TrackingStatus.DELIVERED}' AND e.place_id LIKE %s
             THEN e.place_id
             WHEN e.status IN {_COUNTER} AND s.place_id LIKE %s THEN s.place_id END)
      AS handover_place,
    MAX(CASE WHEN e.status = '{TrackingStatus.READY_FOR_PICKUP}'
               OR (e.status = '{TrackingStatus.DELIVERED}' AND e.station_id IS NOT NULL)
             THEN 1 ELSE 0 END) AS at_counter,
    MAX(CASE WHEN e.status IN {_COUNTER} AND s.kind = '{StationKind.LOCKER}'
             THEN 1 ELSE 0 END) AS at_locker
  FROM cand JOIN logistics_trackingevent e ON e.parcel_id = cand.id
  LEFT JOIN stations_station s ON s.id = e.station_id
  GROUP BY cand.id
),
{name} AS MATERIALIZED (
  SELECT cand.*,
    COALESCE(cand.sender_place_id, ev.scan_place) AS origin,
    COALESCE(cand.recipient_place_id, ev.handover_place) AS destination,
    COALESCE(ev.at_counter, 0) AS at_counter,
    COALESCE(ev.at_locker, 0) AS at_locker,
    CASE WHEN cand.delivered_at >= cand.collected_at THEN {duration_sql} END AS {duration}
  FROM cand LEFT JOIN ev ON ev.parcel_id = cand.id
)"""


def count(scan: Scan, groupings: Sequence[Grouping], *, medians_for: Span | None = None) -> Counted:
    """Count both sides for each grouping in one statement; medians of one span if asked."""
    like = scan.prefix + "%"
    spans = merged(span for g in groupings for span in g.spans)
    params: list[Any] = []
    carrier = ""
    cand_time = " OR ".join(
        [_in_spans("p.collected_at", spans, params), _in_spans("p.delivered_at", spans, params)]
    )
    if scan.carrier_id is not None:
        carrier = " AND p.carrier_id = %s"
        params.append(scan.carrier_id)
    params += [like, like, like]
    col_time = _in_spans("c.collected_at", spans, params)
    params.append(like)
    del_time = _in_spans("c.delivered_at", spans, params)
    params.append(like)
    sql = (
        "WITH "
        + parcel_places_ctes(f"({cand_time}){carrier}", "facts", _hours_sql("cand"), "hours")
        + f""",
col AS (SELECT * FROM facts c WHERE {col_time} AND c.origin LIKE %s),
del AS (SELECT * FROM facts c WHERE {del_time} AND c.destination LIKE %s)"""
    )
    selects = []
    for grouping in groupings:
        for side, table, time_column, other, place in (
            (COLLECTED, "col", "collected_at", "destination", "origin"),
            (DELIVERED, "del", "delivered_at", "origin", "destination"),
        ):
            selects.append(
                _side_select(
                    grouping, side, table, time_column, other, params, like=like, place=place
                )
            )
    if medians_for is not None:
        for side, table, column in (("mc", "col", "collected_at"), ("md", "del", "delivered_at")):
            params += [_time(medians_for[0]), _time(medians_for[1])]
            selects.append(
                f"SELECT '', '{side}', 0, '', 0, 0, 0, 0, 0, AVG(hours), 0, 0 FROM ("
                "SELECT hours, ROW_NUMBER() OVER (ORDER BY hours) AS rn, COUNT(*) OVER () AS n"
                f" FROM {table} WHERE hours IS NOT NULL AND {column} >= %s AND {column} < %s"
                ") m WHERE rn IN ((n + 1) / 2, (n + 2) / 2)"
            )
    with connection.cursor() as cursor:
        cursor.execute(sql + "\n" + "\nUNION ALL\n".join(selects), params)
        rows = cursor.fetchall()
    return _counted(rows)


def _side_select(
    grouping: Grouping,
    side: str,
    table: str,
    time_column: str,
    other_column: str,
    params: list[Any],
    *,
    like: str,
    place: str,
) -> str:
    """The grouped SELECT of one side for one grouping; appends its parameters in order."""
    digits = grouping.place_digits
    bucket = _bucket(time_column, grouping.edges, params)
    place_sql = f"SUBSTR({place}, 1, {digits})" if digits else "''"
    carrier = "carrier_id" if grouping.by_carrier else "0"
    params.append(like)
    other = f"CASE WHEN {other_column} LIKE %s THEN 1 ELSE 0 END"
    if side == COLLECTED:
        measures = "SUM(CASE WHEN e_waybill THEN 1 ELSE 0 END), COUNT(hours), SUM(hours), 0, 0"
    else:
        params += [like, like]
        outside = f"({other_column} IS NULL OR {other_column} NOT LIKE %s)"
        measures = (
            "0, COUNT(hours), SUM(hours),"
            f" SUM(CASE WHEN at_counter = 1 OR (station_id IS NOT NULL AND {outside})"
            " THEN 1 ELSE 0 END),"
            f" SUM(CASE WHEN at_locker = 1 OR (station_kind = '{StationKind.LOCKER}'"
            f" AND {outside}) THEN 1 ELSE 0 END)"
        )
    within = _in_spans(time_column, grouping.spans, params)
    # grouped by output position: 3 = period, 6 = direction, 4 = place, 5 = carrier
    positions = ["3", "6"] + (["4"] if digits else []) + (["5"] if grouping.by_carrier else [])
    return (
        f"SELECT '{grouping.name}', '{side}', {bucket}, {place_sql}, {carrier}, {other},"
        f" COUNT(*), {measures} FROM {table} WHERE {within} GROUP BY {', '.join(positions)}"
    )


def _counted(rows: list[tuple[Any, ...]]) -> Counted:
    """Turn the statement's rows into cells and medians."""
    cells = []
    medians: dict[str, float | None] = {"mc": None, "md": None}
    for (
        grouping,
        side,
        bucket,
        place,
        carrier,
        other,
        n,
        extra,
        timed,
        hours,
        station,
        locker,
    ) in rows:
        if side in medians:
            medians[side] = None if hours is None else round(float(hours), 1)
            continue
        if side == COLLECTED:
            measures = Measures(
                collected=n,
                collected_e_waybill=int(extra or 0),
                collected_timed=timed,
                collected_hours=float(hours or 0),
            )
        else:
            measures = Measures(
                delivered=n,
                delivered_at_station=int(station or 0),
                delivered_at_locker=int(locker or 0),
                delivered_timed=timed,
                delivered_hours=float(hours or 0),
            )
        cells.append(
            Cell(
                grouping=grouping,
                side=side,
                bucket=int(bucket),
                place=place or "",
                carrier_id=carrier or None,
                other_inside=bool(other),
                measures=measures,
            )
        )
    return Counted(cells, medians["mc"], medians["md"])
