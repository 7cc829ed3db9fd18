"""Set-based SQL of the verification refresh: a handful of statements, never a loop per order.

Each statement runs over the target orders at once, on SQLite and PostgreSQL alike: times
are compared as Unix seconds (integers), bits are combined with `|` and `&`, and upserts use
`INSERT … ON CONFLICT`. `services.verification_refresh` drives the steps in this order:

1. `delete_unsold`  – drop rows of orders that are no longer sales;
2. `upsert_base`    – the order's own evidence: waybill, parcel, pickup, movement, sign-off;
3. `mark_reused`    – a parcel carrying the orders of several buyers;
4. `burst_windows`  – hour windows of a shop with too many orders per buyer (then marked);
5. `mark_shared_contacts` – phones and addresses ordering from many shops;
6. review decisions, then `set_states`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connection

from youpin.catalog.classify import Rule, ordered
from youpin.catalog.models import Category, Product, Shop
from youpin.commerce.models import Order, OrderLine
from youpin.commerce.selectors import NOT_SOLD
from youpin.core.periods import SHANGHAI_OFFSET_S
from youpin.logistics.models import Parcel, TrackingEvent
from youpin.stations.models import Station
from youpin.trust.models import OrderVerification, ReviewCase, ShopSignal
from youpin.trust.reasons import SUSPICIOUS, UNVERIFIED, Reason
from youpin.trust.rules import RuleSet

V = OrderVerification._meta.db_table
O = Order._meta.db_table  # noqa: E741 - the order table, read in every statement
LINES = OrderLine._meta.db_table
PRODUCTS = Product._meta.db_table
CATEGORIES = Category._meta.db_table
PARCELS = Parcel._meta.db_table
EVENTS = TrackingEvent._meta.db_table
STATIONS = Station._meta.db_table
SIGNALS = ShopSignal._meta.db_table
CASES = ReviewCase._meta.db_table
SHOPS = Shop._meta.db_table
TARGET = "trust_refresh_target"
CLUSTERS = "trust_refresh_clusters"

MOVING = ("in_transit", "out_for_delivery", "ready_for_pickup", "delivered")
# The state of a row the base step has just written, until `set_states` derives it (never
# committed: the whole refresh is one transaction).
PENDING = "pending"
# Unix seconds + SHANGHAI_OFFSET_S, divided by a day's seconds, count Shanghai calendar days
# from this day.
EPOCH_DAY = date(1970, 1, 1)


def _pg() -> bool:
    """Whether the connection is PostgreSQL."""
    return connection.vendor == "postgresql"


def epoch(column: str) -> str:
    """SQL for a datetime column as Unix seconds (an integer)."""
    if _pg():
        return f"CAST(EXTRACT(EPOCH FROM {column}) AS BIGINT)"
    return f"CAST(strftime('%%s', {column}) AS INTEGER)"


def buyer_key(alias: str) -> str:
    """SQL naming the buyer of an order: unmasked phone, else account, else name and address."""
    return (
        f"CASE WHEN {alias}.buyer_phone <> '' AND {alias}.buyer_phone NOT LIKE '%%*%%'"
        f" THEN 'p' || {alias}.buyer_phone"
        f" WHEN {alias}.buyer_user_id IS NOT NULL THEN 'u' || CAST({alias}.buyer_user_id AS TEXT)"
        f" ELSE 'a' || {alias}.buyer_name || '|' || {alias}.destination_text END"
    )


def line_class_sql(rules: Sequence[Rule]) -> tuple[str, list[Any]]:
    """SQL for the class of a line `l` (joined to category `c`): category first, then titles."""
    whens = " ".join("WHEN l.title LIKE %s THEN %s" for _ in rules)
    params: list[Any] = []
    for r in ordered(rules):
        params += [f"%{r.word}%", r.item_class]
    by_title = f"CASE {whens} ELSE 'unknown' END" if rules else "'unknown'"
    sql = (
        "CASE WHEN c.id IS NOT NULL THEN"
        " (CASE WHEN c.is_service THEN 'service' ELSE 'goods' END)"
        f" ELSE {by_title} END"
    )
    return sql, params


def _param(value: Any) -> Any:
    """A parameter as the database wants it (datetimes as naive UTC text on SQLite)."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def _execute(sql: str, params: Sequence[Any] = ()) -> int:
    """Run one statement; return the rows it changed."""
    with connection.cursor() as cursor:
        cursor.execute(sql, [_param(p) for p in params])
        return int(cursor.rowcount or 0)


