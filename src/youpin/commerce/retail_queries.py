"""Database side of the retail statistic: which orders count, their sale day, exact sums.

Everything here is a range filter or a native SQL expression, so it is fast on SQLite and
PostgreSQL alike: no Python function is called per row (Django's `Trunc`/`Extract` on SQLite
would), and money is summed as whole fen (integers), which is exact on both databases.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    Expression,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from youpin.accounts.scoping import Scope
from youpin.catalog.classify import Rule, ordered
from youpin.catalog.models import TitleRule
from youpin.commerce.models import Order, OrderLine
from youpin.commerce.retail_formulas import LineRow, Tally, Window
from youpin.commerce.selectors import NOT_SOLD, orders_visible
from youpin.core.periods import SHANGHAI, SHANGHAI_OFFSET_S

_NBS_DEPTHS = (2, 4, 6, 9, 12)


def code_prefix(code: str) -> str:
    """The significant digits of a 12-digit NBS code (`640500000000` → `6405`)."""
    for depth in _NBS_DEPTHS:
        if not code[depth:].strip("0"):
            return code[:depth]
    return code


def region_prefix() -> str:
    """The code prefix of the platform's region (Zhongwei, `6405`)."""
    return code_prefix(settings.YOUPIN_REGION_CODE)


class Cents(Func):
    """An amount column as whole fen, exactly (SQLite stores decimals as floating point)."""

    template = "CAST(ROUND(%(expressions)s * 100) AS INTEGER)"
    output_field = IntegerField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        """Numeric is exact on PostgreSQL; only the scale changes."""
        return self.as_sql(
            compiler, connection, template="CAST(%(expressions)s * 100 AS BIGINT)", **extra
        )


class ShanghaiDay(Func):
    """The calendar day (`YYYY-MM-DD`, or `YYYY-MM` with `month=True`) of a time in Shanghai."""

    output_field = CharField()

    def __init__(self, expression: Any, *, month: bool = False) -> None:
        """Wrap a datetime expression."""
        self.month = month
        super().__init__(expression)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        """SQLite's native date(); Shanghai has kept UTC+8 without daylight saving since 1992."""
        length = 7 if self.month else 10
        template = f"substr(date(%(expressions)s, '{_shanghai_offset()}'), 1, {length})"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        """PostgreSQL's time-zone conversion with the zone's own rules."""
        pattern = "YYYY-MM" if self.month else "YYYY-MM-DD"
        template = f"to_char(%(expressions)s AT TIME ZONE '{SHANGHAI.key}', '{pattern}')"
        return self.as_sql(compiler, connection, template=template, **extra)


def _shanghai_offset() -> str:
    """Shanghai's UTC offset as an SQLite date modifier (`+8 hours`)."""
    return f"+{SHANGHAI_OFFSET_S // 3600} hours"


def sale_time() -> Expression:
    """When an order counts as sold: its payment time, or its order time if none is recorded."""
    return Coalesce(F("paid_at"), F("ordered_at"))


def window_bounds(window: Window) -> tuple[datetime, datetime]:
    """The window as a half-open range of aware datetimes (Shanghai midnight to midnight)."""
    return (
        datetime.combine(window.first, time(), tzinfo=SHANGHAI),
        datetime.combine(window.end, time(), tzinfo=SHANGHAI),
    )


def _in_window(window: Window) -> Q:
    """Orders whose sale time (the `sale_at` alias) lies in the window: a range filter."""
    start, end = window_bounds(window)
    return Q(sale_at__gte=start, sale_at__lt=end)


# Where a sale is placed, by basis: the shop's place of that kind, else the merchant's place
# (经营地) when the shop's is not recorded (docs/STATISTICS.md, "Attribution bases").
BASES: dict[str, tuple[str, ...]] = {
    "operating": ("shop__operating_place_id",),
    "registered": ("shop__registered_place_id",),
    "shipping": ("shop__shipping_origin_id", "shop__operating_place_id"),
}
DEFAULT_BASIS = "operating"


def place_expr(basis: str = DEFAULT_BASIS) -> Expression:
    """The NBS code a sale is attributed to under a basis (with the merchant's place last)."""
    return Coalesce(*(F(f) for f in BASES[basis]), F("merchant__place_id"))


def local_seller() -> Q:
    """Zhongwei sellers: registered locally, the sale's place (`seller_place`) in the region."""
    return Q(merchant__registered_locally=True, seller_place__startswith=region_prefix())


