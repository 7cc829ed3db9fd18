"""What the cockpit page shows: parsed filters, tiles, their charts, drill-down and map rows."""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.catalog.models import Platform
from youpin.cockpit.savings import SavingTile, saving_tile
from youpin.cockpit.tiles import (
    MAP_MEASURES,
    AreaValue,
    Tile,
    by_area,
    default_as_of,
    normalise_filters,
    tiles,
)
from youpin.commerce.retail_queries import code_prefix
from youpin.facts.models import SalesClass
from youpin.plans.models import Plan
from youpin.plans.selectors import plan_default

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
CODE_RE = re.compile(r"^\d{6}(\d{3})?(\d{3})?$")


class CockpitQueryError(ValueError):
    """A filter value the cockpit cannot take (answered with 400)."""


@dataclass(frozen=True)
class Query:
    """The cockpit's request, checked: period, place, platform, carrier, category, map measure."""

    as_of: date
    month: str
    county: str
    township: str
    platform: str
    carrier: str
    category: str
    measure: str

    def params(self, **changes: str) -> dict[str, str]:
        """The query as URL parameters, with some changed (empty values left out)."""
        data = {
            "month": self.month,
            "county": self.county,
            "township": self.township,
            "platform": self.platform,
            "carrier": self.carrier,
            "category": self.category,
            "measure": self.measure,
        }
        data.update(changes)
        return {k: v for k, v in data.items() if v}


def parse_query(scope: Scope, params: Mapping[str, str], today: date | None = None) -> Query:
    """Read the filters from GET parameters (400 on malformed values)."""
    month = (params.get("month") or "").strip()
    last = default_as_of(scope, today)
    if month:
        m = MONTH_RE.match(month)
        if not m or not 1 <= int(m.group(2)) <= 12 or not 2000 <= int(m.group(1)) <= 2100:
            raise CockpitQueryError("月份格式应为 YYYY-MM")
        y, mo = int(m.group(1)), int(m.group(2))
        end = date(y, mo, calendar.monthrange(y, mo)[1])
        as_of = min(end, last) if (y, mo) == (last.year, last.month) else end
    else:
        as_of = last
        month = f"{as_of:%Y-%m}"
    county = (params.get("county") or "").strip()
    township = (params.get("township") or "").strip()
    for code in (county, township):
        if code and not CODE_RE.match(code):
            raise CockpitQueryError("地区代码应为6、9或12位数字")
    county = county[:6]
    township = township[:9]
    if township and len(township) < 9:
        raise CockpitQueryError("乡镇代码应为9位或12位数字")
    if township:
        county = township[:6]
    platform = (params.get("platform") or "").strip()
    if platform and platform not in Platform.values:
        raise CockpitQueryError("未知的平台")
    category = (params.get("category") or "").strip()
    if category and category not in SalesClass.values:
        raise CockpitQueryError("未知的商品类别")
    carrier = (params.get("carrier") or "").strip()
    measure = (params.get("measure") or "retail_sales").strip()
    if measure not in MAP_MEASURES:
        raise CockpitQueryError("地图不支持该度量")
    if carrier:
        try:
            normalise_filters(None, None, None, carrier, None)
        except ValueError as exc:
            raise CockpitQueryError(str(exc)) from None
    return Query(as_of, month, county, township, platform, carrier, category, measure)


@dataclass(frozen=True)
class Crumb:
    """One step of the drill-down path."""

    label: str
    params: dict[str, str]
    current: bool


@dataclass(frozen=True)
class AreaRow:
    """A row of the drill-down table (and a region of the map)."""

    code: str
    name: str
    value: Decimal
    previous: Decimal
    yoy_pct: Decimal | None
    params: dict[str, str]


@dataclass(frozen=True)
class CockpitPage:
    """Everything the cockpit template needs."""

    plan: Plan | None
    query: Query
    region_name: str
    crumbs: list[Crumb]
    tiles: list[Tile]
    charts: list[dict[str, Any]]
    chart_codes: set[str]
    area_level: str
    areas: list[AreaRow]
    map_data: dict[str, Any]
    saving: SavingTile | None
    options: dict[str, Any]
    report_month: str
    verified_measures: tuple[str, ...] = ("retail_sales",)


def _place_names(codes: list[str]) -> dict[str, str]:
    """Names of places by code prefix (6 or 9 digits)."""
    from youpin.geo.models import Place

    full = {c.ljust(12, "0"): c for c in codes}
    return {full[p.code]: p.name for p in Place.objects.filter(code__in=list(full))}


def _num(value: Decimal | None) -> float | None:
    """A Decimal as a float for the charts (None stays None)."""
    return float(value) if value is not None else None


