"""API of youpin.cockpit: the tiles at /api/cockpit/tiles (the same selector as the page)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from youpin.accounts.scoping import request_scope
from youpin.cockpit.page import CockpitQueryError, parse_query
from youpin.cockpit.tiles import Tile, check_cockpit_access, tiles
from youpin.plans.models import Plan
from youpin.plans.selectors import plan_default

router = Router(tags=["cockpit"])


class MonthOut(Schema):
    """One month: actual, planned pace, forecast and interval (amounts as strings)."""

    month: str
    actual: str | None
    planned: str | None
    forecast: str | None
    lower: str | None
    upper: str | None


class YearOut(Schema):
    """One year: actual (year to date when partial), planned, forecast and interval."""

    year: int
    actual: str | None
    planned: str | None
    partial: bool
    forecast: str | None
    lower: str | None
    upper: str | None


class VerifiedOut(Schema):
    """Reported and verified net sales of the period (CNY as strings)."""

    reported: str
    verified: str
    unverified: str
    suspicious: str
    not_checked: str
    reported_orders: int
    verified_orders: int
    verified_pct: str | None
    computed_at: str | None


class TileOut(Schema):
    """One plan target as of a day (see docs/COCKPIT.md for every field)."""

    code: str
    name: str
    unit: str
    unit_label: str
    measure: str
    at_least: bool
    year: int
    as_of: str
    ytd: str | None
    ytd_previous: str | None
    yoy_pct: str | None
    year_planned: str | None
    year_pct: str | None
    last_year: str | None
    last_year_planned: str | None
    target_year: int
    target_value: str
    target_pct: str | None
    year_forecast: str | None
    year_lower: str | None
    year_upper: str | None
    target_forecast: str | None
    target_lower: str | None
    target_upper: str | None
    status: str
    status_label: str
    status_reason: str
    forecast_method: str
    forecast_note: str
    forecast_level: float
    source: str
    source_label: str
    freshness: str | None
    freshness_label: str
    data_through: str | None
    months: list[MonthOut]
    years: list[YearOut]
    filters_ignored: list[str]
    note: str
    verified: VerifiedOut | None


class TilesOut(Schema):
    """The tiles of a plan for the filters."""

    plan: str
    as_of: str
    tiles: list[TileOut]


def _plain(value: Any) -> Any:
    """Decimals and times as strings, dataclasses and tuples as dicts and lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def tile_data(tile: Tile) -> dict[str, Any]:
    """A tile as plain JSON data (amounts as strings)."""
    data: dict[str, Any] = _plain(tile)
    data["forecast_level"] = tile.forecast_level
    return data


@router.get("/tiles", response=TilesOut, summary="驾驶舱指标卡（每个规划目标一张）")
def tiles_view(
    request: HttpRequest,
    month: str = "",
    county: str = "",
    township: str = "",
    platform: str = "",
    carrier: str = "",
    category: str = "",
    plan: str = "",
) -> dict[str, Any]:
    """Each target of the plan (default plan unless `plan` names a slug) as of the end of
    `month` (YYYY-MM; default: the last day with facts), in the caller's scope and filters.
    Operator and officials only; an official asking for a place outside their region: 403."""
    scope = request_scope(request)
    check_cockpit_access(scope)
    params = {
        "month": month,
        "county": county,
        "township": township,
        "platform": platform,
        "carrier": carrier,
        "category": category,
    }
    try:
        query = parse_query(scope, params)
    except CockpitQueryError as exc:
        raise HttpError(400, str(exc)) from None
    chosen = get_object_or_404(Plan, slug=plan) if plan else plan_default()
    if chosen is None:
        raise HttpError(404, "尚未载入规划")
    found = tiles(
        scope,
        chosen,
        query.as_of,
        county=query.county or None,
        township=query.township or None,
        platform=query.platform or None,
        carrier=query.carrier or None,
        category=query.category or None,
    )
    return {
        "plan": chosen.slug,
        "as_of": query.as_of.isoformat(),
        "tiles": [tile_data(t) for t in found],
    }
