"""The SQL that rebuilds the fact tables for some days: set-based DELETE and INSERT … SELECT.

Plain SQL that SQLite (3.35+) and PostgreSQL (12+) both run; only three expressions differ
(the Shanghai day of a time, an amount in fen, the seconds between two times). Each builder
returns the statements for a list of day ranges (None: every day), with their parameters.
The definitions are those of the statistics (docs/STATISTICS.md):

* sales: sold orders (not pending payment, not closed) by the Shanghai day of their payment
  time (order time when unpaid), amounts in fen, paid and refunded split over the lines'
  classes in proportion to line amounts, rounding toward zero with the remainder on the
  largest line (first by line number) — `retail_formulas.split_cents` in SQL; the net also
  split by the order's verification state (`trust`; no row: not yet checked);
* parcels: collected in the region (sender place, else a pickup scan inside) by collection
  day, delivered in the region (recipient place, else a delivery or station handover
  inside) by delivery day — the express statistic's rules, read from the same columns;
* stations: tracking events with source "station" by day, station and raw code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db import connection

from youpin.commerce.selectors import NOT_SOLD
from youpin.core.periods import SHANGHAI
from youpin.facts.days import DayRange
from youpin.facts.operations import STATION_SOURCE
from youpin.logistics.statistics_queries import parcel_places_ctes
from youpin.stations.models import StationKind
from youpin.trust.models import OrderVerification

VERIFICATION = OrderVerification._meta.db_table


@dataclass(frozen=True)
class Statement:
    """One SQL statement and its parameters."""

    sql: str
    params: list[Any]


def _vendor() -> str:
    """The database vendor, refusing the ones the facts are not written for."""
    if connection.vendor not in ("sqlite", "postgresql"):
        raise NotImplementedError("the facts run on SQLite and PostgreSQL only")
    return str(connection.vendor)


def day_sql(column: str) -> str:
    """The Shanghai calendar day of a time column, as a date (text YYYY-MM-DD on SQLite)."""
    if _vendor() == "postgresql":
        return f"CAST(({column} AT TIME ZONE '{SHANGHAI.key}') AS date)"
    # Shanghai has kept UTC+8 without daylight saving since 1992.
    return f"date({column}, '+8 hours')"


def fen_sql(column: str) -> str:
    """An amount column in whole fen, exactly (SQLite stores decimals as floating point)."""
    if _vendor() == "postgresql":
        return f"CAST({column} * 100 AS BIGINT)"
    return f"CAST(ROUND({column} * 100) AS INTEGER)"


def seconds_sql(start: str, end: str) -> str:
    """Whole seconds from one time column to another."""
    if _vendor() == "postgresql":
        return f"CAST(ROUND(EXTRACT(EPOCH FROM ({end} - {start}))) AS BIGINT)"
    return f"CAST(ROUND((julianday({end}) - julianday({start})) * 86400) AS INTEGER)"


def _instant(day: Any) -> Any:
    """Shanghai midnight at the start of a day, as the driver wants it."""
    return connection.ops.adapt_datetimefield_value(datetime.combine(day, time(), tzinfo=SHANGHAI))


def times_in(column: str, ranges: Sequence[DayRange] | None, params: list[Any]) -> str:
    """`column` inside the days (half-open instants); TRUE for every day."""
    if ranges is None:
        return "1 = 1"
    parts = []
    for first, last in ranges:
        parts.append(f"({column} >= %s AND {column} < %s)")
        params += [_instant(first), _instant(last + timedelta(days=1))]
    return "(" + " OR ".join(parts) + ")"


def days_in(ranges: Sequence[DayRange] | None, params: list[Any]) -> str:
    """The fact tables' `day` inside the ranges; TRUE for every day."""
    if ranges is None:
        return "1 = 1"
    parts = []
    for first, last in ranges:
        parts.append("(day >= %s AND day <= %s)")
        params += [
            connection.ops.adapt_datefield_value(first),
            connection.ops.adapt_datefield_value(last),
        ]
    return "(" + " OR ".join(parts) + ")"


def delete(table: str, ranges: Sequence[DayRange] | None) -> Statement:
    """Remove a fact table's rows of the days."""
    params: list[Any] = []
    return Statement(f"DELETE FROM {table} WHERE {days_in(ranges, params)}", params)


_NOT_SOLD = "(" + ", ".join(f"'{s}'" for s in sorted(NOT_SOLD)) + ")"


