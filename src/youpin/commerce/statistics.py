"""Online retail sales (网络零售额) of Zhongwei sellers, as docs/STATISTICS.md defines them.

`retail_sales(scope, year=…)` returns a `RetailReport`: net and gross sales with the physical
goods, services, unclassified and farm-product figures beside them, breakdowns by the
requested dimensions, and year-on-year growth against the same period a year earlier.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_noop

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.catalog.models import Category, Merchant, Shop
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
    Attribution,
    Breakdown,
    Figures,
    RetailReport,
    Row,
    ShopAttribution,
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
    basis: str | None = None,
    verified: bool = False,
) -> RetailReport:
    """Compute online retail sales of Zhongwei sellers for a year or month in a scope.

    `basis` (operating, registered, shipping) chooses which of a shop's places attributes a
    sale; when given, the report also shows every basis side by side and the shops they
    disagree on. `verified` counts only orders a real parcel carried (trust app), and shows
    the reported figure beside it.
    """
    check_access(scope)
    dims = parse_dimensions(by)
    _check_period(year, month)
    if basis is not None and basis not in q.BASES:
        raise RetailQueryError(f"未知的归属口径：{basis!r}（可选：{', '.join(q.BASES)}）")
    county_prefix = _county_prefix(scope, county)
    today = as_of or timezone.localdate()
    window = report_window(year, month, today)
    req = ReportRequest(
        scope,
        county_prefix,
        window,
        comparison_window(window, month),
        month,
        basis=basis or q.DEFAULT_BASIS,
        verified=verified,
    )
    cube = q.order_cube(scope, req.windows, county_prefix, basis=req.basis, verified=req.verified)
    total = {PREV: Tally(), CUR: Tally()}
    other = {PREV: Tally(), CUR: Tally()}
    for (period, local, _, _, _), t in cube.items():
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
        basis=basis,
        verified=verified,
        attribution=None if basis is None else attribution(req, base),
        verification=verification_rows(req, base) if verified else None,
    )


def attribution(req: ReportRequest, base: int) -> Attribution:
    """Every basis's total side by side, the chosen basis's fallbacks, and differing shops."""
    region = req.county or q.region_prefix()
    totals = {b: {PREV: Tally(), CUR: Tally()} for b in q.BASES}
    fallback = {PREV: Tally(), CUR: Tally()}
    shops: dict[int, tuple[dict[str, str], dict[str, bool], Tally]] = {}
    cube = q.shop_places_cube(req.scope, req.windows, req.county, verified=req.verified)
    for (period, registered, shop, op, rg, sp, merchant), t in cube.items():
        places = {
            "operating": op or merchant,
            "registered": rg or merchant,
            "shipping": sp or op or merchant,
        }
        unknown = {"operating": op is None, "registered": rg is None, "shipping": sp is None}
        counted = {b: registered and places[b].startswith(region) for b in q.BASES}
        for b in q.BASES:
            if counted[b]:
                totals[b][period].add(t.gross, t.refunded, orders=t.orders)
        if counted[req.basis] and unknown[req.basis]:
            fallback[period].add(t.gross, t.refunded, orders=t.orders)
        if period == CUR and len(set(counted.values())) > 1:
            entry = shops.setdefault(shop, (places, counted, Tally()))
            entry[2].add(t.gross, t.refunded, orders=t.orders)
    names = dict(Shop.objects.filter(pk__in=list(shops)).values_list("pk", "name"))
    differences = tuple(
        ShopAttribution(
            shop_id=pk,
            name=names.get(pk, str(pk)),
            places=places,
            counted=counted,
            figures=Figures.of(tally),
        )
        for pk, (places, counted, tally) in sorted(
            shops.items(), key=lambda kv: (-kv[1][2].net, kv[0])
        )
    )
    labels = {"operating": "按实际经营地", "registered": "按注册地", "shipping": "按发货地"}
    return Attribution(
        basis=req.basis,
        bases=tuple(
            make_row(b, labels[b], totals[b][CUR], totals[b][PREV], base, group="basis")
            for b in q.BASES
        ),
        location_unknown=make_row(
            "location_unknown",
            "店铺未登记该地点（按商户经营地计）",
            fallback[CUR],
            fallback[PREV],
            base,
            group="basis",
        ),
        differences=differences,
    )


def verification_rows(req: ReportRequest, base: int) -> tuple[Row, ...]:
    """The reported figure split by verification state (not yet checked orders apart)."""
    reported = ReportRequest(
        req.scope, req.county, req.window, req.comparison, req.month, basis=req.basis
    )
    found = q.tallies(reported.orders(), "verification__state")
    labels = {  # Chinese in reports and the API; the data-quality page translates them
        "reported": gettext_noop("上报（全部订单）"),
        "verified": gettext_noop("已核实（有真实包裹）"),
        "unverified": gettext_noop("未核实"),
        "suspicious": gettext_noop("可疑"),
        None: gettext_noop("尚未核对"),
    }
    pair: dict[Any, dict[int, Tally]] = {k: {PREV: Tally(), CUR: Tally()} for k in labels}
    for (period, state), t in found.items():
        for key in ("reported", state):
            pair[key if key in pair else None][period].add(t.gross, t.refunded, orders=t.orders)
    return tuple(
        make_row(k or "not_checked", label, pair[k][CUR], pair[k][PREV], base, group="verification")
        for k, label in labels.items()
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
    classes[q.TITLE_SERVICE] = (SERVICES,)
    classes[q.TITLE_GOODS] = (GOODS,)
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
