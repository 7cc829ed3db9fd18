"""API of youpin.delivery: daily plans (list, detail) and the monthly savings, scoped per role.

Operator: every plan. Official: the plans of its region's hubs, and the savings. Carrier: the
plans carrying its parcels, with only its own routes, stops and parcels. Other roles: 403.
A plan outside the caller's scope answers 404.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from youpin.accounts.models import Role
from youpin.accounts.scoping import request_scope
from youpin.delivery.present import plan_detail, plan_summary
from youpin.delivery.selectors import plans_visible, savings_by_month

router = Router(tags=["delivery"])


@router.get("/plans", response=list[dict[str, Any]], summary="共同配送日计划列表")
def plan_list(
    request: HttpRequest, day: str | None = None, hub: int | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """Plans the caller may see, newest first; filter by day (YYYY-MM-DD) or hub id."""
    scope = request_scope(request)
    qs = plans_visible(scope)
    if day:
        qs = qs.filter(day=day)
    if hub:
        qs = qs.filter(hub_id=hub)
    plans = qs.order_by("-day", "hub_id")[: max(1, min(limit, 1000))]
    if scope.role == Role.CARRIER:
        keep = ("id", "hub", "hub_id", "county_code", "day")
        return [{k: plan_summary(p)[k] for k in keep} for p in plans]
    return [plan_summary(p) for p in plans]


@router.get("/plans/{plan_id}", response=dict[str, Any], summary="共同配送日计划详情")
def plan_get(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    """A plan: routes with stops and parcels, line parcels, unplanned parcels, the comparison."""
    scope = request_scope(request)
    plan = plans_visible(scope).filter(pk=plan_id).first()
    if plan is None:
        raise HttpError(404, "没有这个计划")
    return plan_detail(plan, scope)


@router.get("/savings", response=list[dict[str, Any]], summary="共同配送节约（按月、县区）")
def savings(request: HttpRequest, year: int) -> list[dict[str, Any]]:
    """Joint delivery against each carrier alone, summed per month and county."""
    return savings_by_month(request_scope(request), year)
