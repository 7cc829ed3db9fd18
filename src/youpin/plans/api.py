"""API: plans, targets with their yearly path, and progress (read-only) at /api/plans/."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from youpin.accounts.scoping import request_scope
from youpin.plans.models import Plan, Target
from youpin.plans.selectors import plan_progress, plans_all, target_path

router = Router(tags=["plans"])


class PlanOut(Schema):
    """A plan."""

    slug: str
    name: str
    document: str
    region_code: str
    base_year: int
    target_year: int
    is_default: bool


class TargetOut(Schema):
    """A target with its planned value per year (amounts as strings)."""

    code: str
    name: str
    unit: str
    target_value: str
    base_value: str | None
    annual_growth_pct: str | None
    trajectory: str
    measure: str
    note: str
    path: dict[str, str]


class PlanDetailOut(PlanOut):
    """A plan with its targets and its source."""

    source: str
    targets: list[TargetOut]


class ProgressOut(Schema):
    """A target in one year: planned, actual and attainment."""

    code: str
    name: str
    unit: str
    year: int
    planned: str | None
    actual: str | None
    attainment_pct: str | None
    source: str
    note: str


def _plan(plan: Plan) -> dict[str, Any]:
    """A plan as data."""
    return {
        "slug": plan.slug,
        "name": plan.name,
        "document": plan.document,
        "region_code": plan.region_code,
        "base_year": plan.base_year,
        "target_year": plan.target_year,
        "is_default": plan.is_default,
    }


def _text(value: Any) -> str | None:
    """A decimal as a string, None as None."""
    return None if value is None else str(value)


def _target(t: Target) -> dict[str, Any]:
    """A target as data, with its path."""
    return {
        "code": t.code,
        "name": t.name,
        "unit": t.unit,
        "target_value": str(t.target_value),
        "base_value": _text(t.base_value),
        "annual_growth_pct": _text(t.annual_growth_pct),
        "trajectory": t.trajectory,
        "measure": t.measure,
        "note": t.note,
        "path": {str(y): str(v) for y, v in target_path(t).items()},
    }


@router.get("", response=list[PlanOut], summary="规划列表")
def plan_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Every plan (public documents; any signed-in user)."""
    request_scope(request)
    return [_plan(p) for p in plans_all()]


@router.get("/{slug}", response=PlanDetailOut, summary="规划及其目标、逐年路径")
def plan_detail(request: HttpRequest, slug: str) -> dict[str, Any]:
    """A plan with its targets and their yearly paths."""
    request_scope(request)
    plan = get_object_or_404(Plan, slug=slug)
    targets = plan.targets.select_related("plan").prefetch_related("years")
    return {**_plan(plan), "source": plan.source, "targets": [_target(t) for t in targets]}


@router.get("/{slug}/progress", response=list[ProgressOut], summary="规划目标进度（按年）")
def plan_progress_view(request: HttpRequest, slug: str, year: int) -> list[dict[str, Any]]:
    """Planned and actual value of each target in a year, in the caller's region."""
    scope = request_scope(request)
    if not 2000 <= year <= 2100:
        raise HttpError(400, "year 应在 2000–2100 之间")
    plan = get_object_or_404(Plan, slug=slug)
    return [
        {
            "code": p.target.code,
            "name": p.target.name,
            "unit": p.target.unit,
            "year": p.year,
            "planned": _text(p.planned),
            "actual": _text(p.actual),
            "attainment_pct": _text(p.attainment_pct),
            "source": p.source,
            "note": p.note,
        }
        for p in plan_progress(scope, plan, year)
    ]
