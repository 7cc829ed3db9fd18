"""Online retail sales (网络零售额) of Zhongwei sellers, as docs/STATISTICS.md defines them.

`retail_sales(scope, year=…)` returns a `RetailReport`: net and gross sales with the physical
goods, services, unclassified and farm-product figures beside them, breakdowns by the
requested dimensions, and year-on-year growth against the same period a year earlier.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.catalog.models import Category, Merchant
from youpin.commerce import retail_queries as q
from youpin.commerce.retail_breakdowns import (
    CUR,
    DIMENSIONS,
    PREV,
    ReportData,
    ReportRequest,
    breakdown,
)
from youpin.commerce.retail_formulas import (
    FARM,
    GOODS,
    SERVICES,
    UNCLASSIFIED,
    Allocation,
    Tally,
    allocate,
    category_classes,
    comparison_window,
    report_window,
)
from youpin.commerce.retail_report import (
    Breakdown,
    Figures,
    RetailReport,
    Row,
    make_row,
    report_as_json,
)
from youpin.geo.models import Level, Place

__all__ = [
    "DIMENSIONS",
    "Breakdown",
    "Figures",
    "RetailQueryError",
    "RetailReport",
    "Row",
    "parse_dimensions",
    "report_as_json",
    "retail_sales",
]

MIN_YEAR, MAX_YEAR = 2000, 2100
_ROLES_WITH_ACCESS = {Role.OPERATOR, Role.OFFICIAL, Role.MERCHANT}


class RetailQueryError(ValueError):
    """A request for the statistic that cannot be answered (bad year, month, dimension, area)."""


def retail_sales(
    scope: Scope,
    *,
    year: int,
    month: int | None = None,
    by: Sequence[str] = (),
    county: str | None = None,
    as_of: date | None = None,
) -> RetailReport:
    """Compute online retail sales of Zhongwei sellers for a year or month in a scope."""
    check_access(scope)
    dims = parse_dimensions(by)
    _check_period(year, month)
    county_prefix = _county_prefix(scope, county)
    today = as_of or timezone.localdate()
    window = report_window(year, month, today)
    req = ReportRequest(scope, county_prefix, window, comparison_window(window, month), month)
    cube = q.order_cube(scope, req.windows, county_prefix)
    total = {PREV: Tally(), CUR: Tally()}
    other = {PREV: Tally(), CUR: Tally()}
    for (period, local, _, _), t in cube.items():
        (total if local else other)[period].add(t.gross, t.refunded, orders=t.orders)
    alloc = _allocations(req)
    data = ReportData(cube, (alloc[PREV], alloc[CUR]))
    base = total[CUR].net

    def headline(key: str, label: str, pair: dict[int, Tally]) -> Row:
        return make_row(key, label, pair[CUR], pair[PREV], base, group=key)

    def of_class(kind: str) -> dict[int, Tally]:
        return {p: alloc[p].by_class[kind] for p in (PREV, CUR)}

    return RetailReport(
        year=year,
        month=month,
        as_of=today,
        scope=scope_label(scope),
        county=None if county_prefix is None else county_prefix.ljust(12, "0"),
        period=window,
        comparison=req.comparison,
        total=headline("total", "网络零售额", total),
        goods=headline(GOODS, "实物商品", of_class(GOODS)),
        services=headline(SERVICES, "服务", of_class(SERVICES)),
        unclassified=headline(UNCLASSIFIED, "未分类（未匹配商品）", of_class(UNCLASSIFIED)),
        farm=headline(FARM, "农产品", of_class(FARM)),
        other_sellers=headline("other_sellers", "非中卫卖家（不计入）", other),
        breakdowns=tuple(breakdown(d, req, base, data) for d in dims),
    )


def parse_dimensions(by: Iterable[str]) -> list[str]:
    """Split and check dimension names (`county,platform` or several values), keeping order."""
    dims: list[str] = []
    for item in by:
        for part in str(item).split(","):
            name = part.strip()
            if not name:
                continue
            if name not in DIMENSIONS:
                raise RetailQueryError(f"未知的分组维度：{name!r}（可选：{', '.join(DIMENSIONS)}）")
            if name not in dims:
                dims.append(name)
    return dims


def check_access(scope: Scope) -> None:
    """Only the operator, officials and merchants (their own sales) see the statistic."""
    if scope.role not in _ROLES_WITH_ACCESS:
        raise PermissionDenied("该角色无权查看网络零售额统计")
    if scope.role == Role.MERCHANT and scope.merchant_id is None:
        raise PermissionDenied("该商户账户未关联商户")


def scope_label(scope: Scope) -> str:
    """Describe whose sales a scope covers, in Chinese."""
    if scope.role == Role.OPERATOR:
        return "全部（平台运营方）"
    if scope.role == Role.OFFICIAL:
        code = scope.region_code or scope.region_prefix.ljust(12, "0")
        place = Place.objects.filter(code=code).first()
        return f"{place.name if place else code}（政府官员）"
    merchant = Merchant.objects.filter(pk=scope.merchant_id or 0).first()
    return f"{merchant.name if merchant else '—'}（商户）"


def _check_period(year: int, month: int | None) -> None:
    """Refuse years and months outside the calendar the platform covers."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise RetailQueryError(f"年份应在 {MIN_YEAR}–{MAX_YEAR} 之间：{year}")
    if month is not None and not 1 <= month <= 12:
        raise RetailQueryError(f"月份应在 1–12 之间：{month}")


def _county_prefix(scope: Scope, county: str | None) -> str | None:
    """Check a county filter: a county of the region, within what the scope may see."""
    if not county:
        return None
    code = county.strip()
    code = code.ljust(12, "0") if code.isdigit() and len(code) == 6 else code
    place = Place.objects.filter(code=code, level=Level.COUNTY).first()
    if place is None or not code.startswith(q.region_prefix()):
        raise RetailQueryError(f"不是本市的区县代码：{county!r}")
    prefix = place.prefix
    if scope.role == Role.OFFICIAL and not (
        prefix.startswith(scope.region_prefix) or scope.region_prefix.startswith(prefix)
    ):
        raise PermissionDenied("无权查看辖区以外的区县")
    return prefix


def _allocations(req: ReportRequest) -> dict[int, Allocation]:
    """Split each window's sales onto categories and classes (goods, services, …).

    Orders whose lines are all of one category (most) are summed in the database; only orders
    mixing categories are split line by line, exactly, in Python.
    """
    classes = {
        pk: category_classes(farm, service)
        for pk, farm, service in Category.objects.values_list("pk", "is_farm_product", "is_service")
    }
    pure, mixed = q.category_tallies(req.orders())
    lines = q.mixed_line_rows(mixed)
    result = {p: allocate(lines.get(p, []), classes) for p in (PREV, CUR)}
    for (period, category), t in pure.items():
        alloc = result[period]
        alloc.by_category.setdefault(category, Tally()).add(t.gross, t.refunded, orders=t.orders)
        kinds = classes.get(category, (UNCLASSIFIED,)) if category is not None else (UNCLASSIFIED,)
        for kind in kinds:
            alloc.by_class[kind].add(t.gross, t.refunded, orders=t.orders)
    return result