def tile_chart(tile: Tile) -> dict[str, Any]:
    """The ECharts data of a tile: months (actual, planned pace, forecast band) or years;
    empty when there is nothing measured or forecast to draw."""
    monthly = any(p.actual is not None for p in tile.months)
    if monthly:
        points: list[Any] = list(tile.months)
        labels = [p.month for p in points]
    else:
        points = list(tile.years)
        labels = [str(p.year) for p in points]
    if not any(p.actual is not None or p.forecast is not None for p in points):
        return {}
    lower = [_num(p.lower) for p in points]
    upper = [_num(p.upper) for p in points]
    band = [
        (u - lo) if u is not None and lo is not None else None
        for u, lo in zip(upper, lower, strict=True)
    ]
    return {
        "id": f"tile-chart-{tile.code}",
        "kind": "monthly" if monthly else "yearly",
        "labels": labels,
        "actual": [_num(p.actual) for p in points],
        "planned": [_num(p.planned) for p in points],
        "forecast": [_num(p.forecast) for p in points],
        "lower": lower,
        "band": band,
        "unit": tile.unit_label,
    }


def _root(scope: Scope) -> tuple[str, str]:
    """The code prefix and name the drill-down starts from (the scope's region)."""
    code = (
        scope.region_code
        if scope.role == Role.OFFICIAL and scope.region_code
        else str(settings.YOUPIN_REGION_CODE)
    )
    prefix = code_prefix(code)
    return prefix, _place_names([prefix]).get(prefix, prefix)


def cockpit_page(scope: Scope, query: Query) -> CockpitPage:
    """Assemble the page: tiles for the filters, the drill-down table and the county map."""
    plan = plan_default()
    root_prefix, root_name = _root(scope)
    county = query.county or (root_prefix if len(root_prefix) == 6 else "")
    township = query.township
    names = _place_names([c for c in (county, township) if c])
    crumbs = [Crumb(root_name, query.params(county="", township=""), not (county or township))]
    if county and county != root_prefix:
        crumbs.append(
            Crumb(names.get(county, county), query.params(county=county, township=""), False)
        )
    if township:
        crumbs.append(Crumb(names.get(township, township), query.params(township=township), False))
    crumbs = [Crumb(c.label, c.params, i == len(crumbs) - 1) for i, c in enumerate(crumbs)]

    tile_list: list[Tile] = []
    if plan is not None:
        tile_list = tiles(
            scope,
            plan,
            query.as_of,
            county=query.county or None,
            township=township or None,
            platform=query.platform or None,
            carrier=query.carrier or None,
            category=query.category or None,
            with_verified=False,
        )
    charts = [tile_chart(t) for t in tile_list]
    area_values = by_area(
        scope,
        query.measure,
        query.as_of,
        county=county or None,
        platform=query.platform or None,
        carrier=query.carrier or None,
        category=query.category or None,
    )
    level = "township" if county else "county"
    area_names = _place_names([a.code for a in area_values])
    areas = [_area_row(a, area_names, query, level) for a in area_values]
    county_values = (
        area_values
        if level == "county"
        else by_area(
            scope,
            query.measure,
            query.as_of,
            platform=query.platform or None,
            carrier=query.carrier or None,
            category=query.category or None,
        )
    )
    county_names = _place_names([a.code for a in county_values])
    map_data = {
        "label": MAP_MEASURES[query.measure],
        "selected": county,
        "regions": [
            {
                "name": county_names.get(a.code, a.code),
                "code": a.code,
                "value": float(a.value),
                "url": "?" + _urlencode(query.params(county=a.code, township="")),
            }
            for a in county_values
        ],
    }
    return CockpitPage(
        plan=plan,
        query=query,
        region_name=root_name,
        crumbs=crumbs,
        tiles=tile_list,
        charts=[c for c in charts if c],
        chart_codes={c["id"].removeprefix("tile-chart-") for c in charts if c},
        area_level=level,
        areas=areas,
        map_data=map_data,
        saving=saving_tile(scope, query.as_of, township or county),
        options=_options(),
        report_month=query.month,
    )


def _urlencode(params: dict[str, str]) -> str:
    """URL parameters as a query string."""
    from urllib.parse import urlencode

    return urlencode(params)


def _area_row(a: AreaValue, names: dict[str, str], query: Query, level: str) -> AreaRow:
    """A drill-down row with the parameters that open it."""
    params = (
        query.params(county=a.code, township="")
        if level == "county"
        else query.params(county=a.code[:6], township=a.code)
    )
    name = names.get(a.code, a.code)
    if level == "township" and a.code.endswith("000"):
        name = f"{name}（未细化到乡镇）"
    return AreaRow(a.code, name, a.value, a.previous, a.yoy_pct, params)


def _options() -> dict[str, Any]:
    """Choices of the filter form."""
    from youpin.logistics.models import Carrier

    return {
        "platforms": list(Platform.choices),
        "categories": list(SalesClass.choices),
        "carriers": list(Carrier.objects.order_by("code").values_list("code", "name")),
        "measures": list(MAP_MEASURES.items()),
    }
