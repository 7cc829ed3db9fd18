"""The cockpit's tiles: one per plan target, read from the daily facts, the station registry
and the hand-entered values — never from raw orders or parcels (the verified-sales figure
too comes from the sales facts, which split net sales by verification state).

`tiles(scope, plan, as_of, …)` is the one entry point; the page, the API and the monthly
report all call it. A `Tile` is a frozen dataclass of plain values (no model instances).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_noop

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.cockpit import fits
from youpin.cockpit import forecast as fc
from youpin.commerce.retail_formulas import shift_years
from youpin.commerce.retail_queries import code_prefix
from youpin.facts.models import ParcelSide, SalesPlaceFact
from youpin.facts.selectors import (
    facts_state,
    parcel_facts_visible,
    region_filter,
    sales_places_visible,
)
from youpin.plans.measures import (
    FACTS,
    MANUAL,
    REGISTRY,
    REGISTRY_OF_MEASURES,
    measure_value,
    scope_region_code,
)
from youpin.plans.models import Plan, Target, Trajectory, Unit
from youpin.plans.selectors import target_path

SALES_MEASURES = {"retail_sales"}
PARCEL_MEASURES = {"express_volume": ParcelSide.COLLECTED, "delivered_volume": ParcelSide.DELIVERED}
STATION_MEASURES = {"township_stations"}

SOURCE_LABELS = {
    FACTS: gettext_noop("日事实表"),
    REGISTRY: gettext_noop("站点名录"),
    MANUAL: gettext_noop("手工录入"),
}
UNIT_LABELS = dict(Unit.choices)
FILTER_LABELS = {
    "platform": gettext_noop("平台"),
    "carrier": gettext_noop("快递公司"),
    "category": gettext_noop("商品类别"),
    "county": gettext_noop("区县"),
    "township": gettext_noop("乡镇"),
}
CENT = Decimal("0.01")


@dataclass(frozen=True)
class MonthPoint:
    """One month of a tile's trend: actual, planned pace, forecast with interval.

    `planned` is the year's planned value ÷ 12 for a flow (sales, parcels) and the year's
    planned level for a level (stations); `actual` of the as-of month may be partial.
    """

    month: str
    actual: Decimal | None
    planned: Decimal | None
    forecast: Decimal | None = None
    lower: Decimal | None = None
    upper: Decimal | None = None


@dataclass(frozen=True)
class YearPoint:
    """One year of a tile's path: actual (year to date in the as-of year), planned, forecast."""

    year: int
    actual: Decimal | None
    planned: Decimal | None
    partial: bool = False
    forecast: Decimal | None = None
    lower: Decimal | None = None
    upper: Decimal | None = None


@dataclass(frozen=True)
class VerifiedSales:
    """Reported and verified net sales (CNY) of the period, and the split by state (issue 8)."""

    reported: Decimal
    verified: Decimal
    unverified: Decimal
    suspicious: Decimal
    not_checked: Decimal
    reported_orders: int
    verified_orders: int
    verified_pct: Decimal | None
    computed_at: datetime | None  # when the sales facts these figures come from were refreshed


@dataclass(frozen=True)
class Tile:
    """One plan target in the cockpit, as of a day. Values are in the target's unit (CNY, …)."""

    code: str
    name: str
    unit: str
    unit_label: str
    measure: str
    at_least: bool
    year: int
    as_of: date
    ytd: Decimal | None
    ytd_previous: Decimal | None
    yoy_pct: Decimal | None
    year_planned: Decimal | None
    year_pct: Decimal | None
    last_year: Decimal | None
    last_year_planned: Decimal | None
    target_year: int
    target_value: Decimal
    target_pct: Decimal | None
    year_forecast: Decimal | None
    year_lower: Decimal | None
    year_upper: Decimal | None
    target_forecast: Decimal | None
    target_lower: Decimal | None
    target_upper: Decimal | None
    status: str
    status_label: str
    status_reason: str
    forecast_method: str
    forecast_note: str
    forecast_level: float
    source: str
    source_label: str
    freshness: datetime | None
    freshness_label: str
    data_through: date | None
    months: tuple[MonthPoint, ...]
    years: tuple[YearPoint, ...]
    filters_ignored: tuple[str, ...]
    note: str
    verified: VerifiedSales | None = None


@dataclass(frozen=True)
class Filters:
    """The cockpit's filters, normalised: place prefix, platform, carrier id, sales class."""

    place: str = ""
    platform: str | None = None
    carrier: int | None = None
    category: str | None = None


