"""API: the express-volume statistic (快递业务量) at GET /api/kpi/express."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from youpin.accounts.scoping import scope_for
from youpin.logistics.statistics import express_volume
from youpin.logistics.statistics_formulas import DEFAULT_DIMENSIONS, DIMENSIONS

router = Router(tags=["express"])


class ExpressRowOut(Schema):
    """One row of a breakdown, or the total: this period beside the same period last year."""

    key: str
    label: str
    collected: int
    collected_previous: int | None
    collected_growth_pct: float | None
    delivered: int
    delivered_previous: int | None
    delivered_growth_pct: float | None
    e_waybill: int
    e_waybill_share_pct: float | None
    delivered_at_station: int
    station_share_pct: float | None
    delivered_at_locker: int
    locker_share_pct: float | None
    collected_mean_hours: float | None
    delivered_mean_hours: float | None


class RegionOut(Schema):
    """The region counted: NBS code, name and the code prefix of places inside it."""

    code: str
    name: str
    prefix: str


class CarrierOut(Schema):
    """The carrier a carrier account's report is limited to."""

    code: str
    name: str


class PeriodOut(Schema):
    """The half-open period counted, in Asia/Shanghai."""

    start: str
    end: str
    timezone: str


class MedianHoursOut(Schema):
    """Median collection-to-delivery hours of the collected and of the delivered parcels."""

    collected: float | None
    delivered: float | None


class ExpressReportOut(Schema):
    """Express volume (collected in the region) and delivered volume, with breakdowns."""

    statistic: str
    definition: str
    region: RegionOut
    carrier: CarrierOut | None
    year: int
    month: int | None
    period: PeriodOut
    total: ExpressRowOut
    directions: list[ExpressRowOut]
    median_hours: MedianHoursOut
    breakdowns: dict[str, list[ExpressRowOut]]


@router.get(
    "",
    response=ExpressReportOut,
    summary="快递业务量（揽收量与派送量）",
    description=(
        "计划口径的快递业务量：在区域内揽收的包裹（出港 + 区内互寄），按揽收时间计；"
        "派送量：在区域内签收的包裹（进港 + 区内互寄），按签收时间计；均按北京时间。"
        f"分组 `by` 可选 {', '.join(DIMENSIONS)}（可重复或逗号分隔）。"
        "政府官员看本辖区，快递公司看本公司包裹，运营方看全部；其他角色 403。"
    ),
)
def express_report(
    request: HttpRequest,
    year: int | None = None,
    month: int | None = None,
    by: list[str] = Query(None),  # noqa: B008 - django-ninja declares repeated parameters so
    region: str | None = None,
) -> dict[str, Any]:
    """The caller's express-volume report; 400 for bad input, 403 for roles without access."""
    scope = scope_for(request.user)
    try:
        report = express_volume(
            scope,
            year=year or timezone.localdate().year,
            month=month,
            by=by or DEFAULT_DIMENSIONS,
            region_code=region,
        )
    except ValueError as exc:
        raise HttpError(400, str(exc)) from exc
    return report.as_dict()