def _fetch(sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Run one query; return its rows."""
    with connection.cursor() as cursor:
        cursor.execute(sql, [_param(p) for p in params])
        return list(cursor.fetchall())


# -- the target set ------------------------------------------------------------------------


def target_create() -> None:
    """A temporary table of the order ids an incremental refresh recomputes."""
    _execute(f"DROP TABLE IF EXISTS {TARGET}")
    _execute(f"CREATE TEMPORARY TABLE {TARGET} (order_id BIGINT PRIMARY KEY)")


def target_drop() -> None:
    """Drop the temporary table."""
    _execute(f"DROP TABLE IF EXISTS {TARGET}")


def target_fill(since: datetime, now_ts: int, rules: RuleSet) -> int:
    """Orders changed since `since`, carried by parcels changed since, or awaiting a deadline."""
    since_ts = int(since.timestamp())
    pending = since_ts - int(rules.get("never_moves", "hours") * 3600) - 2 * 86400
    conflict = "ON CONFLICT (order_id) DO NOTHING"
    _execute(
        f"INSERT INTO {TARGET} (order_id) SELECT o.id FROM {O} o"
        f" WHERE o.updated_at >= %s {conflict}",
        [since],
    )
    _execute(
        f"INSERT INTO {TARGET} (order_id) SELECT o.id FROM {PARCELS} p JOIN {O} o"
        " ON o.parcel_id = p.id OR (o.parcel_id IS NULL AND o.waybill_no = p.waybill_no)"
        f" WHERE p.updated_at >= %s {conflict}",
        [since],
    )
    _execute(
        f"INSERT INTO {TARGET} (order_id) SELECT v.order_id FROM {V} v"
        f" WHERE v.state = 'unverified' AND v.ordered_ts >= %s {conflict}",
        [pending],
    )
    return int(_fetch(f"SELECT COUNT(*) FROM {TARGET}")[0][0])


def target_widen(window_s: int) -> tuple[int | None, list[int]]:
    """Add every order of the target's shops from the earliest target time less one window.

    A new order can change the burst windows of its shop around it; returns the earliest time
    (Unix seconds) and the shops concerned.
    """
    rows = _fetch(
        f"SELECT o.shop_id, MIN({epoch('o.ordered_at')}) FROM {TARGET} t"
        f" JOIN {O} o ON o.id = t.order_id GROUP BY o.shop_id"
    )
    if not rows:
        return None, []
    lo = min(int(r[1]) for r in rows) - window_s
    shops = sorted(int(r[0]) for r in rows)
    for shop_id, first in rows:
        _execute(
            f"INSERT INTO {TARGET} (order_id) SELECT v.order_id FROM {V} v"
            " WHERE v.shop_id = %s AND v.ordered_ts >= %s ON CONFLICT (order_id) DO NOTHING",
            [shop_id, int(first) - window_s],
        )
    return lo, shops


# -- step 1 and 2 --------------------------------------------------------------------------


def delete_unsold(*, full: bool) -> int:
    """Drop the rows of orders that are gone or no longer sold (closed, unpaid)."""
    scope = "" if full else f" AND v.order_id IN (SELECT order_id FROM {TARGET})"
    return _execute(
        f"DELETE FROM {V} WHERE order_id IN (SELECT v.order_id FROM {V} v"
        f" LEFT JOIN {O} o ON o.id = v.order_id"
        f" WHERE (o.id IS NULL OR o.status IN (%s, %s)){scope})",
        list(NOT_SOLD),
    )


@dataclass(frozen=True)
class BaseParams:
    """What the base step needs beyond the rows: the rules, now, and the title rules."""

    rules: RuleSet
    now_ts: int
    computed_at: datetime
    title_rules: Sequence[Rule]


def upsert_base(p: BaseParams, *, full: bool) -> int:
    """Write every target order's own evidence (all bits but the cross-order signals).

    The state is left alone (a new row is `PENDING`): `set_states` derives it at the end of
    the refresh, the one place where states change and the changed sale days are known.
    """
    r = p.rules
    tol = int(r.get("pickup_before_payment", "tolerance_minutes") * 60)
    hours = int(r.get("never_moves", "hours") * 3600)
    digits = max(2, min(12, int(r.get("signed_outside_region", "digits"))))
    on = {code: r.on(code) for code in ("pickup_before_payment", "never_moves")}
    on_out = r.on("signed_outside_region")
    line_class, class_params = line_class_sql(p.title_rules)
    paid = epoch("COALESCE(tp.paid_at, tp.ordered_at)")
    moving = ", ".join(f"'{s}'" for s in MOVING)
    delivered = "(p.delivered_at IS NOT NULL OR p.status = 'delivered')"
    signed = "COALESCE(ev.signed_place, ps.place_id)"
    scope = "" if full else f" AND o.id IN (SELECT order_id FROM {TARGET})"
    is_service = (
        f"(EXISTS (SELECT 1 FROM {LINES} l0 WHERE l0.order_id = tp.order_id)"
        f" AND NOT EXISTS (SELECT 1 FROM {LINES} l LEFT JOIN {PRODUCTS} pr ON pr.id = l.product_id"
        f" LEFT JOIN {CATEGORIES} c ON c.id = pr.category_id"
        f" WHERE l.order_id = tp.order_id AND ({line_class}) <> 'service'))"
    )
    no_parcel = (
        "CASE WHEN tp.waybill_no = '' AND tp.own_parcel IS NULL THEN"
        f" (CASE WHEN {is_service} THEN {int(Reason.SERVICE)}"
        f" WHEN tp.pickup_station_id IS NOT NULL THEN {int(Reason.STORE_PICKUP)}"
        f" ELSE {int(Reason.NO_WAYBILL)} END)"
        f" WHEN tp.carrier_id IS NULL THEN {int(Reason.CARRIER_NOT_IN_HUB)}"
        f" ELSE {int(Reason.NOT_IN_HUB)} END"
    )
    parcel_bits = " + ".join(
        [
            f"(CASE WHEN p.collected_at IS NULL THEN {int(Reason.NOT_COLLECTED)} ELSE 0 END)",
            f"(CASE WHEN p.collected_at IS NOT NULL AND NOT {delivered}"
            f" THEN {int(Reason.NOT_DELIVERED)} ELSE 0 END)",
            f"(CASE WHEN p.status IN ('return_to_sender', 'cancelled') AND NOT {delivered}"
            f" THEN {int(Reason.RETURNED)} ELSE 0 END)",
            f"(CASE WHEN {delivered} AND ({signed} IS NULL OR tp.dest IS NULL)"
            f" THEN {int(Reason.REGION_UNCHECKED)} ELSE 0 END)",
            f"(CASE WHEN {int(on['pickup_before_payment'])} = 1 AND p.collected_at IS NOT NULL"
            f" AND tp.paid_at IS NOT NULL AND {epoch('p.collected_at')} < {epoch('tp.paid_at')}"
            f" - {tol} THEN {int(Reason.PICKUP_BEFORE_PAYMENT)} ELSE 0 END)",
            f"(CASE WHEN {int(on['never_moves'])} = 1 AND COALESCE(ev.moves, 0) = 0"
            f" AND NOT {delivered} AND {paid} < {p.now_ts - hours}"
            f" THEN {int(Reason.NEVER_MOVES)} ELSE 0 END)",
            f"(CASE WHEN {int(on_out)} = 1 AND {signed} IS NOT NULL AND tp.dest IS NOT NULL"
            f" AND substr({signed}, 1, {digits}) <> substr(tp.dest, 1, {digits})"
            f" THEN {int(Reason.SIGNED_OUTSIDE_REGION)} ELSE 0 END)",
        ]
    )
    by_waybill = (
        f"(SELECT p2.id FROM {PARCELS} p2 WHERE p2.carrier_id = o.carrier_id"
        " AND p2.waybill_no = o.waybill_no)"
    )
    by_number = (
        f"(SELECT MIN(p3.id) FROM {PARCELS} p3 WHERE p3.waybill_no = o.waybill_no"
        " HAVING COUNT(*) = 1)"
    )
    sql = (
        "WITH tp AS (SELECT o.id AS order_id, o.shop_id, o.paid_at, o.ordered_at,"
        " o.destination_place_id AS dest, o.waybill_no, o.carrier_id, o.parcel_id AS own_parcel,"
        " o.pickup_station_id, COALESCE(o.parcel_id,"
        f" CASE WHEN o.waybill_no <> '' AND o.carrier_id IS NOT NULL THEN {by_waybill} END,"
        f" CASE WHEN o.waybill_no <> '' AND o.carrier_id IS NULL THEN {by_number} END) AS pid"
        f" FROM {O} o WHERE o.status NOT IN (%s, %s){scope}),"
        f" ev AS (SELECT e.parcel_id, SUM(CASE WHEN e.status IN ({moving}) THEN 1 ELSE 0 END)"
        " AS moves, MAX(CASE WHEN e.status = 'delivered' THEN COALESCE(e.place_id, s.place_id)"
        f" END) AS signed_place FROM {EVENTS} e LEFT JOIN {STATIONS} s ON s.id = e.station_id"
        " WHERE e.parcel_id IN (SELECT pid FROM tp WHERE pid IS NOT NULL) GROUP BY e.parcel_id)"
        f" INSERT INTO {V} (order_id, shop_id, parcel_id, ordered_ts, sold_ts, state, reasons,"
        " computed_at)"
        f" SELECT b.order_id, b.shop_id, b.pid, b.ts, b.sts, '{PENDING}', b.r, %s FROM ("
        f"SELECT tp.order_id, tp.shop_id, p.id AS pid, {epoch('tp.ordered_at')} AS ts,"
        f" {paid} AS sts,"
        f" CASE WHEN p.id IS NULL THEN {no_parcel} ELSE {parcel_bits} END AS r"
        f" FROM tp LEFT JOIN {PARCELS} p ON p.id = tp.pid"
        " LEFT JOIN ev ON ev.parcel_id = p.id"
        f" LEFT JOIN {STATIONS} ps ON ps.id = p.station_id) b WHERE 1 = 1"
        " ON CONFLICT (order_id) DO UPDATE SET shop_id = excluded.shop_id,"
        " parcel_id = excluded.parcel_id, ordered_ts = excluded.ordered_ts,"
        " sold_ts = excluded.sold_ts, reasons = excluded.reasons,"
        " computed_at = excluded.computed_at"
    )
    return _execute(sql, [*NOT_SOLD, p.computed_at, *class_params])


def mark_reused(min_buyers: int, *, enabled: bool, full: bool) -> int:
    """Set WAYBILL_REUSED on every order whose parcel carries orders of several buyers.

    Only parcels carrying at least `min_buyers` orders (few) are joined to the orders to
    count their distinct buyers. A full run needs no clearing: the base step rewrote every row.
    """
    bit = int(Reason.WAYBILL_REUSED)
    where = (
        "parcel_id IS NOT NULL"
        if full
        else f"parcel_id IN (SELECT v.parcel_id FROM {V} v JOIN {TARGET} t"
        " ON t.order_id = v.order_id WHERE v.parcel_id IS NOT NULL)"
    )
    if not full:
        _execute(
            f"UPDATE {V} SET reasons = reasons - (reasons & {bit})"
            f" WHERE (reasons & {bit}) <> 0 AND {where}"
        )
    if not enabled:
        return 0
    shared = f"SELECT parcel_id FROM {V} WHERE {where} GROUP BY parcel_id HAVING COUNT(*) >= %s"
    return _execute(
        f"UPDATE {V} SET reasons = reasons | {bit} WHERE parcel_id IN ("
        f"SELECT v2.parcel_id FROM {V} v2 JOIN {O} o ON o.id = v2.order_id"
        f" WHERE v2.parcel_id IN ({shared}) GROUP BY v2.parcel_id"
        f" HAVING COUNT(DISTINCT {buyer_key('o')}) >= %s)",
        [min_buyers, min_buyers],
    )


# -- step 4: bursts ------------------------------------------------------------------------


@dataclass(frozen=True)
class BurstWindow:
    """An hour window of a shop that breaks the ratio: its start, orders and buyers."""

    shop_id: int
    start_ts: int
    orders: int
    buyers: int


def burst_windows(
    *, window_s: int, ratio: float, min_orders: int, shops: Sequence[int] | None, lo: int | None
) -> list[BurstWindow]:
    """Windows [t, t + window) starting at an order where orders ÷ distinct buyers ≥ ratio.

    The worst window of a shop always starts at one of its orders, so checking the windows
    that start at each order time finds every window that breaks the rule. A first pass
    counts, with window functions (sorts, no self-join), the orders of each window and its
    repeats — orders whose buyer ordered from the shop less than a window earlier. Orders
    minus distinct buyers of a window never exceed its repeats, so a window can reach the
    ratio only if repeats ≥ orders × (1 − 1/ratio): the start times that pass this and
    `min_orders` are the only ones joined to the orders to count distinct buyers exactly
    (an honest shop, however busy, has few repeats and costs no join). Orders sharing a
    second share one window, so a batch of orders created at once costs one window.
    """
    where, params = "1 = 1", []
    if shops is not None:
        if not shops:
            return []
        where = f"a.shop_id IN ({', '.join(str(int(s)) for s in shops)}) AND a.ordered_ts >= %s"
        params = [lo or 0]
    scaled = round(ratio * 100)
    last = int(window_s) - 1  # ordered_ts is whole seconds: [t, t + window) = t .. t + window - 1
    frame = (
        f"OVER (PARTITION BY shop_id ORDER BY ordered_ts RANGE BETWEEN CURRENT ROW AND {last}"
        " FOLLOWING)"
    )
    sql = (
        f"WITH keyed AS (SELECT a.shop_id, a.ordered_ts, {buyer_key('o')} AS bk"
        f" FROM {V} a JOIN {O} o ON o.id = a.order_id WHERE {where}),"
        " repeats AS (SELECT shop_id, ordered_ts, CASE WHEN LAG(ordered_ts) OVER ("
        " PARTITION BY shop_id, bk ORDER BY ordered_ts)"
        f" > ordered_ts - {int(window_s)} THEN 1 ELSE 0 END AS rep FROM keyed),"
        f" counted AS (SELECT shop_id, ordered_ts, COUNT(*) {frame} AS n,"
        f" SUM(rep) {frame} AS reps FROM repeats),"
        " cand AS (SELECT DISTINCT shop_id, ordered_ts FROM counted WHERE n >= %s"
        f" AND reps * {scaled} >= n * ({scaled} - 100))"
        f" SELECT c.shop_id, c.ordered_ts, COUNT(*), COUNT(DISTINCT {buyer_key('o')})"
        f" FROM cand c JOIN {V} b ON b.shop_id = c.shop_id AND b.ordered_ts >= c.ordered_ts"
        f" AND b.ordered_ts < c.ordered_ts + {int(window_s)} JOIN {O} o ON o.id = b.order_id"
        " GROUP BY c.shop_id, c.ordered_ts"
        f" HAVING COUNT(*) * 100 >= {scaled} * COUNT(DISTINCT {buyer_key('o')})"
    )
    rows = _fetch(sql, [*params, min_orders])
    return sorted(
        (BurstWindow(int(s), int(t), int(n), int(b)) for s, t, n, b in rows),
        key=lambda w: (w.shop_id, w.start_ts),
    )


def clear_bit(bit: int, *, shops: Sequence[int] | None, lo: int | None) -> int:
    """Clear one bit on every row, or on the rows of some shops from a time on."""
    where = ""
    if shops is not None:
        if not shops:
            return 0
        where = f" AND shop_id IN ({', '.join(str(int(s)) for s in shops)}) AND ordered_ts >= %s"
    return _execute(
        f"UPDATE {V} SET reasons = reasons - (reasons & {bit}) WHERE (reasons & {bit}) <> 0"
        + where,
        [lo or 0] if where else [],
    )


def mark_in_signals(rule: str, bit: int, *, shops: Sequence[int] | None, lo: int | None) -> int:
    """Set a bit on the orders inside the spans of a rule's signals of their shop."""
    where = ""
    if shops is not None:
        if not shops:
            return 0
        where = f" AND shop_id IN ({', '.join(str(int(s)) for s in shops)}) AND ordered_ts >= %s"
    return _execute(
        f"UPDATE {V} SET reasons = reasons | {bit} WHERE EXISTS (SELECT 1 FROM {SIGNALS} s"
        f" WHERE s.shop_id = {V}.shop_id AND s.rule = %s AND {V}.ordered_ts >= s.start_ts"
        f" AND {V}.ordered_ts < s.end_ts)" + where,
        [rule, *([lo or 0] if where else [])],
    )


# -- step 5: shared contacts ---------------------------------------------------------------


def mark_shared_contacts(
    *, period_s: int, min_shops: int, min_orders: int, lo: int | None, enabled: bool
) -> int:
    """Set SHARED_CONTACT on orders whose phone or address orders from many shops in a period.

    Periods are fixed buckets of `period_s` seconds from the Unix epoch; an incremental run
    recomputes the buckets from the one holding `lo` on.
    """
    bit = int(Reason.SHARED_CONTACT)
    start = 0 if lo is None else (lo // period_s) * period_s
    _execute(
        f"UPDATE {V} SET reasons = reasons - (reasons & {bit})"
        f" WHERE (reasons & {bit}) <> 0 AND ordered_ts >= %s",
        [start],
    )
    if not enabled:
        return 0
    changed = 0
    since = datetime.fromtimestamp(start, tz=UTC)
    bucket = f"{epoch('o.ordered_at')} / {period_s}"
    for column, usable in (
        ("buyer_phone", "o.buyer_phone <> '' AND o.buyer_phone NOT LIKE '%%*%%'"),
        ("destination_text", "o.destination_text <> ''"),
    ):
        # One pass over the orders alone finds the clusters (usually none, or a few).
        clusters = _fetch(
            f"SELECT o.{column}, {bucket} FROM {O} o WHERE o.status NOT IN (%s, %s)"
            f" AND {usable} AND o.ordered_at >= %s GROUP BY o.{column}, {bucket}"
            " HAVING COUNT(DISTINCT o.shop_id) >= %s AND COUNT(*) >= %s",
            [*NOT_SOLD, since, min_shops, min_orders],
        )
        if not clusters:
            continue
        _execute(f"DROP TABLE IF EXISTS {CLUSTERS}")
        _execute(f"CREATE TEMPORARY TABLE {CLUSTERS} (k VARCHAR(300), bk BIGINT)")
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {CLUSTERS} (k, bk) VALUES (%s, %s)",
                [(k, int(bk)) for k, bk in clusters],
            )
        changed += _execute(
            f"UPDATE {V} SET reasons = reasons | {bit} WHERE order_id IN ("
            f"SELECT o.id FROM {O} o JOIN {CLUSTERS} c ON c.k = o.{column}"
            f" AND c.bk = {bucket} WHERE o.ordered_at >= %s AND o.status NOT IN (%s, %s))",
            [since, *NOT_SOLD],
        )
        _execute(f"DROP TABLE {CLUSTERS}")
    return changed


def shared_contact_groups(period_s: int, lo: int | None) -> list[tuple[int, int, int]]:
    """(shop, bucket start, orders) of the orders marked SHARED_CONTACT from `lo` on."""
    bit = int(Reason.SHARED_CONTACT)
    start = 0 if lo is None else (lo // period_s) * period_s
    rows = _fetch(
        f"SELECT shop_id, ordered_ts / {period_s}, COUNT(*) FROM {V}"
        f" WHERE (reasons & {bit}) <> 0 AND ordered_ts >= %s"
        f" GROUP BY shop_id, ordered_ts / {period_s}",
        [start],
    )
    return [(int(s), int(b) * period_s, int(n)) for s, b, n in rows]


def shop_paid_in(shop_ids: Sequence[int], start: datetime, end: datetime) -> dict[int, int]:
    """Paid amounts (fen) of the sold orders of some shops with a sale time in [start, end)."""
    if not shop_ids:
        return {}
    cents = (
        "CAST(SUM(o.paid_amount) * 100 AS BIGINT)"
        if _pg()
        else "SUM(CAST(ROUND(o.paid_amount * 100) AS INTEGER))"
    )
    rows = _fetch(
        f"SELECT o.shop_id, {cents} FROM {O} o"
        f" WHERE o.shop_id IN ({', '.join(str(int(s)) for s in shop_ids)})"
        " AND o.status NOT IN (%s, %s) AND COALESCE(o.paid_at, o.ordered_at) >= %s"
        " AND COALESCE(o.paid_at, o.ordered_at) < %s GROUP BY o.shop_id",
        [*NOT_SOLD, start, end],
    )
    return {int(s): int(c or 0) for s, c in rows}


# -- step 6: review decisions and states ---------------------------------------------------


def apply_decisions(rule: str, bit: int, *, shops: Sequence[int] | None = None) -> None:
    """Cleared signals drop their bit (unless an undecided or confirmed one also covers the
    order); confirmed signals add CONFIRMED_BRUSHING to the orders they cover."""
    only = ""
    if shops is not None:
        if not shops:
            return
        only = f" AND shop_id IN ({', '.join(str(int(s)) for s in shops)})"
    covers = (
        f"SELECT 1 FROM {SIGNALS} s LEFT JOIN {CASES} c ON c.id = s.case_id"
        f" WHERE s.shop_id = {V}.shop_id AND s.rule = %s AND {V}.ordered_ts >= s.start_ts"
        f" AND {V}.ordered_ts < s.end_ts AND "
    )
    decided = f"SELECT s.shop_id FROM {SIGNALS} s JOIN {CASES} c ON c.id = s.case_id"
    if bit:
        _execute(
            f"UPDATE {V} SET reasons = reasons - (reasons & {bit}) WHERE (reasons & {bit}) <> 0"
            f" AND shop_id IN ({decided} WHERE c.status = 'cleared' AND s.rule = %s){only}"
            f" AND EXISTS ({covers} c.status = 'cleared')"
            f" AND NOT EXISTS ({covers} (c.id IS NULL OR c.status <> 'cleared'))",
            [rule, rule, rule],
        )
    confirmed = int(Reason.CONFIRMED_BRUSHING)
    needs_bit = f" AND (reasons & {bit}) <> 0" if bit else ""
    _execute(
        f"UPDATE {V} SET reasons = reasons | {confirmed}"
        f" WHERE shop_id IN ({decided} WHERE c.status = 'confirmed' AND s.rule = %s){only}"
        f"{needs_bit} AND EXISTS ({covers} c.status = 'confirmed')",
        [rule, rule],
    )


def state_sql(column: str) -> str:
    """SQL for the state a reasons column gives (as `reasons.state_of`)."""
    return (
        f"CASE WHEN ({column} & {int(SUSPICIOUS)}) <> 0 THEN 'suspicious'"
        f" WHEN ({column} & {int(UNVERIFIED)}) <> 0 THEN 'unverified' ELSE 'verified' END"
    )


def analyze() -> None:
    """Refresh the planner's statistics of the table after a bulk write (PostgreSQL only)."""
    if _pg():
        _execute(f"ANALYZE {V}")


def set_states(*, shops: Sequence[int] | None = None) -> set[date]:
    """Derive every row's state from its bits; the Shanghai sale days of the rows it changed.

    Only rows whose state changes are written, in one pass that returns their sale times.
    Those days (payment time, else order time: the day the sales facts count an order on)
    are what the sales facts must recompute, since they split net sales by state.
    """
    if shops is not None and not shops:
        return set()
    only = "" if shops is None else f" AND shop_id IN ({', '.join(str(int(s)) for s in shops)})"
    state = state_sql("reasons")
    day = f"(sold_ts + {SHANGHAI_OFFSET_S}) / 86400"
    update = f"UPDATE {V} SET state = {state} WHERE state <> {state}{only}"
    if _pg():  # the distinct days only, counted by the server
        rows = _fetch(f"WITH u AS ({update} RETURNING sold_ts) SELECT DISTINCT {day} FROM u")
        numbers = {r[0] for r in rows}
    else:
        numbers = {r[0] for r in _fetch(f"{update} RETURNING {day}")}
    return {EPOCH_DAY + timedelta(days=int(n)) for n in numbers if n is not None}
