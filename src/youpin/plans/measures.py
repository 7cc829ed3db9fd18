"""The measures registry: a key names the function that gives a target's current value.

Every function takes a `Scope` and a year and returns a `MeasureValue`. Figures the
platform holds come from the daily facts (`youpin.facts.selectors`) or the station
registry; figures it holds no data for (training, enterprises in the base, demonstration
enterprises, incubated hosts) are read from values officials enter by hand
(`ManualValue`) and say "no data source yet" when none was entered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.commerce.retail_queries import code_prefix
from youpin.facts.models import ParcelSide
from youpin.facts.selectors import SalesQuery, active_hosts, parcel_totals, sales_totals

FACTS, REGISTRY, MANUAL = "facts", "registry", "manual"


@dataclass(frozen=True)
class MeasureValue:
    """A measured value (None when there is none), where it comes from, and a note."""

    value: Decimal | None
    source: str
    note: str = ""


MeasureFn = Callable[[Scope, int], MeasureValue]


@dataclass(frozen=True)
class MeasureSpec:
    """A registered measure: key, Chinese label, unit, source kind and function."""

    key: str
    label: str
    unit: str
    source: str
    fn: MeasureFn


REGISTRY_OF_MEASURES: dict[str, MeasureSpec] = {}


def register(key: str, label: str, unit: str, source: str) -> Callable[[MeasureFn], MeasureFn]:
    """Register a measure function under a key."""

    def wrap(fn: MeasureFn) -> MeasureFn:
        REGISTRY_OF_MEASURES[key] = MeasureSpec(key, label, unit, source, fn)
        return fn

    return wrap


def measure_spec(key: str) -> MeasureSpec:
    """The registered measure of a key, or a ValueError naming the known keys."""
    try:
        return REGISTRY_OF_MEASURES[key]
    except KeyError:
        known = ", ".join(sorted(REGISTRY_OF_MEASURES))
        raise ValueError(f"未注册的度量：{key!r}（已注册：{known}）") from None


def measure_value(key: str, scope: Scope, year: int) -> MeasureValue:
    """The value of a measure for a year in a scope (operator or official only)."""
    if scope.role not in (Role.OPERATOR, Role.OFFICIAL):
        raise PermissionDenied("只有运营方和主管部门可以查看规划进度")
    return measure_spec(key).fn(scope, year)


def scope_region_code(scope: Scope) -> str:
    """The 12-digit code of the region a scope tracks (the platform's region for the operator)."""
    if scope.role == Role.OFFICIAL and scope.region_code:
        return scope.region_code
    return str(settings.YOUPIN_REGION_CODE)


def _year(year: int) -> tuple[date, date]:
    """The first and last day of a year."""
    return date(year, 1, 1), date(year, 12, 31)


@register("retail_sales", "网络零售额（中卫卖家，扣除退款）", "cny", FACTS)
def retail_sales(scope: Scope, year: int) -> MeasureValue:
    """Net online retail sales of Zhongwei sellers in the year, in CNY."""
    first, last = _year(year)
    totals = sales_totals(scope, SalesQuery(first, last, local_only=True))
    return MeasureValue(Decimal(totals["net_fen"]).scaleb(-2), FACTS)


@register("express_volume", "快递业务量（揽收）", "pieces", FACTS)
def express_volume(scope: Scope, year: int) -> MeasureValue:
    """Parcels collected in the region in the year."""
    first, last = _year(year)
    totals = parcel_totals(scope, first, last, side=ParcelSide.COLLECTED)
    return MeasureValue(Decimal(totals["parcels"]), FACTS)


@register("delivered_volume", "派送量", "pieces", FACTS)
def delivered_volume(scope: Scope, year: int) -> MeasureValue:
    """Parcels delivered in the region in the year (tracked beside the express volume)."""
    first, last = _year(year)
    totals = parcel_totals(scope, first, last, side=ParcelSide.DELIVERED)
    return MeasureValue(Decimal(totals["parcels"]), FACTS)


@register("active_hosts", "有销售的达人数", "people", FACTS)
def hosts_with_sales(scope: Scope, year: int) -> MeasureValue:
    """Livestream hosts with sales of Zhongwei sellers in the year (not "incubated")."""
    first, last = _year(year)
    n = active_hosts(scope, SalesQuery(first, last, local_only=True))
    return MeasureValue(Decimal(n), FACTS, "有带货销售的达人，不等于孵化人数")


@register("township_stations", "电商快递兴农超市（乡镇融合站点）", "stations", REGISTRY)
def township_stations(scope: Scope, year: int) -> MeasureValue:
    """Active township stations in the region opened by the end of the year (station registry)."""
    from youpin.stations.models import Station, StationKind

    prefix = code_prefix(scope_region_code(scope))
    opened = Q(opened_on__isnull=True) | Q(opened_on__lte=date(year, 12, 31))
    n = (
        Station.objects.filter(kind=StationKind.TOWNSHIP, is_active=True)
        .filter(place__code__startswith=prefix)
        .filter(opened)
        .count()
    )
    return MeasureValue(Decimal(n), REGISTRY, "站点名录现状；停用站点不计")


NO_SOURCE = "平台尚无数据来源，请由主管部门在后台录入"


def _manual(key: str) -> MeasureFn:
    """A measure read from the value entered by hand for the scope's region and the year."""

    def fn(scope: Scope, year: int) -> MeasureValue:
        from youpin.plans.models import ManualValue

        row = ManualValue.objects.filter(
            measure=key, region_code=scope_region_code(scope), year=year
        ).first()
        if row is None:
            return MeasureValue(None, MANUAL, NO_SOURCE)
        who = row.entered_by.get_username() if row.entered_by else "—"
        return MeasureValue(
            row.value, MANUAL, f"手工录入：{who}，{row.updated_at:%Y-%m-%d %H:%M}；{row.note}"
        )

    fn.__doc__ = f"The hand-entered value of {key}."
    return fn


for _key, _label, _unit in (
    ("base_enterprises", "电商谷聚集主体企业", "enterprises"),
    ("demonstration_enterprises", "协同发展示范企业", "enterprises"),
    ("training_classes", "专题培训班次", "classes"),
    ("trainees", "专题培训人数", "people"),
    ("incubated_hosts", "孵化网红达人", "people"),
):
    register(_key, _label, _unit, MANUAL)(_manual(_key))
