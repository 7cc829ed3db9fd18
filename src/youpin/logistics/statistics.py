"""The express-volume statistic of the plan (G2, 快递业务量), counted from parcels and events.

Definitions (docs/STATISTICS.md, "Express volume"; the same rules, pure, in
`statistics_formulas`):

* **Collected in the region** (揽收): the sender place is inside; when the parcel has no
  sender place, one of its `picked_up` events took place inside.
* **Delivered in the region** (派送): the recipient place is inside; when it has none, a
  `delivered` event took place inside, or a `delivered` / `ready_for_pickup` event happened
  at a station inside.
* **Outbound** (出港): collected inside, not delivered inside. **Inbound** (进港): delivered
  inside, not collected inside. **Intra** (区内互寄): both — a third bucket, never counted twice.
* **Express volume** (the plan's figure) = parcels collected in the region (outbound + intra),
  dated by `collected_at`. **Delivered volume** = parcels delivered in the region (inbound +
  intra), dated by `delivered_at`. Periods are calendar periods in Asia/Shanghai.

How it is counted (`statistics_queries`): one SQL statement reads the parcels collected or
delivered in this period and the same period last year, and their events once, and groups
both sides by period, direction and — when a breakdown needs them — month, place and
carrier; every breakdown except `day` and `year` (one statement each) is summed from those
rows. Periods are range filters and CASE expressions over their edges, never per-row date
functions, so it runs the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.core.periods import years_spanned
from youpin.geo.models import Level, Place
from youpin.geo.selectors import place_get
from youpin.logistics.models import Carrier, Parcel
from youpin.logistics.statistics_formulas import (
    DEFAULT_DIMENSIONS,
    DIRECTION_LABELS,
    ZERO,
    Direction,
    Measures,
    check_period,
    county_of,
    day_starts,
    growth_percent,
    month_starts,
    parse_dimensions,
    period_bounds,
    same_day_last_year,
    sum_measures,
    township_of,
)
from youpin.logistics.statistics_queries import COLLECTED, Cell, Counted, Grouping, Scan, count

YEARS_SHOWN = 10  # the `year` breakdown goes back at most this many years
UNRESOLVED = ""  # key of the row of parcels whose place is known only above that level

DEFINITION = (
    "快递业务量（计划口径）= 在区域内揽收的包裹（出港 + 区内互寄），按揽收时间（北京时间）计；"
    "派送量 = 在区域内派送签收的包裹（进港 + 区内互寄），按签收时间计。"
    "揽收地取寄件地，缺失时看“已揽收”轨迹的地点；派送地取收件地，缺失时看“已签收”轨迹的"
    "地点或签收/待取件站点所在地。区内揽收且区内派送的包裹单列为“区内互寄”，不重复计算。"
)


# ----------------------------------------------------------------------------- counting


@dataclass(frozen=True)
class Fact:
    """A cell of the main grouping: a period (or month), and if asked, place and carrier."""

    start: datetime
    place: str
    carrier_id: int | None
    direction: Direction
    measures: Measures


def _direction(cell: Cell) -> Direction:
    """Collected cells go out or stay inside; delivered ones came in or were sent inside."""
    if cell.other_inside:
        return Direction.INTRA
    return Direction.OUTBOUND if cell.side == COLLECTED else Direction.INBOUND


def _groupings(
    base: QuerySet[Parcel], year: int, month: int | None, dims: set[str]
) -> list[Grouping]:
    """What the report's one statement groups by.

    `main`: this period and the same period last year, by direction — and by month, place
    (6 or 9 leading digits) and carrier when a requested breakdown needs them; every
    breakdown but `day` and `year` is summed from it. `day` and `year` add their own.
    """
    spans = [period_bounds(year - 1, month), period_bounds(year, month)]
    if "month" in dims:
        edges = sorted({*month_starts(year - 1, month), *month_starts(year, month)})
    else:
        edges = sorted({edge for span in spans for edge in span})
    groupings = [
        Grouping(
            "main",
            spans,
            edges,
            place_digits=9 if "township" in dims else 6 if "county" in dims else 0,
            by_carrier="carrier" in dims,
        )
    ]
    if "day" in dims:
        days = sorted({*day_starts(year - 1, month), *day_starts(year, month)})
        groupings.append(Grouping("day", spans, days))
    if "year" in dims:
        first = next(years_spanned(base.filter(collected_at__isnull=False), "collected_at"), year)
        first = max(min(first, year), year - YEARS_SHOWN + 1)
        years = [period_bounds(y, month) for y in range(first - 1, year + 1)]
        groupings.append(Grouping("year", years, sorted({e for span in years for e in span})))
    return groupings


def _facts(counted: Counted, edges: Sequence[datetime]) -> list[Fact]:
    """The cells of the main grouping as facts."""
    return [
        Fact(
            start=edges[cell.bucket],
            place=cell.place,
            carrier_id=cell.carrier_id,
            direction=_direction(cell),
            measures=cell.measures,
        )
        for cell in counted.of("main")
    ]


def _by_start(cells: Iterable[Cell], edges: Sequence[datetime]) -> dict[datetime, Measures]:
    """Both sides' measures per period, keyed by the period's first instant."""
    out: dict[datetime, Measures] = {}
    for cell in cells:
        start = edges[cell.bucket]
        out[start] = out.get(start, ZERO) + cell.measures
    return out


# ----------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class ReportRegion:
    """The region a report is about: its code, name and the code prefix of places inside."""

    code: str
    name: str
    prefix: str


@dataclass(frozen=True)
class ExpressRow:
    """One row of a breakdown (or the total): this period's measures beside last year's."""

    key: str
    label: str
    current: Measures
    previous: Measures | None

    @property
    def collected_growth(self) -> float | None:
        """Year-on-year growth of the collected volume, in percent."""
        return growth_percent(
            self.current.collected, self.previous.collected if self.previous else None
        )

    @property
    def delivered_growth(self) -> float | None:
        """Year-on-year growth of the delivered volume, in percent."""
        return growth_percent(
            self.current.delivered, self.previous.delivered if self.previous else None
        )

    def as_dict(self) -> dict[str, Any]:
        """The row as plain JSON-ready values."""
        now, before = self.current, self.previous
        return {
            "key": self.key,
            "label": self.label,
            "collected": now.collected,
            "collected_previous": before.collected if before else None,
            "collected_growth_pct": self.collected_growth,
            "delivered": now.delivered,
            "delivered_previous": before.delivered if before else None,
            "delivered_growth_pct": self.delivered_growth,
            "e_waybill": now.collected_e_waybill,
            "e_waybill_share_pct": now.e_waybill_share,
            "delivered_at_station": now.delivered_at_station,
            "station_share_pct": now.station_share,
            "delivered_at_locker": now.delivered_at_locker,
            "locker_share_pct": now.locker_share,
            "collected_mean_hours": now.collected_mean_hours,
            "delivered_mean_hours": now.delivered_mean_hours,
        }


@dataclass(frozen=True)
class ExpressReport:
    """Express volume of a region in a year or month, with its breakdowns."""

    region: ReportRegion
    year: int
    month: int | None
    start: datetime
    end: datetime
    carrier_code: str | None
    carrier_name: str | None
    total: ExpressRow
    directions: list[ExpressRow]
    collected_median_hours: float | None
    delivered_median_hours: float | None
    breakdowns: dict[str, list[ExpressRow]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The whole report as plain JSON-ready values (what the API and `--json` print)."""
        return {
            "statistic": "express_volume",
            "definition": DEFINITION,
            "region": {
                "code": self.region.code,
                "name": self.region.name,
                "prefix": self.region.prefix,
            },
            "carrier": (
                {"code": self.carrier_code, "name": self.carrier_name}
                if self.carrier_code
                else None
            ),
            "year": self.year,
            "month": self.month,
            "period": {
                "start": self.start.isoformat(),
                "end": self.end.isoformat(),
                "timezone": "Asia/Shanghai",
            },
            "total": self.total.as_dict(),
            "directions": [row.as_dict() for row in self.directions],
            "median_hours": {
                "collected": self.collected_median_hours,
                "delivered": self.delivered_median_hours,
            },
            "breakdowns": {
                name: [row.as_dict() for row in rows] for name, rows in self.breakdowns.items()
            },
        }


