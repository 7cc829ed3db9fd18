"""The metric set, defined once as Ibis expressions (pure: no Django, no engine).

Each function takes Ibis tables with the columns of Youpin's raw tables (the Django tables
on the operational database, or their Parquet snapshots) and returns an Ibis table
expression. The same expression runs on SQLite, PostgreSQL, DuckDB and Spark, so the rules
of docs/STATISTICS.md are written here once, in the engine-neutral operations every backend
compiles the same way:

* times are turned into **epoch seconds** and put in Shanghai calendar years and months
  by comparing them with the months' first midnights (UTC+8, no daylight saving since
  1992), integers only, so no engine's time-zone setting can move a sale to another day;
* money is turned into whole fen (`round(amount × 100)`), summed as integers;
* places are code prefixes (`startswith`, `substr`), as in the SQL of the statistics.

See docs/SCALING.md for what is covered and what is not (yet).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

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
    sold = sold.filter(_in_years(sold.sale_s, params))
    m = m.select(m_id=m.id, registered_locally=m.registered_locally, m_place=m.place_id)
    s = s.select(s_id=s.id, operating_place_id=s.operating_place_id)
    joined = sold.join(m, sold.merchant_id == m.m_id).join(s, sold.shop_id == s.s_id)
    place = ibis.coalesce(joined.operating_place_id, joined.m_place)
    year, month = shanghai_year(joined.sale_s, params), shanghai_month(joined.sale_s, params)
    return joined.select(
        order_id=joined.id,
        platform=joined.platform,
        year=year,
        month=month,
        county=place.substr(0, 6),
        local=joined.registered_locally & place.startswith(params.region_prefix),
        paid=fen(joined.paid_amount),
        refunded=fen(joined.refunded_amount),
    )


def _money_sums(t: ir.Table) -> dict[str, ir.Value]:
    """Orders, gross, refunded and net (fen) of a table of orders."""
    return {
        "orders": t.count(),
        "gross_fen": t.paid.sum(),
        "refunded_fen": t.refunded.sum(),
        "net_fen": (t.paid - t.refunded).sum(),
    }


def retail_by_year(ctx: Context) -> ir.Table:
    """Online retail sales per year: Zhongwei sellers (`local`) and the other sellers beside."""
    t = ctx.orders
    return t.group_by("year", "local").aggregate(**_money_sums(t))


def retail_by_county(ctx: Context) -> ir.Table:
    """Online retail sales of Zhongwei sellers per year and seller county (6 digits)."""
    t = ctx.orders
    t = t.filter(t.local)
    return t.group_by("year", "county").aggregate(**_money_sums(t))


def retail_by_county_month(ctx: Context) -> ir.Table:
    """Online retail sales of Zhongwei sellers per year, month and seller county."""
    t = ctx.orders
    t = t.filter(t.local)
    return t.group_by("year", "month", "county").aggregate(**_money_sums(t))


def retail_by_platform(ctx: Context) -> ir.Table:
    """Online retail sales of Zhongwei sellers per year and platform."""
    t = ctx.orders
    t = t.filter(t.local)
    return t.group_by("year", "platform").aggregate(**_money_sums(t))


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
    j = j.select("order_id", "year", "local", "cls", "line_no", "weight", "paid", "refunded")
    split = split_over_lines(j, {"paid": "p", "refunded": "r"})
    fixed = split.select("order_id", "year", "local", "cls", "p", "r")
    without_lines = orders.anti_join(lines, orders.order_id == lines.order_id).select(
        "order_id",
        "year",
        "local",
        cls=ibis.literal(UNCLASSIFIED),
        p=orders.paid,
        r=orders.refunded,
    )
    return fixed.union(without_lines)


def retail_by_class(ctx: Context) -> ir.Table:
    """Sales of Zhongwei sellers per year and class: goods, services, unclassified, farm.

    An order counts once in every class it has a part in; goods + services + unclassified
    sum to the total (farm products are part of goods).
    """
    parts = ctx.parts
    parts = parts.filter(parts.local)
    per_order = parts.group_by("order_id", "year", "cls").aggregate(
        p=parts.p.sum(), r=parts.r.sum()
    )
    tables = []
    for name, members in REPORT_CLASSES.items():
        sub = per_order.filter(per_order.cls.isin(members))
        sub = sub.group_by("order_id", "year").aggregate(p=sub.p.sum(), r=sub.r.sum())
        tables.append(
            sub.group_by("year")
            .aggregate(
                orders=sub.count(),
                gross_fen=sub.p.sum(),
                refunded_fen=sub.r.sum(),
                net_fen=(sub.p - sub.r).sum(),
            )
            .mutate(sales_class=ibis.literal(name))
        )
    out = tables[0]
    for t in tables[1:]:
        out = out.union(t)
    return out.select("year", "sales_class", "orders", "gross_fen", "refunded_fen", "net_fen")


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
    cand = cand.filter(_in_years(cand.col_s, params) | _in_years(cand.del_s, params))
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


def express_cube(f: ir.Table, params: Params) -> ir.Table:
    """Express volume per side, year, county, carrier and direction, with every measure.

    Collected side (揽收): origin inside, by collection time; outbound or intra. Delivered
    side (派送): destination inside, by delivery time; inbound or intra. Measures: parcels,
    e-waybills (collected), handed over at a station or locker (delivered: a counter event,
    or — for parcels collected outside — the parcel's own station), and the parcels with a
    transit time with their seconds summed.
    """
    region = params.region_prefix
    inside_o, inside_d = f.origin.startswith(region), f.destination.startswith(region)
    col = f.filter(f.col_s.notnull() & _in_years(f.col_s, params) & inside_o)
    cy = shanghai_year(col.col_s, params)
    col = col.select(
        side=ibis.literal("collected"),
        year=cy,
        county=col.origin.substr(0, 6),
        carrier_id=col.carrier_id,
        direction=ibis.ifelse(col.destination.startswith(region), "intra", "outbound"),
        e_waybill=_flag(col.e_waybill),
        at_station=ibis.literal(0),
        at_locker=ibis.literal(0),
        secs=col.secs,
    )
    dl = f.filter(f.del_s.notnull() & _in_years(f.del_s, params) & inside_d)
    dy = shanghai_year(dl.del_s, params)
    outside = dl.origin.isnull() | ~dl.origin.startswith(region)
    dl = dl.select(
        side=ibis.literal("delivered"),
        year=dy,
        county=dl.destination.substr(0, 6),
        carrier_id=dl.carrier_id,
        direction=ibis.ifelse(dl.origin.startswith(region), "intra", "inbound"),
        e_waybill=ibis.literal(0),
        at_station=_flag((dl.at_counter == 1) | (dl.station_id.notnull() & outside)),
        at_locker=_flag((dl.at_locker == 1) | ((dl.station_kind == LOCKER) & outside)),
        secs=dl.secs,
    )
    both = col.union(dl)
    return both.group_by("side", "year", "county", "carrier_id", "direction").aggregate(
        parcels=both.count(),
        e_waybill=both.e_waybill.sum(),
        at_station=both.at_station.sum(),
        at_locker=both.at_locker.sum(),
        timed=both.secs.count(),
        transit_seconds=both.secs.sum().fill_null(0),
    )


def express_by_year(ctx: Context) -> ir.Table:
    """Per side and year: parcels, e-waybill share, station and locker shares, mean transit."""
    c = ctx.cube
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


# --------------------------------------------------------------------------- station operations


def station_operations(ctx: Context) -> ir.Table:
    """Station operations per station, county, year, month and raw code: events and parcels.

    Events with source "station" at a station (the counter's check-in, pick-up, sending,
    door delivery and exceptions); `parcels` counts distinct parcels in the month.
    """
    e, st, params = ctx.src.events, ctx.src.stations, ctx.params
    e = e.filter(e.station_id.notnull() & (e.source == STATION_SOURCE))
    e = e.mutate(at_s=epoch(e.occurred_at))
    e = e.filter(_in_years(e.at_s, params))
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


# --------------------------------------------------------------------------- the set


def _as_is(table: ir.Table) -> ir.Table:
    """Leave an intermediate table as an expression (inlined where it is used)."""
    return table


class Context:
    """The sources and parameters, with the intermediate tables several metrics share.

    `keep` decides what happens to each shared intermediate (the counted orders, their line
    parts, the parcels with their places, the express cube): left as an expression by
    default, or materialised once (`Table.cache()` on DuckDB and Spark) by the runner.
    """

    def __init__(
        self, src: Sources, params: Params, keep: Callable[[ir.Table], ir.Table] = _as_is
    ) -> None:
        """Hold the inputs; intermediates are built on first use."""
        self.src, self.params, self._keep = src, params, keep

    @cached_property
    def orders(self) -> ir.Table:
        """Counted orders (retail_orders)."""
        return self._keep(retail_orders(self.src, self.params))

    @cached_property
    def parts(self) -> ir.Table:
        """The orders' line parts (line_parts)."""
        return self._keep(line_parts(self.src, self.params, self.orders))

    @cached_property
    def cube(self) -> ir.Table:
        """The express cube over the parcels' places (express_cube)."""
        places = parcel_places(self.src, self.params)
        return self._keep(express_cube(places, self.params))


METRICS: dict[str, Callable[[Context], ir.Table]] = {
    "retail_by_year": retail_by_year,
    "retail_by_county": retail_by_county,
    "retail_by_county_month": retail_by_county_month,
    "retail_by_platform": retail_by_platform,
    "retail_by_class": retail_by_class,
    "express_cube": lambda ctx: ctx.cube,
    "express_by_year": express_by_year,
    "station_operations": station_operations,
}


def metric_set(
    src: Sources,
    params: Params,
    names: Sequence[str] | None = None,
    *,
    keep: Callable[[ir.Table], ir.Table] = _as_is,
) -> dict[str, ir.Table]:
    """The named metrics (all by default) as Ibis expressions, not yet executed."""
    chosen = list(METRICS) if names is None else list(names)
    unknown = [n for n in chosen if n not in METRICS]
    if unknown:
        raise ValueError(f"未知的指标：{', '.join(unknown)}（可选：{', '.join(METRICS)}）")
    ctx = Context(src, params, keep)
    return {name: METRICS[name](ctx) for name in chosen}
