"""The metric set, defined once as Ibis expressions (pure: no Django, no engine).

Two layers, both here: the **daily layer** (`sales_day`, `sales_class_day`, `express_day`,
`station_month`) is computed from Ibis tables with the columns of Youpin's raw tables (the
Django tables on the operational database, or their Parquet snapshots), and the **metric
set** (`METRICS`) is aggregates of that layer, whether it is computed in the same run
(`RawLayer`) or read back from Parquet (`StoredLayer`). The same expressions run on SQLite,
PostgreSQL, DuckDB and Spark, so the rules of docs/STATISTICS.md are written here once, in
the engine-neutral operations every backend compiles the same way:

* times are turned into **epoch seconds** and put in Shanghai calendar days (integer
  division after adding 8 h) and years and months (compared with the months' first
  midnights); UTC+8, no daylight saving since 1992; integers only, so no engine's time-zone
  setting can move a sale to another day;
* money is turned into whole fen (`round(amount × 100)`), summed as integers;
* places are code prefixes (`startswith`, `substr`), as in the SQL of the statistics.

See docs/SCALING.md for what is covered and what is not (yet).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import Protocol

import ibis
import ibis.expr.types as ir

from youpin.catalog.classify import SERVICE, Rule, ordered

# Canonical statuses and codes (the values stored by commerce, logistics and stations).
NOT_SOLD = ("pending_payment", "closed")
PICKED_UP, DELIVERED, READY_FOR_PICKUP = "picked_up", "delivered", "ready_for_pickup"
COUNTER_STATUSES = (READY_FOR_PICKUP, DELIVERED)
LOCKER = "locker"
STATION_SOURCE = "station"

SHANGHAI_OFFSET_SECONDS = 8 * 3600
DAY_SECONDS = 86_400

# The four classes of the retail statistic (goods includes farm products).
FARM, GOODS, SERVICES, UNCLASSIFIED = "farm", "goods", "services", "unclassified"
REPORT_CLASSES: dict[str, tuple[str, ...]] = {
    GOODS: (FARM, GOODS),
    SERVICES: (SERVICES,),
    UNCLASSIFIED: (UNCLASSIFIED,),
    FARM: (FARM,),
}
# The disjoint class a line falls in: FARM, GOODS (other goods), SERVICES or UNCLASSIFIED.
_OTHER_GOODS = GOODS


@dataclass(frozen=True)
class Sources:
    """The raw tables the metrics read, as Ibis tables named after the Django tables."""

    orders: ir.Table  # commerce_order
    lines: ir.Table  # commerce_orderline
    merchants: ir.Table  # catalog_merchant
    shops: ir.Table  # catalog_shop
    products: ir.Table  # catalog_product
    categories: ir.Table  # catalog_category
    parcels: ir.Table  # logistics_parcel
    events: ir.Table  # logistics_trackingevent
    stations: ir.Table  # stations_station


@dataclass(frozen=True)
class Params:
    """What every metric is computed for: the region, the years, the title rules."""

    region_prefix: str  # NBS code prefix of the region, e.g. "6405" (中卫市)
    first_year: int
    last_year: int
    title_rules: tuple[Rule, ...] = ()
    # Only these Shanghai days (days since 1970-01-01) when rebuilding part of the daily
    # layer; None: every day of the years.
    days: tuple[int, ...] | None = None

    @property
    def start_epoch(self) -> int:
        """Shanghai midnight of 1 January of the first year, in epoch seconds."""
        return shanghai_midnight(self.first_year)

    @property
    def end_epoch(self) -> int:
        """Shanghai midnight of 1 January after the last year, in epoch seconds."""
        return shanghai_midnight(self.last_year + 1)


def days_from_civil(year: int, month: int, day: int) -> int:
    """Days from 1970-01-01 to a proleptic Gregorian date (plain Python, for the bounds)."""
    y = year - (1 if month <= 2 else 0)
    era = y // 400
    yoe = y - era * 400
    mp = month - 3 if month > 2 else month + 9
    doy = (153 * mp + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def epoch(column: ir.TimestampValue) -> ir.IntegerValue:
    """A time as whole seconds since 1970-01-01 UTC."""
    return column.epoch_seconds().cast("int64")


def shanghai_midnight(year: int, month: int = 1) -> int:
    """Epoch seconds of Shanghai midnight on the first day of a month."""
    return days_from_civil(year, month, 1) * DAY_SECONDS - SHANGHAI_OFFSET_SECONDS


def _bucket(seconds: ir.IntegerValue, edges: Sequence[int], keys: Sequence[int]) -> ir.IntegerValue:
    """keys[i] where edges[i] <= seconds < edges[i + 1], as a balanced tree of comparisons.

    Integer comparisons only, so every engine agrees; the tree keeps the expression (and
    SQLite's parser stack) shallow: depth log2 of the number of buckets.
    """
    if len(keys) == 1:
        return ibis.literal(keys[0], type="int64")
    mid = len(keys) // 2
    return ibis.ifelse(
        seconds < edges[mid],
        _bucket(seconds, edges[: mid + 1], keys[:mid]),
        _bucket(seconds, edges[mid:], keys[mid:]),
    )


def shanghai_year(seconds: ir.IntegerValue, params: Params) -> ir.IntegerValue:
    """The Shanghai calendar year of epoch seconds inside the parameters' years."""
    years = list(range(params.first_year, params.last_year + 1))
    edges = [shanghai_midnight(y) for y in [*years, params.last_year + 1]]
    return _bucket(seconds, edges, years)


def shanghai_month(seconds: ir.IntegerValue, params: Params) -> ir.IntegerValue:
    """The Shanghai calendar month (1–12) of epoch seconds inside the parameters' years."""
    months = [(y, m) for y in range(params.first_year, params.last_year + 1) for m in range(1, 13)]
    edges = [shanghai_midnight(y, m) for y, m in months] + [shanghai_midnight(params.last_year + 1)]
    return _bucket(seconds, edges, [m for _, m in months])


def shanghai_day(seconds: ir.IntegerValue) -> ir.IntegerValue:
    """The Shanghai calendar day of epoch seconds, as days since 1970-01-01."""
    return ((seconds + SHANGHAI_OFFSET_SECONDS) // DAY_SECONDS).cast("int64")


def day_ranges(days: Iterable[int]) -> list[tuple[int, int]]:
    """Day numbers as runs of consecutive days: [(first, last + 1), …], sorted."""
    runs: list[tuple[int, int]] = []
    for day in sorted(set(days)):
        if runs and runs[-1][1] == day:
            runs[-1] = (runs[-1][0], day + 1)
        else:
            runs.append((day, day + 1))
    return runs


def _any(conditions: Sequence[ir.BooleanValue]) -> ir.BooleanValue:
    """The OR of conditions as a balanced tree (shallow for SQLite's parser)."""
    if len(conditions) == 1:
        return conditions[0]
    mid = len(conditions) // 2
    return _any(conditions[:mid]) | _any(conditions[mid:])


def _in_ranges(seconds: ir.IntegerValue, ranges: Sequence[tuple[int, int]]) -> ir.BooleanValue:
    """Epoch seconds inside one of the [start, end) ranges (of epoch seconds)."""
    if not ranges:
        return ibis.literal(False)
    return _any([(seconds >= lo) & (seconds < hi) for lo, hi in ranges])


def _day_seconds(day: int) -> int:
    """Epoch seconds of Shanghai midnight at the start of a day number."""
    return day * DAY_SECONDS - SHANGHAI_OFFSET_SECONDS


def _in_window(seconds: ir.IntegerValue, params: Params) -> ir.BooleanValue:
    """Epoch seconds inside the years and, when the parameters name days, on one of them."""
    inside = _in_years(seconds, params)
    if params.days is None:
        return inside
    ranges = [(_day_seconds(a), _day_seconds(b)) for a, b in day_ranges(params.days)]
    return inside & _in_ranges(seconds, ranges)


def months_of_days(days: Iterable[int]) -> list[tuple[int, int]]:
    """The (year, month) of each Shanghai day number, sorted, without repeats."""
    out = set()
    for day in days:
        civil = date(1970, 1, 1) + timedelta(days=day)
        out.add((civil.year, civil.month))
    return sorted(out)


def _in_months_of_window(seconds: ir.IntegerValue, params: Params) -> ir.BooleanValue:
    """Epoch seconds inside the years and, when the parameters name days, in their months."""
    inside = _in_years(seconds, params)
    if params.days is None:
        return inside
    ranges = []
    for year, month in months_of_days(params.days):
        nxt = (year + 1, 1) if month == 12 else (year, month + 1)
        ranges.append((shanghai_midnight(year, month), shanghai_midnight(*nxt)))
    return inside & _in_ranges(seconds, ranges)


def fen(amount: ir.NumericValue) -> ir.IntegerValue:
    """An amount in CNY as whole fen (exact for amounts kept to the fen)."""
    return (amount.cast("float64") * 100).round().cast("int64")


def _in_years(seconds: ir.IntegerValue, params: Params) -> ir.BooleanValue:
    """Epoch seconds inside the Shanghai calendar years of the parameters."""
    return (seconds >= params.start_epoch) & (seconds < params.end_epoch)


# --------------------------------------------------------------------------- retail sales


def retail_orders(src: Sources, params: Params) -> ir.Table:
    """Sold orders of the years with sale time, seller place, Zhongwei-seller flag and fen.

    Sold: not 待付款 / 已关闭. Sale time: `paid_at`, else `ordered_at`. Seller place: the
    shop's operating place, else the merchant's place (the default `operating` basis).
    Zhongwei seller: registered locally and that place inside the region.
    """
    o, m, s = src.orders, src.merchants, src.shops
    sold = o.filter(~o.status.isin(NOT_SOLD))
    sold = sold.mutate(sale_s=epoch(ibis.coalesce(sold.paid_at, sold.ordered_at)))
    sold = sold.filter(_in_window(sold.sale_s, params))
    m = m.select(m_id=m.id, registered_locally=m.registered_locally, m_place=m.place_id)
    s = s.select(s_id=s.id, operating_place_id=s.operating_place_id)
    joined = sold.join(m, sold.merchant_id == m.m_id).join(s, sold.shop_id == s.s_id)
    place = ibis.coalesce(joined.operating_place_id, joined.m_place)
    year, month = shanghai_year(joined.sale_s, params), shanghai_month(joined.sale_s, params)
    return joined.select(
        order_id=joined.id,
        platform=joined.platform,
        day=shanghai_day(joined.sale_s),
        year=year,
        month=month,
        county=place.substr(0, 6),
        local=joined.registered_locally & place.startswith(params.region_prefix),
        paid=fen(joined.paid_amount),
        refunded=fen(joined.refunded_amount),
    )


def title_class(title: ir.StringValue, rules: Iterable[Rule]) -> ir.StringValue:
    """The class the first matching title rule gives a line without a product, else None."""
    cases = [
        (title.contains(r.word), SERVICES if r.item_class == SERVICE else _OTHER_GOODS)
        for r in ordered(rules)
        if r.word and r.item_class in (SERVICE, "goods")
    ]
    if not cases:
        return ibis.null("string")
    return ibis.cases(*cases, else_=ibis.null("string"))


def split_over_lines(t: ir.Table, totals: dict[str, str]) -> ir.Table:
    """Each line of `t` with its exact share of its order's totals (`split_cents`, in SQL).

    `t` has `order_id`, `line_no`, `weight` (≥ 0) and, on every line, the order's totals;
    `totals` maps each total's column to the name of its share. Shares are proportional to
    the weights (equal when all are 0), each cut toward zero, the remainder on the heaviest
    line (the first by line number among equal ones), so they sum to the total exactly.
    """
    by_order = ibis.window(group_by=t.order_id)
    weight_sum = t.weight.sum().over(by_order)
    used = ibis.ifelse(weight_sum > 0, t.weight, 1)
    used_sum = ibis.ifelse(weight_sum > 0, weight_sum, t.count().over(by_order))
    rank = ibis.row_number().over(group_by=t.order_id, order_by=[ibis.desc(t.weight), t.line_no])

    def cut(total: ir.IntegerValue) -> ir.IntegerValue:
        sign = ibis.ifelse(total < 0, -1, 1)
        return sign * ((total.abs() * used) // used_sum)

    cuts = t.mutate(_lead=rank == 0, **{f"_cut_{c}": cut(t[c]) for c in totals})
    per_order = ibis.window(group_by=cuts.order_id)
    shares = {
        name: cuts[f"_cut_{c}"]
        + ibis.ifelse(cuts._lead, cuts[c] - cuts[f"_cut_{c}"].sum().over(per_order), 0)
        for c, name in totals.items()
    }
    return cuts.mutate(**shares).drop("_lead", *(f"_cut_{c}" for c in totals))


def line_parts(src: Sources, params: Params, orders: ir.Table) -> ir.Table:
    """Each line of a counted order with its exact share of the order's paid and refunded fen.

    The split of docs/STATISTICS.md: shares in proportion to the line amounts (negative
    amounts weigh 0; all-zero lines share equally), each cut toward zero to the fen, the
    remainder on the largest line (the first of equal ones by line number). Orders without
    lines come back as one unclassified part.
    """
    lines = src.lines
    products = src.products.select(p_id=src.products.id, category_id=src.products.category_id)
    categories = src.categories.select(
        c_id=src.categories.id,
        is_service=src.categories.is_service,
        is_farm_product=src.categories.is_farm_product,
    )
    lp = lines.left_join(products, lines.product_id == products.p_id).left_join(
        categories, products.category_id == categories.c_id
    )
    cls = ibis.cases(
        (lp.is_service, SERVICES),
        (lp.is_farm_product, FARM),
        (lp.is_service.notnull(), _OTHER_GOODS),
        else_=ibis.coalesce(
            ibis.ifelse(lp.product_id.isnull(), title_class(lp.title, params.title_rules), None),
            UNCLASSIFIED,
        ),
    )
    lp = lp.select(
        order_id=lp.order_id,
        line_no=lp.line_no,
        weight=ibis.greatest(fen(lp.amount), 0),
        cls=cls,
    )
    j = orders.join(lp, orders.order_id == lp.order_id)
    j = j.select("order_id", "day", "year", "local", "cls", "line_no", "weight", "paid", "refunded")
    split = split_over_lines(j, {"paid": "p", "refunded": "r"})
    fixed = split.select("order_id", "day", "year", "local", "cls", "p", "r")
    without_lines = orders.anti_join(lines, orders.order_id == lines.order_id).select(
        "order_id",
        "day",
        "year",
        "local",
        cls=ibis.literal(UNCLASSIFIED),
        p=orders.paid,
        r=orders.refunded,
    )
    return fixed.union(without_lines)


# --------------------------------------------------------------------------- express volume


def parcel_places(src: Sources, params: Params) -> ir.Table:
    """Parcels collected or delivered in the years, with origin, destination and counter flags.

    Origin: the sender place, else the smallest place of a pickup scan inside the region.
    Destination: the recipient place, else the smallest place of a delivery inside, or of a
    station where a delivery or pickup-ready event happened inside. `secs`: delivery less
    collection time when delivered after collected (logistics/statistics_queries.py).
    """
    p, st, ev_all = src.parcels, src.stations, src.events
    region = params.region_prefix
    cand = p.mutate(col_s=epoch(p.collected_at), del_s=epoch(p.delivered_at))
    cand = cand.filter(_in_window(cand.col_s, params) | _in_window(cand.del_s, params))
    kinds = st.select(st_id=st.id, station_kind=st.kind)
    cand = cand.left_join(kinds, cand.station_id == kinds.st_id)
    ids = cand.select(cid=cand.id)
    e = ev_all.join(ids, ev_all.parcel_id == ids.cid)
    places = st.select(s_id=st.id, s_place=st.place_id, s_kind=st.kind)
    e = e.left_join(places, e.station_id == places.s_id)
    counter = e.status.isin(COUNTER_STATUSES)
    ev = e.group_by("parcel_id").aggregate(
        scan_place=ibis.ifelse(
            (e.status == PICKED_UP) & e.place_id.startswith(region), e.place_id, None
        ).min(),
        handover_place=ibis.cases(
            ((e.status == DELIVERED) & e.place_id.startswith(region), e.place_id),
            (counter & e.s_place.startswith(region), e.s_place),
            else_=ibis.null("string"),
        ).min(),
        at_counter=ibis.cases(
            (
                (e.status == READY_FOR_PICKUP) | ((e.status == DELIVERED) & e.station_id.notnull()),
                1,
            ),
            else_=0,
        ).max(),
        at_locker=ibis.cases((counter & (e.s_kind == LOCKER), 1), else_=0).max(),
    )
    f = cand.left_join(ev, cand.id == ev.parcel_id)
    return f.select(
        parcel_id=f.id,
        carrier_id=f.carrier_id,
        e_waybill=f.e_waybill,
        station_id=f.station_id,
        station_kind=f.station_kind,
        col_s=f.col_s,
        del_s=f.del_s,
        origin=ibis.coalesce(f.sender_place_id, f.scan_place),
        destination=ibis.coalesce(f.recipient_place_id, f.handover_place),
        at_counter=ibis.coalesce(f.at_counter, 0),
        at_locker=ibis.coalesce(f.at_locker, 0),
        secs=ibis.ifelse(f.del_s >= f.col_s, f.del_s - f.col_s, None),
    )


def _flag(condition: ir.BooleanValue) -> ir.IntegerValue:
    """1 where the condition holds, 0 where it does not or is unknown (SQL CASE semantics)."""
    return ibis.cases((condition, 1), else_=0)


def express_day(f: ir.Table, params: Params) -> ir.Table:
    """Express volume per side, Shanghai day, county, carrier and direction, every measure.

    Collected side (揽收): origin inside, by collection time; outbound or intra. Delivered
    side (派送): destination inside, by delivery time; inbound or intra. Measures: parcels,
    e-waybills (collected), handed over at a station or locker (delivered: a counter event,
    or — for parcels collected outside — the parcel's own station), and the parcels with a
    transit time with their seconds summed.
    """
    region = params.region_prefix
    inside_o, inside_d = f.origin.startswith(region), f.destination.startswith(region)
    col = f.filter(f.col_s.notnull() & _in_window(f.col_s, params) & inside_o)
    col = col.select(
        side=ibis.literal("collected"),
        day=shanghai_day(col.col_s),
        year=shanghai_year(col.col_s, params),
        county=col.origin.substr(0, 6),
        carrier_id=col.carrier_id,
        direction=ibis.ifelse(col.destination.startswith(region), "intra", "outbound"),
        e_waybill=_flag(col.e_waybill),
        at_station=ibis.literal(0),
        at_locker=ibis.literal(0),
        secs=col.secs,
    )
    dl = f.filter(f.del_s.notnull() & _in_window(f.del_s, params) & inside_d)
    outside = dl.origin.isnull() | ~dl.origin.startswith(region)
    dl = dl.select(
        side=ibis.literal("delivered"),
        day=shanghai_day(dl.del_s),
        year=shanghai_year(dl.del_s, params),
        county=dl.destination.substr(0, 6),
        carrier_id=dl.carrier_id,
        direction=ibis.ifelse(dl.origin.startswith(region), "intra", "inbound"),
        e_waybill=ibis.literal(0),
        at_station=_flag((dl.at_counter == 1) | (dl.station_id.notnull() & outside)),
        at_locker=_flag((dl.at_locker == 1) | ((dl.station_kind == LOCKER) & outside)),
        secs=dl.secs,
    )
    both = col.union(dl)
    return both.group_by("side", "day", "year", "county", "carrier_id", "direction").aggregate(
        parcels=both.count(),
        e_waybill=both.e_waybill.sum(),
        at_station=both.at_station.sum(),
        at_locker=both.at_locker.sum(),
        timed=both.secs.count(),
        transit_seconds=both.secs.sum().fill_null(0),
    )


# --------------------------------------------------------------------------- the daily layer

DISJOINT_CLASSES = (FARM, _OTHER_GOODS, SERVICES, UNCLASSIFIED)


def sales_day(orders: ir.Table) -> ir.Table:
    """Counted orders per Shanghai sale day, seller flag, seller county and platform."""
    return orders.group_by("day", "year", "month", "local", "county", "platform").aggregate(
        orders=orders.count(), gross_fen=orders.paid.sum(), refunded_fen=orders.refunded.sum()
    )


def sales_class_day(parts: ir.Table) -> ir.Table:
    """Sales per Shanghai sale day and report class (goods, services, unclassified, farm).

    `parts` are line parts (line_parts). An order counts once in every class it has a part
    in; goods are farm products and other goods. One pass over the parts gives each order's
    fen per disjoint class and whether it has a part there; one pass over the orders sums
    them per day; the four report classes are then unions of small per-day rows.
    """
    per_order = parts.group_by("order_id", "day", "year").aggregate(
        **{f"n_{c}": _flag(parts.cls == c).sum() for c in DISJOINT_CLASSES},
        **{f"p_{c}": ibis.ifelse(parts.cls == c, parts.p, 0).sum() for c in DISJOINT_CLASSES},
        **{f"r_{c}": ibis.ifelse(parts.cls == c, parts.r, 0).sum() for c in DISJOINT_CLASSES},
    )
    measures: dict[str, ir.Value] = {}
    for name, members in REPORT_CLASSES.items():
        has = _any([per_order[f"n_{c}"] > 0 for c in members])
        p = sum((per_order[f"p_{c}"] for c in members[1:]), per_order[f"p_{members[0]}"])
        r = sum((per_order[f"r_{c}"] for c in members[1:]), per_order[f"r_{members[0]}"])
        measures[f"o_{name}"] = _flag(has).sum()
        measures[f"g_{name}"] = p.sum()
        measures[f"f_{name}"] = r.sum()
    daily = per_order.group_by("day", "year").aggregate(**measures)
    tables = [
        daily.select(
            "day",
            "year",
            sales_class=ibis.literal(name),
            orders=daily[f"o_{name}"],
            gross_fen=daily[f"g_{name}"],
            refunded_fen=daily[f"f_{name}"],
        )
        for name in REPORT_CLASSES
    ]
    out = tables[0]
    for t in tables[1:]:
        out = out.union(t)
    return out.filter(out.orders > 0)


def station_month(src: Sources, params: Params) -> ir.Table:
    """Station operations per station, county, year, month and raw code: events and parcels.

    Events with source "station" at a station (the counter's check-in, pick-up, sending,
    door delivery and exceptions); `parcels` counts distinct parcels in the month, which is
    why this table of the layer is monthly (distinct counts do not add up over days).
    """
    e, st = src.events, src.stations
    e = e.filter(e.station_id.notnull() & (e.source == STATION_SOURCE))
    e = e.mutate(at_s=epoch(e.occurred_at))
    e = e.filter(_in_months_of_window(e.at_s, params))
    places = st.select(s_id=st.id, s_place=st.place_id)
    j = e.join(places, e.station_id == places.s_id)
    year, month = shanghai_year(j.at_s, params), shanghai_month(j.at_s, params)
    j = j.select(
        station_id=j.station_id,
        county=j.s_place.substr(0, 6),
        year=year,
        month=month,
        operation=j.raw_code,
        parcel_id=j.parcel_id,
    )
    return j.group_by("station_id", "county", "year", "month", "operation").aggregate(
        events=j.count(), parcels=j.parcel_id.nunique()
    )


class Layer(Protocol):
    """The daily layer: the small tables every metric of the set is an aggregate of."""

    @property
    def sales(self) -> ir.Table:
        """metrics_sales_day: day × year × month × local × county × platform."""

    @property
    def classes(self) -> ir.Table:
        """metrics_sales_class_day: day × year × sales_class (Zhongwei sellers only)."""

    @property
    def express(self) -> ir.Table:
        """metrics_express_day: side × day × year × county × carrier_id × direction."""

    @property
    def stations(self) -> ir.Table:
        """metrics_station_month: station × county × year × month × operation."""


# Layer attribute → the table's name (the Parquet file's stem).
LAYER_TABLES = {
    "sales": "metrics_sales_day",
    "classes": "metrics_sales_class_day",
    "express": "metrics_express_day",
    "stations": "metrics_station_month",
}
# The tables keyed by day (the station table is keyed by month).
DAILY_TABLES = ("sales", "classes", "express")


def _as_is(table: ir.Table) -> ir.Table:
    """Leave an intermediate table as an expression (inlined where it is used)."""
    return table


class RawLayer:
    """The daily layer computed from raw rows (each table on first use).

    `keep` decides what happens to each table and to the counted orders two of them share:
    left as an expression by default, or materialised once (`Table.cache()` on DuckDB and
    Spark) by the runner.
    """

    def __init__(
        self, src: Sources, params: Params, keep: Callable[[ir.Table], ir.Table] = _as_is
    ) -> None:
        """Hold the inputs; tables are built on first use."""
        self.src, self.params, self._keep = src, params, keep

    @cached_property
    def orders(self) -> ir.Table:
        """Counted orders (retail_orders)."""
        return self._keep(retail_orders(self.src, self.params))

    @cached_property
    def sales(self) -> ir.Table:
        """metrics_sales_day from the counted orders."""
        return self._keep(sales_day(self.orders))

    @cached_property
    def classes(self) -> ir.Table:
        """metrics_sales_class_day from the line parts of Zhongwei sellers' orders."""
        local = self.orders.filter(self.orders.local)
        return self._keep(sales_class_day(line_parts(self.src, self.params, local)))

    @cached_property
    def express(self) -> ir.Table:
        """metrics_express_day from the parcels' places."""
        return self._keep(express_day(parcel_places(self.src, self.params), self.params))

    @cached_property
    def stations(self) -> ir.Table:
        """metrics_station_month from the station events."""
        return self._keep(station_month(self.src, self.params))


@dataclass(frozen=True)
class StoredLayer:
    """The daily layer read back from where it was written (Parquet files)."""

    sales: ir.Table
    classes: ir.Table
    express: ir.Table
    stations: ir.Table


# --------------------------------------------------------------------------- the metric set


def _of_years(t: ir.Table, params: Params) -> ir.Table:
    """The rows of a layer table inside the parameters' years."""
    return t.filter((t.year >= params.first_year) & (t.year <= params.last_year))


def _money(t: ir.Table, *keys: str) -> ir.Table:
    """Orders, gross, refunded and net fen of layer rows per `keys`."""
    return t.group_by(*keys).aggregate(
        orders=t.orders.sum(),
        gross_fen=t.gross_fen.sum(),
        refunded_fen=t.refunded_fen.sum(),
        net_fen=(t.gross_fen - t.refunded_fen).sum(),
    )


def retail_by_year(layer: Layer, params: Params) -> ir.Table:
    """Online retail sales per year: Zhongwei sellers (`local`) and the other sellers beside."""
    return _money(_of_years(layer.sales, params), "year", "local")


def _local_sales(layer: Layer, params: Params) -> ir.Table:
    """Layer sales rows of Zhongwei sellers inside the years."""
    t = _of_years(layer.sales, params)
    return t.filter(t.local)


def retail_by_county(layer: Layer, params: Params) -> ir.Table:
    """Online retail sales of Zhongwei sellers per year and seller county (6 digits)."""
    return _money(_local_sales(layer, params), "year", "county")


def retail_by_county_month(layer: Layer, params: Params) -> ir.Table:
    """Online retail sales of Zhongwei sellers per year, month and seller county."""
    return _money(_local_sales(layer, params), "year", "month", "county")


def retail_by_platform(layer: Layer, params: Params) -> ir.Table:
    """Online retail sales of Zhongwei sellers per year and platform."""
    return _money(_local_sales(layer, params), "year", "platform")


def retail_by_class(layer: Layer, params: Params) -> ir.Table:
    """Sales of Zhongwei sellers per year and class: goods, services, unclassified, farm.

    An order counts once in every class it has a part in; goods + services + unclassified
    sum to the total (farm products are part of goods).
    """
    return _money(_of_years(layer.classes, params), "year", "sales_class")


def express_cube(layer: Layer, params: Params) -> ir.Table:
    """Express volume per side, year, county, carrier and direction, with every measure."""
    t = _of_years(layer.express, params)
    return t.group_by("side", "year", "county", "carrier_id", "direction").aggregate(
        parcels=t.parcels.sum(),
        e_waybill=t.e_waybill.sum(),
        at_station=t.at_station.sum(),
        at_locker=t.at_locker.sum(),
        timed=t.timed.sum(),
        transit_seconds=t.transit_seconds.sum(),
    )


def express_by_year(layer: Layer, params: Params) -> ir.Table:
    """Per side and year: parcels, e-waybill share, station and locker shares, mean transit."""
    c = _of_years(layer.express, params)
    t = c.group_by("side", "year").aggregate(
        parcels=c.parcels.sum(),
        e_waybill=c.e_waybill.sum(),
        at_station=c.at_station.sum(),
        at_locker=c.at_locker.sum(),
        timed=c.timed.sum(),
        transit_seconds=c.transit_seconds.sum(),
    )
    share = t.parcels.cast("float64")
    return t.mutate(
        e_waybill_share=(t.e_waybill.cast("float64") / share).round(6),
        station_share=(t.at_station.cast("float64") / share).round(6),
        locker_share=(t.at_locker.cast("float64") / share).round(6),
        mean_transit_seconds=ibis.ifelse(
            t.timed > 0, (t.transit_seconds.cast("float64") / t.timed).round(1), None
        ),
    )


def station_operations(layer: Layer, params: Params) -> ir.Table:
    """Station operations per station, county, year, month and raw code: events and parcels."""
    t = _of_years(layer.stations, params)
    return t.select("station_id", "county", "year", "month", "operation", "events", "parcels")


METRICS: dict[str, Callable[[Layer, Params], ir.Table]] = {
    "retail_by_year": retail_by_year,
    "retail_by_county": retail_by_county,
    "retail_by_county_month": retail_by_county_month,
    "retail_by_platform": retail_by_platform,
    "retail_by_class": retail_by_class,
    "express_cube": express_cube,
    "express_by_year": express_by_year,
    "station_operations": station_operations,
}


def metrics_of_layer(
    layer: Layer, params: Params, names: Sequence[str] | None = None
) -> dict[str, ir.Table]:
    """The named metrics (all by default) as aggregates of a daily layer, not yet executed."""
    chosen = list(METRICS) if names is None else list(names)
    unknown = [n for n in chosen if n not in METRICS]
    if unknown:
        raise ValueError(f"未知的指标：{', '.join(unknown)}（可选：{', '.join(METRICS)}）")
    return {name: METRICS[name](layer, params) for name in chosen}


def metric_set(
    src: Sources,
    params: Params,
    names: Sequence[str] | None = None,
    *,
    keep: Callable[[ir.Table], ir.Table] = _as_is,
) -> dict[str, ir.Table]:
    """The named metrics from raw rows: the daily layer built from them, then its aggregates."""
    return metrics_of_layer(RawLayer(src, params, keep), params, names)