# ----------------------------------------------------------------------------- scope


def _region(code: str) -> ReportRegion:
    """A region by its code; ValueError for a malformed or unknown code."""
    try:
        place = place_get(code)
    except Place.DoesNotExist as exc:
        raise ValueError(f"未知的区划代码：{code}") from exc
    return ReportRegion(code=place.code, name=place.name, prefix=place.prefix)


def express_scope(
    scope: Scope, region_code: str | None = None
) -> tuple[ReportRegion, QuerySet[Parcel], Carrier | None]:
    """The region, parcels and carrier a role's report covers; PermissionDenied for others.

    Officials get their own region (or a part of it); carriers their own parcels; the operator
    everything. The region defaults to the installation's home region (YOUPIN_REGION_CODE).
    """
    if scope.role == Role.OFFICIAL and scope.region_code:
        own = _region(scope.region_code)
        region = _region(region_code) if region_code else own
        if not region.prefix.startswith(own.prefix):
            raise PermissionDenied("只能查看本人管辖区域内的快递业务量")
        return region, Parcel.objects.all(), None
    if scope.role == Role.OPERATOR:
        return _region(region_code or settings.YOUPIN_REGION_CODE), Parcel.objects.all(), None
    if scope.role == Role.CARRIER and scope.carrier_id is not None:
        carrier = Carrier.objects.get(pk=scope.carrier_id)
        region = _region(region_code or settings.YOUPIN_REGION_CODE)
        return region, Parcel.objects.filter(carrier_id=carrier.pk), carrier
    raise PermissionDenied("快递业务量统计仅对政府官员、平台运营方和快递公司开放")


