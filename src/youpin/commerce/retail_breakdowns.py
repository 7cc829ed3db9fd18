"""Breakdowns of the retail statistic by one dimension, each row against last year's."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import QuerySet

from youpin.accounts.scoping import Scope
from youpin.catalog.models import Category, Merchant, Platform
from youpin.commerce import retail_queries as q
from youpin.commerce.models import Order
from youpin.commerce.retail_formulas import (
    FARM,
    GOODS,
    SERVICES,
    UNCLASSIFIED,
    Allocation,
    Tally,
    Window,
    category_classes,
    same_period_in,
    shift_years,
)
from youpin.commerce.retail_report import Breakdown, Row, make_row
from youpin.geo.models import Level, Place

DIMENSIONS: dict[str, str] = {
    "county": "区县",
    "township": "乡镇",
    "platform": "平台",
    "category": "品类",
    "merchant": "商户",
    "host": "达人",
    "year": "年份",
    "month": "月份",
    "day": "日期",
}
NO_HOST = "无达人"
NO_HOST_KEY = "-"
UNMATCHED = "未匹配商品"
UNMATCHED_KEY = "-"
PREV, CUR = 0, 1  # positions of last year's and this year's window in `ReportRequest.windows`
_MAX_YEAR_ROWS = 30


@dataclass(frozen=True)
class ReportRequest:
    """What one report is computed over."""

    scope: Scope
    county: str | None
    window: Window
    comparison: Window
    month: int | None

    @property
    def windows(self) -> tuple[Window, Window]:
        """Last year's window, then this year's (see PREV, CUR)."""
        return (self.comparison, self.window)

    basis: str = q.DEFAULT_BASIS
    verified: bool = False

    def orders(self) -> QuerySet[Order]:
        """Sold orders of Zhongwei sellers in either window, with `period` PREV or CUR."""
        return q.retail_orders(
            self.scope, self.windows, self.county, basis=self.basis, verified=self.verified
        )


@dataclass(frozen=True)
class ReportData:
    """What the headline figures were computed from, reused by the breakdowns."""

    cube: dict[q.CubeKey, Tally]
    allocations: tuple[Allocation, Allocation]  # PREV, CUR


def breakdown(dim: str, req: ReportRequest, base: int, data: ReportData) -> Breakdown:
    """The report split by one dimension; `base` is the total net (fen) for shares."""
    rows: tuple[Row, ...]
    if dim in {"county", "township"}:
        digits = 6 if dim == "county" else 9
        rows = _keyed_rows(_roll_up(data.cube, lambda _, __, pl: pl[:digits]), base, _places)
    elif dim == "platform":
        rows = _keyed_rows(_roll_up(data.cube, lambda _, pf, __: pf), base, _platforms)
    elif dim == "merchant":
        rows = _keyed_rows(_roll_up(data.cube, lambda m, _, __: m), base, _merchants)
    elif dim == "host":
        rows = _host_rows(req, base)
    elif dim == "category":
        rows = _category_rows(data.allocations, base)
    elif dim == "year":
        rows = _year_rows(req, base)
    else:
        rows = _calendar_rows(req, base, month=dim == "month")
    return Breakdown(dimension=dim, label=DIMENSIONS[dim], rows=rows)


_Pair = tuple[dict[Any, Tally], dict[Any, Tally]]


def _roll_up(cube: dict[q.CubeKey, Tally], key: Callable[[int, str, str], Any]) -> _Pair:
    """This period's and last year's tallies of Zhongwei sellers by (merchant, platform, place)."""
    pair: _Pair = ({}, {})  # indexed by PREV, CUR
    for (period, local, merchant, platform, place), t in cube.items():
        if local:
            k = key(merchant, platform, place)
            pair[period].setdefault(k, Tally()).add(t.gross, t.refunded, orders=t.orders)
    return pair[CUR], pair[PREV]


def _pair(req: ReportRequest, key: Any) -> _Pair:
    """This period's and last year's tallies by one key, from one query."""
    cur: dict[Any, Tally] = {}
    prev: dict[Any, Tally] = {}
    for (period, value), t in q.tallies(req.orders(), key).items():
        (cur if period == CUR else prev)[value] = t
    return cur, prev


_Labeller = Callable[[Iterable[Any]], dict[Any, str]]


def _keyed_rows(pair: _Pair, base: int, labels: _Labeller) -> tuple[Row, ...]:
    """Rows for every key seen this period or last year, largest net first."""
    cur, prev = pair
    keys = set(cur) | set(prev)
    names = labels(keys)
    rows = [
        make_row(
            _key_text(k),
            names.get(k, _key_text(k)),
            cur.get(k, Tally()),
            prev.get(k, Tally()),
            base,
        )
        for k in keys
    ]
    return _largest_first(rows)


def _largest_first(rows: Iterable[Row]) -> tuple[Row, ...]:
    """Rows by net sales, then orders, descending; then by key."""
    return tuple(sorted(rows, key=lambda r: (-r.current.net, -r.current.orders, r.key)))


def _key_text(key: Any) -> str:
    """A group key as text (county and township prefixes padded to 12-digit codes)."""
    text = "" if key is None else str(key)
    return text.ljust(12, "0") if text.isdigit() and len(text) in {6, 9} else text


def _places(keys: Iterable[Any]) -> dict[Any, str]:
    """Names of counties or townships keyed by their code prefix (6 or 9 digits)."""
    by_code = {str(k).ljust(12, "0"): k for k in keys if k}
    names: dict[Any, str] = {}
    for p in Place.objects.filter(code__in=list(by_code)).select_related("parent"):
        key = by_code[p.code]
        if len(str(key)) == 6:
            names[key] = p.name
        elif p.level == Level.COUNTY:  # a seller placed only as precisely as its county
            names[key] = f"{p.name}·（未细化到乡镇）"
        else:
            names[key] = f"{p.parent.name}·{p.name}" if p.parent else p.name
    return names


def _platforms(keys: Iterable[Any]) -> dict[Any, str]:
    """Platform names."""
    known = dict(Platform.choices)
    return {k: str(known.get(k, k)) for k in keys}


def _merchants(keys: Iterable[Any]) -> dict[Any, str]:
    """Merchant names by id."""
    return dict(Merchant.objects.filter(pk__in=list(keys)).values_list("pk", "name"))


def _host_key_and_label(host_id: str, nickname: str) -> tuple[str, str]:
    """A host is known by its ID, else by its nickname; no host at all is 无达人."""
    if host_id:
        return host_id, f"{nickname}（{host_id}）" if nickname else host_id
    if nickname:
        return f"昵称:{nickname}", nickname
    return NO_HOST_KEY, NO_HOST


def _host_rows(req: ReportRequest, base: int) -> tuple[Row, ...]:
    """Rows per livestream host; an ID seen under several nicknames takes the commonest."""
    pair: _Pair = ({}, {})
    labels: dict[str, tuple[int, str]] = {}
    for (period, host_id, nickname), t in q.tallies(
        req.orders(), "host_id", "host_nickname"
    ).items():
        key, label = _host_key_and_label((host_id or "").strip(), (nickname or "").strip())
        pair[period].setdefault(key, Tally()).add(t.gross, t.refunded, orders=t.orders)
        weight = t.orders + (1 << 40 if period == CUR else 0)  # this year's names first
        if key not in labels or weight > labels[key][0]:
            labels[key] = (weight, label)
    return _keyed_rows((pair[CUR], pair[PREV]), base, lambda ks: {k: labels[k][1] for k in ks})


def _category_rows(allocations: tuple[Allocation, Allocation], base: int) -> tuple[Row, ...]:
    """Rows per product category, from the lines' shares of their orders."""
    prev, cur = (a.by_category for a in allocations)
    info = {
        pk: (slug, name, category_classes(farm, service))
        for pk, slug, name, farm, service in Category.objects.values_list(
            "pk", "slug", "name", "is_farm_product", "is_service"
        )
    }
    info[q.TITLE_SERVICE] = ("title:service", "未匹配商品·按标题归为服务", (SERVICES,))
    info[q.TITLE_GOODS] = ("title:goods", "未匹配商品·按标题归为实物", (GOODS,))
    unmatched = (UNMATCHED_KEY, UNMATCHED, (UNCLASSIFIED,))
    rows = []
    for pk in set(cur) | set(prev):
        slug, name, classes = info.get(pk, unmatched) if pk is not None else unmatched
        group = FARM if FARM in classes else classes[0]
        rows.append(make_row(slug, name, cur.get(pk, Tally()), prev.get(pk, Tally()), base, group))
    return _largest_first(rows)