def sold_orders(
    scope: Scope,
    windows: Sequence[Window],
    county_prefix: str | None,
    *,
    basis: str = DEFAULT_BASIS,
    verified: bool = False,
) -> QuerySet[Order]:
    """Sold orders the scope may see, sold in one of the windows, annotated with its index.

    One scan serves every window (this year and last year, or each year of a series):
    `period` is the position of the order's window in `windows`. `seller_place` is the place
    the basis attributes the sale to; `verified` keeps only orders a parcel verified.
    """
    qs = orders_visible(scope).exclude(status__in=NOT_SOLD).alias(seller_place=place_expr(basis))
    if verified:
        qs = qs.filter(verification__state="verified")
    if county_prefix:
        qs = qs.filter(seller_place__startswith=county_prefix)
    live = [(i, w) for i, w in enumerate(windows) if not w.is_empty]
    if not live:
        return qs.none()
    qs = qs.alias(sale_at=sale_time())
    ranges = Q()
    for _, w in live:
        ranges |= _in_window(w)
    period = Case(
        *(When(_in_window(w), then=Value(i)) for i, w in live), output_field=IntegerField()
    )
    return qs.filter(ranges).annotate(period=period)


def retail_orders(
    scope: Scope,
    windows: Sequence[Window],
    county_prefix: str | None,
    *,
    basis: str = DEFAULT_BASIS,
    verified: bool = False,
) -> QuerySet[Order]:
    """Sold orders of Zhongwei sellers in the windows (see `sold_orders`)."""
    qs = sold_orders(scope, windows, county_prefix, basis=basis, verified=verified)
    return qs.filter(local_seller())


def _tally(row: Mapping[str, Any]) -> Tally:
    """A tally from an aggregate row."""
    return Tally(
        orders=int(row["n"] or 0), gross=int(row["gross"] or 0), refunded=int(row["ref"] or 0)
    )


_SUMS = {
    "n": Count("pk"),
    "gross": Sum(Cents("paid_amount")),
    "ref": Sum(Cents("refunded_amount")),
}


def tallies(orders: QuerySet[Order], *keys: Any) -> dict[tuple[Any, ...], Tally]:
    """Orders, paid and refunded (fen) by window (`period`) and keys (fields or expressions)."""
    names = [f"k{i}" for i in range(len(keys))]
    exprs = {n: F(k) if isinstance(k, str) else k for n, k in zip(names, keys, strict=True)}
    rows = orders.annotate(**exprs).order_by().values("period", *names).annotate(**_SUMS)
    return {(r["period"], *(r[n] for n in names)): _tally(r) for r in rows}


# One cell of the order cube: window, Zhongwei seller or not, merchant id, platform, and the
# place the sale is attributed to.
CubeKey = tuple[int, bool, int, str, str]


def order_cube(
    scope: Scope,
    windows: Sequence[Window],
    county_prefix: str | None,
    *,
    basis: str = DEFAULT_BASIS,
    verified: bool = False,
) -> dict[CubeKey, Tally]:
    """Sold orders in the scope summed per window, seller kind, merchant, platform and place.

    One scan gives the totals, the sales of other sellers, and every breakdown that follows
    from the merchant, its place (county, township) or the platform.
    """
    local = Case(When(local_seller(), then=Value(True)), default=Value(False))
    orders = sold_orders(scope, windows, county_prefix, basis=basis, verified=verified)
    found = tallies(orders, local, "merchant_id", "platform", F("seller_place"))
    return {(p, bool(k), m, pf, pl or ""): t for (p, k, m, pf, pl), t in found.items()}


# Per shop: window, registered locally, the three recorded places (or None), the merchant's.
ShopKey = tuple[int, bool, int, str | None, str | None, str | None, str]


def shop_places_cube(
    scope: Scope, windows: Sequence[Window], county_prefix: str | None, *, verified: bool = False
) -> dict[ShopKey, Tally]:
    """Sold orders summed per window and shop with every place a basis could use."""
    orders = sold_orders(scope, windows, None, verified=verified)
    if county_prefix:  # a county filter keeps a shop if any basis puts it in the county
        orders = orders.filter(
            Q(seller_place__startswith=county_prefix)
            | Q(shop__registered_place_id__startswith=county_prefix)
            | Q(shop__shipping_origin_id__startswith=county_prefix)
        )
    found = tallies(
        orders,
        "merchant__registered_locally",
        "shop_id",
        "shop__operating_place_id",
        "shop__registered_place_id",
        "shop__shipping_origin_id",
        "merchant__place_id",
    )
    return {(p, bool(r), s, op, rg, sh, m): t for (p, r, s, op, rg, sh, m), t in found.items()}


def sale_day(*, month: bool = False) -> Expression:
    """The Shanghai calendar day (or month) of the sale time."""
    return ShanghaiDay(sale_time(), month=month)