# ----------------------------------------------------------------------------- breakdowns


@dataclass(frozen=True)
class _Context:
    """Everything the breakdowns of one report are built from."""

    prefix: str
    year: int
    month: int | None
    facts: list[Fact]
    groupings: dict[str, Grouping]
    counted: Counted

    def by_start(self, grouping: str) -> dict[datetime, Measures]:
        """Both sides' measures per period of a grouping, keyed by the period's first instant."""
        return _by_start(self.counted.of(grouping), self.groupings[grouping].edges)

    def split(self, key: Callable[[Fact], Any]) -> tuple[dict[Any, Measures], dict[Any, Measures]]:
        """Facts summed by a key, for this period and for the same period last year."""
        now: dict[Any, Measures] = {}
        before: dict[Any, Measures] = {}
        for fact in self.facts:
            into = now if fact.start.year == self.year else before
            k = key(fact)
            into[k] = into.get(k, ZERO) + fact.measures
        return now, before


def _rows(
    keys: Iterable[Any],
    now: dict[Any, Measures],
    before: dict[Any, Measures],
    label: Callable[[Any], tuple[str, str]],
    previous_key: Callable[[Any], Any] = lambda k: k,
) -> list[ExpressRow]:
    """Rows for some keys: (key, label) from `label`, this period's cell beside last year's."""
    rows = []
    for key in keys:
        shown_key, shown_label = label(key)
        prior = previous_key(key)
        rows.append(
            ExpressRow(
                key=shown_key,
                label=shown_label,
                current=now.get(key, ZERO),
                previous=None if prior is None else before.get(prior, ZERO),
            )
        )
    return rows


def _direction_rows(ctx: _Context) -> list[ExpressRow]:
    """Outbound, intra and inbound parcels, beside last year's."""
    now, before = ctx.split(lambda f: f.direction)
    order = [Direction.OUTBOUND, Direction.INTRA, Direction.INBOUND]
    return _rows(order, now, before, lambda d: (str(d), DIRECTION_LABELS[d]))


def _place_code(leading: str) -> str:
    """A full 12-digit code from the leading digits of a place code."""
    return leading.ljust(12, "0") if leading else ""


def _county_rows(ctx: _Context) -> list[ExpressRow]:
    """Each county of the region (and any with parcels), by collection / delivery place."""
    now, before = ctx.split(lambda f: county_of(_place_code(f.place)) or UNRESOLVED)
    counties = set(
        Place.objects.filter(level=Level.COUNTY, code__startswith=ctx.prefix).values_list(
            "code", flat=True
        )
    )
    keys = sorted(counties | set(now) | set(before), key=lambda k: (k == UNRESOLVED, k))
    names = dict(Place.objects.filter(code__in=keys).values_list("code", "name"))
    return _rows(keys, now, before, lambda k: (k, names.get(k, k) if k else "（未细分到县区）"))


