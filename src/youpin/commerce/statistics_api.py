"""API: online retail sales (网络零售额) in the caller's scope, as the CLI's JSON."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from youpin.accounts.scoping import scope_for
from youpin.commerce.statistics import (
    DIMENSIONS,
    RetailQueryError,
    report_as_json,
    retail_sales,
)

router = Router(tags=["retail"])


class FiguresOut(Schema):
    """Orders and amounts (CNY, as strings like "1234.50") of some sales."""

    orders: int
    gross: str
    refunded: str
    net: str


class RowOut(FiguresOut):
    """One line of the report with last year's figures, growth and share (per cent)."""

    key: str
    label: str
    group: str
    previous: FiguresOut | None
    growth_pct: str | None
    share_pct: str | None


class WindowOut(Schema):
    """Calendar days (Asia/Shanghai), first and last included."""

    first: str
    last: str
    partial: bool


class BreakdownOut(Schema):
    """The statistic split by one dimension."""

    dimension: str
    label: str
    rows: list[RowOut]


class ShopAttributionOut(FiguresOut):
    """A shop the bases disagree on: its place per basis and whether each counts it."""

    shop_id: int
    name: str
    places: dict[str, str]
    counted: dict[str, bool]


class AttributionOut(Schema):
    """The figure under every basis, the chosen basis's fallbacks, the differing shops."""

    basis: str
    bases: list[RowOut]
    location_unknown: RowOut
    differences: list[ShopAttributionOut]


class RetailReportOut(Schema):
    """Online retail sales of Zhongwei sellers for a year or a month (docs/STATISTICS.md)."""

    statistic: str
    year: int
    month: int | None
    as_of: str
    scope: str
    county: str | None
    currency: str
    period: WindowOut
    comparison: WindowOut
    total: RowOut
    goods: RowOut
    services: RowOut
    unclassified: RowOut
    farm: RowOut
    other_sellers: RowOut
    breakdowns: list[BreakdownOut]
    basis: str | None = None
    verified: bool | None = None
    attribution: AttributionOut | None = None
    verification: list[RowOut] | None = None


def _optional_int(name: str, text: str | None) -> int | None:
    """An optional integer query parameter; empty means absent."""
    if text is None or not text.strip():
        return None
    try:
        return int(text)
    except ValueError as exc:
        raise HttpError(400, f"参数 {name} 应为整数：{text!r}") from exc


def _optional_date(text: str | None) -> date | None:
    """An optional YYYY-MM-DD query parameter."""
    if text is None or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise HttpError(400, f"参数 as_of 应为 YYYY-MM-DD：{text!r}") from exc


@router.get(
    "",
    response=RetailReportOut,
    exclude_unset=True,  # the basis and verification parts only when asked for
    summary="网络零售额（中卫卖家，净额与同比）",
    description=(
        "按角色范围返回网络零售额：运营方看全部，官员看辖区，商户看本店。"
        f"`by` 可重复或逗号分隔：{', '.join(DIMENSIONS)}。金额为字符串（元，两位小数）。"
        "`basis`（operating|registered|shipping）按店铺的实际经营地、注册地或发货地归属，"
        "并列出三种口径与差异店铺；`verified=true` 只计有真实包裹核实的订单。"
    ),
)
def retail_report(
    request: HttpRequest,
    year: str,
    month: str | None = None,
    by: list[str] = Query([]),  # noqa: B008 - django-ninja declares query lists this way
    county: str | None = None,
    as_of: str | None = None,
    basis: str | None = None,
    verified: bool = False,
) -> dict[str, Any]:
    """Compute the statistic for the caller's scope."""
    scope = scope_for(request.user)
    year_value = _optional_int("year", year)
    if year_value is None:
        raise HttpError(400, "缺少参数 year")
    try:
        report = retail_sales(
            scope,
            year=year_value,
            month=_optional_int("month", month),
            by=by,
            county=county or None,
            as_of=_optional_date(as_of),
            basis=basis or None,
            verified=verified,
        )
    except RetailQueryError as exc:
        raise HttpError(400, str(exc)) from exc
    return report_as_json(report)