# The category key of an order: the category of all its lines, 0 when none of them matched a
# product, MIXED when they differ (split line by line), NULL for an order without lines.
_NO_PRODUCT = 0
_MIXED = -2
# Lines without a product that a title rule (catalog.TitleRule) classes: pseudo categories.
TITLE_SERVICE = -10
TITLE_GOODS = -11
_TITLE_KEYS = {"service": TITLE_SERVICE, "goods": TITLE_GOODS}


def title_rule_key() -> Expression:
    """The pseudo category a line without a product gets from the title rules, else 0.

    The first enabled rule by priority (then longer words first) whose word is in the title
    decides, as `catalog.classify.class_by_title` does.
    """
    rules = ordered(
        Rule(w, c, p)
        for w, c, p in TitleRule.objects.filter(enabled=True).values_list(
            "word", "item_class", "priority"
        )
    )
    whens = [
        When(title__contains=r.word, then=Value(_TITLE_KEYS[r.item_class]))
        for r in rules
        if r.item_class in _TITLE_KEYS
    ]
    if not whens:
        return Value(_NO_PRODUCT)
    return Case(*whens, default=Value(_NO_PRODUCT), output_field=IntegerField())


def line_category_key() -> Expression:
    """A line's category key: its product's category, else the title rules' pseudo category."""
    return Coalesce("product__category_id", title_rule_key(), output_field=IntegerField())


def _order_category() -> Subquery:
    """The category key of the outer order (one correlated subquery on the line index)."""
    key = line_category_key()
    lines = (
        OrderLine.objects.filter(order_id=OuterRef("pk"))
        .order_by()
        .values("order_id")
        .annotate(lo=Min(key), hi=Max(key))
        .annotate(v=Case(When(lo=F("hi"), then=F("lo")), default=Value(_MIXED)))
        .values("v")
    )
    return Subquery(lines, output_field=IntegerField())


# An order whose lines mix categories: its window, paid and refunded amounts (fen).
MixedOrder = tuple[int, int, int]


def category_tallies(
    orders: QuerySet[Order],
) -> tuple[dict[tuple[int, int | None], Tally], dict[int, MixedOrder]]:
    """Orders of one category summed per window and category; orders mixing categories by id.

    One query: orders whose lines share a category (most) are grouped by it, each mixed order
    forms a group of its own (so its id and money come back for the split). The category is
    None for lines that match no product and for orders without lines.
    """
    annotated = orders.annotate(category_key=_order_category())
    mixed_id = Case(
        When(category_key=_MIXED, then=F("pk")), default=Value(None), output_field=IntegerField()
    )
    pure: dict[tuple[int, int | None], Tally] = {}
    mixed: dict[int, MixedOrder] = {}
    for (period, key, order_id), t in tallies(annotated, F("category_key"), mixed_id).items():
        if order_id is not None:
            mixed[order_id] = (period, t.gross, t.refunded)
            continue
        category = None if key is None or key == _NO_PRODUCT else int(key)
        pure.setdefault((period, category), Tally()).add(t.gross, t.refunded, orders=t.orders)
    return pure, mixed


_ID_CHUNK = 500


def mixed_line_rows(mixed: dict[int, MixedOrder]) -> dict[int, list[LineRow]]:
    """Per window, the lines (by order) of the orders that mix categories, read by id in chunks.

    Reading by id avoids joining lines against a subquery of mixed orders, whose size the
    PostgreSQL planner misjudges (it then compares every line with every such order).
    """
    ids = sorted(mixed)
    result: dict[int, list[LineRow]] = {}
    for i in range(0, len(ids), _ID_CHUNK):
        lines = (
            OrderLine.objects.filter(order_id__in=ids[i : i + _ID_CHUNK])
            .annotate(line_fen=Cents("amount"), key=line_category_key())
            .order_by("order_id", "line_no")
            .values_list("order_id", "line_fen", "key")
        )
        for order_id, amount, key in lines:
            category = None if key is None or key == _NO_PRODUCT else int(key)
            period, paid, refunded = mixed[order_id]
            result.setdefault(period, []).append((order_id, int(amount), category, paid, refunded))
    return result


def first_sale_year(scope: Scope, county_prefix: str | None) -> int | None:
    """The Shanghai year of the earliest order time of a Zhongwei seller in the scope."""
    everything = Window(date(1900, 1, 1), date(9998, 12, 31))
    earliest = (
        retail_orders(scope, [everything], county_prefix)
        .order_by("ordered_at")
        .values_list("ordered_at", flat=True)
        .first()
    )
    return None if earliest is None else earliest.astimezone(SHANGHAI).year