def _calendar_rows(req: ReportRequest, base: int, *, month: bool) -> tuple[Row, ...]:
    """Rows per month or day of the period, each against the same month or day last year."""
    if req.window.is_empty:
        return ()
    cur, prev = _pair(req, q.sale_day(month=month))
    return tuple(
        make_row(
            key, label, cur.get(key, Tally()), None if pk is None else prev.get(pk, Tally()), base
        )
        for key, label, pk in calendar_keys(req.window, month=month)
    )


def calendar_keys(window: Window, *, month: bool) -> list[tuple[str, str, str | None]]:
    """(key, label, last year's key) for every month or day of a window; 29 Feb has none."""
    keys: list[tuple[str, str, str | None]] = []
    day = window.first
    while day <= window.last:
        if month:
            keys.append(
                (f"{day:%Y-%m}", f"{day.year}年{day.month}月", f"{day.year - 1}-{day.month:02d}")
            )
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        else:
            leap_day = day.month == 2 and day.day == 29
            prev_key = None if leap_day else shift_years(day, -1).isoformat()
            keys.append((day.isoformat(), day.isoformat(), prev_key))
            day += timedelta(days=1)
    return keys


def _year_rows(req: ReportRequest, base: int) -> tuple[Row, ...]:
    """The same period in every year from the first sale to the report's year, in one query."""
    year = req.window.first.year
    first = q.first_sale_year(req.scope, req.county) or year
    first = max(min(first, year), year - _MAX_YEAR_ROWS + 1)
    years = list(range(first - 1, year + 1))
    windows = [same_period_in(req.window, req.month, y) for y in years]
    found = q.tallies(
        q.retail_orders(req.scope, windows, req.county, basis=req.basis, verified=req.verified)
    )
    by_year = {y: found.get((i,), Tally()) for i, y in enumerate(years)}
    return tuple(make_row(str(y), f"{y}年", by_year[y], by_year[y - 1], base) for y in years[1:])