def _money(fen: int) -> Decimal:
    """Fen as CNY with two places."""
    return Decimal(fen).scaleb(-2).quantize(CENT)


def _pct(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """part ÷ whole in per cent (one place, half up); None when either is missing or whole ≤ 0."""
    if part is None or whole is None or whole <= 0:
        return None
    return (part * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _growth(now: Decimal | None, before: Decimal | None) -> Decimal | None:
    """Growth in per cent over a previous value (two places); None without a positive base."""
    if now is None or before is None or before <= 0:
        return None
    return ((now - before) * 100 / before).quantize(CENT, rounding=ROUND_HALF_UP)


def _month_key(year: int, month: int) -> str:
    """`2025-06`."""
    return f"{year:04d}-{month:02d}"


def _months(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    """Every (year, month) from first to last, both included."""
    out = []
    y, m = first
    while (y, m) <= last:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def check_cockpit_access(scope: Scope) -> None:
    """Only the operator and officials see the cockpit (PermissionDenied otherwise)."""
    if scope.role not in (Role.OPERATOR, Role.OFFICIAL):
        raise PermissionDenied("只有运营方和主管部门可以查看驾驶舱")


def _check_scope(scope: Scope, filters: Filters) -> None:
    """Operator and officials only; an official may narrow only inside their region."""
    check_cockpit_access(scope)
    if (
        filters.place
        and scope.role == Role.OFFICIAL
        and not filters.place.startswith(scope.region_prefix)
    ):
        raise PermissionDenied("所选地区不在您的管辖范围内")


def normalise_filters(
    county: str | None,
    township: str | None,
    platform: str | None,
    carrier: Any,
    category: str | None,
) -> Filters:
    """Turn the keyword filters into a `Filters` (codes of 6, 9 or 12 digits become prefixes)."""
    place = ""
    if township:
        place = str(township)[:9]
    elif county:
        place = code_prefix(str(county).ljust(12, "0"))[:6]
    carrier_id = None
    if carrier not in (None, ""):
        carrier_id = carrier if isinstance(carrier, int) else _carrier_id(str(carrier))
    return Filters(place, platform or None, carrier_id, category or None)


def _carrier_id(value: str) -> int:
    """A carrier given by id or code."""
    if value.isdigit():
        return int(value)
    from youpin.logistics.models import Carrier

    found = Carrier.objects.filter(code=value).values_list("pk", flat=True).first()
    if found is None:
        raise ValueError(f"未知的快递公司：{value!r}")
    return int(found)


def last_fact_day(scope: Scope) -> date | None:
    """The latest day with sales or parcel facts the scope may read."""
    days = []
    places = sales_places_visible(scope)
    if places is not None:
        days.append(places.aggregate(d=Max("day"))["d"])
    days.append(parcel_facts_visible(scope).aggregate(d=Max("day"))["d"])
    found = [d for d in days if d is not None]
    return max(found) if found else None


def default_as_of(scope: Scope, today: date | None = None) -> date:
    """The cockpit's default day: today, or the last day with facts when that is earlier."""
    today = today or timezone.localdate()
    last = last_fact_day(scope)
    return min(today, last) if last else today


# ---------------------------------------------------------------------------------------
# Series readers: each returns {day: value} (flows) or a level function, plus notes.


SERIES_CACHE_SECONDS = 3600


def _cached_days(
    kind: str,
    scope: Scope,
    first: date,
    last: date,
    f: Filters,
    read: Callable[[], dict[date, int]],
) -> dict[date, int]:
    """A daily series, cached until the facts are refreshed again.

    The key holds the facts' last refresh time (`FactsState.refreshed_at`, which every
    refresh path sets after writing), the scope's region, the days and the filters, so a
    refresh makes every cached series stale at once. Without a refresh state nothing is
    cached.
    """
    state = facts_state()
    if state is None or state.refreshed_at is None:
        return read()
    key = "cockpit:days:" + ":".join(
        str(x)
        for x in (
            kind,
            state.refreshed_at.timestamp(),
            scope.role,
            scope.region_prefix,
            first,
            last,
            f.place,
            f.platform,
            f.carrier,
            f.category,
        )
    )
    found = cache.get(key)
    if found is None:
        found = read()
        cache.set(key, found, SERIES_CACHE_SECONDS)
    return dict(found)


def _sales_days(scope: Scope, first: date, last: date, f: Filters) -> dict[date, int]:
    """Net sales (fen) of Zhongwei sellers per day, from the per-place facts (cached)."""
    return _cached_days(
        "sales", scope, first, last, f, lambda: _sales_days_read(scope, first, last, f)
    )


def _local_sales(scope: Scope, first: date, last: date, f: Filters) -> QuerySet[SalesPlaceFact]:
    """The per-place sales facts of Zhongwei sellers in the days and filters."""
    qs = sales_places_visible(scope)
    if qs is None:  # only operator and officials reach here
        raise PermissionDenied("该角色无权查看驾驶舱")
    qs = qs.filter(day__gte=first, day__lte=last, local_seller=True)
    if f.place:
        qs = qs.filter(region_filter(f.place))
    if f.platform:
        qs = qs.filter(platform=f.platform)
    if f.category:
        qs = qs.filter(sales_class=f.category)
    return qs


def _sales_days_read(scope: Scope, first: date, last: date, f: Filters) -> dict[date, int]:
    """Net sales (fen) of Zhongwei sellers per day, from the per-place facts."""
    qs = _local_sales(scope, first, last, f)
    rows = qs.order_by().values("day").annotate(v=Sum("net_fen"))
    return {r["day"]: int(r["v"] or 0) for r in rows}


def _parcel_days(scope: Scope, first: date, last: date, side: str, f: Filters) -> dict[date, int]:
    """Parcels per day of one side (collected or delivered), from the parcel facts (cached)."""
    return _cached_days(
        f"parcels-{side}",
        scope,
        first,
        last,
        f,
        lambda: _parcel_days_read(scope, first, last, side, f),
    )


def _parcel_days_read(
    scope: Scope, first: date, last: date, side: str, f: Filters
) -> dict[date, int]:
    """Parcels per day of one side (collected or delivered), from the parcel facts."""
    qs = parcel_facts_visible(scope).filter(day__gte=first, day__lte=last, side=side)
    if f.place:
        qs = qs.filter(region_filter(f.place))
    if f.carrier is not None:
        qs = qs.filter(carrier_id=f.carrier)
    rows = qs.order_by().values("day").annotate(v=Sum("parcels"))
    return {r["day"]: int(r["v"] or 0) for r in rows}


def _station_openings(scope: Scope, f: Filters) -> list[date | None]:
    """Opening days of the active township stations in the scope (None: date unknown)."""
    from youpin.stations.models import Station, StationKind

    prefix = f.place or code_prefix(scope_region_code(scope))
    qs = Station.objects.filter(
        kind=StationKind.TOWNSHIP, is_active=True, place__code__startswith=prefix
    )
    return list(qs.values_list("opened_on", flat=True))


def _manual_rows(scope: Scope, measure: str, f: Filters) -> dict[int, Any]:
    """Hand-entered values of a measure for the scope's region (or the filtered place), by year."""
    from youpin.plans.models import ManualValue

    code = f.place.ljust(12, "0") if f.place else scope_region_code(scope)
    rows = ManualValue.objects.filter(measure=measure, region_code=code).select_related(
        "entered_by"
    )
    return {r.year: r for r in rows}


# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Series:
    """What a tile is computed from, whatever its source."""

    flow: bool
    scale: int  # divide raw integers by 10**scale (fen → CNY: 2)
    by_day: dict[date, int] | None = None  # flows from facts
    openings: list[date | None] | None = None  # levels from the registry
    by_year: dict[int, Decimal] | None = None  # yearly values (manual, other measures)
    freshness: datetime | None = None
    freshness_label: str = ""
    note: str = ""


def _to_unit(raw: int | float, scale: int) -> Decimal:
    """A raw integer (fen or pieces) in the tile's unit."""
    value = Decimal(str(raw))
    if scale:
        return value.scaleb(-scale).quantize(CENT, rounding=ROUND_HALF_UP)
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _sum_days(by_day: dict[date, int], first: date, last: date) -> int:
    """Sum of daily values first..last."""
    return sum(v for d, v in by_day.items() if first <= d <= last)


def _level_at(openings: Iterable[date | None], day: date) -> int:
    """Stations open on a day (opened then or before, or with no opening date)."""
    return sum(1 for o in openings if o is None or o <= day)


def _month_end(year: int, month: int) -> date:
    """The last day of a month."""
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return nxt - timedelta(days=1)


def tiles(
    scope: Scope,
    plan: Plan,
    as_of: date,
    *,
    county: str | None = None,
    township: str | None = None,
    platform: str | None = None,
    carrier: Any = None,
    category: str | None = None,
    with_verified: bool = True,
) -> list[Tile]:
    """One tile per target of the plan, as of a day, in the scope and filters (see module doc).

    Operator and officials only (PermissionDenied otherwise, or for a place outside an
    official's region). `county`/`township` take NBS codes (6/9/12 digits), `platform` a
    platform key, `carrier` a carrier id or code, `category` a sales class (farm, goods,
    services, unclassified); a filter a target cannot take is listed in `filters_ignored`.
    `with_verified=False` leaves the retail tile's reported-vs-verified figure out (it reads
    the year's orders; the page loads it separately so the tiles stay on the facts).
    """
    f = normalise_filters(county, township, platform, carrier, category)
    _check_scope(scope, f)
    state = facts_state()
    out = []
    for target in plan.targets.prefetch_related("years"):
        out.append(_tile(scope, plan, target, as_of, f, state, with_verified))
    return out


def _series(
    scope: Scope, plan: Plan, target: Target, as_of: date, f: Filters, state: Any
) -> tuple[_Series, tuple[str, ...]]:
    """Read a target's series and say which filters it ignores."""
    spec = REGISTRY_OF_MEASURES.get(target.measure)
    if spec is None:  # a plan edited with a key no code measures: say so, do not fail
        known = "、".join(sorted(REGISTRY_OF_MEASURES))
        label = f"未注册的度量 {target.measure!r}（已注册：{known}）"
        return _Series(False, 0, by_year={}, freshness_label=label, note=label), ()
    first = date(plan.base_year, 1, 1)
    refreshed = state.refreshed_at if state is not None else None
    fresh_label = (
        fc.Note(
            gettext_noop("事实表刷新于 %(when)s"),
            when=f"{timezone.localtime(refreshed):%Y-%m-%d %H:%M}",
        )
        if refreshed
        else fc.Note(gettext_noop("事实表尚未刷新（运行 youpin facts refresh）"))
    )
    if target.measure in SALES_MEASURES:
        ignored: tuple[str, ...] = ("carrier",) if f.carrier is not None else ()
        return (
            _Series(
                True,
                2,
                by_day=_sales_days(scope, first, as_of, f),
                freshness=refreshed,
                freshness_label=fresh_label,
            ),
            ignored,
        )
    if target.measure in PARCEL_MEASURES:
        ignored = tuple(k for k in ("platform", "category") if getattr(f, k))
        side = PARCEL_MEASURES[target.measure]
        return (
            _Series(
                True,
                0,
                by_day=_parcel_days(scope, first, as_of, side, f),
                freshness=refreshed,
                freshness_label=fresh_label,
            ),
            ignored,
        )
    if target.measure in STATION_MEASURES:
        ignored = tuple(k for k in ("platform", "carrier", "category") if getattr(f, k))
        return (
            _Series(
                False,
                0,
                openings=_station_openings(scope, f),
                freshness=timezone.now(),
                freshness_label=fc.Note(gettext_noop("站点名录现状（实时）；停用站点不计")),
            ),
            ignored,
        )
    if spec.source == MANUAL:
        ignored = tuple(k for k in ("platform", "carrier", "category") if getattr(f, k))
        rows = _manual_rows(scope, target.measure, f)
        latest = max(rows.values(), key=lambda r: r.updated_at) if rows else None
        fc_label: str
        if latest is None:
            label = fc_label = fc.Note(
                gettext_noop("尚无录入值：平台尚无数据来源，请由主管部门在后台录入")
            )
        else:
            who = latest.entered_by.get_username() if latest.entered_by else "—"
            label = fc.Note(
                gettext_noop("手工录入：%(who)s，%(when)s"),
                who=who,
                when=f"{timezone.localtime(latest.updated_at):%Y-%m-%d %H:%M}",
            )
            fc_label = ""
        return (
            _Series(
                False,
                0,
                by_year={y: r.value for y, r in rows.items()},
                freshness=latest.updated_at if latest else None,
                freshness_label=label,
                note=fc_label,
            ),
            ignored,
        )
    # any other registered measure: its yearly values through the registry, unfiltered
    ignored = tuple(k for k in ("place", "platform", "carrier", "category") if getattr(f, k))
    ignored = tuple("county" if k == "place" else k for k in ignored)
    by_year: dict[int, Decimal] = {}
    for year in range(plan.base_year, as_of.year + 1):
        mv = measure_value(target.measure, scope, year)
        if mv.value is not None:
            by_year[year] = mv.value
    return (
        _Series(
            False,
            0,
            by_year=by_year,
            freshness=refreshed,
            freshness_label=fresh_label,
            note=mv.note if by_year else "",
        ),
        ignored,
    )


def _tile(
    scope: Scope,
    plan: Plan,
    target: Target,
    as_of: date,
    f: Filters,
    state: Any,
    with_verified: bool = True,
) -> Tile:
    """Compute one tile."""
    spec = REGISTRY_OF_MEASURES.get(target.measure)
    source = spec.source if spec is not None else "unknown"
    series, ignored = _series(scope, plan, target, as_of, f, state)
    year = as_of.year
    applied = Filters(
        f.place if "county" not in ignored else "",
        f.platform if "platform" not in ignored else None,
        f.carrier if "carrier" not in ignored else None,
        f.category if "category" not in ignored else None,
    )
    path, scaled_note = _area_path(scope, plan, target, series, applied, year)
    prev_day = shift_years(as_of, -1)
    year_start, prev_start = date(year, 1, 1), date(year - 1, 1, 1)
    months: list[MonthPoint] = []
    years: list[YearPoint] = []
    ytd: Decimal | None
    ytd_prev: Decimal | None
    last_year: Decimal | None
    data_through: date | None = None
    forecast = fc.no_forecast("")
    last_complete: tuple[int, int] | None = None
    actual_by_year: dict[int, Decimal] = {}

    if series.by_day is not None:  # a flow from daily facts
        by_day = series.by_day
        nonzero = sorted(d for d, v in by_day.items() if v)
        data_through = nonzero[-1] if nonzero else None
        ytd = _to_unit(_sum_days(by_day, year_start, as_of), series.scale)
        ytd_prev = (
            _to_unit(_sum_days(by_day, prev_start, prev_day), series.scale)
            if nonzero and nonzero[0] <= prev_day
            else None
        )
        monthly: dict[tuple[int, int], int] = {}
        for d, v in by_day.items():
            monthly[(d.year, d.month)] = monthly.get((d.year, d.month), 0) + v
        if nonzero:
            first_m = (nonzero[0].year, nonzero[0].month)
            last_complete = (
                (as_of.year, as_of.month)
                if as_of == _month_end(as_of.year, as_of.month)
                else ((as_of.year, as_of.month - 1) if as_of.month > 1 else (as_of.year - 1, 12))
            )
            fit = [monthly.get(ym, 0) for ym in _months(first_m, last_complete)]
            forecast = fits.monthly(fit, first_m, max(plan.target_year, year), flow=True)
            for y in range(first_m[0], year + 1):
                actual_by_year[y] = _to_unit(
                    _sum_days(by_day, date(y, 1, 1), min(as_of, date(y, 12, 31))), series.scale
                )
        for ym in _months((max(plan.base_year, year - 2), 1), (year, as_of.month)):
            planned = path.get(ym[0])
            months.append(
                MonthPoint(
                    _month_key(*ym),
                    _to_unit(monthly.get(ym, 0), series.scale)
                    if nonzero and ym >= (nonzero[0].year, nonzero[0].month)
                    else None,
                    (planned / 12).quantize(CENT) if planned is not None else None,
                )
            )
        last_year = actual_by_year.get(year - 1)
    elif series.openings is not None:  # a level from the registry
        openings = series.openings
        ytd = Decimal(_level_at(openings, as_of))
        ytd_prev = Decimal(_level_at(openings, prev_day))
        data_through = as_of
        first_known = min((o for o in openings if o is not None), default=None)
        start = (first_known.year, first_known.month) if first_known else (year, 1)
        start = min(start, (plan.base_year + 1, 1))
        last_complete = (
            (as_of.year, as_of.month)
            if as_of == _month_end(as_of.year, as_of.month)
            else ((as_of.year, as_of.month - 1) if as_of.month > 1 else (as_of.year - 1, 12))
        )
        fit = [_level_at(openings, _month_end(*ym)) for ym in _months(start, last_complete)]
        forecast = fits.monthly(fit, start, max(plan.target_year, year), flow=False)
        for y in range(plan.base_year, year + 1):
            actual_by_year[y] = Decimal(_level_at(openings, min(as_of, date(y, 12, 31))))
        for ym in _months((max(plan.base_year, year - 2), 1), (year, as_of.month)):
            months.append(
                MonthPoint(
                    _month_key(*ym),
                    Decimal(_level_at(openings, min(as_of, _month_end(*ym)))),
                    path.get(ym[0]),
                )
            )
        last_year = actual_by_year.get(year - 1)
    else:  # yearly values
        by_year = series.by_year or {}
        ytd = by_year.get(year)
        ytd_prev = by_year.get(year - 1)
        last_year = ytd_prev
        actual_by_year = dict(by_year)
        known = {y: float(v) for y, v in by_year.items() if y < year or as_of >= date(y, 12, 31)}
        if target.trajectory != Trajectory.EACH_YEAR or known:
            forecast = fits.yearly(known, max(plan.target_year, year))

    # forecast into the month points and the year points
    for ym, est in sorted(forecast.months.items()):
        if ym[0] > year + 1 and ym[0] > plan.target_year:
            break
        planned = path.get(ym[0])
        if planned is not None and series.flow:
            planned = (planned / 12).quantize(CENT)
        months.append(
            MonthPoint(
                _month_key(*ym),
                None,
                planned,
                _scaled(est.mean, series.scale),
                _scaled(est.lower, series.scale),
                _scaled(est.upper, series.scale),
            )
        )
    months = _merge_months(months)
    for y in range(plan.base_year, max(plan.target_year, year) + 1):
        y_est = forecast.years.get(y)
        years.append(
            YearPoint(
                y,
                actual_by_year.get(y) if y <= year else None,
                path.get(y),
                partial=(y == year and as_of < date(y, 12, 31)),
                forecast=_scaled(y_est.mean, series.scale) if y_est else None,
                lower=_scaled(y_est.lower, series.scale) if y_est else None,
                upper=_scaled(y_est.upper, series.scale) if y_est else None,
            )
        )

    target_value = path.get(plan.target_year, target.target_value)
    year_planned = path.get(year)
    eval_year = plan.target_year
    if target.trajectory == Trajectory.EACH_YEAR:
        eval_year = min(year, plan.target_year)
    status, reason, _est = _status(
        target, eval_year, as_of, path.get(eval_year), actual_by_year, forecast, series.scale
    )
    year_est = forecast.years.get(year)
    target_est = forecast.years.get(plan.target_year)
    note = "；".join(n for n in (scaled_note, series.note or target.note) if n)
    return Tile(
        code=target.code,
        name=target.name,
        unit=target.unit,
        unit_label=str(UNIT_LABELS.get(target.unit, target.unit)),
        measure=target.measure,
        at_least=target.at_least,
        year=year,
        as_of=as_of,
        ytd=ytd,
        ytd_previous=ytd_prev,
        yoy_pct=_growth(ytd, ytd_prev),
        year_planned=year_planned,
        year_pct=_pct(ytd, year_planned),
        last_year=last_year,
        last_year_planned=path.get(year - 1),
        target_year=plan.target_year,
        target_value=target_value,
        target_pct=_pct(ytd, target_value),
        year_forecast=_scaled(year_est.mean, series.scale) if year_est else None,
        year_lower=_scaled(year_est.lower, series.scale) if year_est else None,
        year_upper=_scaled(year_est.upper, series.scale) if year_est else None,
        target_forecast=_scaled(target_est.mean, series.scale) if target_est else None,
        target_lower=_scaled(target_est.lower, series.scale) if target_est else None,
        target_upper=_scaled(target_est.upper, series.scale) if target_est else None,
        status=status,
        status_label=fc.STATUS_LABELS[status],
        status_reason=reason,
        forecast_method=forecast.method,
        forecast_note=forecast.note,
        forecast_level=forecast.level,
        source=source,
        source_label=SOURCE_LABELS.get(source, gettext_noop("无数据来源")),
        freshness=series.freshness,
        freshness_label=series.freshness_label,
        data_through=data_through,
        months=tuple(months),
        years=tuple(years),
        filters_ignored=tuple(FILTER_LABELS[k] for k in ignored),
        note=note,
        verified=(
            verified_sales(scope, year_start, as_of, f)
            if with_verified and target.measure in SALES_MEASURES
            else None
        ),
    )


def _narrowed(scope: Scope, plan: Plan, f: Filters) -> bool:
    """True when the tile shows part of the plan's region or trade (a place, platform, …)."""
    if f.place or f.platform or f.category or f.carrier is not None:
        return True
    plan_prefix = code_prefix(plan.region_code)
    return scope.role == Role.OFFICIAL and scope.region_prefix != plan_prefix


def _area_path(
    scope: Scope, plan: Plan, target: Target, series: _Series, f: Filters, year: int
) -> tuple[dict[int, Decimal], str]:
    """The target's yearly path, scaled to the shown part when the tile shows only part.

    A county, township, platform, class or carrier has no plan of its own. For a flow the
    plan's path is scaled so that it passes through the part's actual value of the year
    before the as-of year: the part is then judged on keeping the plan's growth. Other
    targets keep the plan's (whole-region) values, and the note says so.
    """
    path = target_path(target)
    if not _narrowed(scope, plan, f):
        return path, ""
    ref = year - 1
    if series.by_day is not None and path.get(ref):
        raw = _sum_days(series.by_day, date(ref, 1, 1), date(ref, 12, 31))
        actual = _to_unit(raw, series.scale)
        if actual > 0:
            factor = actual / path[ref]
            scaled = {y: (v * factor).quantize(CENT) for y, v in path.items()}
            return scaled, (
                f"所选范围无单独规划：计划值按规划的逐年增长路径、以{ref}年实际值"
                f"（{actual}）为基数折算"
            )
    return path, "所选范围无单独规划：计划值与目标值为规划地区（全市）的数值"


def _fmt(value: Decimal) -> str:
    """A value with thousands separators (two places when it has cents)."""
    return f"{value:,.2f}" if value != value.to_integral_value() else f"{value:,.0f}"


def _scaled(value: float, scale: int) -> Decimal:
    """A forecast float (raw units: fen or pieces) in the tile's unit."""
    if scale:
        return Decimal(str(value)).scaleb(-scale).quantize(CENT, rounding=ROUND_HALF_UP)
    return Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _merge_months(points: list[MonthPoint]) -> list[MonthPoint]:
    """One point per month (an actual month and its forecast merge), in time order."""
    out: dict[str, MonthPoint] = {}
    for p in points:
        seen = out.get(p.month)
        if seen is None:
            out[p.month] = p
        else:
            out[p.month] = MonthPoint(
                p.month,
                seen.actual if seen.actual is not None else p.actual,
                seen.planned if seen.planned is not None else p.planned,
                p.forecast if p.forecast is not None else seen.forecast,
                p.lower if p.lower is not None else seen.lower,
                p.upper if p.upper is not None else seen.upper,
            )
    return [out[k] for k in sorted(out)]


def _status(
    target: Target,
    eval_year: int,
    as_of: date,
    planned: Decimal | None,
    actual_by_year: dict[int, Decimal],
    forecast: fc.Forecast,
    scale: int,
) -> tuple[str, str, fc.Estimate | None]:
    """Status of a target for the year it is judged on, and the sentence that explains it."""
    if planned is None:
        return fc.UNKNOWN, fc.Note(gettext_noop("%(year)s年无计划值"), year=eval_year), None
    if as_of >= date(eval_year, 12, 31) and eval_year in actual_by_year:
        actual = float(actual_by_year[eval_year])
        est = fc.Estimate(actual, actual, actual)
        status = fc.track_status(float(planned), est, at_least=target.at_least)
        message = (
            gettext_noop("%(year)s年实际 %(done)s，已达到计划值 %(planned)s")
            if status == fc.ON_TRACK
            else gettext_noop("%(year)s年实际 %(done)s，未达到计划值 %(planned)s")
        )
        sentence = fc.Note(
            message,
            year=eval_year,
            done=_fmt(actual_by_year[eval_year]),
            planned=_fmt(planned),
        )
        return status, sentence, est
    raw = forecast.years.get(eval_year)
    if raw is None:
        why = forecast.note or fc.Note(gettext_noop("无预测"))
        return (
            fc.UNKNOWN,
            fc.Note(gettext_noop("无法预测%(year)s年：%(why)s"), year=eval_year, why=why),
            None,
        )
    div = 10**scale
    est = fc.Estimate(raw.mean / div, raw.lower / div, raw.upper / div)
    status = fc.track_status(float(planned), est, at_least=target.at_least)
    pct = int(forecast.level * 100)
    sentence = fc.Note(
        gettext_noop(
            "预测%(year)s年 %(mean)s（%(pct)s%%区间 %(lower)s–%(upper)s），计划值 %(planned)s"
        ),
        year=eval_year,
        mean=_fmt(_scaled(raw.mean, scale)),
        pct=pct,
        lower=_fmt(_scaled(raw.lower, scale)),
        upper=_fmt(_scaled(raw.upper, scale)),
        planned=_fmt(planned),
    )
    return status, sentence, est


# ---------------------------------------------------------------------------------------
# Reported vs verified sales (issue 8)


def verified_for_query(
    scope: Scope,
    as_of: date,
    *,
    county: str | None = None,
    township: str | None = None,
    platform: str | None = None,
) -> VerifiedSales:
    """Reported and verified sales from 1 January to the as-of day, for the page's panel."""
    f = normalise_filters(county, township, platform, None, None)
    _check_scope(scope, f)
    return verified_sales(scope, date(as_of.year, 1, 1), as_of, f)


def verified_sales(scope: Scope, first: date, last: date, f: Filters) -> VerifiedSales:
    """Net sales of Zhongwei sellers in the days, reported and split by verification state.

    Read from the per-place sales facts, like the tile's own value (the same filters, so
    "reported" is the tile's figure): each fact row carries its net split by the orders'
    verification state at the last facts refresh (trust); orders not yet verified by
    `youpin trust refresh` are "not checked". One aggregate over the days' rows.
    """
    row = _local_sales(scope, first, last, f).aggregate(
        reported=Sum("net_fen"),
        verified=Sum("verified_fen"),
        unverified=Sum("unverified_fen"),
        suspicious=Sum("suspicious_fen"),
        orders=Sum("lead_orders"),
        verified_orders=Sum("verified_orders"),
    )
    fen = {k: int(v or 0) for k, v in row.items()}
    not_checked = fen["reported"] - fen["verified"] - fen["unverified"] - fen["suspicious"]
    state = facts_state()
    return VerifiedSales(
        reported=_money(fen["reported"]),
        verified=_money(fen["verified"]),
        unverified=_money(fen["unverified"]),
        suspicious=_money(fen["suspicious"]),
        not_checked=_money(not_checked),
        reported_orders=fen["orders"],
        verified_orders=fen["verified_orders"],
        verified_pct=_pct(_money(fen["verified"]), _money(fen["reported"])),
        computed_at=state.refreshed_at if state is not None else None,
    )


# ---------------------------------------------------------------------------------------
# Drill-down: the chosen measure by county or township (the map and the table)


@dataclass(frozen=True)
class AreaValue:
    """A measure's year-to-date value in one county or township, with last year's."""

    code: str
    value: Decimal
    previous: Decimal
    yoy_pct: Decimal | None


MAP_MEASURES = {
    "retail_sales": gettext_noop("网络零售额（元）"),
    "express_volume": gettext_noop("快递业务量（件）"),
    "delivered_volume": gettext_noop("派送量（件）"),
}


def by_area(
    scope: Scope,
    measure: str,
    as_of: date,
    *,
    county: str | None = None,
    platform: str | None = None,
    carrier: Any = None,
    category: str | None = None,
) -> list[AreaValue]:
    """Year to date by county (or by township inside a county), and the same days last year.

    Two grouped queries over the facts (this year, last year's same days); only the measures
    in `MAP_MEASURES`.
    """
    f = normalise_filters(county, None, platform, carrier, category)
    _check_scope(scope, f)
    if measure not in MAP_MEASURES:
        raise ValueError(f"地图不支持该度量：{measure!r}")
    level = "township" if f.place else "county"
    year_start = date(as_of.year, 1, 1)
    prev_first, prev_last = date(as_of.year - 1, 1, 1), shift_years(as_of, -1)
    period = Q(day__gte=year_start, day__lte=as_of) | Q(day__gte=prev_first, day__lte=prev_last)
    if measure in SALES_MEASURES:
        qs: Any = sales_places_visible(scope)
        if qs is None:
            raise PermissionDenied("该角色无权查看驾驶舱")
        qs = qs.filter(local_seller=True)
        if f.platform:
            qs = qs.filter(platform=f.platform)
        if f.category:
            qs = qs.filter(sales_class=f.category)
        field, scale = "net_fen", 2
    else:
        qs = parcel_facts_visible(scope).filter(side=PARCEL_MEASURES[measure])
        if f.carrier is not None:
            qs = qs.filter(carrier_id=f.carrier)
        field, scale = "parcels", 0
    if f.place:
        qs = qs.filter(region_filter(f.place))
    qs = qs.filter(period)
    cur: dict[str, int] = {}
    prev: dict[str, int] = {}
    for r in qs.filter(day__gte=year_start).order_by().values(level).annotate(v=Sum(field)):
        cur[r[level]] = int(r["v"] or 0)
    for r in qs.filter(day__lt=year_start).order_by().values(level).annotate(v=Sum(field)):
        prev[r[level]] = int(r["v"] or 0)
    out = []
    for code in sorted(set(cur) | set(prev)):
        value, before = _to_unit(cur.get(code, 0), scale), _to_unit(prev.get(code, 0), scale)
        out.append(AreaValue(code, value, before, _growth(value, before)))
    out.sort(key=lambda a: -a.value)
    return out


def region_code_of(scope: Scope) -> str:
    """The 12-digit code of the scope's region (the platform's for the operator)."""
    if scope.role == Role.OFFICIAL and scope.region_code:
        return scope.region_code
    return str(settings.YOUPIN_REGION_CODE)


__all__ = [
    "AreaValue",
    "MonthPoint",
    "Tile",
    "VerifiedSales",
    "YearPoint",
    "by_area",
    "default_as_of",
    "tiles",
    "verified_for_query",
    "verified_sales",
]
