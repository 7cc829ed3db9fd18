"""API: daily fact series (read-only, scoped by role) at /api/facts/."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from youpin.accounts.scoping import request_scope
from youpin.facts.selectors import (
    GRAINS,
    SalesQuery,
    facts_state,
    parcel_series,
    sales_series,
    station_series,
)

router = Router(tags=["facts"])


class SeriesParams(Schema):
    """The days and the grain of a series."""

    first: date
    last: date
    grain: str = "day"
    county: str | None = None


class SalesPoint(Schema):
    """Sold orders and money (fen) of one period."""

    period: str
    orders: int
    lead_orders: int
    paid_fen: int
    refunded_fen: int
    net_fen: int


class ParcelPoint(Schema):
    """Parcels of one period and side."""

    period: str
    parcels: int
    e_waybill: int
    at_station: int
    at_locker: int
    timed: int
    transit_seconds: int


class StationPoint(Schema):
    """Station operations of one period and raw code."""

    period: str
    operation: str
    events: int
    parcels: int


class StateOut(Schema):
    """When the facts were last refreshed."""

    refreshed_at: str | None
    mode: str
    seconds: float


def _check(params: SeriesParams) -> None:
    """Refuse a bad grain, county or day range with a 400."""
    if params.grain not in GRAINS:
        raise HttpError(400, f"grain 应为 {', '.join(GRAINS)} 之一")
    if params.last < params.first:
        raise HttpError(400, "last 早于 first")
    if (params.last - params.first).days > 366 * 10:
        raise HttpError(400, "日期范围不能超过十年")
    if params.county is not None and not (params.county.isdigit() and len(params.county) <= 12):
        raise HttpError(400, "county 应为数字区划代码前缀")


@router.get("/sales", response=list[SalesPoint], summary="销售日事实序列（分）")
def sales(
    request: HttpRequest,
    params: Query[SeriesParams],
    local_only: bool = True,
    sales_class: str | None = None,
    platform: str | None = None,
) -> list[dict[str, Any]]:
    """Orders and money per period; Zhongwei sellers only unless `local_only=false`."""
    _check(params)
    query = SalesQuery(
        params.first,
        params.last,
        local_only=local_only,
        county=params.county,
        sales_class=sales_class,
        platform=platform,
    )
    return sales_series(request_scope(request), query, params.grain)


@router.get("/parcels", response=list[ParcelPoint], summary="包裹日事实序列")
def parcels(
    request: HttpRequest, params: Query[SeriesParams], side: str = "collected"
) -> list[dict[str, Any]]:
    """Parcels collected (or delivered) in the region per period."""
    _check(params)
    if side not in ("collected", "delivered"):
        raise HttpError(400, "side 应为 collected 或 delivered")
    return parcel_series(
        request_scope(request),
        params.first,
        params.last,
        side=side,
        grain=params.grain,
        county=params.county,
    )


@router.get("/stations", response=list[StationPoint], summary="站点操作日事实序列")
def stations(
    request: HttpRequest, params: Query[SeriesParams], station: int | None = None
) -> list[dict[str, Any]]:
    """Station operations per period and raw code."""
    _check(params)
    return station_series(
        request_scope(request), params.first, params.last, grain=params.grain, station_id=station
    )


@router.get("/status", response=StateOut, summary="事实表最近刷新")
def status(request: HttpRequest) -> dict[str, Any]:
    """When the facts were last refreshed (any signed-in user)."""
    request_scope(request)
    state = facts_state()
    if state is None or state.refreshed_at is None:
        return {"refreshed_at": None, "mode": "", "seconds": 0.0}
    return {
        "refreshed_at": state.refreshed_at.isoformat(),
        "mode": state.last_mode,
        "seconds": round(state.last_seconds, 3),
    }