def _township_rows(ctx: _Context) -> list[ExpressRow]:
    """Each township with parcels, by collection / delivery place."""
    now, before = ctx.split(lambda f: township_of(_place_code(f.place)) or UNRESOLVED)
    keys = sorted(set(now) | set(before), key=lambda k: (k == UNRESOLVED, k))
    wanted = [*keys, *(county_of(k) or "" for k in keys)]
    names = dict(Place.objects.filter(code__in=wanted).values_list("code", "name"))

    def label(code: str) -> tuple[str, str]:
        if not code:
            return code, "（未细分到乡镇）"
        county = names.get(county_of(code) or "", "")
        return code, f"{county} {names.get(code, code)}".strip()

    return _rows(keys, now, before, label)


def _carrier_rows(ctx: _Context) -> list[ExpressRow]:
    """Each carrier with parcels, most collected first."""
    now, before = ctx.split(lambda f: f.carrier_id)
    carriers = {c.pk: c for c in Carrier.objects.filter(pk__in=set(now) | set(before))}
    keys = sorted(
        set(now) | set(before),
        key=lambda k: (-now.get(k, ZERO).collected, -now.get(k, ZERO).delivered, carriers[k].code),
    )
    return _rows(keys, now, before, lambda k: (carriers[k].code, carriers[k].name))


def _month_rows(ctx: _Context) -> list[ExpressRow]:
    """Each month of the period, beside the same month last year."""
    now, before = ctx.split(lambda f: f.start.month)
    starts = month_starts(ctx.year, ctx.month)[:-1]
    return _rows(
        [s.month for s in starts],
        now,
        before,
        lambda m: (f"{ctx.year}-{m:02d}", f"{ctx.year} 年 {m} 月"),
    )


def _day_rows(ctx: _Context) -> list[ExpressRow]:
    """Each day of the period, beside the same calendar day last year."""
    cells = {start.date(): cell for start, cell in ctx.by_start("day").items()}
    days = [start.date() for start in day_starts(ctx.year, ctx.month)[:-1]]
    return _rows(
        days,
        cells,
        cells,
        lambda d: (d.isoformat(), d.isoformat()),
        same_day_last_year,
    )


def _year_rows(ctx: _Context) -> list[ExpressRow]:
    """The same period in each year up to the report's, each beside the year before."""
    by_year = {start.year: cell for start, cell in ctx.by_start("year").items()}
    years = [span[0].year for span in ctx.groupings["year"].spans][1:]
    suffix = "" if ctx.month is None else f" {ctx.month} 月"
    return _rows(
        years,
        by_year,
        by_year,
        lambda y: (str(y), f"{y} 年{suffix}"),
        lambda y: y - 1,
    )


_BREAKDOWNS: dict[str, Callable[[_Context], list[ExpressRow]]] = {
    "year": _year_rows,
    "month": _month_rows,
    "day": _day_rows,
    "county": _county_rows,
    "township": _township_rows,
    "carrier": _carrier_rows,
    "direction": _direction_rows,
}


def express_volume(
    scope: Scope,
    *,
    year: int,
    month: int | None = None,
    by: Iterable[str] = DEFAULT_DIMENSIONS,
    region_code: str | None = None,
) -> ExpressReport:
    """Express volume (collected) and delivered volume of a region in a year or month.

    Scoped by role (see `express_scope`); ValueError for a bad year, month, region or
    breakdown name, PermissionDenied for roles without access.
    """
    check_period(year, month)
    dimensions = parse_dimensions(by)
    region, base, carrier = express_scope(scope, region_code)
    scan = Scan(prefix=region.prefix, carrier_id=carrier.pk if carrier else None)
    groupings = _groupings(base, year, month, set(dimensions))
    span = period_bounds(year, month)
    counted = count(scan, groupings, medians_for=span)
    ctx = _Context(
        prefix=region.prefix,
        year=year,
        month=month,
        facts=_facts(counted, groupings[0].edges),
        groupings={g.name: g for g in groupings},
        counted=counted,
    )
    directions = _direction_rows(ctx)
    total = ExpressRow(
        key="total",
        label="合计",
        current=sum_measures(r.current for r in directions),
        previous=sum_measures(r.previous or ZERO for r in directions),
    )
    return ExpressReport(
        region=region,
        year=year,
        month=month,
        start=span[0],
        end=span[1],
        carrier_code=carrier.code if carrier else None,
        carrier_name=carrier.name if carrier else None,
        total=total,
        directions=directions,
        collected_median_hours=counted.collected_median_hours,
        delivered_median_hours=counted.delivered_median_hours,
        breakdowns={name: _BREAKDOWNS[name](ctx) for name in dimensions},
    )