def sales_insert(ranges: Sequence[DayRange] | None, region_like: str) -> Statement:
    """Sold orders of the days, split over their lines' classes, grouped into SalesFact rows."""
    params: list[Any] = [region_like]
    sale_at = "COALESCE(o.paid_at, o.ordered_at)"
    within = times_in(sale_at, ranges, params)
    sql = f"""
INSERT INTO facts_salesfact (day, county, township, platform, sales_class, merchant_id, host,
  local_seller, orders, lead_orders, paid_fen, refunded_fen, net_fen, verified_fen,
  unverified_fen, suspicious_fen, verified_orders)
WITH so AS (
  SELECT o.id, {day_sql(sale_at)} AS day, o.platform, o.merchant_id, v.state,
    CASE WHEN o.host_id <> '' THEN o.host_id
         WHEN o.host_nickname <> '' THEN '昵称:' || o.host_nickname ELSE '' END AS host,
    {fen_sql("o.paid_amount")} AS paid, {fen_sql("o.refunded_amount")} AS refunded,
    SUBSTR(m.place_id, 1, 6) AS county, SUBSTR(m.place_id, 1, 9) AS township,
    (m.registered_locally AND m.place_id LIKE %s) AS local_seller
  FROM commerce_order o JOIN catalog_merchant m ON m.id = o.merchant_id
  LEFT JOIN {VERIFICATION} v ON v.order_id = o.id
  WHERE o.status NOT IN {_NOT_SOLD} AND {within}
),
li AS (
  SELECT l.order_id, l.line_no,
    CASE WHEN {fen_sql("l.amount")} > 0 THEN {fen_sql("l.amount")} ELSE 0 END AS w,
    CASE WHEN c.id IS NULL THEN 'unclassified' WHEN c.is_service THEN 'services'
         WHEN c.is_farm_product THEN 'farm' ELSE 'goods' END AS cls
  FROM so JOIN commerce_orderline l ON l.order_id = so.id
  LEFT JOIN catalog_product p ON p.id = l.product_id
  LEFT JOIN catalog_category c ON c.id = p.category_id
),
ranked AS (
  SELECT li.order_id, li.cls, li.w,
    ROW_NUMBER() OVER (PARTITION BY li.order_id ORDER BY li.w DESC, li.line_no) AS rn,
    CAST(SUM(li.w) OVER (PARTITION BY li.order_id) AS BIGINT) AS ws,
    CAST(COUNT(*) OVER (PARTITION BY li.order_id) AS BIGINT) AS n
  FROM li
),
shares AS (
  SELECT r.order_id, r.cls, r.rn, so.paid, so.refunded,
    so.paid * (CASE WHEN r.ws > 0 THEN r.w ELSE 1 END)
      / (CASE WHEN r.ws > 0 THEN r.ws ELSE r.n END) AS p,
    so.refunded * (CASE WHEN r.ws > 0 THEN r.w ELSE 1 END)
      / (CASE WHEN r.ws > 0 THEN r.ws ELSE r.n END) AS r
  FROM ranked r JOIN so ON so.id = r.order_id
),
fixed AS (
  SELECT order_id, cls, rn,
    p + CASE WHEN rn = 1 THEN paid - SUM(p) OVER (PARTITION BY order_id) ELSE 0 END AS p,
    r + CASE WHEN rn = 1 THEN refunded - SUM(r) OVER (PARTITION BY order_id) ELSE 0 END AS r
  FROM shares
),
parts AS (
  SELECT order_id, cls, SUM(p) AS p, SUM(r) AS r,
    MAX(CASE WHEN rn = 1 THEN 1 ELSE 0 END) AS lead
  FROM fixed GROUP BY order_id, cls
  UNION ALL
  SELECT so.id, 'unclassified', so.paid, so.refunded, 1 FROM so
  WHERE NOT EXISTS (SELECT 1 FROM commerce_orderline l WHERE l.order_id = so.id)
)
SELECT so.day, so.county, so.township, so.platform, parts.cls, so.merchant_id, so.host,
  so.local_seller, COUNT(*), SUM(parts.lead), SUM(parts.p), SUM(parts.r), SUM(parts.p - parts.r),
  {by_state("verified")}, {by_state("unverified")}, {by_state("suspicious")},
  SUM(CASE WHEN so.state = 'verified' THEN parts.lead ELSE 0 END)
FROM parts JOIN so ON so.id = parts.order_id
GROUP BY so.day, so.county, so.township, so.platform, parts.cls, so.merchant_id, so.host,
  so.local_seller"""
    return Statement(sql, params)


def by_state(state: str) -> str:
    """The net (fen) of the grouped order parts whose order is in a verification state."""
    return f"SUM(CASE WHEN so.state = '{state}' THEN parts.p - parts.r ELSE 0 END)"


SALES_SUMMED = (
    "orders, lead_orders, paid_fen, refunded_fen, net_fen, verified_fen, unverified_fen,"
    " suspicious_fen, verified_orders"
)


def sales_places_insert(ranges: Sequence[DayRange] | None) -> Statement:
    """SalesFact rows of the days summed over merchants and hosts into SalesPlaceFact rows."""
    params: list[Any] = []
    within = days_in(ranges, params)
    dims = "day, county, township, platform, sales_class, local_seller"
    sums = ", ".join(f"SUM({c.strip()})" for c in SALES_SUMMED.split(","))
    sql = f"""
INSERT INTO facts_salesplacefact ({dims}, {SALES_SUMMED})
SELECT {dims}, {sums}
FROM facts_salesfact WHERE {within}
GROUP BY {dims}"""
    return Statement(sql, params)


def parcels_insert(ranges: Sequence[DayRange] | None, region_like: str) -> Statement:
    """Parcels collected or delivered in the region on the days, grouped into ParcelFact rows."""
    params: list[Any] = []  # appended in the order the placeholders appear
    cand = " OR ".join(
        [times_in("p.collected_at", ranges, params), times_in("p.delivered_at", ranges, params)]
    )
    params += [region_like] * 3
    transit = seconds_sql("cand.collected_at", "cand.delivered_at")
    head = f"""
INSERT INTO facts_parcelfact (day, side, county, township, carrier_id, direction, parcels,
  e_waybill, at_station, at_locker, timed, transit_seconds)
WITH {parcel_places_ctes(f"({cand})", "f", transit, "secs")}"""
    params.append(region_like)
    col_within = times_in("f.collected_at", ranges, params)
    params.append(region_like)
    collected = f"""
SELECT {day_sql("f.collected_at")}, 'collected', SUBSTR(f.origin, 1, 6), SUBSTR(f.origin, 1, 9),
  f.carrier_id, CASE WHEN f.destination LIKE %s THEN 'intra' ELSE 'outbound' END,
  COUNT(*), SUM(CASE WHEN f.e_waybill THEN 1 ELSE 0 END), 0, 0, COUNT(f.secs),
  COALESCE(SUM(f.secs), 0)
FROM f WHERE f.collected_at IS NOT NULL AND {col_within} AND f.origin LIKE %s
GROUP BY 1, 2, 3, 4, 5, 6"""
    # Handed over at a station: a counter event, or - for parcels collected outside the
    # region only - the parcel's own station (docs/STATISTICS.md, station share).
    outside = "(f.origin IS NULL OR f.origin NOT LIKE %s)"
    params += [region_like] * 3
    del_within = times_in("f.delivered_at", ranges, params)
    params.append(region_like)
    delivered = f"""
SELECT {day_sql("f.delivered_at")}, 'delivered', SUBSTR(f.destination, 1, 6),
  SUBSTR(f.destination, 1, 9), f.carrier_id,
  CASE WHEN f.origin LIKE %s THEN 'intra' ELSE 'inbound' END,
  COUNT(*), 0,
  SUM(CASE WHEN f.at_counter = 1 OR (f.station_id IS NOT NULL AND {outside}) THEN 1 ELSE 0 END),
  SUM(CASE WHEN f.at_locker = 1 OR (f.station_kind = '{StationKind.LOCKER}' AND {outside})
      THEN 1 ELSE 0 END),
  COUNT(f.secs), COALESCE(SUM(f.secs), 0)
FROM f WHERE f.delivered_at IS NOT NULL AND {del_within} AND f.destination LIKE %s
GROUP BY 1, 2, 3, 4, 5, 6"""
    sql = head + collected + "\nUNION ALL" + delivered
    if sql.count("%s") != len(params):
        raise AssertionError("parcel facts: placeholders and parameters differ")
    return Statement(sql, params)


def stations_insert(ranges: Sequence[DayRange] | None) -> Statement:
    """Station events of the days grouped into StationFact rows."""
    params: list[Any] = [STATION_SOURCE]
    within = times_in("e.occurred_at", ranges, params)
    # Some days: station by station through the (station, occurred_at) index, reading only
    # the days' events (SQLite's CROSS JOIN keeps the stations as the outer loop; PostgreSQL
    # plans the same nested loop from its estimates). Every day: one pass over the events.
    joined = (
        "logistics_trackingevent e JOIN stations_station s ON s.id = e.station_id"
        if ranges is None
        else "stations_station s CROSS JOIN logistics_trackingevent e"
    )
    sql = f"""
INSERT INTO facts_stationfact (day, station_id, county, township, operation, events, parcels)
SELECT {day_sql("e.occurred_at")}, e.station_id, SUBSTR(s.place_id, 1, 6),
  SUBSTR(s.place_id, 1, 9), e.raw_code, COUNT(*), COUNT(DISTINCT e.parcel_id)
FROM {joined}
WHERE e.station_id = s.id AND e.source = %s AND {within}
GROUP BY 1, 2, 3, 4, 5"""
    return Statement(sql, params)
